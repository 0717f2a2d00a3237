/**
 * Draws the Compare chart on a 2D canvas: per-frame series decimated to one min/max bar per device
 * pixel column (so 100,000 frames cost no more than 3,000), gridlines and labels of both axes, a
 * dashed threshold, the playhead and a hover line. Needs only the context it is given (and an
 * OffscreenCanvas for the series layer), so the benchmark draws with exactly this code.
 */
import {
  frameToX,
  niceStep,
  niceTicks,
  plotArea,
  plotColumns,
  tickDecimals,
  valueToY,
  type PlotArea,
} from './chartAxes';
import { parseCanvasColor, rasterizeColumns, rgbaWord, type PixelLayer } from './columnRaster';
import { decimate, type Decimated, type SeriesValues } from './decimate';

/** Colours and font of the chart (the app's dark theme by default). */
export interface ChartTheme {
  background: string;
  grid: string;
  axisText: string;
  threshold: string;
  playhead: string;
  hover: string;
  font: string;
}

/** The dark theme's values (styles/tokens.css): surface, border, muted text, accent. */
export const DARK_CHART_THEME: Readonly<ChartTheme> = {
  background: '#15181e',
  grid: '#272c35',
  axisText: '#9ba2ad',
  threshold: '#6e7581',
  playhead: '#e4e6ea',
  hover: '#6e7581',
  font: '11px system-ui, sans-serif',
};

/** One line of the chart. */
export interface FrameChartSeries {
  /** One value per viewer frame (index = frame); NaN, null or ±Infinity is a gap. */
  values: SeriesValues;
  color: string;
  /** `decimate(values, plotColumns(width, dpr))` computed before; redrawn without a new pass. */
  decimated?: Decimated;
}

/** What {@link drawFrameChart} draws. */
export interface FrameChartOptions {
  /** Canvas size in CSS px; the canvas itself is `width·dpr × height·dpr` device pixels. */
  width: number;
  height: number;
  dpr: number;
  series: readonly FrameChartSeries[];
  /** y axis range [bottom, top]. */
  yRange: readonly [number, number];
  /** Frames on the x axis (0…frameCount−1). */
  frameCount: number;
  /** Frame of the playhead line, or null. */
  playhead: number | null;
  /** A dashed line at this value, if any. */
  threshold?: number | null;
  /** Frame of the hover line, if any. */
  hover?: number | null;
  theme?: Partial<ChartTheme>;
}

/** A series decimated for this chart, reusing `s.decimated` when it fits. */
function decimatedOf(s: FrameChartSeries, columns: number): Decimated {
  const d = s.decimated;
  if (d && d.columns === columns) {
    if (
      d.kind === 'columns' ? d.frameCount === s.values.length : d.values.length === s.values.length
    ) {
      return d;
    }
  }
  return decimate(s.values, columns);
}

/** Line width of a series in CSS px. */
const SERIES_LINE_WIDTH = 1.25;

/**
 * Strokes a series kept as a polyline (no more frames than pixel columns) in the current stroke
 * colour; isolated samples become dots so they stay visible.
 */
function strokePolyline(
  ctx: CanvasRenderingContext2D,
  values: Float64Array,
  frameCount: number,
  range: readonly [number, number],
  area: PlotArea,
  dpr: number,
): void {
  const [lo, hi] = range;
  const scale = area.height / (hi - lo || 1);
  const y = (v: number): number => area.top + (hi - v) * scale;
  const dot = Math.max(1.5, 2 / dpr);
  const n = values.length;
  let pen = false;
  ctx.lineWidth = SERIES_LINE_WIDTH;
  ctx.lineJoin = 'round';
  ctx.beginPath();
  for (let i = 0; i < n; i++) {
    const value = values[i]!;
    if (value !== value) {
      pen = false;
      continue;
    }
    const x = frameToX(i, frameCount, area);
    if (pen) ctx.lineTo(x, y(value));
    else if (i + 1 < n && values[i + 1] === values[i + 1]) ctx.moveTo(x, y(value));
    else ctx.rect(x - dot / 2, y(value) - dot / 2, dot, dot);
    pen = true;
  }
  ctx.stroke();
}

/** The scratch canvas the column series are rasterized into, kept per chart context. */
interface ScratchLayer {
  canvas: OffscreenCanvas;
  ctx: OffscreenCanvasRenderingContext2D;
  image: ImageData;
  layer: PixelLayer;
}

const scratchLayers = new WeakMap<CanvasRenderingContext2D, ScratchLayer>();

function scratchFor(ctx: CanvasRenderingContext2D, width: number, height: number): ScratchLayer {
  const had = scratchLayers.get(ctx);
  if (had && had.layer.width === width && had.layer.height === height) return had;
  const canvas = new OffscreenCanvas(width, height);
  const sctx = canvas.getContext('2d');
  if (!sctx) throw new Error('no 2D context for the chart layer');
  const image = sctx.createImageData(width, height);
  const scratch: ScratchLayer = {
    canvas,
    ctx: sctx,
    image,
    layer: { pixels: new Uint32Array(image.data.buffer), width, height },
  };
  scratchLayers.set(ctx, scratch);
  return scratch;
}

/** A CSS colour as a pixel word, resolved by the context itself (named colours too). */
function colorWord(ctx: CanvasRenderingContext2D, color: string): number {
  ctx.fillStyle = '#000000';
  ctx.fillStyle = color;
  const fill = ctx.fillStyle;
  return (typeof fill === 'string' ? parseCanvasColor(fill) : null) ?? rgbaWord(255, 255, 255);
}

