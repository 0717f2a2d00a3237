/**
 * Bjøntegaard delta rate and delta quality between two rate–quality curves
 * (../shared/reference/methods.md §2). Pure; pinned by the public vectors in
 * ../shared/reference/bdrate-vectors.json.
 *
 * - BD-rate: log10(rate) as a function of quality is interpolated for each curve and integrated over
 *   the overlapping quality range; Δ = (∫L_test − ∫L_anchor) / (hi − lo); BD-rate = (10^Δ − 1)·100 %.
 *   Negative means the test curve needs fewer bits for the same quality (§2.4).
 * - BD-quality: quality as a function of log10(rate), integrated over the overlapping log-rate range;
 *   the mean difference test − anchor (dB for PSNR, VMAF points for VMAF). Null when the rate
 *   ranges do not overlap: the BD-rate needs only a common quality range (a test curve at 10× the
 *   anchor's rates has BD-rate +900 %, as the invariants in the vectors file demand), BD-quality a
 *   common rate range.
 * - `pchip` (default): monotone piecewise cubic Hermite with Fritsch–Carlson slopes and the end-point
 *   rule of SciPy's PchipInterpolator / the JCT-VC CTC sheet (§2.2), integrated exactly per segment.
 * - `cubic`: VCEG-M33, a least-squares third-order polynomial (the interpolating cubic for exactly 4
 *   points), integrated analytically.
 *
 * Input checks (§2.3): every rate finite and > 0, every quality finite; at least 2 points for PCHIP
 * and 4 for cubic; after sorting by quality the rate must rise strictly (no repeated quality, no
 * dip); the quality ranges must overlap.
 *
 * A lower-is-better figure (CAMBI) is compared as it is: the rate must then fall strictly as the
 * figure rises. The BD-rate is still the bitrate difference at equal quality (the integral of
 * log-rate over the shared figure range does not care which way is better), and BD-quality is
 * still test − anchor in the figure's units, so a NEGATIVE BD-quality is the better one there
 * (less banding at the same rate). Both equal what the higher-is-better computation gives on the
 * negated figure, with BD-quality's sign turned back (the tests pin it). Such a curve often
 * repeats its best value (CAMBI 0 at every top rung); `withoutRepeatedBest` keeps only the cheapest
 * of those points, and the BD table and `vq bdrate --lower-is-better` use it and say so.
 */
import { VqError } from '../errors';
import type { QualityDirection, RdPoint } from './hull';

/** How the curves are interpolated: PCHIP (JCT-VC/JVET CTC) or the VCEG-M33 cubic fit. */
export type BdMethod = 'pchip' | 'cubic';

/** Every {@link BdMethod}, for option parsing. */
export const BD_METHODS: readonly BdMethod[] = ['pchip', 'cubic'];

/** The BD numbers of a test curve against an anchor. */
export interface BdResult {
  method: BdMethod;
  /** Percent bitrate change of test vs anchor at equal quality; negative = test saves bits. */
  bdRatePercent: number;
  /**
   * Mean quality difference test − anchor at equal (log) rate, in the figure's units; null when the
   * rate ranges do not overlap. Positive is better for a higher-is-better figure, negative for a
   * lower-is-better one (CAMBI).
   */
  bdQuality: number | null;
  /** The overlapping quality range [lo, hi] the BD-rate integral runs over. */
  overlap: [number, number];
}

/** Minimum points per curve for each method. */
export const BD_MIN_POINTS: Readonly<Record<BdMethod, number>> = { pchip: 2, cubic: 4 };

/** A polynomial piece c0 + c1·s + c2·s² + c3·s³ in s = x − x0, valid on [x0, x1]. */
interface Piece {
  x0: number;
  x1: number;
  c: [number, number, number, number];
}

/** A curve y(x) that can be integrated exactly over any sub-range of its support. */
interface Interpolant {
  pieces: Piece[];
}

function pieceIntegral(p: Piece, a: number, b: number): number {
  const F = (s: number): number => s * (p.c[0] + s * (p.c[1] / 2 + s * (p.c[2] / 3 + s * (p.c[3] / 4))));
  return F(b - p.x0) - F(a - p.x0);
}

