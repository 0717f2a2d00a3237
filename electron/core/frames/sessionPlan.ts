/**
 * Where a running decoder ("session", see decodeSession.ts) starts for a wanted frame (pure).
 *
 * A session seeks the input to the keyframe at or before the target, decodes forward, and lets
 * frames through from `selectFrom` on (a few before the target, so stepping back is served from
 * memory). Frames before the seek keyframe may be an open GOP's leading pictures decoded without
 * their references, so they are never trusted; from the seek keyframe on every frame decodes
 * exactly as in a full sequential decode. That holds only if the demuxer really landed at or
 * before that keyframe, which the session checks on the first decoded frame (its pts must not be
 * later than the keyframe's); if it landed later, the session plans again one keyframe earlier
 * (`keysBack`), and finally from the start.
 */
import type { FrameIndex } from './frameIndex';

/** How a session run starts. */
export interface SessionPlan {
  /** `-ss` value (seconds from the input's start), or null to decode from the start. */
  seekSeconds: number | null;
  /** Index of the keyframe the seek aims at (0 without a seek): frames before it are not trusted. */
  seekKey: number;
  /** First frame let through the `select` filter. */
  selectFrom: number;
  /** The `select` expression (by pts when timestamps name frames, else by decoded frame number). */
  select: string;
}

/** Decode from the start: the last resort. */
export const FROM_START = Number.POSITIVE_INFINITY;

/**
 * Plans a run for frame `target` that also lets up to `before` earlier frames (from the same
 * trusted range) through; `keysBack` moves the seek that many keyframes earlier (FROM_START: none).
 */
export function planSession(
  index: FrameIndex,
  target: number,
  before: number,
  keysBack = 0,
): SessionPlan {
  const wanted = Math.max(0, target - before);
  const tick = index.secondsPerTick;
  if (!index.seekable || tick === null) {
    return { seekSeconds: null, seekKey: 0, selectFrom: wanted, select: `gte(n\\,${wanted})` };
  }
  let key = 0;
  if (keysBack !== FROM_START) {
    let back = keysBack;
    for (let i = target; i >= 0; i--) {
      if (index.frames[i]!.key && back-- === 0) {
        key = i;
        break;
      }
    }
  }
  const selectFrom = Math.max(key, wanted);
  const select = `gte(pts\\,${index.frames[selectFrom]!.pts!})`;
  if (key === 0) return { seekSeconds: null, seekKey: 0, selectFrom, select };
  // ffmpeg's -ss counts from the input's start time; the first frame's pts stands for it (an
  // earlier start time only makes the seek land earlier, which is safe). Floored to microseconds
  // so that rounding never moves the seek past the keyframe.
  const first = index.frames[0]!.pts!;
  const seconds = Math.floor((index.frames[key]!.pts! - first) * tick * 1e6) / 1e6;
  if (seconds <= 0) return { seekSeconds: null, seekKey: 0, selectFrom, select };
  return { seekSeconds: seconds, seekKey: key, selectFrom, select };
}

/** Index of the keyframe at or before frame `n` (0 when there is none) (pure). */
export function keyframeAtOrBefore(index: FrameIndex, n: number): number {
  for (let i = n; i >= 0; i--) if (index.frames[i]!.key) return i;
  return 0;
}
