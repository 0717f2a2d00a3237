/**
 * Per-shot encoding (Netflix's Dynamic Optimizer, ../shared/reference/methods.md §1.4): every
 * shot of a title encoded at several CRFs, each shot's convex hull of (bits, quality), and one
 * slope λ for all shots — each shot takes the hull point where quality gained per bit falls to λ —
 * chosen so the title meets a target bitrate or quality. Pure: points in, choices out.
 *
 * The allocation is the greedy form of the constant-slope rule: every shot starts at its cheapest
 * hull point, and the upgrade with the most quality per bit (quality weighted by the shot's
 * frames, as the title's mean is) is taken next, one at a time. On convex hulls each upgrade is
 * the next point of the title's own hull, so the sequence is the title's rate–quality curve and a
 * target is met by walking it.
 */
import { z } from 'zod';
import { VqError } from './errors';
import type { Shot } from './shots';
import { PER_TITLE_CRFS } from './perTitle';
import { convexHull } from './rd/hull';

/** One shot encoded at one CRF (and picture height): what it cost and what it scored. */
export interface ShotPoint {
  crf: number;
  /** The encode's picture height (its quality is scored at the title's size). */
  height: number;
  /** Bits of the shot's video. */
  bits: number;
  /** The shot's pooled quality (the mean over its frames). */
  quality: number;
}

/** A shot as the allocation sees it: its length in frames and its measured points. */
export interface ShotCandidates {
  frames: number;
  points: ShotPoint[];
}

/** The shot's hull: the points some slope λ would choose, cheapest first. */
export function shotHull(points: readonly ShotPoint[]): ShotPoint[] {
  const hull = convexHull(points.map((p) => ({ ...p, bitrate: p.bits })));
  return hull.map(({ crf, height, bits, quality }) => ({ crf, height, bits, quality }));
}

/** A point of the title's curve: the choice per shot (index into its hull) and the totals. */
export interface TitlePoint {
  /** Per shot, the index of its chosen point in {@link shotHull} order. */
  choice: number[];
  bits: number;
  /** The title's mean quality (frames-weighted mean of the shots' qualities). */
  quality: number;
  /** The slope at which the last upgrade was taken (quality·frames per bit); Infinity at the start. */
  lambda: number;
}

/**
 * The title's rate–quality curve from its shots' hulls, cheapest first: the start (every shot at
 * its cheapest point) and one point per upgrade (see the file comment).
 */
export function titleCurve(shots: readonly ShotCandidates[]): {
  hulls: ShotPoint[][];
  curve: TitlePoint[];
} {
  if (shots.length === 0)
    throw new VqError('INVALID_ARGS', 'A title with no shots has nothing to allocate.');
  const hulls = shots.map((s, i) => {
    const h = shotHull(s.points);
    if (h.length === 0)
      throw new VqError('INVALID_ARGS', `Shot ${i + 1} has no usable encode to choose from.`);
    return h;
  });
  const frames = shots.reduce((n, s) => n + s.frames, 0);
  const choice = hulls.map(() => 0);
  let bits = hulls.reduce((n, h) => n + h[0]!.bits, 0);
  let weighted = hulls.reduce((n, h, i) => n + h[0]!.quality * shots[i]!.frames, 0);
  const curve: TitlePoint[] = [
    { choice: [...choice], bits, quality: weighted / frames, lambda: Infinity },
  ];
  // Each shot's next upgrade and its slope; the steepest is taken each time (hull slopes fall).
  const slopeOf = (i: number): number => {
    const h = hulls[i]!;
    const c = choice[i]!;
    if (c + 1 >= h.length) return -Infinity;
    return ((h[c + 1]!.quality - h[c]!.quality) * shots[i]!.frames) / (h[c + 1]!.bits - h[c]!.bits);
  };
  const slopes = hulls.map((_, i) => slopeOf(i));
  for (;;) {
    let best = -1;
    for (let i = 0; i < slopes.length; i++) if (best < 0 || slopes[i]! > slopes[best]!) best = i;
    if (best < 0 || slopes[best] === -Infinity) break;
    const h = hulls[best]!;
    const c = choice[best]!;
    bits += h[c + 1]!.bits - h[c]!.bits;
    weighted += (h[c + 1]!.quality - h[c]!.quality) * shots[best]!.frames;
    const lambda = slopes[best]!;
    choice[best] = c + 1;
    slopes[best] = slopeOf(best);
    curve.push({ choice: [...choice], bits, quality: weighted / frames, lambda });
  }
  return { hulls, curve };
}