/** ∫_lo^hi y(x) dx, lo and hi inside the support (the last piece extends if rounding puts hi past it). */
function integrate(f: Interpolant, lo: number, hi: number): number {
  let sum = 0;
  f.pieces.forEach((p, i) => {
    const first = i === 0;
    const last = i === f.pieces.length - 1;
    const a = Math.max(lo, first ? -Infinity : p.x0);
    const b = Math.min(hi, last ? Infinity : p.x1);
    if (b > a) sum += pieceIntegral(p, a, b);
  });
  return sum;
}

/** Sign of a number as −1, 0 or 1. */
function sign(v: number): number {
  return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/** Fritsch–Carlson PCHIP slopes with SciPy's three-point end rule (methods.md §2.2). */
export function pchipSlopes(x: readonly number[], y: readonly number[]): number[] {
  const n = x.length;
  const h: number[] = [];
  const delta: number[] = [];
  for (let k = 0; k < n - 1; k++) {
    h.push(x[k + 1]! - x[k]!);
    delta.push((y[k + 1]! - y[k]!) / h[k]!);
  }
  if (n === 2) return [delta[0]!, delta[0]!];
  const d = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) {
    const d0 = delta[k - 1]!;
    const d1 = delta[k]!;
    if (d0 * d1 <= 0) continue;
    const w1 = 2 * h[k]! + h[k - 1]!;
    const w2 = h[k]! + 2 * h[k - 1]!;
    d[k] = (w1 + w2) / (w1 / d0 + w2 / d1);
  }
  const end = (h0: number, h1: number, m0: number, m1: number): number => {
    let v = ((2 * h0 + h1) * m0 - h0 * m1) / (h0 + h1);
    if (sign(v) !== sign(m0)) v = 0;
    else if (sign(m0) !== sign(m1) && Math.abs(v) > 3 * Math.abs(m0)) v = 3 * m0;
    return v;
  };
  d[0] = end(h[0]!, h[1]!, delta[0]!, delta[1]!);
  d[n - 1] = end(h[n - 2]!, h[n - 3]!, delta[n - 2]!, delta[n - 3]!);
  return d;
}

/** The PCHIP through (x, y), x strictly increasing, as cubic pieces. */
export function pchip(x: readonly number[], y: readonly number[]): Interpolant {
  const d = pchipSlopes(x, y);
  const pieces: Piece[] = [];
  for (let k = 0; k < x.length - 1; k++) {
    const h = x[k + 1]! - x[k]!;
    const m = (y[k + 1]! - y[k]!) / h;
    const d0 = d[k]!;
    const d1 = d[k + 1]!;
    pieces.push({ x0: x[k]!, x1: x[k + 1]!, c: [y[k]!, d0, (3 * m - 2 * d0 - d1) / h, (d0 + d1 - 2 * m) / (h * h)] });
  }
  return { pieces };
}

/** Solves the square system A·v = b by Gaussian elimination with partial pivoting. */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r]![col]!) > Math.abs(M[pivot]![col]!)) pivot = r;
    [M[col], M[pivot]] = [M[pivot]!, M[col]!];
    const p = M[col]![col]!;
    if (p === 0) throw new VqError('INVALID_CURVE', 'The cubic fit is singular: the curve needs at least 4 distinct values.', "Add points or use --method pchip.");
    for (let r = col + 1; r < n; r++) {
      const f = M[r]![col]! / p;
      for (let c = col; c <= n; c++) M[r]![c]! -= f * M[col]![c]!;
    }
  }
  const v = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= M[r]![c]! * v[c]!;
    v[r] = s / M[r]![r]!;
  }
  return v;
}

/**
 * Least-squares cubic through (x, y) (numpy `polyfit(x, y, 3)`), as one piece over [min x, max x].
 * The fit is done in a centred, scaled variable so the normal equations stay well conditioned.
 */
export function cubicFit(x: readonly number[], y: readonly number[]): Interpolant {
  const n = x.length;
  const x0 = x.reduce((a, b) => a + b, 0) / n;
  const scale = Math.max(...x.map((v) => Math.abs(v - x0))) || 1;
  const u = x.map((v) => (v - x0) / scale);
  const A = [0, 1, 2, 3].map((i) => [0, 1, 2, 3].map((j) => u.reduce((s, ui) => s + ui ** (i + j), 0)));
  const b = [0, 1, 2, 3].map((i) => u.reduce((s, ui, k) => s + ui ** i * y[k]!, 0));
  const a = solve(A, b);
  // y = Σ a_i ((x − x0)/scale)^i = Σ (a_i / scale^i) s^i with s = x − x0.
  const c: [number, number, number, number] = [a[0]!, a[1]! / scale, a[2]! / scale ** 2, a[3]! / scale ** 3];
  return { pieces: [{ x0, x1: x0, c }] };
}

