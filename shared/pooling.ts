/**
 * Pooling: per-frame scores of one metric turned into the numbers a table shows. Pure, so every
 * formula is pinned by hand-computed tests. The definitions (issue 4 "Results";
 * ../shared/reference/methods.md §3.3):
 *
 * - mean: arithmetic mean of the per-frame values (never ffmpeg's MSE-pooled "average:" line).
 * - harmonicMean: libvmaf's definition `n / Σ 1/(sᵢ+1) − 1` (libvmaf/src/libvmaf.c). libvmaf 2
 *   writes this same +1-offset formula into `pooled_metrics` for every feature it logs, so it is
 *   used for every metric here too: one definition, and it matches libvmaf's own PSNR/SSIM pools.
 * - min, max.
 * - p1, p5: percentiles by linear interpolation between the closest ranks, numpy's default
 *   (`method='linear'`): rank r = p/100 · (n − 1) on the ascending values, then
 *   v[⌊r⌋] + (v[⌈r⌉] − v[⌊r⌋]) · (r − ⌊r⌋).
 * - stdev: population standard deviation (divide by n, numpy's default `ddof=0`, as
 *   ffmpeg-quality-metrics reports it): the frames scored are the whole clip, not a sample.
 * - below: share (0..1) of frames strictly below a threshold (default VMAF 80, none otherwise).
 *
 * The figures are the same for every series; for a lower-is-better one (CAMBI, shared/score.ts
 * LOWER_IS_BETTER) min, p1, p5 and the harmonic mean describe its BEST frames and max its worst,
 * and no "below" threshold is accepted for it (ScoreOptionsSchema).
 *
 * Values that are not numbers (NaN: libvmaf 2 writes null for NaN/Inf) are left out and counted in
 * `skipped`. +Infinity is kept: ffmpeg's psnr filter reports `inf` for identical frames, and a mean
 * of +Infinity is the honest answer there (JSON carries it as null).
 */

/** Pooled statistics of one metric over the frames scored. */
export interface PooledStats {
  /** Frames pooled (values that are numbers). */
  count: number;
  /** Frames left out because their value was not a number. */
  skipped: number;
  mean: number;
  /** libvmaf's harmonic mean: n / Σ 1/(s+1) − 1. */
  harmonicMean: number;
  min: number;
  max: number;
  /** 1st percentile, linear interpolation (numpy default). */
  p1: number;
  /** 5th percentile, linear interpolation (numpy default). */
  p5: number;
  /** Population standard deviation (ddof = 0). */
  stdev: number;
  /** Share of frames strictly below `threshold`, or null when no threshold applies. */
  below: { threshold: number; share: number } | null;
}

/** Default "bad frame" thresholds per metric key; only VMAF has one (issue 4: VMAF 80). */
export const DEFAULT_THRESHOLDS: Readonly<Record<string, number>> = { vmaf: 80 };

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** libvmaf's harmonic mean `n / Σ 1/(s+1) − 1`; NaN for no values. */
export function harmonicMean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += 1 / (v + 1);
  return values.length / sum - 1;
}

/** Population standard deviation (divide by n); NaN for no values. */
export function stdevPopulation(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const m = mean(values);
  if (!Number.isFinite(m)) return Number.NaN;
  let sq = 0;
  for (const v of values) sq += (v - m) * (v - m);
  return Math.sqrt(sq / values.length);
}

/**
 * The p-th percentile (0..100) of values sorted ascending, by linear interpolation between closest
 * ranks (numpy's default). NaN for no values.
 */
export function percentileSorted(sorted: readonly number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const rank = (Math.min(Math.max(p, 0), 100) / 100) * (n - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo]!;
  const b = sorted[hi]!;
  // Equal neighbours (also two +Infinity) need no interpolation; Inf − Inf would give NaN.
  if (a === b || lo === hi) return a;
  return a + (b - a) * (rank - lo);
}

/** Share (0..1) of values strictly below `threshold`; NaN for no values. */
export function shareBelow(values: readonly number[], threshold: number): number {
  if (values.length === 0) return Number.NaN;
  let below = 0;
  for (const v of values) if (v < threshold) below++;
  return below / values.length;
}

/** All pooled statistics of one metric; `threshold` null means no "share below" figure. */
export function pool(values: readonly number[], threshold: number | null = null): PooledStats {
  const kept = values.filter((v) => !Number.isNaN(v));
  const sorted = [...kept].sort((x, y) => x - y);
  return {
    count: kept.length,
    skipped: values.length - kept.length,
    mean: mean(kept),
    harmonicMean: harmonicMean(kept),
    min: sorted.length > 0 ? sorted[0]! : Number.NaN,
    max: sorted.length > 0 ? sorted[sorted.length - 1]! : Number.NaN,
    p1: percentileSorted(sorted, 1),
    p5: percentileSorted(sorted, 5),
    stdev: stdevPopulation(kept),
    below: threshold === null ? null : { threshold, share: shareBelow(kept, threshold) },
  };
}

/** Pools every series of a result, using {@link DEFAULT_THRESHOLDS} unless thresholds are given. */
export function poolAll<K extends string>(
  series: Partial<Record<K, readonly number[]>>,
  thresholds: Partial<Record<K, number>> = {},
): Partial<Record<K, PooledStats>> {
  const out: Partial<Record<K, PooledStats>> = {};
  for (const key of Object.keys(series) as K[]) {
    const values = series[key];
    if (!values) continue;
    const t = thresholds[key] ?? DEFAULT_THRESHOLDS[key] ?? null;
    out[key] = pool(values, t);
  }
  return out;
}
