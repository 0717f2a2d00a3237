/**
 * The convex hull of (bitrate, quality) points pooled across resolutions, and the bitrates where
 * the best resolution changes along it (../shared/reference/methods.md §1.2).
 *
 * Method, restated from Netflix's `convex_hull.py` description:
 * 1. Points with a non-finite or non-positive bitrate or a non-finite quality are left out.
 * 2. Sort by bitrate ascending (ties: better quality first) and keep a point only if its quality is
 *    strictly better than the last kept point's. Ties are resolved in favour of efficiency: of two
 *    points at the same quality the cheaper one stays, of two at the same bitrate the better one.
 *    (Netflix keeps equal-quality points at this step; a point that costs more for the same
 *    quality is not Pareto-efficient, so it is dropped here.)
 * 3. Andrew's monotone chain on the better side, in linear rate: a point on or behind the chord
 *    between its neighbours is removed.
 *
 * "Better" is higher for VMAF, PSNR, SSIM and XPSNR: the hull is the upper envelope of the points
 * and its slopes ΔQ/ΔR strictly decrease as the rate grows. For a lower-is-better figure (CAMBI, a
 * banding index) it is the lower envelope: the figure falls as the rate grows, ever more slowly.
 * The two are one computation on the figure with its sign turned (−CAMBI is higher-is-better),
 * which the tests pin.
 */

/** Which way a quality figure is better: 'higher' (VMAF, PSNR, SSIM, XPSNR) or 'lower' (CAMBI). */
export type QualityDirection = 'higher' | 'lower';

/** A point on a rate–quality curve: bitrate in bits/s (any unit for BD-rate), quality e.g. VMAF. */
export interface RdPoint {
  bitrate: number;
  quality: number;
}

/** A point that takes part in a hull: an id to find it again and a group (e.g. the resolution). */
export interface HullInput extends RdPoint {
  id: string;
  group: string;
  width?: number;
  height?: number;
}

/** A bitrate where the group (resolution) of consecutive hull points changes. */
export interface Crossover {
  bitrate: number;
  from: string;
  to: string;
}

/** z-component of (a − o) × (b − o) in the (rate, quality) plane. */
function cross(o: RdPoint, a: RdPoint, b: RdPoint): number {
  return (a.bitrate - o.bitrate) * (b.quality - o.quality) - (a.quality - o.quality) * (b.bitrate - o.bitrate);
}

/** +1 when higher is better, −1 when lower is: quality × this is higher-is-better. */
function sense(direction: QualityDirection): 1 | -1 {
  return direction === 'lower' ? -1 : 1;
}

/**
 * The monotonic filter of step 2: sorted by bitrate, each point strictly better than the one
 * before (higher quality, or lower for a lower-is-better figure).
 */
export function monotonicPoints<P extends RdPoint>(points: readonly P[], direction: QualityDirection = 'higher'): P[] {
  const s = sense(direction);
  const usable = points.filter((p) => Number.isFinite(p.bitrate) && p.bitrate > 0 && Number.isFinite(p.quality));
  const sorted = [...usable].sort((a, b) => a.bitrate - b.bitrate || s * (b.quality - a.quality));
  const kept: P[] = [];
  for (const p of sorted) {
    const last = kept[kept.length - 1];
    if (last === undefined || s * (p.quality - last.quality) > 0) kept.push(p);
  }
  return kept;
}

/**
 * The convex hull in (rate, quality) per methods.md §1.2 on the figure's better side (see the
 * module comment): monotonic filter, then Andrew's monotone chain; sorted by bitrate ascending.
 * Collinear points are not on the hull. The caller's objects come back, not copies.
 */
export function convexHull<P extends RdPoint>(points: readonly P[], direction: QualityDirection = 'higher'): P[] {
  const s = sense(direction);
  const mono = monotonicPoints(points, direction);
  const hull: P[] = [];
  // Walk from the highest rate down; pop while the last hull point is on or behind the chord.
  for (let i = mono.length - 1; i >= 0; i--) {
    const p = mono[i]!;
    while (hull.length >= 2 && s * cross(hull[hull.length - 2]!, hull[hull.length - 1]!, p) <= 0) hull.pop();
    hull.push(p);
  }
  return hull.reverse();
}

/**
 * Bitrates where the group (e.g. resolution) of consecutive hull points changes, lowest first.
 *
 * The hull only holds measured points, so where exactly between two neighbours of different groups
 * the best group changes is not known; the crossover is put at the midpoint of that segment in
 * log-rate (the geometric mean of the two bitrates), which is the middle of the segment on the
 * log-rate chart. A group that reappears later gives another crossover.
 */
export function hullCrossovers(hull: readonly HullInput[]): Crossover[] {
  const sorted = [...hull].sort((a, b) => a.bitrate - b.bitrate);
  const out: Crossover[] = [];
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    if (a.group !== b.group) out.push({ bitrate: Math.sqrt(a.bitrate * b.bitrate), from: a.group, to: b.group });
  }
  return out;
}
