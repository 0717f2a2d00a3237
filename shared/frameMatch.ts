/**
 * Scoring on frames matched by their pictures (the alignment assistant, electron/core/align): the
 * mapping found, what a result records of it, and the pairs scoring compares. Everything that
 * reads a recorded match re-derives the pairs from the mapping here, so a stored or imported
 * result never replays pairs it cannot check. Pure.
 *
 * A mapping run says distorted frames distStart … distStart + length − 1 show reference frames
 * refStart, refStart + refStep, … (refStep 2 for a 25 fps encode of a 50 fps reference).
 */
import { z } from 'zod';

/** Distorted frames that show reference frames at a steady step. */
export interface MappingRun {
  distStart: number;
  refStart: number;
  length: number;
  /** Reference frames per distorted frame in the run; absent = 1. */
  refStep?: number;
  /** 0–1: how surely the pictures say this run (its frames against their neighbours'). */
  confidence?: number;
}

/**
 * What scoring does with reference frames the distorted video lacks: leave them out, or score
 * each against the distorted frame a player holds in its place (the one before), as people see it.
 */
export const DROPPED_FRAMES = ['exclude', 'hold'] as const;

/** One of {@link DROPPED_FRAMES}. */
export type DroppedFrames = (typeof DROPPED_FRAMES)[number];

/** What each choice does, in the words the UI and CLI show. */
export const DROPPED_FRAMES_DESCRIPTIONS: Readonly<Record<DroppedFrames, string>> = {
  exclude: 'Leave out the reference frames the distorted video lacks.',
  hold:
    'Score each reference frame the distorted video lacks against the frame shown in its place ' +
    '(the one before it, as a player holds it).',
};

/** Most frames a video may have for a mapping to be recorded (a 10-hour title at 120 fps). */
const MAX_FRAME = 5_000_000;
/** Most runs a recorded mapping may have (far more than drops and repeats a real pair has). */
export const MAX_MAPPING_RUNS = 100_000;

const Frame = z.number().int().min(0).max(MAX_FRAME);

/** A mapping run as recorded (validated: a project file may carry anything). */
export const MappingRunSchema = z.strictObject({
  distStart: Frame,
  refStart: Frame,
  length: z.number().int().min(1).max(MAX_FRAME),
  refStep: z.number().int().min(1).max(8).optional(),
  confidence: z.number().min(0).max(1).optional(),
});

/** How a pair's frames were matched by their pictures, as a result records it. */
export const FrameMatchSchema = z
  .strictObject({
    /** 0–1: how surely the pictures said this. */
    confidence: z.number().min(0).max(1),
    /** Distorted frame i showed reference frame i + offsetFrames at the start. */
    offsetFrames: z.number().int().min(-MAX_FRAME).max(MAX_FRAME),
    /** Matched distorted frames, in order. */
    mapping: z.array(MappingRunSchema).min(1).max(MAX_MAPPING_RUNS),
    /** Reference frames the distorted video lacked (beyond the rate conversion). */
    dropped: z.array(Frame).max(MAX_FRAME),
    /** Distorted frames that repeated the one before. */
    repeated: z.array(Frame).max(MAX_FRAME),
    /** What was done with the dropped frames. */
    droppedFrames: z.enum(DROPPED_FRAMES),
  })
  .superRefine((m, ctx) => {
    const problem = mappingProblem(m.mapping);
    if (problem) ctx.addIssue({ code: 'custom', path: ['mapping'], message: problem });
    if (!ascending(m.dropped, true))
      ctx.addIssue({ code: 'custom', path: ['dropped'], message: 'not in ascending order' });
  });

/** A {@link FrameMatchSchema} value. */
export type FrameMatch = z.infer<typeof FrameMatchSchema>;

function ascending(xs: readonly number[], strict: boolean): boolean {
  for (let k = 1; k < xs.length; k++) {
    if (strict ? xs[k]! <= xs[k - 1]! : xs[k]! < xs[k - 1]!) return false;
  }
  return true;
}

/** The last reference frame a run shows. */
export function lastRefOf(run: MappingRun): number {
  return run.refStart + (run.length - 1) * (run.refStep ?? 1);
}

