/**
 * Which frame of the reference each frame of the distorted video shows, found from the pictures
 * (signatures.ts), not from what the containers say.
 *
 * 1. The offset: for every shift within ±maxOffset frames, the mean distance between distorted
 *    frame j and reference frame j + shift over frames spread through the video. The lowest is
 *    the start offset; the whole curve is the evidence (a clear dip, or a flat line when the
 *    pictures cannot tell).
 * 2. The path: dynamic programming over the distorted frames, each mapped to a reference frame
 *    within ±band of that offset's diagonal, moving one frame on (normal), not at all (a repeated
 *    frame) or several (dropped frames), with small penalties for repeats and drops so that still
 *    scenes, where neighbouring frames look alike, never invent them. Distorted frames at the start
 *    or end that match nothing (a slate, extra frames) may stay unmatched at a cost per frame.
 *
 * Distance: 1 − the dot product of two signatures (0 for the same picture; two flat frames are
 * the same picture). Pure: signatures in, mapping out.
 */
import { SIGNATURE_DIMS, type Signatures } from './signatures';

/** A run of distorted frames that show consecutive reference frames. */
export interface MappingRun {
  distStart: number;
  refStart: number;
  length: number;
}

/** How the distorted video maps onto the reference. */
export interface FrameMapping {
  /** Distorted frame i shows reference frame i + offsetFrames at the start (its first match). */
  offsetFrames: number;
  /** Reference frames the distorted video lacks between its first and last matched frame. */
  dropped: number[];
  /** Distorted frames that show the same reference frame as the one before them. */
  repeated: number[];
  /** Every matched distorted frame, as runs of consecutive reference frames. */
  mapping: MappingRun[];
  /** Distorted frames before the first match and after the last that show no reference frame. */
  unmatched: { leading: number; trailing: number };
  /** 0–1: how surely the pictures say this (a clear offset dip and close matches). */
  confidence: number;
  /** Mean distance of the matched frames (0 = identical pictures). */
  meanDistance: number;
  /** The offset curve: mean distance at each shift tried. */
  offsetCosts: { offset: number; cost: number }[];
  /** True when nothing needs changing: frame i shows reference frame i, all of them. */
  aligned: boolean;
}

/** Options of {@link alignFrames}. */
export interface AlignOptions {
  /** Largest start offset looked for, in frames (default 250, 10 s at 25 fps). */
  maxOffset?: number;
  /** How far the path may wander from the offset's diagonal (net drops or repeats; default 48). */
  band?: number;
  /**
   * Reference frames per distorted frame when the rates differ (2 for a 25 fps encode of a 50 fps
   * reference, 0.5 the other way); default 1. Drops and repeats are counted against it.
   */
  slope?: number;
  /** Most reference frames one step may skip (default 12). */
  maxStep?: number;
}

/** Penalty of a repeated frame, and of each dropped frame, in distance units. */
const REPEAT_PENALTY = 0.02;
const DROP_PENALTY = 0.02;
/** Cost of leaving a distorted frame at either end unmatched. */
const UNMATCHED_COST = 0.35;
/** Distorted frames sampled for each shift of the offset curve. */
const CURVE_SAMPLES = 400;
/** Shifts whose mean distances differ by less than this match equally well. */
const TIE_DISTANCE = 0.002;
/** A mean distance at or above this says the frames do not show the same pictures. */
const NO_MATCH_DISTANCE = 0.3;

/** Which rows of a set are flat (all zeros): read once per set. */
const flatRows = new WeakMap<Signatures, Uint8Array>();

function flatOf(s: Signatures): Uint8Array {
  let flat = flatRows.get(s);
  if (!flat) {
    flat = new Uint8Array(s.count);
    for (let f = 0; f < s.count; f++) {
      let any = false;
      for (let k = f * SIGNATURE_DIMS, end = k + SIGNATURE_DIMS; k < end && !any; k++) {
        any = s.data[k] !== 0;
      }
      flat[f] = any ? 0 : 1;
    }
    flatRows.set(s, flat);
  }
  return flat;
}

/**
 * 1 − dot product of reference frame i and distorted frame j (rows are unit length, so this is
 * their cosine distance); two flat frames are the same picture (0).
 */
export function frameDistance(ref: Signatures, i: number, dist: Signatures, j: number): number {
  return distanceOf(ref, dist)(i, j);
}

