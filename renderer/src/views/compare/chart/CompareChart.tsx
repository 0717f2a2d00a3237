import {
  useEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent,
  type PointerEvent,
  type ReactNode,
} from 'react';
import type { ScoreSeries } from '../../../../../shared/score';
import { useElementWidth } from '../../../hooks/useElementWidth';
import { downloadCanvasPng } from '../../../ui/download';
import { yRange } from '../../../model/scores/frameSeries';
import {
  lowerIsBetter,
  scoreText,
  seriesBounds,
  SERIES_INFO,
  vmafMaxScoreOf,
} from '../../../model/scores/seriesInfo';
import { plotArea, plotColumns, PLOT_PADDING, xToFrame } from './chartAxes';
import { availableSeries, chartFrameCount, shownSeries, worstEntries } from './chartModel';
import { decimate } from './decimate';
import { DARK_CHART_THEME, drawFrameChart, type ChartTheme } from './drawFrameChart';
import { scoreAt, seriesOnViewerFrames, type PaneScores } from './paneScores';
import { scoresPending, useCompareScores } from './useCompareScores';
import { StalePill } from '../StalePill';

/** One pane of the viewer as the chart shows it. */
export interface CompareChartPane {
  /** Library item or rendition id (the source pane's id is the source's). */
  id: string;
  label: string;
  color: string;
}

/** Props of {@link CompareChart}. */
export interface CompareChartProps {
  /** Library item id of the source shown; null: nothing to chart. */
  sourceId: string | null;
  /** The viewer's panes in order; the source pane (id = sourceId) has no series. */
  panes: readonly CompareChartPane[];
  /** The viewer's frame (the playhead). */
  frame: number;
  /** Frames of the source (the x axis); ≤ 1 when unknown, then the scores decide. */
  frameCount: number;
  /** Asks the viewer to show this frame. */
  onSeek: (frame: number) => void;
  /**
   * The panes' scores when the viewer already holds them (`useCompareScores` with the same
   * source and panes); without it the chart fetches them itself.
   */
  scores?: ReadonlyMap<string, PaneScores>;
}

/** CSS px height of the plot canvas. */
const CHART_HEIGHT = 104;

/** Worst frames listed per pane. */
const WORST_LISTED = 8;

function cssVar(name: string, fallback: string): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return v || fallback;
}

/** The chart's colours from the app's theme variables. */
function themeFromCss(): ChartTheme {
  const d = DARK_CHART_THEME;
  return {
    background: cssVar('--surface', d.background),
    grid: cssVar('--border', d.grid),
    axisText: cssVar('--text-muted', d.axisText),
    threshold: cssVar('--text-faint', d.threshold),
    playhead: cssVar('--text', d.playhead),
    hover: cssVar('--text-faint', d.hover),
    font: `11px ${cssVar('--font', 'system-ui, sans-serif')}`,
  };
}

/** A value as the legend shows it: null is +∞ for PSNR (identical frames), else missing. */
function valueText(series: ScoreSeries, value: number | null | undefined): string {
  if (value === null && (series === 'psnrY' || series === 'psnr')) return '∞';
  return scoreText(series, value ?? null);
}

/**
 * The per-frame chart under the Compare viewer: the shown renditions' VMAF (or PSNR-Y, SSIM-Y,
 * MS-SSIM) on the source's frame axis, a playhead at the viewer's frame, a hover readout, click or
 * drag to seek, and each rendition's worst frames as buttons that seek there. Draws its own canvas
 * (min/max per pixel column), so files of 100,000 frames stay fast.
 */
