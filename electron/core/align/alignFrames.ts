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
import { VqError } from '../../../shared/errors';
import { lastRefOf, type MappingRun } from '../../../shared/frameMatch';
import { SIGNATURE_DIMS, type Signatures } from './signatures';

export type { MappingRun };

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
  /**
   * Reference frames per distorted frame along the match: the rates' (`AlignOptions.slope`), or 1
   * when the pictures say the frames were kept one for one at another rate (a speed change).
   */
  slope: number;
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

/**
 * The reference frame the diagonal of `offset` puts under distorted frame j: the nearest one (the
 * offset curve samples along it).
 */
function onDiagonal(j: number, slope: number, offset: number): number {
  return Math.floor(j * slope + 0.5 + 1e-9) + offset;
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

/**
 * The reference frame under distorted frame j on one edge of the rate's corridor: phase 0 the
 * frame at or before j·slope, phase 1 the one at or after. A rate converter picks
 * floor(j·slope + φ) for a phase φ of its own (ffmpeg's fps filter, a player, a transcoder each
 * have theirs), which at every j is one of the two, so a path may take either edge at each
 * frame for free; only leaving the corridor is a drop or a repeat.
 */
function onEdge(j: number, slope: number, phase: number): number {
  const x = j * slope;
  return phase === 0 ? Math.floor(x + 1e-9) : Math.ceil(x - 1e-9);
}

/** The offset curve of one slope, and its lowest shift (the smallest of any that tie). */
function offsetCurve(
  ref: Signatures,
  dist: Signatures,
  distance: (i: number, j: number) => number,
  slope: number,
  maxOffset: number,
): { costs: { offset: number; cost: number }[]; best: { offset: number; cost: number } } | null {
  const costs: { offset: number; cost: number }[] = [];
  for (let off = -maxOffset; off <= maxOffset; off++) {
    const cost = diagonalCost(ref, dist, distance, slope, off);
    if (cost !== null) costs.push({ offset: off, cost });
  }
  if (costs.length === 0) return null;
  let lowest = Infinity;
  for (const c of costs) lowest = Math.min(lowest, c.cost);
  let best = costs[0]!;
  for (const c of costs) {
    if (c.cost - lowest > TIE_DISTANCE) continue;
    if (best.cost - lowest > TIE_DISTANCE || Math.abs(c.offset) < Math.abs(best.offset)) best = c;
  }
  return { costs, best };
}

/** Maps every frame of `dist` onto `ref` (see the file comment). */
export function alignFrames(ref: Signatures, dist: Signatures, o: AlignOptions = {}): FrameMapping {
  const maxOffset = Math.min(o.maxOffset ?? 250, Math.max(ref.count, dist.count) - 1);
  const band = o.band ?? 48;
  const rateSlope = o.slope ?? 1;
  if (!(rateSlope > 0 && rateSlope <= 8))
    throw new Error(`a slope of ${rateSlope} frames per frame`);

  const distance = distanceOf(ref, dist);
  // 1. The offset curve: along the rates' slope, and frame for frame too when the rates differ
  // (a 24 fps film sped up to 25 fps shows every frame once); the slope that matches better wins,
  // the rates' own on a tie.
  let curve = offsetCurve(ref, dist, distance, rateSlope, maxOffset);
  let slope = rateSlope;
  if (rateSlope !== 1) {
    const same = offsetCurve(ref, dist, distance, 1, maxOffset);
    if (same && (!curve || same.best.cost < curve.best.cost - TIE_DISTANCE)) {
      curve = same;
      slope = 1;
    }
  }
  if (!curve) {
    throw new VqError(
      'INVALID_ARGS',
      `The videos are too short to match by their pictures (${ref.count} and ${dist.count} frames).`,
      'Score them as the containers say (--align off).',
    );
  }
  const { costs: offsetCosts, best } = curve;
  const base = best.offset;
  const maxStep = Math.max(2, o.maxStep ?? 12) + Math.ceil(slope);

  // 2. The path, by dynamic programming over (distorted frame j, state). A state is a band
  // position b (the drift from the corridor: net drops minus repeats) on one edge of it (two
  // edges when the slope is not whole, see onEdge).
  const phases = Number.isInteger(slope) ? 1 : 2;
  const width = 2 * band + 1;
  const states = width * phases;
  const m = dist.count;
  const refAt = (j: number, state: number): number =>
    onEdge(j, slope, state >= width ? 1 : 0) + base + ((state % width) - band);
  // For each (j, state): the state the path came from at j − 1, or START.
  const from = new Int16Array(m * states);
  const START = -1;
  const NONE = -2;
  const refData = ref.data;
  const distData = dist.data;
  const flatRef = flatOf(ref);
  const flatDist = flatOf(dist);
  let prev = new Float64Array(states).fill(Infinity);
  let cur = new Float64Array(states);
  let bestEnd = { cost: Infinity, j: -1, state: 0 };
  for (let j = 0; j < m; j++) {
    const startCost = UNMATCHED_COST * j;
    // The reference frame at band position 0 on each edge (refAt, written out for the loop).
    const edge0 = onEdge(j, slope, 0) + base - band;
    const edge1 = onEdge(j, slope, 1) + base - band;
    for (let state = 0; state < states; state++) {
      const b = state < width ? state : state - width;
      const i = (state < width ? edge0 : edge1) + b;
      const at = j * states + state;
      if (i < 0 || i >= ref.count) {
        cur[state] = Infinity;
        from[at] = NONE;
        continue;
      }
      let value = startCost;
      let origin = START;
      if (j > 0) {
        // From each state of j − 1 whose frame is at most maxStep before i; a change of band
        // position is a drop (up) or a repeat (down), a change of edge is free.
        for (let p = 0; p < phases; p++) {
          const edge = onEdge(j - 1, slope, p) + base - band;
          const lo = Math.max(0, i - maxStep - edge);
          const hi = Math.min(width - 1, i - edge);
          for (let a = lo; a <= hi; a++) {
            const before = prev[p * width + a]!;
            if (before === Infinity) continue;
            const shift = b - a;
            const penalty = shift < 0 ? -shift * REPEAT_PENALTY : shift * DROP_PENALTY;
            if (before + penalty < value) {
              value = before + penalty;
              origin = p * width + a;
            }
          }
        }
      }
      // The distance, written out here: a call to the shared closure in this loop of millions
      // lost V8's optimisation from the second alignment of a process on (2.3 s → 4.0 s).
      let dot = 0;
      if (flatRef[i] === 1 && flatDist[j] === 1) dot = 1;
      else
        for (
          let x = i * SIGNATURE_DIMS, y = j * SIGNATURE_DIMS, e = x + SIGNATURE_DIMS;
          x < e;
          x++, y++
        )
          dot += refData[x]! * distData[y]!;
      cur[state] = value + 1 - dot;
      from[at] = origin;
      const end = cur[state]! + UNMATCHED_COST * (m - 1 - j);
      if (end < bestEnd.cost) bestEnd = { cost: end, j, state };
    }
    [prev, cur] = [cur, prev];
  }

  // Back along the path: each matched frame's reference frame and band position.
  const refOf = new Int32Array(m).fill(-1);
  const driftOf = new Int32Array(m);
  let j = bestEnd.j;
  let state = bestEnd.state;
  while (j >= 0) {
    refOf[j] = refAt(j, state);
    driftOf[j] = (state % width) - band;
    const origin = from[j * states + state]!;
    if (origin === START) break;
    state = origin;
    j--;
  }
  return describePath(dist, ref.count, distance, refOf, driftOf, slope, offsetCosts, best);
}

/** The findings of a path: runs, drops, repeats, unmatched ends, confidence. */
function describePath(
  dist: Signatures,
  refCount: number,
  distanceAt: (i: number, j: number) => number,
  refOf: Int32Array,
  driftOf: Int32Array,
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
    // What the rates lead to expect from j − 1 to j: one on at the same rate, two at half, …
    const expected = j > firstMatched ? onDiagonal(j, slope, 0) - onDiagonal(j - 1, slope, 0) : 1;
    if (j > firstMatched) {
      const before = refOf[j - 1]!;
      const shift = driftOf[j]! - driftOf[j - 1]!;
      // A repeat shows the frame before again where the rates expect a new one.
      if (i === before && shift < 0) repeated.push(j);
      if (shift > 0) {
        // The frames it lacks: at a whole step, those the step would have shown on the way
        // (every one, or every other at half rate); else the last `shift` frames skipped.
        const stride = Number.isInteger(slope) ? slope : 1;
        const skipped: number[] = [];
        for (let k = before + stride; k < i; k += stride) skipped.push(k);
        dropped.push(...(Number.isInteger(slope) ? skipped : skipped.slice(-shift)));
      }
    }
    // A run goes on one distorted frame at a time, at its own step in the reference: 1, or the
    // rates' step (every other frame of a 50 fps reference for a 25 fps encode).
    const step = last ? (last.length === 1 ? i - last.refStart : (last.refStep ?? 1)) : 0;
    const onStep = step === 1 || (step > 1 && step === expected);
    if (last && j === last.distStart + last.length && onStep && i === lastRefOf(last) + step) {
      if (step > 1) last.refStep = step;
      last.length++;
    } else {
      mapping.push({ distStart: j, refStart: i, length: 1 });
    }
  }
  for (const run of mapping) run.confidence = runConfidence(run, distanceAt, refCount);
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
    slope,
  };
}