/** What the title must meet: a mean bitrate (at most) or a mean quality (at least). */
export type ShotTarget = { kbps: number } | { quality: number };

/**
 * The point of the title's curve for a target: the best quality within the bitrate, or the
 * cheapest reaching the quality. Null when no point can (the bitrate is below the cheapest
 * choice, or the quality above the best): `why` says which.
 */
export function pickForTarget(
  curve: readonly TitlePoint[],
  target: ShotTarget,
  seconds: number,
): { point: TitlePoint; met: true } | { point: TitlePoint; met: false; why: string } {
  if ('kbps' in target) {
    const budget = target.kbps * 1000 * seconds;
    let chosen: TitlePoint | null = null;
    for (const p of curve) if (p.bits <= budget) chosen = p;
    if (chosen) return { point: chosen, met: true };
    const cheapest = curve[0]!;
    return {
      point: cheapest,
      met: false,
      why: `the cheapest choice (every shot at its cheapest encode) needs ${Math.round(cheapest.bits / seconds / 1000)} kb/s`,
    };
  }
  const reach = curve.find((p) => p.quality >= target.quality);
  if (reach) return { point: reach, met: true };
  const best = curve[curve.length - 1]!;
  return {
    point: best,
    met: false,
    why: `the best choice (every shot at its best encode) gives ${best.quality.toFixed(2)}`,
  };
}

/** The title's curve at one picture height: its shots' hulls at that height, and one λ. */
export interface HeightCurve {
  height: number;
  hulls: ShotPoint[][];
  curve: TitlePoint[];
}

/** Each height's curve (see {@link titleCurve}), smallest height first. */
export function heightCurves(shots: readonly ShotCandidates[]): HeightCurve[] {
  const heights = [...new Set(shots.flatMap((s) => s.points.map((p) => p.height)))].sort(
    (a, b) => a - b,
  );
  if (heights.length === 0)
    throw new VqError('INVALID_ARGS', 'A title with no shot encodes has nothing to choose from.');
  return heights.map((height) => ({
    height,
    ...titleCurve(
      shots.map((s) => ({ frames: s.frames, points: s.points.filter((p) => p.height === height) })),
    ),
  }));
}

/** An output's choice: the picture height it is encoded at, and a hull point per shot at it. */
export interface OutputPick {
  height: number;
  /** Per shot, its chosen point (at `height`). */
  points: ShotPoint[];
  /** The title at that choice: bits and mean quality. */
  point: TitlePoint;
  met: boolean;
  why: string | null;
}

/**
 * The output for a target when shots were encoded at several heights. An output keeps one
 * picture size (a player, an MP4 track and a ladder rung each take one), so each height's own
 * curve is read for the target, and the height that does best wins: the best quality within a
 * bitrate, the fewest bits reaching a quality. When no height meets the target, the nearest miss:
 * the cheapest for a bitrate, the best for a quality.
 */
export function pickOutput(
  curves: readonly HeightCurve[],
  target: ShotTarget,
  seconds: number,
): OutputPick {
  const picks = curves.map(({ height, hulls, curve }): OutputPick => {
    const picked = pickForTarget(curve, target, seconds);
    return {
      height,
      points: hulls.map((h, i) => h[picked.point.choice[i]!]!),
      point: picked.point,
      met: picked.met,
      why: picked.met ? null : picked.why,
    };
  });
  const better = (a: OutputPick, b: OutputPick): boolean => {
    if (a.met !== b.met) return a.met;
    if ('kbps' in target) {
      // Met: the best quality within the budget. Missed: the cheapest.
      return a.met ? a.point.quality > b.point.quality : a.point.bits < b.point.bits;
    }
    // Met: the fewest bits reaching the quality. Missed: the best quality.
    return a.met ? a.point.bits < b.point.bits : a.point.quality > b.point.quality;
  };
  return picks.reduce((best, p) => (better(p, best) ? p : best));
}

