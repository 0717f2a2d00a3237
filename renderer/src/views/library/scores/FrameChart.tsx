import { useEffect, useMemo, useRef, type ReactNode } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { useElementWidth } from '../../../hooks/useElementWidth';
import { downloadCanvasPng } from '../../../ui/download';
import {
  alignFrames,
  frameIndex,
  yRange,
  type FrameSeriesInput,
} from '../../../model/scores/frameSeries';
import type { FrameChartAxis } from '../../../model/scores/seriesInfo';

/** One result's line in the chart. */
export interface ChartSeries extends FrameSeriesInput {
  label: string;
  color: string;
}

/** Props of {@link FrameChart}. */
export interface FrameChartProps {
  /** Lines in legend order; memoize the array, a new one redraws the chart from scratch. */
  series: readonly ChartSeries[];
  /** What the y axis shows (seriesInfo.ts `seriesAxis`); memoize it like `series`. */
  axis: FrameChartAxis;
  /** A dashed line at this value ("bad frame" threshold), or null for none. */
  threshold: number | null;
  /** A frame marked with a vertical line, its values shown in the legend. */
  highlightFrame: number | null;
  height?: number;
  testId?: string;
}

/** Tick steps of the frame axis: whole numbers only. */
const FRAME_TICKS = [
  1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 2500, 5000, 10_000, 20_000, 25_000,
  50_000, 100_000, 250_000, 500_000, 1_000_000,
];

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/**
 * Per-frame scores of several results overlaid (uPlot on a canvas): drag across to zoom in,
 * double-click to see every frame again, hover to read the frame number and each line's value in
 * the legend below; click a legend entry to hide its line. It follows its container's width.
 */