/** Frames of a run its confidence is measured on, at most (spread over it). */
const RUN_SAMPLES = 200;

/**
 * How surely the pictures say one run: its frames' distance to the reference frames it pairs
 * them with, against their distance to the frames 1 to 3 before or after (the nearest rival
 * pairing), times how close they are. A run in a still scene, where the neighbours look the
 * same, is not sure; a run of moving pictures that match is.
 */
function runConfidence(
  run: MappingRun,
  distanceAt: (i: number, j: number) => number,
  refCount: number,
): number {
  const step = run.refStep ?? 1;
  const samples = Math.min(RUN_SAMPLES, run.length);
  const meanAt = (shift: number): number | null => {
    let sum = 0;
    let n = 0;
    for (let s = 0; s < samples; s++) {
      const k = Math.floor((s * run.length) / samples);
      const i = run.refStart + k * step + shift;
      if (i < 0 || i >= refCount) continue;
      sum += distanceAt(i, run.distStart + k);
      n++;
    }
    return n > 0 ? sum / n : null;
  };
  const own = meanAt(0) ?? 1;
  let rival = Infinity;
  for (const shift of [-3, -2, -1, 1, 2, 3]) rival = Math.min(rival, meanAt(shift) ?? Infinity);
  return Math.round(dipOf(own, rival) * closeness(own) * 1000) / 1000;
}

/**
 * How much better a mean distance `own` is than its nearest rival's, 0–1: with no rival to
 * compare with, half sure at most; a gap no larger than a tie says nothing.
 */
function dipOf(own: number, rival: number): number {
  if (rival === Infinity) return 0.5;
  if (rival - own <= TIE_DISTANCE) return 0;
  return Math.max(0, Math.min(1, (rival - own) / Math.max(rival, 1e-9)));
}

/** How close matched frames are, 0–1, from their mean distance. */
function closeness(meanDistance: number): number {
  return Math.max(0, Math.min(1, 1 - meanDistance / NO_MATCH_DISTANCE));
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
  let rival = Infinity;
  for (const c of curve) if (Math.abs(c.offset - best.offset) >= 3) rival = Math.min(rival, c.cost);
  const sure = dipOf(best.cost, rival) * closeness(meanDistance) * matchedShare;
  return Math.round(sure * 1000) / 1000;
}
