/**
 * Per-frame series of several results shaped for one chart: one shared, ascending x axis of frame
 * numbers (the union of every result's frames, since subsampling or a different start makes them
 * differ), each result's values on it with null where it has no value (a gap, never a made-up
 * point), and the y range a metric reads best in.
 */

/** One result's per-frame values as it was scored. */
export interface FrameSeriesInput {
  id: string;
  /** Frame numbers, aligned with `values`. */
  frameNumbers: readonly number[];
  /** Values; null (or a non-finite number, e.g. PSNR's +Infinity for identical frames) is a gap. */
  values: readonly (number | null)[];
}

/** Several series on one x axis, ready for the chart. */
export interface AlignedFrames {
  /** Ascending, unique frame numbers. */
  frames: number[];
  /** One array per input series, in input order, each as long as `frames`. */
  values: (number | null)[][];
}

/** Puts every series on the union of their frame numbers; a frame a series lacks is null. */
export function alignFrames(series: readonly FrameSeriesInput[]): AlignedFrames {
  const all = new Set<number>();
  for (const s of series) for (const f of s.frameNumbers) all.add(f);
  const frames = [...all].sort((a, b) => a - b);
  const at = new Map<number, number>();
  frames.forEach((f, i) => at.set(f, i));
  const values = series.map((s) => {
    const row: (number | null)[] = new Array<number | null>(frames.length).fill(null);
    s.frameNumbers.forEach((f, i) => {
      const v = s.values[i];
      row[at.get(f)!] = typeof v === 'number' && Number.isFinite(v) ? v : null;
    });
    return row;
  });
  return { frames, values };
}

/** The index of a frame number on the shared axis, or null when no series has it. */
export function frameIndex(frames: readonly number[], frame: number): number | null {
  let lo = 0;
  let hi = frames.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const f = frames[mid]!;
    if (f === frame) return mid;
    if (f < frame) lo = mid + 1;
    else hi = mid - 1;
  }
  return null;
}

/** How a metric's y axis is bounded. */
export interface AxisBounds {
  /** The axis never goes below this (VMAF 0). */
  floor?: number;
  /** The axis never goes above this (VMAF 100, SSIM 1). */
  ceiling?: number;
  /** Show the whole range floor..ceiling, not just the data (VMAF reads against 0–100). */
  full?: boolean;
}

/**
 * The y range for the values seen (and a threshold line, which must stay in sight): the full
 * floor..ceiling when asked, else the data's range with 5 % head room, clamped to the bounds.
 * [0, 1] when there are no values.
 */
export function yRange(
  values: readonly (readonly (number | null)[])[],
  bounds: AxisBounds,
  threshold: number | null = null,
): [number, number] {
  if (bounds.full && bounds.floor !== undefined && bounds.ceiling !== undefined) {
    return [bounds.floor, bounds.ceiling];
  }
  let min = Infinity;
  let max = -Infinity;
  for (const row of values) {
    for (const v of row) {
      if (v === null || !Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (threshold !== null && Number.isFinite(threshold)) {
    min = Math.min(min, threshold);
    max = Math.max(max, threshold);
  }
  if (min === Infinity) return [bounds.floor ?? 0, bounds.ceiling ?? 1];
  const span = max - min || Math.abs(max) || 1;
  let lo = min - span * 0.05;
  let hi = max + span * 0.05;
  if (bounds.floor !== undefined) lo = Math.max(bounds.floor, lo);
  if (bounds.ceiling !== undefined) hi = Math.min(bounds.ceiling, hi);
  return [lo, hi];
}