/** {@link frameDistance} between two sets, with what it reads of them looked up once. */
function distanceOf(ref: Signatures, dist: Signatures): (i: number, j: number) => number {
  const a = ref.data;
  const b = dist.data;
  const flatA = flatOf(ref);
  const flatB = flatOf(dist);
  return (i, j) => {
    if (flatA[i] === 1 && flatB[j] === 1) return 0;
    let dot = 0;
    for (
      let x = i * SIGNATURE_DIMS, y = j * SIGNATURE_DIMS, end = x + SIGNATURE_DIMS;
      x < end;
      x++, y++
    ) {
      dot += a[x]! * b[y]!;
    }
    return 1 - dot;
  };
}

/** The reference frame the diagonal of `offset` puts under distorted frame j. */
function onDiagonal(j: number, slope: number, offset: number): number {
  return Math.floor(j * slope + 1e-9) + offset;
}

/** The mean distance along the diagonal shifted by `offset`, over sampled distorted frames. */
function diagonalCost(
  ref: Signatures,
  dist: Signatures,
  distance: (i: number, j: number) => number,
  slope: number,
  offset: number,
): number | null {
  // The distorted frames whose diagonal frame is inside the reference: floor(j·slope) + offset
  // in [0, ref.count), a range of j worked out rather than scanned.
  const lo = Math.max(0, Math.ceil((-offset - 1e-9) / slope));
  const hi = Math.min(dist.count - 1, Math.ceil((ref.count - offset) / slope - 1e-9) - 1);
  const inside = hi - lo + 1;
  const shorter = Math.min(ref.count, dist.count);
  if (inside < Math.min(10, Math.max(1, Math.floor(shorter / 2)))) return null;
  const samples = Math.min(CURVE_SAMPLES, inside);
  let sum = 0;
  let counted = 0;
  for (let s = 0; s < samples; s++) {
    const j = lo + Math.floor((s * inside) / samples);
    const i = onDiagonal(j, slope, offset);
    if (i < 0 || i >= ref.count) continue;
    sum += distance(i, j);
    counted++;
  }
  return counted === 0 ? null : sum / counted;
}

/** Maps every frame of `dist` onto `ref` (see the file comment). */
export function alignFrames(ref: Signatures, dist: Signatures, o: AlignOptions = {}): FrameMapping {
  const maxOffset = Math.min(o.maxOffset ?? 250, Math.max(ref.count, dist.count) - 1);
  const band = o.band ?? 48;
  const slope = o.slope ?? 1;
  if (!(slope > 0 && slope <= 8)) throw new Error(`a slope of ${slope} frames per frame`);
  const maxStep = Math.max(2, o.maxStep ?? 12) + Math.ceil(slope);

  const distance = distanceOf(ref, dist);
  // 1. The offset curve.
  const offsetCosts: { offset: number; cost: number }[] = [];
  for (let off = -maxOffset; off <= maxOffset; off++) {
    const cost = diagonalCost(ref, dist, distance, slope, off);
    if (cost !== null) offsetCosts.push({ offset: off, cost });
  }
  if (offsetCosts.length === 0) throw new Error('the videos are too short to align');
  // The lowest; among shifts that match about as well (a still picture, a loop), the smallest.
  let lowest = Infinity;
  for (const c of offsetCosts) lowest = Math.min(lowest, c.cost);
  let best = offsetCosts[0]!;
  for (const c of offsetCosts) {
    if (c.cost - lowest > TIE_DISTANCE) continue;
    if (best.cost - lowest > TIE_DISTANCE || Math.abs(c.offset) < Math.abs(best.offset)) best = c;
  }
  const base = best.offset;

  // 2. The path, by dynamic programming over (distorted frame j, band position b).
  const width = 2 * band + 1;
  const m = dist.count;
  // For each (j, b): where the path came from — the band position at j − 1, or START.
  const from = new Int16Array(m * width);
  const START = -1;
  const NONE = -2;
  let prev = new Float64Array(width).fill(Infinity);
  let cur = new Float64Array(width);
  let bestEnd = { cost: Infinity, j: -1, b: 0 };
  for (let j = 0; j < m; j++) {
    const startCost = UNMATCHED_COST * j;
    // How far the diagonal moves from j − 1 to j: the step that is neither a drop nor a repeat.
    const expected = j === 0 ? 1 : onDiagonal(j, slope, 0) - onDiagonal(j - 1, slope, 0);
    for (let b = 0; b < width; b++) {
      const i = onDiagonal(j, slope, base) + (b - band);
      const at = j * width + b;
      if (i < 0 || i >= ref.count) {
        cur[b] = Infinity;
        from[at] = NONE;
        continue;
      }
      let value = startCost;
      let origin = START;
      // From band position a at j − 1, reference frame i − step.
      for (let step = 0; step <= maxStep; step++) {
        const a = b + expected - step;
        if (a < 0 || a >= width) continue;
        const before = prev[a]!;
        if (before === Infinity) continue;
        const penalty =
          step < expected ? REPEAT_PENALTY * (expected - step) : DROP_PENALTY * (step - expected);
        if (before + penalty < value) {
          value = before + penalty;
          origin = a;
        }
      }
      cur[b] = value + distance(i, j);
      from[at] = origin;
      const end = cur[b]! + UNMATCHED_COST * (m - 1 - j);
      if (end < bestEnd.cost) bestEnd = { cost: end, j, b };
    }
    [prev, cur] = [cur, prev];
  }

  // Back along the path.
  const refOf = new Int32Array(m).fill(-1);
  let j = bestEnd.j;
  let b = bestEnd.b;
  while (j >= 0) {
    refOf[j] = onDiagonal(j, slope, base) + (b - band);
    const origin = from[j * width + b]!;
    if (origin === START) break;
    b = origin;
    j--;
  }
  return describePath(dist, distance, refOf, slope, offsetCosts, best);
}