/**
 * Why runs cannot be a mapping, or null: each run must start on the distorted frame after the
 * last one and never go back in the reference.
 */
export function mappingProblem(runs: readonly MappingRun[]): string | null {
  for (let k = 1; k < runs.length; k++) {
    const before = runs[k - 1]!;
    const run = runs[k]!;
    if (run.distStart < before.distStart + before.length)
      return `run ${k} starts at distorted frame ${run.distStart}, inside the run before`;
    if (run.refStart < lastRefOf(before))
      return `run ${k} goes back to reference frame ${run.refStart}`;
  }
  return null;
}

/** The frames scoring compares: position i is distorted frame dist[i] against reference ref[i]. */
export interface FramePairs {
  dist: number[];
  /** Ascending, each reference frame once. */
  ref: number[];
}

/**
 * The pairs scored on a match: each reference frame the distorted video shows, against the first
 * distorted frame that shows it (a repeat shows a frame already scored), and with `hold` each
 * dropped reference frame against the distorted frame before it. Only reference frames in
 * [start, start + frames) when a range is given.
 */
export function framePairs(
  m: Pick<FrameMatch, 'mapping' | 'dropped' | 'droppedFrames'>,
  range: { start: number; frames: number | null } = { start: 0, frames: null },
): FramePairs {
  const end = range.frames === null ? Infinity : range.start + range.frames;
  const inRange = (r: number): boolean => r >= range.start && r < end;
  const dist: number[] = [];
  const ref: number[] = [];
  const hold = m.droppedFrames === 'hold';
  let drop = 0;
  let lastRef = -1;
  let lastDist = -1;
  for (const run of m.mapping) {
    const step = run.refStep ?? 1;
    for (let k = 0; k < run.length; k++) {
      const d = run.distStart + k;
      const r = run.refStart + k * step;
      if (r <= lastRef) {
        // A repeat: scored once already, but it is the frame a player holds next.
        lastDist = d;
        continue;
      }
      for (; drop < m.dropped.length && m.dropped[drop]! < r; drop++) {
        const x = m.dropped[drop]!;
        if (hold && x > lastRef && lastDist >= 0 && inRange(x)) {
          dist.push(lastDist);
          ref.push(x);
        }
      }
      if (inRange(r)) {
        dist.push(d);
        ref.push(r);
      }
      lastRef = r;
      lastDist = d;
    }
  }
  return { dist, ref };
}

/**
 * The distorted frame matching reference frame `r` (what Compare shows beside it): the one that
 * shows it, the one held in its place when dropped, and before the first or after the last match
 * the frame the nearest run's diagonal leads to (clamped at 0).
 */
export function distFrameAt(mapping: readonly MappingRun[], r: number): number {
  let k = lastRunStartingBy(mapping, (run) => run.refStart <= r);
  // A run that starts with a repeat shows the last frame of the one before again: the first
  // distorted frame that shows `r` (the one scored) is in the earlier run.
  while (k > 0 && lastRefOf(mapping[k - 1]!) >= r) k--;
  if (k < 0) {
    const first = mapping[0];
    if (!first) return r;
    return Math.max(0, first.distStart - Math.ceil((first.refStart - r) / (first.refStep ?? 1)));
  }
  const run = mapping[k]!;
  const step = run.refStep ?? 1;
  const along = Math.floor((r - run.refStart) / step);
  if (along < run.length) return run.distStart + along;
  // Past the run: held (dropped frames) until the next run, or beyond the last match.
  const last = run.distStart + run.length - 1;
  return k === mapping.length - 1 ? last + Math.floor((r - lastRefOf(run)) / step) : last;
}

/** The reference frame distorted frame `d` shows (extrapolated before and after the match). */
export function refFrameAt(mapping: readonly MappingRun[], d: number): number {
  const k = lastRunStartingBy(mapping, (run) => run.distStart <= d);
  if (k < 0) {
    const first = mapping[0];
    return first ? Math.max(0, first.refStart - (first.distStart - d) * (first.refStep ?? 1)) : d;
  }
  const run = mapping[k]!;
  const step = run.refStep ?? 1;
  const along = d - run.distStart;
  if (along < run.length) return run.refStart + along * step;
  // Unmatched frames after the last run follow its diagonal.
  return lastRefOf(run) + (along - run.length + 1) * step;
}

