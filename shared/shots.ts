/**
 * Shots of a title: the stretches between scene cuts, as per-shot encoding and the CRF search's
 * sampling use them. Made from each frame's scene score (electron/core/shots: ffmpeg's scdet, in
 * its 0–100 scale) by {@link shotsFromScores}. Pure.
 *
 * Frame numbers count from 0 in presentation order; a shot is frames [start, end).
 */
import { z } from 'zod';
import { VqError } from './errors';

/** How a shot begins: the title's first frame, a scene cut, or a split of a shot longer than the longest allowed. */
export type ShotStart = 'title' | 'cut' | 'split';

/** Frames [start, end) of a title, one shot. */
export interface Shot {
  start: number;
  end: number;
  /** How it begins. */
  by: ShotStart;
}

/** The rules that turn scene scores into shots. */
export interface ShotRules {
  /** A frame scoring at least this (scdet's scale, 0–100) starts a scene. */
  threshold: number;
  /** No shot is shorter (unless the title is), in frames; at least 1. */
  minFrames: number;
  /** A longer shot is split into equal parts no longer than this; null: never split. */
  maxFrames: number | null;
}

/** scdet's default threshold: a frame differing from the one before by ≥ 10 % of the range. */
export const DEFAULT_SCENE_THRESHOLD = 10;

/** The shortest shot by default, in seconds: cuts closer than this are one shot (a flash, a strobe). */
export const DEFAULT_MIN_SHOT_SECONDS = 0.5;

/** The rules in frames for a title of `fps` frames a second, from lengths in seconds. */
export function shotRules(
  fps: number,
  o: { threshold?: number; minSeconds?: number; maxSeconds?: number | null } = {},
): ShotRules {
  if (!(fps > 0 && Number.isFinite(fps))) {
    throw new VqError('INVALID_ARGS', `Shots need the title's frame rate; ${fps} is not one.`);
  }
  const threshold = o.threshold ?? DEFAULT_SCENE_THRESHOLD;
  const minSeconds = o.minSeconds ?? DEFAULT_MIN_SHOT_SECONDS;
  if (!(minSeconds >= 0 && Number.isFinite(minSeconds)))
    throw new VqError('INVALID_ARGS', `The shortest shot is 0 seconds or more, not ${minSeconds}.`);
  const rules: ShotRules = {
    threshold,
    minFrames: Math.max(1, Math.round(minSeconds * fps)),
    maxFrames: o.maxSeconds == null ? null : Math.max(1, Math.round(o.maxSeconds * fps)),
  };
  checkRules(rules);
  return rules;
}

function checkRules(r: ShotRules): void {
  if (!(r.threshold > 0 && r.threshold <= 100)) {
    throw new VqError(
      'INVALID_ARGS',
      `A scene threshold runs above 0 up to 100, not ${r.threshold}.`,
      'scdet scores a frame by how much of the picture changed, in percent; 10 is its default.',
    );
  }
  if (!Number.isInteger(r.minFrames) || r.minFrames < 1)
    throw new VqError(
      'INVALID_ARGS',
      `The shortest shot must be 1 frame or more, not ${r.minFrames}.`,
    );
  if (r.maxFrames !== null && !(Number.isInteger(r.maxFrames) && r.maxFrames >= 2 * r.minFrames)) {
    throw new VqError(
      'INVALID_ARGS',
      `The longest shot (${r.maxFrames} frames) must be at least twice the shortest (${r.minFrames}), so a split never makes a shot shorter than the shortest.`,
    );
  }
}

/**
 * The shots of a title of `scores.length` frames (`scores[i]`: frame i's scene score; frame 0's
 * is ignored).
 * - A cut is a frame scoring at least the threshold. Cuts are taken strongest first, each only when
 *   it is at least `minFrames` from every cut already taken and from both ends of the title: two
 *   cuts of a flash, or a cut and the hard frame of a fade, make one shot, at the stronger cut.
 * - A shot longer than `maxFrames` is split into the fewest equal parts that fit (`by: 'split'`).
 */
export function shotsFromScores(scores: ArrayLike<number>, rules: ShotRules): Shot[] {
  checkRules(rules);
  const n = scores.length;
  if (n === 0) return [];
  const candidates: number[] = [];
  for (let i = 1; i < n; i++) if (scores[i]! >= rules.threshold) candidates.push(i);
  candidates.sort((a, b) => scores[b]! - scores[a]! || a - b);
  const taken: number[] = []; // sorted
  for (const c of candidates) {
    if (c < rules.minFrames || n - c < rules.minFrames) continue;
    const at = insertionPoint(taken, c);
    const before = at > 0 ? c - taken[at - 1]! : Infinity;
    const after = at < taken.length ? taken[at]! - c : Infinity;
    if (before >= rules.minFrames && after >= rules.minFrames) taken.splice(at, 0, c);
  }
  const shots: Shot[] = [];
  const starts = [0, ...taken];
  for (let k = 0; k < starts.length; k++) {
    const start = starts[k]!;
    const end = starts[k + 1] ?? n;
    const parts = rules.maxFrames === null ? 1 : Math.ceil((end - start) / rules.maxFrames);
    for (let p = 0; p < parts; p++) {
      shots.push({
        start: start + Math.round(((end - start) * p) / parts),
        end: start + Math.round(((end - start) * (p + 1)) / parts),
        by: p > 0 ? 'split' : k === 0 ? 'title' : 'cut',
      });
    }
  }
  return shots;
}

function insertionPoint(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The frames where a scene cut starts a shot (not the title's start nor a split). */
export function cutFrames(shots: readonly Shot[]): number[] {
  return shots.filter((s) => s.by === 'cut').map((s) => s.start);
}

/** Shots as the API and `vq shots --json` give them; checked wherever they are read back. */
export const ShotSchema = z
  .object({
    start: z.number().int().min(0),
    end: z.number().int().min(1),
    by: z.enum(['title', 'cut', 'split']),
  })
  .strict()
  .refine((s) => s.end > s.start, { message: 'a shot ends after it starts' });

/** The shots of a source, with what they were found with. */
export interface TitleShots {
  /** Frames of the title the scores cover. */
  frames: number;
  /** Frames a second (to show times). */
  fps: number;
  /** Which ffmpeg filter scored the frames. */
  method: 'scdet' | 'select';
  rules: ShotRules;
  shots: Shot[];
  /** True when the scene scores came from the cache (no decode). */
  cached: boolean;
}
