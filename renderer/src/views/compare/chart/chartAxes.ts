/**
 * Geometry of the Compare chart: where the plot sits in the canvas, how a frame maps to x and back
 * (frame f of n owns the slot [f/n, (f+1)/n) of the plot width and is drawn at its centre), the
 * y mapping, and tick values that read well. Pure, shared by the drawing, the pointer handling and
 * the benchmark.
 */

/** Space around the plot area in CSS px (labels of the y axis left, of the frame axis below). */
export const PLOT_PADDING = { left: 46, right: 12, top: 8, bottom: 20 } as const;

/** The plot area of a chart `width` × `height` CSS px. */
export interface PlotArea {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The plot area inside a canvas of `width` × `height` CSS px (never negative). */
export function plotArea(width: number, height: number): PlotArea {
  return {
    left: PLOT_PADDING.left,
    top: PLOT_PADDING.top,
    width: Math.max(0, width - PLOT_PADDING.left - PLOT_PADDING.right),
    height: Math.max(0, height - PLOT_PADDING.top - PLOT_PADDING.bottom),
  };
}

/** Pixel columns the series are decimated into: one per device pixel of the plot width. */
export function plotColumns(width: number, dpr: number): number {
  return Math.max(1, Math.round(plotArea(width, 1).width * dpr));
}

/** The x (CSS px) at which frame `frame` of `frameCount` is drawn: the centre of its slot. */
export function frameToX(frame: number, frameCount: number, area: PlotArea): number {
  if (frameCount <= 0) return area.left;
  return area.left + ((frame + 0.5) * area.width) / frameCount;
}

/** The frame under x (CSS px), kept inside 0…frameCount−1 (x left or right of the plot clamps). */
export function xToFrame(x: number, frameCount: number, area: PlotArea): number {
  if (frameCount <= 0 || area.width <= 0 || !Number.isFinite(x)) return 0;
  const f = Math.floor(((x - area.left) / area.width) * frameCount);
  return Math.min(frameCount - 1, Math.max(0, f));
}

/** The y (CSS px) of value `v` for the range `[lo, hi]` (hi at the top). */
export function valueToY(v: number, range: readonly [number, number], area: PlotArea): number {
  const [lo, hi] = range;
  const span = hi - lo || 1;
  return area.top + ((hi - v) / span) * area.height;
}

/** A step of 1, 2, 2.5 or 5 × 10^k that splits `span` into at most `maxTicks` parts. */
export function niceStep(span: number, maxTicks: number): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, maxTicks);
  const mag = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** Multiples of a nice step inside `[lo, hi]`, at most about `maxTicks` of them. */
export function niceTicks(lo: number, hi: number, maxTicks: number, integer = false): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || hi < lo) return [];
  let step = niceStep(hi - lo, maxTicks);
  if (integer) step = Math.max(1, Math.round(step));
  const out: number[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  for (let k = first; k * step <= hi + step * 1e-9; k++) {
    // Rounding keeps 0.1 + 0.2 style noise out of the labels.
    out.push(Number((k * step).toPrecision(12)));
    if (out.length > 100) break;
  }
  return out;
}

/** Decimals a tick label needs for this step (0 for whole steps, 1 for 2.5 or 0.5, …). */
export function tickDecimals(step: number): number {
  if (!(step > 0) || !Number.isFinite(step)) return 0;
  let d = 0;
  while (d < 6 && Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) > 1e-9) d++;
  return d;
}
