/**
 * Where a title is cut into chunks that separate ffmpeg processes (later, separate machines) encode
 * and a stream copy joins again. Pure: frames in, frame ranges out.
 *
 * The rule, left to right, one boundary at a time from the start `s` of the current chunk:
 * - Boundaries may only fall on the grid: multiples of the GOP length when the rung has a fixed GOP
 *   (every chunk starts with a keyframe, so the joined file has exactly the keyframes of a one-pass
 *   encode), else any frame.
 * - A boundary `b` is looked for in the reach of the target: `s + minFrames ≤ b ≤ s + maxFrames`
 *   (maxFrames = 2·target − minFrames, so the reach is centred on the target) and it must leave
 *   at least `minFrames` after it, so the last chunk is never a sliver (a tiny tail is merged into
 *   the chunk before).
 * - Scene-aware: a grid point less than one grid step from a scene cut (on a cut, when any frame
 *   may be a boundary) is "at a cut". Among the points in reach, those at a cut win, the one
 *   nearest its cut first; then the one nearest the target; then the earlier one. Without a cut in
 *   reach the boundary is the grid point nearest the target.
 * - A remainder that fits in one chunk (≤ maxFrames) ends the title; so does a remainder with no
 *   grid point that leaves two chunks of at least minFrames. When the grid is coarser than the
 *   reach, the first grid point past minFrames is taken (the GOP grid always wins over length).
 * A title shorter than the target is one chunk.
 */
import type { PlannedRung } from '../../../../shared/encodePlan';
import { VqError } from '../../../../shared/errors';

/** Frames [start, end) of the title, encoded as one piece; `index` counts from 0. */
export interface ChunkRange {
  index: number;
  start: number;
  end: number;
}

/** What {@link planChunks} needs: the title's length, its GOP grid and scene cuts, the chunk size. */
export interface ChunkPlanInput {
  /** Frames of the title (of the rung's output, when the rung caps the frame rate). */
  frameCount: number;
  /** The fixed GOP length in frames, or null when keyframes may fall anywhere. */
  gopFrames: number | null;
  /** Frames where a new scene starts (any order; out-of-range ones are ignored). */
  sceneCuts: readonly number[];
  /** The chunk length aimed at, in frames. */
  targetFrames: number;
  /** No chunk is shorter (unless the title is); default half the target. At most the target. */
  minFrames?: number;
}

/** Cuts a title into chunk ranges that cover frames 0..frameCount exactly, in order (see above). */
export function planChunks(o: ChunkPlanInput): ChunkRange[] {
  const n = positiveInt(o.frameCount, 'frameCount');
  const target = positiveInt(o.targetFrames, 'targetFrames');
  const grid = o.gopFrames === null ? 1 : positiveInt(o.gopFrames, 'gopFrames');
  const min = Math.min(
    target,
    positiveInt(o.minFrames ?? Math.max(1, Math.round(target / 2)), 'minFrames'),
  );
  const max = 2 * target - min;
  const cuts = [...new Set(o.sceneCuts)]
    .filter((c) => Number.isInteger(c) && c > 0 && c < n)
    .sort((a, b) => a - b);

  const starts = [0];
  let s = 0;
  while (n - s > max) {
    const b = nextBoundary(s, { n, target, grid, min, max, cuts });
    if (b === null) break;
    starts.push(b);
    s = b;
  }
  return starts.map((start, index) => ({ index, start, end: starts[index + 1] ?? n }));
}

/** The boundary after a chunk starting at `s`, or null when the rest of the title is one chunk. */
function nextBoundary(
  s: number,
  c: { n: number; target: number; grid: number; min: number; max: number; cuts: number[] },
): number | null {
  const lastAllowed = c.n - c.min; // leaves at least min frames after the boundary
  const first = ceilTo(s + c.min, c.grid);
  if (first > lastAllowed) return null;
  const last = Math.min(s + c.max, lastAllowed);
  if (first > last) return first; // the grid is coarser than the reach: the GOP grid wins
  const aim = s + c.target;
  let best: { b: number; cut: number; off: number } | null = null;
  for (let b = first; b <= last; b += c.grid) {
    const d = distanceToNearest(c.cuts, b);
    const cut = d < c.grid ? d : Infinity;
    const off = Math.abs(b - aim);
    if (!best || cut < best.cut || (cut === best.cut && off < best.off)) best = { b, cut, off };
  }
  return best!.b;
}

/** The distance from `x` to the nearest value of a sorted list (Infinity when it is empty). */
function distanceToNearest(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  const after = lo < sorted.length ? sorted[lo]! - x : Infinity;
  const before = lo > 0 ? x - sorted[lo - 1]! : Infinity;
  return Math.min(after, before);
}

function ceilTo(v: number, step: number): number {
  return Math.ceil(v / step) * step;
}

function positiveInt(v: number, name: string): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new VqError(
      'INVALID_ARGS',
      `${name} must be a whole number of frames above 0, not ${v}.`,
    );
  }
  return v;
}

/**
 * The GOP grid chunks of a rung must follow: its keyframe interval when the GOP is fixed (no
 * keyframes at scene changes), else null (each chunk just starts with its own keyframe).
 */
export function fixedGopFrames(p: Pick<PlannedRung, 'keyint' | 'rung'>): number | null {
  return p.rung.fixedGop && p.keyint !== null ? p.keyint : null;
}
