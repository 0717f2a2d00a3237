/**
 * The in-page half of the chart benchmark (bench/chart.bench.ts bundles this file for Chromium):
 * draws synthetic per-frame series with the real {@link drawFrameChart} and {@link decimate} on a
 * real canvas and times it with `performance.now()`. Each timed draw ends with a one-pixel
 * `getImageData`, which makes Chromium rasterize the recorded path — without it only the recording
 * of canvas commands would be timed. Not imported by the app.
 */
import { seededRandom as random } from '../shared/seededRandom';
import { plotArea, plotColumns } from '../renderer/src/views/compare/chart/chartAxes';
import { decimate } from '../renderer/src/views/compare/chart/decimate';
import { drawFrameChart, type FrameChartSeries } from '../renderer/src/views/compare/chart/drawFrameChart';

/** What to measure. */
export interface ChartBenchOptions {
  frames: number;
  seriesCount: number;
  /** Canvas size in CSS px. */
  width: number;
  height: number;
  dpr: number;
  /** Timed repetitions (after 3 untimed warm-up draws). */
  runs: number;
  /** Timed repetitions of the naive baseline (slow: keep it small). */
  naiveRuns: number;
}

/** Median and 95th percentile of a set of timings, in ms. */
export interface Timing {
  median: number;
  p95: number;
}

/** The figures of one {@link runChartBenchmark} call. */
export interface ChartBenchResult {
  /** Decimation of every series alone. */
  decimate: Timing;
  /** A full draw from raw values: decimation, axes, series, playhead, rasterized. */
  draw: Timing;
  /** A redraw with the decimation kept (what a playhead move or hover costs in the app). */
  redraw: Timing;
  /**
   * The baseline: every frame of every series stroked as one canvas path (no decimation), on a
   * cleared canvas, rasterized the same way.
   */
  naive: Timing;
  /** Pixels of each series' colour in the plot after a draw (a draw that shows nothing fails). */
  seriesPixels: number[];
  columns: number;
}

const COLORS = ['#56b4e9', '#e69f00', '#cc79a7', '#6cc08b'];

/**
 * A VMAF-like series: a slow random walk between 60 and 98 with frame-to-frame noise, short dips
 * at scene cuts, and a few short gaps (NaN) so the gap handling is part of the cost.
 */
export function syntheticSeries(frames: number, seed: number): Float64Array {
  const rnd = random(seed);
  const out = new Float64Array(frames);
  let level = 85;
  let dip = 0;
  for (let i = 0; i < frames; i++) {
    level = Math.min(98, Math.max(60, level + (rnd() - 0.5) * 0.8));
    if (rnd() < 0.002) dip = 20 + rnd() * 30;
    dip *= 0.9;
    out[i] = Math.min(100, Math.max(0, level - dip + (rnd() - 0.5) * 3));
    if (rnd() < 0.0005) {
      const len = 1 + Math.floor(rnd() * 40);
      for (let k = 0; k < len && i < frames; k++, i++) out[i] = NaN;
    }
  }
  return out;
}

function timing(times: number[]): Timing {
  const s = [...times].sort((a, b) => a - b);
  return {
    median: s[Math.floor(s.length / 2)]!,
    p95: s[Math.min(s.length - 1, Math.ceil(s.length * 0.95) - 1)]!,
  };
}

function rgb(hex: string): [number, number, number] {
  const v = parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Pixels in the plot whose colour is within a small distance of `hex`. */
function countColour(image: ImageData, hex: string): number {
  const [r, g, b] = rgb(hex);
  const d = image.data;
  let n = 0;
  for (let i = 0; i < d.length; i += 4) {
    if (Math.abs(d[i]! - r) + Math.abs(d[i + 1]! - g) + Math.abs(d[i + 2]! - b) < 40) n++;
  }
  return n;
}

/** Runs the measurement on a fresh canvas appended to the document. */
export function runChartBenchmark(o: ChartBenchOptions): ChartBenchResult {
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(o.width * o.dpr);
  canvas.height = Math.round(o.height * o.dpr);
  canvas.style.width = `${o.width}px`;
  canvas.style.height = `${o.height}px`;
  document.body.appendChild(canvas);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas context');
  const values = Array.from({ length: o.seriesCount }, (_, i) => syntheticSeries(o.frames, i + 1));
  const columns = plotColumns(o.width, o.dpr);
  const base = {
    width: o.width,
    height: o.height,
    dpr: o.dpr,
    yRange: [0, 100] as const,
    frameCount: o.frames,
    threshold: 70,
  };
  const raw: FrameChartSeries[] = values.map((v, i) => ({ values: v, color: COLORS[i % 4]! }));
  const flush = (): void => void ctx.getImageData(0, 0, 1, 1);

  const decimateTimes: number[] = [];
  const drawTimes: number[] = [];
  const redrawTimes: number[] = [];
  for (let run = -3; run < o.runs; run++) {
    const playhead = Math.floor(((run + 3) * 7919) % o.frames);
    let t0 = performance.now();
    const kept = raw.map((s) => ({ ...s, decimated: decimate(s.values, columns) }));
    const tDecimate = performance.now() - t0;

    t0 = performance.now();
    drawFrameChart(ctx, { ...base, series: raw, playhead });
    flush();
    const tDraw = performance.now() - t0;

    t0 = performance.now();
    drawFrameChart(ctx, { ...base, series: kept, playhead: playhead + 1, hover: playhead });
    flush();
    const tRedraw = performance.now() - t0;
    if (run >= 0) {
      decimateTimes.push(tDecimate);
      drawTimes.push(tDraw);
      redrawTimes.push(tRedraw);
    }
  }

  const naiveTimes: number[] = [];
  const area0 = plotArea(o.width, o.height);
  for (let run = -1; run < o.naiveRuns; run++) {
    const t0 = performance.now();
    ctx.setTransform(o.dpr, 0, 0, o.dpr, 0, 0);
    ctx.clearRect(0, 0, o.width, o.height);
    ctx.lineWidth = 1.25;
    for (const s of raw) {
      ctx.strokeStyle = s.color;
      ctx.beginPath();
      let pen = false;
      for (let i = 0; i < o.frames; i++) {
        const v = s.values[i]!;
        if (v !== v) {
          pen = false;
          continue;
        }
        const x = area0.left + ((i + 0.5) * area0.width) / o.frames;
        const y = area0.top + ((100 - v) * area0.height) / 100;
        if (pen) ctx.lineTo(x, y);
        else ctx.moveTo(x, y);
        pen = true;
      }
      ctx.stroke();
    }
    flush();
    if (run >= 0) naiveTimes.push(performance.now() - t0);
  }

  // Each series once, alone, so its pixels are not hidden under the others.
  const area = plotArea(o.width, o.height);
  const seriesPixels = raw.map((s) => {
    drawFrameChart(ctx, { ...base, series: [s], playhead: null, threshold: null });
    const image = ctx.getImageData(
      Math.round(area.left * o.dpr),
      Math.round(area.top * o.dpr),
      Math.round(area.width * o.dpr),
      Math.round(area.height * o.dpr),
    );
    return countColour(image, s.color);
  });
  canvas.remove();
  return {
    decimate: timing(decimateTimes),
    draw: timing(drawTimes),
    redraw: timing(redrawTimes),
    naive: timing(naiveTimes),
    seriesPixels,
    columns,
  };
}