/** Index of the last run `ok` holds for (runs ascending in it), or −1. */
function lastRunStartingBy(runs: readonly MappingRun[], ok: (run: MappingRun) => boolean): number {
  let lo = 0;
  let hi = runs.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (ok(runs[mid]!)) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Frames that repeat a pattern: from `from` to `to` (both included), every frame whose distance
 * from `from` modulo `period` is one of `offsets` (ascending, the first 0). 0,2,4,…,98 is one
 * (period 2, offset 0); every frame but each sixth (a 25 fps encode of a 30 fps reference) is one
 * (period 6, offsets 0–4 or their like).
 */
export interface FramePattern {
  from: number;
  to: number;
  period: number;
  offsets: number[];
}

/** Longest pattern tried: frames per period (a 24 → 25 conversion repeats one frame in 25). */
const MAX_PATTERN = 30;

/**
 * Ascending distinct frames as patterns (see {@link FramePattern}), greedily: at each point the
 * pattern of up to {@link MAX_PATTERN} frames per period that covers the most frames. A rate
 * conversion's frames are a few patterns (one per stretch its rounding keeps), where runs of
 * consecutive frames would be one per skipped frame.
 */
export function framePatterns(frames: readonly number[]): FramePattern[] {
  const out: FramePattern[] = [];
  let k = 0;
  while (k < frames.length) {
    const from = frames[k]!;
    // The pattern of m frames per period that lasts longest from k: frames[i + m] = frames[i] + P.
    let best = { m: 1, end: k };
    for (let m = 1; m <= MAX_PATTERN && k + m < frames.length; m++) {
      const period = frames[k + m]! - from;
      let end = k + m;
      while (end + 1 < frames.length && frames[end + 1]! - frames[end + 1 - m]! === period) end++;
      if (end - k > best.end - k) best = { m, end };
    }
    const m = Math.min(best.m, best.end - k + 1);
    const period = best.end > k ? frames[k + best.m]! - from : 1;
    out.push({
      from,
      to: frames[best.end]!,
      period: best.end > k ? period : 1,
      offsets: frames.slice(k, k + m).map((f) => f - from),
    });
    k = best.end + 1;
  }
  return out;
}

/**
 * A picture check as the pre-flight shows it (`score.plan`): what the pictures say, its evidence
 * (the match cost of each start offset tried: a clear dip, or a flat line when they cannot tell)
 * and whether scoring applies the match.
 */
export interface PictureCheck {
  aligned: boolean;
  confidence: number;
  offsetFrames: number;
  /** Reference frames the distorted video lacks, and distorted frames repeated (counts). */
  dropped: number;
  repeated: number;
  unmatched: { leading: number; trailing: number };
  speedChange: boolean;
  /** Mean signature distance at each start offset tried (0: the same pictures). */
  offsetCosts: { offset: number; cost: number }[];
  /** What scoring on the match does, in words. */
  fixes: string[];
  /** Frames compared on the match when scoring applies it, else null. */
  scoredFrames: number | null;
}

/**
 * The reference frames a mapping covers, as merged inclusive spans (what Compare's timeline
 * draws): runs join unless frames the distorted video lacks (`dropped`) lie between them; before
 * the first and after the last span it shows none.
 */
export function matchedSpans(
  mapping: readonly MappingRun[],
  dropped: readonly number[] = [],
): { from: number; to: number }[] {
  const spans: { from: number; to: number }[] = [];
  let d = 0;
  for (const run of mapping) {
    const from = run.refStart;
    const to = lastRefOf(run);
    const last = spans.at(-1);
    // Frames skipped between runs that the distorted video does not lack (a rate conversion's)
    // join them; a run at a step (every other frame of a 50 fps reference) covers its span.
    while (d < dropped.length && last && dropped[d]! <= last.to) d++;
    const lacking = d < dropped.length && dropped[d]! < from;
    if (last && (from <= last.to + 1 || !lacking)) last.to = Math.max(last.to, to);
    else spans.push({ from, to });
  }
  return spans;
}