/**
 * Draws the series decimated into columns: rasterized into one pixel layer (see columnRaster.ts),
 * then composited over the grid in one drawImage.
 */
function drawColumnSeries(
  ctx: CanvasRenderingContext2D,
  series: readonly { color: string; decimated: Extract<Decimated, { kind: 'columns' }> }[],
  frameCount: number,
  range: readonly [number, number],
  area: PlotArea,
  dpr: number,
): void {
  const width = Math.max(1, Math.round(area.width * dpr));
  const height = Math.max(1, Math.round(area.height * dpr));
  const scratch = scratchFor(ctx, width, height);
  scratch.layer.pixels.fill(0);
  for (const s of series) {
    rasterizeColumns(scratch.layer, s.decimated, colorWord(ctx, s.color), {
      range,
      span: (width * s.decimated.frameCount) / Math.max(1, frameCount),
      half: (SERIES_LINE_WIDTH / 2) * dpr,
    });
  }
  scratch.ctx.putImageData(scratch.image, 0, 0);
  ctx.imageSmoothingEnabled = false;
  ctx.drawImage(scratch.canvas, area.left, area.top, area.width, area.height);
  ctx.imageSmoothingEnabled = true;
}

/** A vertical line across the plot at frame `frame`. */
function frameLine(
  ctx: CanvasRenderingContext2D,
  frame: number,
  frameCount: number,
  area: PlotArea,
  color: string,
  width: number,
): void {
  if (frame < 0 || frame >= frameCount) return;
  const x = frameToX(frame, frameCount, area);
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  ctx.moveTo(x, area.top);
  ctx.lineTo(x, area.top + area.height);
  ctx.stroke();
}

/**
 * Draws the whole chart into `ctx` (whose canvas is `width·dpr × height·dpr` device pixels),
 * replacing what was there.
 */
export function drawFrameChart(ctx: CanvasRenderingContext2D, o: FrameChartOptions): void {
  const theme = { ...DARK_CHART_THEME, ...o.theme };
  const area = plotArea(o.width, o.height);
  const frameCount = Math.max(0, Math.floor(o.frameCount));
  const [lo, hi] = o.yRange;

  ctx.setTransform(o.dpr, 0, 0, o.dpr, 0, 0);
  ctx.fillStyle = theme.background;
  ctx.fillRect(0, 0, o.width, o.height);
  if (area.width <= 0 || area.height <= 0) return;

  // Gridlines and labels: about one horizontal line per 40 px, one frame label per 90 px.
  ctx.font = theme.font;
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.grid;
  ctx.fillStyle = theme.axisText;
  const half = 0.5 / o.dpr;
  const yStep = niceStep(hi - lo, Math.max(2, Math.floor(area.height / 40)));
  const yDecimals = tickDecimals(yStep);
  ctx.textAlign = 'right';
  ctx.textBaseline = 'middle';
  ctx.beginPath();
  for (const v of niceTicks(lo, hi, Math.max(2, Math.floor(area.height / 40)))) {
    const y = Math.round(valueToY(v, o.yRange, area) * o.dpr) / o.dpr + half;
    ctx.moveTo(area.left, y);
    ctx.lineTo(area.left + area.width, y);
    ctx.fillText(v.toFixed(yDecimals), area.left - 6, y);
  }
  ctx.stroke();
  if (frameCount > 0) {
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    ctx.beginPath();
    const maxTicks = Math.max(2, Math.floor(area.width / 90));
    for (const f of niceTicks(0, frameCount - 1, maxTicks, true)) {
      const x = Math.round(frameToX(f, frameCount, area) * o.dpr) / o.dpr + half;
      ctx.moveTo(x, area.top + area.height);
      ctx.lineTo(x, area.top + area.height + 4);
      ctx.fillText(String(f), x, area.top + area.height + 6);
    }
    ctx.stroke();
  }
  ctx.strokeStyle = theme.grid;
  ctx.strokeRect(area.left + half, area.top + half, area.width, area.height);

  ctx.save();
  ctx.beginPath();
  ctx.rect(area.left, area.top, area.width, area.height);
  ctx.clip();

  if (o.threshold !== undefined && o.threshold !== null && Number.isFinite(o.threshold)) {
    const y = valueToY(o.threshold, o.yRange, area);
    ctx.strokeStyle = theme.threshold;
    ctx.setLineDash([4, 4]);
    ctx.beginPath();
    ctx.moveTo(area.left, y);
    ctx.lineTo(area.left + area.width, y);
    ctx.stroke();
    ctx.setLineDash([]);
  }

  if (frameCount > 0) {
    const columns = plotColumns(o.width, o.dpr);
    const decimated = o.series.map((s) => ({ color: s.color, decimated: decimatedOf(s, columns) }));
    const bars = decimated.filter(
      (s): s is { color: string; decimated: Extract<Decimated, { kind: 'columns' }> } =>
        s.decimated.kind === 'columns',
    );
    if (bars.length > 0) drawColumnSeries(ctx, bars, frameCount, o.yRange, area, o.dpr);
    for (const s of decimated) {
      if (s.decimated.kind !== 'polyline') continue;
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      strokePolyline(ctx, s.decimated.values, frameCount, o.yRange, area, o.dpr);
    }
    if (o.hover !== undefined && o.hover !== null) {
      frameLine(ctx, o.hover, frameCount, area, theme.hover, 1);
    }
    if (o.playhead !== null) frameLine(ctx, o.playhead, frameCount, area, theme.playhead, 1.5);
  }
  ctx.restore();
}