/**
 * The best a title can have at each bitrate across its heights: each height's curve, and their
 * upper envelope (the convex hull of all their points), each point saying its height. Bits per
 * second and mean quality.
 */
export function curvesByHeight(
  curves: readonly HeightCurve[],
  seconds: number,
): {
  curves: { height: number; points: { bitrateKbps: number; vmaf: number }[] }[];
  envelope: { height: number; bitrateKbps: number; vmaf: number }[];
} {
  const rated = curves.map((c) => ({
    height: c.height,
    points: c.curve.map((p) => ({ bitrateKbps: p.bits / seconds / 1000, vmaf: p.quality })),
  }));
  const all = rated.flatMap((c) =>
    c.points.map((p) => ({ ...p, height: c.height, bitrate: p.bitrateKbps, quality: p.vmaf })),
  );
  const envelope = convexHull(all).map(({ height, bitrateKbps, vmaf }) => ({
    height,
    bitrateKbps,
    vmaf,
  }));
  return { curves: rated, envelope };
}

/** The CRF grid each shot is encoded at by default: the per-title grid, the same quality range. */
export const SHOT_CRFS: Readonly<Record<ShotEncodeRequest['encoder'], readonly number[]>> =
  PER_TITLE_CRFS;

/** Most picture heights a per-shot encode tries (each is every shot at every CRF again). */
export const MAX_SHOT_HEIGHTS = 6;

/** A per-shot encode as the API takes it (`shotencode.start`): one target, kb/s or VMAF. */
export const ShotEncodeRequestSchema = z
  .object({
    sourceId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'not an item id'),
    encoder: z.enum(['libx264', 'libx265', 'libsvtav1', 'libaom-av1', 'libvpx-vp9']),
    preset: z.string().max(16).nullable().optional(),
    /** Picture heights to encode each shot at (default: the title's own). */
    heights: z.array(z.number().int().min(64).max(4320)).min(1).max(MAX_SHOT_HEIGHTS).optional(),
    target: z.union([
      z.object({ kbps: z.number().positive().max(1_000_000) }).strict(),
      z.object({ quality: z.number().gt(0).max(100) }).strict(),
    ]),
  })
  .strict();

/** What to encode shot by shot. */
export type ShotEncodeRequest = z.infer<typeof ShotEncodeRequestSchema>;

/** One shot's choice in an output. */
export interface ShotChoice {
  start: number;
  end: number;
  crf: number;
  height: number;
  kbps: number;
  vmaf: number;
}

/** A per-shot encode the app runs, as it goes: what the panel draws over the title's timeline. */
export interface ShotEncodeRun {
  id: string;
  sourceId: string;
  request: ShotEncodeRequest;
  status: 'running' | 'done' | 'failed' | 'canceled';
  phase: 'shots' | 'encoding' | 'scoring' | 'joining' | null;
  /** Shot encodes done of all (shots × heights × CRFs). */
  done: number;
  total: number;
  /** True when the shared queue's workers encode the shots (the Queue shows their jobs). */
  onWorkers?: boolean;
  shots: Shot[];
  frames: number | null;
  /** When done: each shot's choice, what the curve predicted and what the joined file measured. */
  result: {
    crfs: number[];
    heights: number[];
    /** The output's picture height (one for the whole output). */
    height: number;
    choices: ShotChoice[];
    met: boolean;
    why: string | null;
    predicted: { vmaf: number; bitrateKbps: number };
    measured: { vmaf: number; bitrateKbps: number; sizeBytes: number; file: string };
  } | null;
  error: string | null;
  startedAt: string;
  endedAt: string | null;
}