function fmt(v: number): string {
  return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
}

/**
 * Checks one curve and returns its points sorted by quality ascending; throws INVALID_CURVE naming
 * the curve. The rate must rise with the quality, or fall with it for a lower-is-better figure.
 */
function checkedCurve(name: string, points: readonly RdPoint[], method: BdMethod, direction: QualityDirection): RdPoint[] {
  const min = BD_MIN_POINTS[method];
  if (points.length < min) {
    throw new VqError(
      'INVALID_CURVE',
      `The ${name} curve has ${points.length} point${points.length === 1 ? '' : 's'}; ${method === 'cubic' ? 'the cubic (VCEG-M33) fit' : 'PCHIP'} needs at least ${min}.`,
      method === 'cubic' ? 'Add points (encode more rate points) or use the pchip method, which needs 2.' : 'Add rate points to the curve.',
    );
  }
  points.forEach((p, i) => {
    if (!Number.isFinite(p.bitrate) || p.bitrate <= 0) {
      throw new VqError('INVALID_CURVE', `The ${name} curve's point ${i + 1} has bitrate ${String(p.bitrate)}; a bitrate must be a number above 0 (its logarithm is taken).`, 'Remove the point or fix its bitrate.');
    }
    if (!Number.isFinite(p.quality)) {
      throw new VqError('INVALID_CURVE', `The ${name} curve's point ${i + 1} has quality ${String(p.quality)}; it must be a finite number.`, 'Remove the point or fix its quality value.');
    }
  });
  const sorted = [...points].sort((a, b) => a.quality - b.quality);
  const lower = direction === 'lower';
  for (let i = 1; i < sorted.length; i++) {
    const a = sorted[i - 1]!;
    const b = sorted[i]!;
    const rateFollows = lower ? b.bitrate < a.bitrate : b.bitrate > a.bitrate;
    if (!(b.quality > a.quality) || !rateFollows) {
      throw new VqError(
        'INVALID_CURVE',
        `The ${name} curve is not monotonic: quality ${fmt(a.quality)} at bitrate ${fmt(a.bitrate)} and quality ${fmt(b.quality)} at bitrate ${fmt(b.bitrate)} — ${lower ? 'a lower-is-better figure must fall strictly as the bitrate rises' : 'quality must rise strictly with bitrate'}.`,
        `Use one encoder and settings per curve, drop the dominated points (run the convex hull first), and make sure no two points share a quality.${wrongDirectionHint(sorted, direction)}`,
      );
    }
  }
  return sorted;
}

/**
 * " If lower is better …" when a curve sorted by quality runs the other way overall (its rate falls
 * as the figure rises, or rises for a lower-is-better figure): the figure was most likely given
 * the wrong direction, e.g. CAMBI without `--lower-is-better`. Empty otherwise.
 */
function wrongDirectionHint(sorted: readonly RdPoint[], direction: QualityDirection): string {
  const first = sorted[0]!.bitrate;
  const last = sorted[sorted.length - 1]!.bitrate;
  if (direction === 'higher' && last < first) {
    return ' If lower is better for this figure (CAMBI), pass --lower-is-better (vq bdrate).';
  }
  if (direction === 'lower' && last > first) {
    return ' If higher is better for this figure, leave out --lower-is-better (vq bdrate).';
  }
  return '';
}

/**
 * A curve of a lower-is-better figure without its repeats of the best value: CAMBI reaches its
 * floor (0, no banding) at several bitrates of a ladder's top rungs, and a curve that stays at one
 * value while the bitrate rises is not monotonic, so it would have no BD numbers. Only the
 * cheapest point at the curve's lowest value is kept: the higher rates buy no less banding. Other
 * repeats stay, for {@link bdRate} to refuse with the reason. A higher-is-better curve is returned
 * as it is. `dropped` lists the points left out, so a caller can say so.
 */