export function CompareChart({
  sourceId,
  panes,
  frame,
  frameCount,
  onSeek,
  scores: given,
}: CompareChartProps): ReactNode {
  const paneKey = panes.map((p) => p.id).join('\n');
  const paneIds = useMemo(() => (paneKey === '' ? [] : paneKey.split('\n')), [paneKey]);
  // Fetches only when the viewer did not pass its own (a null source fetches nothing).
  const fetched = useCompareScores(given === undefined ? sourceId : null, paneIds);
  const scores = given ?? fetched;
  const scored = useMemo(
    () =>
      panes
        .filter((p) => p.id !== sourceId && scores.has(p.id))
        .map((p) => ({ pane: p, scores: scores.get(p.id)! })),
    [panes, scores, sourceId],
  );

  const [choice, setChoice] = useState<ScoreSeries | null>(null);
  const available = useMemo(() => availableSeries(scored.map((s) => s.scores)), [scored]);
  const series = shownSeries(choice, available);
  const n = chartFrameCount(
    frameCount,
    scored.map((s) => s.scores),
  );

  const lines = useMemo(
    () =>
      scored.map((s) => ({
        pane: s.pane,
        values: seriesOnViewerFrames(s.scores, series, n),
      })),
    [scored, series, n],
  );
  const range = useMemo(
    () =>
      yRange(
        scored.map((s) => s.scores.perFrame[series] ?? []),
        // VMAF on its model's whole scale: 0–110 when a pane's model tops out at 110.
        seriesBounds(series, vmafMaxScoreOf(scored.map((s) => s.scores))),
      ),
    [scored, series],
  );

  const canvasRef = useRef<HTMLCanvasElement>(null);
  // The canvas is drawn at the container's width (CSS px) times the screen's pixel ratio.
  const { ref: wrapRef, width } = useElementWidth<HTMLDivElement>(0);
  const [dpr, setDpr] = useState(() => window.devicePixelRatio || 1);
  const [hover, setHover] = useState<number | null>(null);
  const dragging = useRef(false);
  const lastSeek = useRef<number | null>(null);
  const hasScores = scored.length > 0;

  // Follow the screen's pixel ratio. The query fires when the ratio leaves this value (window
  // moved to another screen, browser zoom); the effect then runs again with a query for the new one.
  useEffect(() => {
    const media = window.matchMedia(`(resolution: ${dpr}dppx)`);
    const follow = (): void => setDpr(window.devicePixelRatio || 1);
    media.addEventListener('change', follow);
    return () => media.removeEventListener('change', follow);
  }, [dpr]);

  // Decimate once per data or width change; playhead and hover redraws reuse it.
  const columns = plotColumns(width, dpr);
  const decimated = useMemo(
    () =>
      lines.map((l) => ({
        values: l.values,
        color: l.pane.color,
        decimated: decimate(l.values, columns),
      })),
    [lines, columns],
  );
  const theme = useMemo(() => (hasScores ? themeFromCss() : DARK_CHART_THEME), [hasScores]);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas || width <= 0) return;
    const w = Math.round(width * dpr);
    const h = Math.round(CHART_HEIGHT * dpr);
    if (canvas.width !== w) canvas.width = w;
    if (canvas.height !== h) canvas.height = h;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    drawFrameChart(ctx, {
      width,
      height: CHART_HEIGHT,
      dpr,
      series: decimated,
      yRange: range,
      frameCount: n,
      playhead: frame,
      hover,
      theme,
    });
  }, [width, dpr, decimated, range, n, frame, hover, theme]);

  const frameAtPointer = (e: PointerEvent<HTMLCanvasElement>): number => {
    const rect = e.currentTarget.getBoundingClientRect();
    const f = xToFrame(e.clientX - rect.left, n, plotArea(rect.width, rect.height));
    return frameCount > 1 ? Math.min(f, Math.floor(frameCount) - 1) : f;
  };
  const seek = (f: number): void => {
    if (lastSeek.current === f && f === frame) return;
    lastSeek.current = f;
    onSeek(f);
  };
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>): void => {
    if (e.button !== 0 || n === 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    dragging.current = true;
    lastSeek.current = null;
    seek(frameAtPointer(e));
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>): void => {
    if (n === 0) return;
    const f = frameAtPointer(e);
    setHover(f);
    if (dragging.current && f !== lastSeek.current) seek(f);
  };
  const endDrag = (e: PointerEvent<HTMLCanvasElement>): void => {
    dragging.current = false;
    if (e.currentTarget.hasPointerCapture(e.pointerId)) {
      e.currentTarget.releasePointerCapture(e.pointerId);
    }
  };
  const onKeyDown = (e: KeyboardEvent<HTMLCanvasElement>): void => {
    if (e.altKey || e.ctrlKey || e.metaKey || n === 0) return;
    const last = (frameCount > 1 ? Math.floor(frameCount) : n) - 1;
    const big = Math.max(10, Math.round(n / 20));
    const to: Record<string, number> = {
      ArrowRight: frame + (e.shiftKey ? 10 : 1),
      ArrowLeft: frame - (e.shiftKey ? 10 : 1),
      PageDown: frame + big,
      PageUp: frame - big,
      Home: 0,
      End: last,
    };
    const target = to[e.key];
    if (target === undefined) return;
    // The viewer also steps on arrow keys; handled here, they must not step twice.
    e.preventDefault();
    e.stopPropagation();
    onSeek(Math.min(last, Math.max(0, target)));
  };

  if (!hasScores) {
    const others = panes.filter((p) => p.id !== sourceId);
    if (others.length > 0 && scoresPending(scores)) {
      return (
        <section className="compare-chart compare-chart-empty" aria-label="Per-frame scores">
          <p className="muted small" data-testid="compare-chart-loading">
            Loading scores…
          </p>
        </section>
      );
    }
    return (
      <section className="compare-chart compare-chart-empty" aria-label="Per-frame scores">
        <p className="muted small" data-testid="compare-chart-empty">
          {others.length === 0
            ? 'Add a rendition to compare to see its per-frame scores here.'
            : 'No scores for these renditions yet. Score these renditions in the Library → Scores panel; their per-frame VMAF then shows here, linked to the viewer.'}
        </p>
      </section>
    );
  }

  const info = SERIES_INFO[series];
  const hoverValues =
    hover === null ? null : scored.map((s) => ({ pane: s.pane, at: scoreAt(s.scores, hover) }));
  return (
    <section className="compare-chart" aria-label="Per-frame scores">
      <div className="compare-chart-head">
        <div className="segmented" role="group" aria-label="Series in the chart">
          {(available.length ? available : [series]).map((s) => (
            <button
              key={s}
              type="button"
              className="segment"
              aria-pressed={s === series}
              title={SERIES_INFO[s].description}
              onClick={() => setChoice(s)}
              data-testid={`chart-series-${s}`}
            >
              {SERIES_INFO[s].label}
            </button>
          ))}
        </div>
        <ul className="compare-chart-legend" aria-label={`${info.label} at frame ${frame}`}>
          {scored.map(({ pane, scores: p }) => (
            <li key={pane.id} data-testid="chart-legend" data-pane={pane.id}>
              <span className="compare-chart-swatch" style={{ background: pane.color }} />
              <span className="compare-chart-name">{pane.label}</span>
              <span className={`mono${p.stale ? ' compare-stale-value' : ''}`}>
                {valueText(series, scoreAt(p, frame)[series])}
              </span>
              {p.stale ? <StalePill reason={p.stale.reason} /> : null}
            </li>
          ))}
        </ul>
        {lowerIsBetter(series) ? (
          <span className="muted small" data-testid="compare-chart-lower-better">
            {info.label}: lower is better
          </span>
        ) : null}
        <span className="compare-chart-readout mono muted small" aria-live="off">
          {hoverValues === null
            ? `Frame ${frame}`
            : `Frame ${hover}: ${hoverValues
                .map((h) => `${h.pane.label} ${valueText(series, h.at[series])}`)
                .join(' · ')}`}
        </span>
        <button
          type="button"
          className="button button-small"
          title="Save the chart as a PNG image"
          onClick={() => {
            const canvas = canvasRef.current;
            if (canvas) {
              downloadCanvasPng(`frame-chart-${series}.png`, canvas, cssBackground()).catch(
                (err: unknown) => console.error(err),
              );
            }
          }}
          data-testid="compare-chart-png"
        >
          PNG
        </button>
      </div>
      <div
        ref={wrapRef}
        className="compare-chart-plot"
        data-frame={frame}
        data-frame-count={n}
        data-series={series}
        data-plot-left={PLOT_PADDING.left}
        data-plot-right={PLOT_PADDING.right}
      >
        <canvas
          ref={canvasRef}
          data-testid="compare-chart"
          tabIndex={0}
          role="slider"
          aria-label={`Per-frame ${info.label}: click or drag to show a frame; arrow keys step`}
          aria-valuemin={0}
          aria-valuemax={Math.max(0, n - 1)}
          aria-valuenow={frame}
          aria-valuetext={`Frame ${frame}`}
          style={{ height: CHART_HEIGHT }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={endDrag}
          onPointerCancel={endDrag}
          onPointerLeave={() => setHover(null)}
          onKeyDown={onKeyDown}
        />
      </div>
      <div className="compare-worst">
        {scored.map(({ pane, scores: p }) => (
          <WorstList key={pane.id} pane={pane} scores={p} frame={frame} onSeek={onSeek} />
        ))}
      </div>
    </section>
  );
}

/** One pane's worst frames, each a button that shows it in the viewer. */
function WorstList({
  pane,
  scores,
  frame,
  onSeek,
}: {
  pane: CompareChartPane;
  scores: PaneScores;
  frame: number;
  onSeek: (frame: number) => void;
}): ReactNode {
  const by = scores.worstBy;
  const entries = worstEntries(scores, WORST_LISTED);
  return (
    <section className="compare-worst-pane" aria-label={`Worst frames of ${pane.label}`}>
      <h3>
        <span className="compare-chart-swatch" style={{ background: pane.color }} />
        <span className="compare-worst-name" title={pane.label}>
          {pane.label}
        </span>
        <span className="compare-worst-by muted">
          · worst{by ? ` by ${SERIES_INFO[by].label}` : ''}
        </span>
      </h3>
      {entries.length === 0 ? (
        <p className="muted small">No frames to rank.</p>
      ) : (
        <ol>
          {entries.map((w) => (
            <li key={w.frame}>
              <button
                type="button"
                className="compare-worst-frame"
                aria-current={w.frame === frame ? 'true' : undefined}
                title={`Show frame ${w.frame}`}
                onClick={() => onSeek(w.frame)}
                data-testid="worst-frame"
                data-frame={w.frame}
                data-pane={pane.id}
              >
                <span className="mono">{w.frame}</span>
                <span className="mono muted">{by ? valueText(by, w.value) : ''}</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

/** The page's panel background, for saved chart images. */
function cssBackground(): string {
  const v = getComputedStyle(document.documentElement).getPropertyValue('--bg-sunken').trim();
  return v || '#15181e';
}