export function FrameChart({
  series,
  axis: yAxis,
  threshold,
  highlightFrame,
  height = 260,
  testId,
}: FrameChartProps): ReactNode {
  const { ref: wrapRef, width, element: wrap } = useElementWidth<HTMLDivElement>(0);
  const plotRef = useRef<uPlot | null>(null);
  const thresholdRef = useRef(threshold);
  const highlightRef = useRef(highlightFrame);
  const aligned = useMemo(() => alignFrames(series), [series]);
  const range = useMemo(
    () => yRange(aligned.values, yAxis.bounds, threshold),
    [aligned, yAxis, threshold],
  );

  useEffect(() => {
    if (!wrap || aligned.frames.length === 0) return;
    const muted = cssVar('--text-muted', '#9ba2ad');
    const faint = cssVar('--text-faint', '#6e7581');
    const grid = cssVar('--border', '#272c35');
    const font = `11px ${cssVar('--font', 'system-ui, sans-serif')}`;
    const dpr = window.devicePixelRatio || 1;

    const drawOverlays = (u: uPlot): void => {
      const { ctx } = u;
      const { left, top, width, height: h } = u.bbox;
      ctx.save();
      const limit = thresholdRef.current;
      if (limit !== null) {
        const y = Math.round(u.valToPos(limit, 'y', true));
        if (y >= top && y <= top + h) {
          ctx.strokeStyle = muted;
          ctx.lineWidth = dpr;
          ctx.setLineDash([6 * dpr, 4 * dpr]);
          ctx.beginPath();
          ctx.moveTo(left, y);
          ctx.lineTo(left + width, y);
          ctx.stroke();
          ctx.setLineDash([]);
          ctx.fillStyle = muted;
          ctx.font = `${11 * dpr}px ${cssVar('--font', 'sans-serif')}`;
          ctx.textBaseline = 'bottom';
          ctx.fillText(`${yAxis.name} ${limit}`, left + 6 * dpr, y - 3 * dpr);
        }
      }
      const frame = highlightRef.current;
      if (frame !== null) {
        const x = Math.round(u.valToPos(frame, 'x', true));
        if (x >= left && x <= left + width) {
          ctx.strokeStyle = cssVar('--warn', '#e0b052');
          ctx.lineWidth = 2 * dpr;
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, top + h);
          ctx.stroke();
        }
      }
      ctx.restore();
    };

    const axis = {
      stroke: muted,
      font,
      labelFont: font,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1, size: 4 },
    };
    const opts: uPlot.Options = {
      width: Math.max(200, wrap.clientWidth),
      height,
      scales: {
        x: { time: false },
        y: { auto: false, range: () => [range[0], range[1]] },
      },
      axes: [
        // Frame numbers are whole: never a tick at frame 0.5.
        { ...axis, label: 'Frame', labelSize: 18, incrs: FRAME_TICKS },
        {
          ...axis,
          label: yAxis.title,
          labelSize: 18,
          size: 52,
          values: (_u, splits) => splits.map((v) => v.toFixed(yAxis.decimals > 2 ? 3 : 0)),
        },
      ],
      series: [
        {
          label: 'Frame',
          value: (_u, v) => (v === null || v === undefined ? '–' : String(v)),
        },
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: 1.5,
          spanGaps: false,
          points: { show: false },
          value: (_u: uPlot, v: number | null) => yAxis.format(v),
        })),
      ],
      cursor: {
        drag: { x: true, y: false, setScale: true },
        points: { size: 6, fill: (u, i) => series[i - 1]?.color ?? faint },
      },
      legend: { live: true },
      hooks: { draw: [drawOverlays] },
    };
    const plot = new uPlot(opts, [aligned.frames, ...aligned.values], wrap);
    plotRef.current = plot;
    return () => {
      plot.destroy();
      if (plotRef.current === plot) plotRef.current = null;
    };
  }, [wrap, aligned, range, yAxis, series, height]);

  // Follow the container's width without drawing the chart anew.
  useEffect(() => {
    const plot = plotRef.current;
    if (plot && width > 0 && Math.abs(width - plot.width) > 1) plot.setSize({ width, height });
  }, [width, height]);

  useEffect(() => {
    thresholdRef.current = threshold;
    plotRef.current?.redraw(false);
  }, [threshold]);

  useEffect(() => {
    highlightRef.current = highlightFrame;
    const plot = plotRef.current;
    if (!plot) return;
    if (highlightFrame !== null) {
      const { min, max } = plot.scales.x ?? {};
      const first = aligned.frames[0];
      const last = aligned.frames[aligned.frames.length - 1];
      const outside =
        min === undefined || max === undefined || highlightFrame < min || highlightFrame > max;
      if (outside && first !== undefined && last !== undefined) {
        plot.setScale('x', { min: first, max: last });
      }
      const idx = frameIndex(aligned.frames, highlightFrame);
      if (idx !== null) plot.setLegend({ idx });
    }
    plot.redraw(false);
  }, [highlightFrame, aligned]);

  return (
    <div
      className="frame-chart"
      role="figure"
      aria-label={`Per-frame ${yAxis.name} of ${series.length} result${
        series.length === 1 ? '' : 's'
      }. Drag across the chart to zoom in; double-click to show every frame.`}
      data-testid={testId}
    >
      {aligned.frames.length === 0 ? (
        <p className="muted small frame-chart-empty">No per-frame {yAxis.name} values to show.</p>
      ) : (
        <>
          <button
            type="button"
            className="button button-small frame-chart-png"
            title="Save the chart as a PNG image"
            onClick={() => {
              const canvas = plotRef.current?.ctx.canvas;
              if (canvas) {
                downloadCanvasPng(
                  `per-frame-${yAxis.fileKey}.png`,
                  canvas,
                  cssVar('--bg-sunken', '#0b0d10'),
                ).catch((err: unknown) => console.error(err));
              }
            }}
            data-testid="frame-chart-png"
          >
            PNG
          </button>
          {/* uPlot owns everything inside this element; React never renders into it. */}
          <div className="frame-chart-plot" ref={wrapRef} />
        </>
      )}
    </div>
  );
}