export function withoutRepeatedBest<P extends RdPoint>(
  points: readonly P[],
  direction: QualityDirection,
): { points: P[]; dropped: P[] } {
  if (direction === 'higher' || points.length < 2) return { points: [...points], dropped: [] };
  const best = Math.min(...points.map((p) => p.quality));
  const atBest = points.filter((p) => p.quality === best);
  if (atBest.length < 2) return { points: [...points], dropped: [] };
  const cheapest = atBest.reduce((a, b) => (b.bitrate < a.bitrate ? b : a));
  return {
    points: points.filter((p) => p.quality !== best || p === cheapest),
    dropped: atBest.filter((p) => p !== cheapest),
  };
}

function interpolant(method: BdMethod, x: readonly number[], y: readonly number[]): Interpolant {
  return method === 'cubic' ? cubicFit(x, y) : pchip(x, y);
}

/** The overlap [lo, hi] of two value ranges, or null when they share no range. */
function overlapRange(a: readonly number[], b: readonly number[]): [number, number] | null {
  const lo = Math.max(Math.min(...a), Math.min(...b));
  const hi = Math.min(Math.max(...a), Math.max(...b));
  return hi > lo ? [lo, hi] : null;
}

/** The overlap [lo, hi] of two value ranges, or a VqError naming the axis. */
function overlapOf(a: readonly number[], b: readonly number[], axis: string, show: (v: number) => string): [number, number] {
  const range = overlapRange(a, b);
  if (range === null) {
    throw new VqError(
      'INVALID_CURVE',
      `The curves do not overlap in ${axis}: anchor ${show(Math.min(...a))}–${show(Math.max(...a))}, test ${show(Math.min(...b))}–${show(Math.max(...b))}. BD numbers only exist over a shared range.`,
      'Encode more rate points so the two curves cover a common quality range.',
    );
  }
  return range;
}

/**
 * BD-rate and BD-quality of `test` against `anchor` (methods.md §2.2; default PCHIP) for a figure
 * that is better higher (default) or lower (`direction`, see the module comment). Throws
 * VqError('INVALID_CURVE') for too few points (< 4 for cubic, < 2 for pchip), a non-monotonic
 * curve, or no common quality range; the message names the curve and what to do. Without a
 * common rate range the BD-rate stands and `bdQuality` is null.
 */
export function bdRate(
  anchor: readonly RdPoint[],
  test: readonly RdPoint[],
  method: BdMethod = 'pchip',
  direction: QualityDirection = 'higher',
): BdResult {
  const A = checkedCurve('anchor', anchor, method, direction);
  const B = checkedCurve('test', test, method, direction);
  const qa = A.map((p) => p.quality);
  const qb = B.map((p) => p.quality);
  const la = A.map((p) => Math.log10(p.bitrate));
  const lb = B.map((p) => Math.log10(p.bitrate));

  const [qLo, qHi] = overlapOf(qa, qb, 'quality', fmt);
  const rates = overlapRange(la, lb);

  // BD-rate: log-rate as a function of quality (ascending quality either way).
  const dLog = (integrate(interpolant(method, qb, lb), qLo, qHi) - integrate(interpolant(method, qa, la), qLo, qHi)) / (qHi - qLo);
  // BD-quality: quality as a function of log-rate, which must ascend: a lower-is-better curve
  // sorted by quality has its rates descending, so it is read backwards.
  const byRate = (x: number[]): number[] => (direction === 'lower' ? [...x].reverse() : x);
  const dQ =
    rates === null
      ? null
      : (integrate(interpolant(method, byRate(lb), byRate(qb)), rates[0], rates[1]) -
          integrate(interpolant(method, byRate(la), byRate(qa)), rates[0], rates[1])) /
        (rates[1] - rates[0]);
  return { method, bdRatePercent: (10 ** dLog - 1) * 100, bdQuality: dQ, overlap: [qLo, qHi] };
}

/**
 * Share (0..1) of the union of both curves' quality ranges that they have in common. Below 0.75
 * the BD numbers rest on little shared ground (FAU-LMS warns there, methods.md §2.3).
 */
export function qualityOverlapShare(anchor: readonly RdPoint[], test: readonly RdPoint[]): number {
  const qa = anchor.map((p) => p.quality);
  const qb = test.map((p) => p.quality);
  if (qa.length === 0 || qb.length === 0) return 0;
  const lo = Math.max(Math.min(...qa), Math.min(...qb));
  const hi = Math.min(Math.max(...qa), Math.max(...qb));
  const span = Math.max(...qa, ...qb) - Math.min(...qa, ...qb);
  return span > 0 ? Math.max(0, hi - lo) / span : 0;
}