/** The findings of a path: runs, drops, repeats, unmatched ends, confidence. */
function describePath(
  dist: Signatures,
  distanceAt: (i: number, j: number) => number,
  refOf: Int32Array,
  slope: number,
  offsetCosts: { offset: number; cost: number }[],
  bestShift: { offset: number; cost: number },
): FrameMapping {
  const m = dist.count;
  let firstMatched = -1;
  let lastMatched = -1;
  for (let j = 0; j < m; j++) {
    if (refOf[j]! < 0) continue;
    if (firstMatched < 0) firstMatched = j;
    lastMatched = j;
  }
  const mapping: MappingRun[] = [];
  const dropped: number[] = [];
  const repeated: number[] = [];
  let distance = 0;
  for (let j = firstMatched; j <= lastMatched && j >= 0; j++) {
    const i = refOf[j]!;
    distance += distanceAt(i, j);
    const last = mapping.at(-1);
    if (j > firstMatched) {
      // Against what the rates lead to expect: one on at the same rate, two at half, …
      const before = refOf[j - 1]!;
      const expected = onDiagonal(j, slope, 0) - onDiagonal(j - 1, slope, 0);
      // A repeat shows the frame before again where the rates expect a new one.
      if (i === before && expected >= 1) repeated.push(j);
      // The frames it should have shown on the way (every one, or every other at half rate).
      const stride = Math.max(1, expected);
      for (let k = before + stride; k < i; k += stride) dropped.push(k);
    }
    if (last && i === last.refStart + last.length && j === last.distStart + last.length) {
      last.length++;
    } else {
      mapping.push({ distStart: j, refStart: i, length: 1 });
    }
  }
  const matched = lastMatched - firstMatched + 1;
  const meanDistance = matched > 0 ? distance / matched : 1;
  // The diagonal's shift where the match starts (at the same rate: its reference frame minus its
  // own number).
  const offsetFrames =
    firstMatched >= 0 ? refOf[firstMatched]! - onDiagonal(firstMatched, slope, 0) : 0;
  const unmatched = {
    leading: firstMatched < 0 ? m : firstMatched,
    trailing: firstMatched < 0 ? 0 : m - 1 - lastMatched,
  };
  const aligned =
    offsetFrames === 0 &&
    dropped.length === 0 &&
    repeated.length === 0 &&
    unmatched.leading === 0 &&
    unmatched.trailing === 0;
  return {
    offsetFrames,
    dropped,
    repeated,
    mapping,
    unmatched,
    confidence: confidenceOf(offsetCosts, bestShift, meanDistance, matched > 0 ? matched / m : 0),
    meanDistance,
    offsetCosts,
    aligned,
  };
}

/**
 * How sure the pictures are: the offset's dip against the rest of the curve (the cheapest shift
 * at least 3 frames away), times how close the matched frames are.
 */
function confidenceOf(
  curve: { offset: number; cost: number }[],
  best: { offset: number; cost: number },
  meanDistance: number,
  matchedShare: number,
): number {
  const bestCost = best.cost;
  let rival = Infinity;
  for (const c of curve) if (Math.abs(c.offset - best.offset) >= 3) rival = Math.min(rival, c.cost);
  // No shift far enough to compare with: the curve cannot say (half sure at most). A gap no
  // larger than what counts as a tie says nothing either.
  const dip =
    rival === Infinity
      ? 0.5
      : rival - bestCost <= TIE_DISTANCE
        ? 0
        : Math.max(0, Math.min(1, (rival - bestCost) / Math.max(rival, 1e-9)));
  const close = Math.max(0, Math.min(1, 1 - meanDistance / NO_MATCH_DISTANCE));
  return Math.round(dip * close * matchedShare * 1000) / 1000;
}
