/**
 * Target quality: the CRF that gives a title a quality target, found by encoding short samples of
 * it (electron/core/target runs the encodes and scores). Pure: where the samples go, which CRF to
 * try next, and what the steps predict for the whole title.
 *
 * Samples: sample k is centred on the middle of the k-th of as many equal stretches of the title as
 * there are samples. When a shot begins less than a sample's length before that middle, the
 * sample starts at the shot's first frame instead (the encode of the whole title starts a GOP at
 * a cut, as the sample's encode does at its first frame). Together they are the title in small.
 *
 * Search: quality falls as the CRF rises. Each step encodes the samples at one CRF and measures
 * the quality pooled over every sample frame. The next CRF comes from the two steps that bracket
 * the target (interpolation), from the slope of the last two steps, or from the encoder's typical
 * slope — not from a fixed sweep — on a level where the curve is near a line (see {@link level}).
 * It stops when a step lands within the tolerance, or when the bracket is 2 CRF wide or less, and
 * the CRF for the title is read off the line between the bracketing steps.
 */
import { z } from 'zod';
import { VqError } from './errors';
import { ENCODERS, type SoftwareEncoder } from './ladder';
import { RD_QUALITY_LABELS, rdQualityDirection, type RdQuality } from './rd/quality';
import type { Shot } from './shots';

/**
 * How CRF behaves for each encoder: the range searched, its finest step, and
 * typical slopes — `logSlope` of the distance to a perfect score on a log scale (VMAF, SSIM: the
 * distance grows by about this factor's exponent per CRF), `dbSlope` of a dB figure (PSNR).
 * The log slopes are what the first two steps measured on the ten clips of
 * electron/cli/crfSearch.cli.test.ts (x264 0.10–0.19, x265 0.13, SVT-AV1 0.16–0.18); libaom and
 * VP9, not measured there, are given a little less.
 */
export const CRF_SEARCH_ENCODERS: Readonly<
  Record<
    SoftwareEncoder,
    {
      min: number;
      max: number;
      increment: number;
      logSlope: number;
      dbSlope: number;
    }
  >
> = {
  // x264 and x265 take fractional CRFs; SVT-AV1, libaom and VP9 whole ones (on a 0–63 scale).
  libx264: { min: 8, max: 45, increment: 0.25, logSlope: 0.15, dbSlope: 0.6 },
  libx265: { min: 8, max: 45, increment: 0.25, logSlope: 0.15, dbSlope: 0.6 },
  libsvtav1: { min: 8, max: 60, increment: 1, logSlope: 0.15, dbSlope: 0.3 },
  'libaom-av1': { min: 8, max: 60, increment: 1, logSlope: 0.12, dbSlope: 0.3 },
  'libvpx-vp9': { min: 8, max: 60, increment: 1, logSlope: 0.12, dbSlope: 0.3 },
};

/**
 * The best value of a figure with a ceiling (VMAF 100, SSIM 1), on whose distance to it the search
 * works on a log scale; null for dB figures (PSNR, XPSNR), searched as they are.
 */
export function qualityCeiling(quality: RdQuality): number | null {
  if (quality.startsWith('vmaf')) return 100;
  return quality === 'ssim' || quality === 'msSsim' ? 1 : null;
}

/** The search space of an encoder and figure, aiming at `target`. */
export function searchSpace(
  encoder: SoftwareEncoder,
  quality: RdQuality,
  target: number,
): CrfSearchSpace {
  const e = CRF_SEARCH_ENCODERS[encoder];
  const ceiling = qualityCeiling(quality);
  return {
    target,
    min: e.min,
    max: e.max,
    increment: e.increment,
    // The encoder's own default CRF: where its makers expect good quality.
    start: ENCODERS[encoder].crf.default,
    tolerance: ceiling === 1 ? ON_TARGET_TOLERANCE / 100 : ON_TARGET_TOLERANCE,
    ceiling,
    slope: ceiling === null ? e.dbSlope : e.logSlope,
  };
}

/** A measured step lands "on target" within this much quality (VMAF points, dB; SSIM: a hundredth of it). */
export const ON_TARGET_TOLERANCE = 0.25;

/** Most steps a search takes before it answers with what it has. */
export const MAX_STEPS = 10;

/** Frames [start, start + frames) of the title, encoded and scored as one sample. */
export interface SampleSpan {
  start: number;
  frames: number;
  /** True when it starts where the title's encode starts a GOP too: frame 0 or a shot's start. */
  atCut?: boolean;
}

/** Default sample length in seconds. */
export const DEFAULT_SAMPLE_SECONDS = 2;

/** Most samples (each is an input of one ffmpeg process) and longest sample. */
export const MAX_SAMPLES = 30;
export const MAX_SAMPLE_SECONDS = 60;

/** Most sample time in all, in seconds: the reel is lossless. */
export const MAX_SAMPLE_TOTAL_SECONDS = 600;

/**
 * How many samples by default: about 3 % of the title in samples of `sampleSeconds`, at least
 * 4 and at most 20 (a 2-minute title gets 4, a 10-minute one 9, a film 20).
 */
export function defaultSampleCount(durationSeconds: number, sampleSeconds: number): number {
  return Math.min(20, Math.max(4, Math.round((0.03 * durationSeconds) / sampleSeconds)));
}

/**
 * Where the samples go (see the module comment). When the samples would cover 85 % of the title
 * or more, the whole title is the one sample: a search on it costs no more and predicts exactly.
 */
export function pickSamples(
  totalFrames: number,
  shots: readonly Shot[],
  o: { count: number; frames: number },
): SampleSpan[] {
  if (!(Number.isInteger(totalFrames) && totalFrames > 0))
    throw new VqError('INVALID_ARGS', `A title of ${totalFrames} frames has nothing to sample.`);
  if (!(Number.isInteger(o.count) && o.count >= 1 && o.count <= MAX_SAMPLES))
    throw new VqError('INVALID_ARGS', `Take 1 to ${MAX_SAMPLES} samples, not ${o.count}.`);
  if (!(Number.isInteger(o.frames) && o.frames >= 1))
    throw new VqError('INVALID_ARGS', `A sample needs at least one frame, not ${o.frames}.`);
  if (o.count * o.frames >= 0.85 * totalFrames)
    return [{ start: 0, frames: totalFrames, atCut: true }];
  const starts = shots.filter((s) => s.by !== 'split').map((s) => s.start);
  const spans: SampleSpan[] = [];
  let previousEnd = 0;
  for (let k = 0; k < o.count; k++) {
    const middle = sampleMiddles(totalFrames, o.count)[k]!;
    // The last shot start at or before the middle.
    let shotStart = 0;
    for (const s of starts) if (s <= middle) shotStart = Math.max(shotStart, s);
    const wanted = middle - shotStart < o.frames ? shotStart : middle - Math.floor(o.frames / 2);
    // Never into the sample before (a shot start can pull a sample back), never past the end.
    const start = Math.max(previousEnd, Math.min(wanted, totalFrames - o.frames), 0);
    const frames = Math.min(o.frames, totalFrames - start);
    if (frames < 1) break;
    spans.push({ start, frames, atCut: start === 0 || starts.includes(start) });
    previousEnd = start + frames;
  }
  return spans;
}

/**
 * Bytes of each sample's encode as the title's encode would spend them: a sample that does not
 * start at a cut has a keyframe at its start the title's encode has not, so that first packet is
 * counted as one of the sample's other frames (their mean) instead.
 */
export function bytesAsInTitle(
  spans: readonly SampleSpan[],
  packets: readonly { sample: number; bytes: number; key: boolean }[],
): number[] {
  return spans.map((span, i) => {
    const own = packets.filter((p) => p.sample === i);
    const total = own.reduce((n, p) => n + p.bytes, 0);
    const first = own[0];
    if (span.atCut || !first?.key || own.length < 2) return total;
    const rest = total - first.bytes;
    return rest + rest / (own.length - 1);
  });
}

/** The middle frame of each of `count` equal stretches of a title: where the samples are centred. */
export function sampleMiddles(totalFrames: number, count: number): number[] {
  return Array.from({ length: count }, (_, k) => Math.floor(((k + 0.5) * totalFrames) / count));
}

/** One step of a search: the samples encoded at `crf`, scored. */
export interface CrfStep {
  crf: number;
  /** The quality figure pooled over every sample frame. */
  quality: number;
  /** Each sample's own figure (same order as the samples). */
  sampleQualities: number[];
  /** Bits a second of the encoded samples as the title's encode would spend them, in kb/s. */
  bitrateKbps: number;
  /** Each sample's bitrate (same order as the samples), in kb/s. */
  sampleKbps: number[];
  /** Wall time of the encode and the score, in seconds. */
  seconds: number;
}

/** What the search is after, and in what steps it may move. */
export interface CrfSearchSpace {
  target: number;
  min: number;
  max: number;
  increment: number;
  /** The first CRF tried. */
  start: number;
  /** The figure's best value: the search then works on the log of the distance to it. */
  ceiling: number | null;
  /** A typical change per CRF of the level searched on (see {@link level}), for the first move. */
  slope: number;
  tolerance?: number;
}

/**
 * The level a search interpolates on, rising with quality: the figure itself, or with a ceiling
 * −ln(distance to just past it) — quality flattens towards the ceiling as CRF falls, and the
 * distance to it grows about exponentially with CRF, so on this level the curve is near a line.
 */
export function level(q: number, space: Pick<CrfSearchSpace, 'ceiling'>): number {
  if (space.ceiling === null) return q;
  const pad = space.ceiling / 200;
  return -Math.log(Math.max(space.ceiling + pad - q, pad / 100));
}

/** The figure at a level (the inverse of {@link level}). */
function figureAt(y: number, space: Pick<CrfSearchSpace, 'ceiling'>): number {
  if (space.ceiling === null) return y;
  return space.ceiling + space.ceiling / 200 - Math.exp(-y);
}

/** The metrics a search can aim at: those where higher is better. */
export function checkSearchQuality(quality: RdQuality): void {
  if (rdQualityDirection(quality) !== 'higher') {
    throw new VqError(
      'INVALID_ARGS',
      `${RD_QUALITY_LABELS[quality]} is better when lower, so it cannot be a quality target here.`,
      'Aim at VMAF (vmaf, vmafHmean, vmafP5), PSNR, SSIM, MS-SSIM or XPSNR.',
    );
  }
}

/** `x` on the increment grid (nearest; a tie goes to the lower CRF, the better quality). */
export function onGrid(x: number, increment: number): number {
  const q = Math.ceil(x / increment - 0.5);
  return Number((q * increment).toFixed(4));
}

/** The steps around the target: the highest CRF above it and the lowest below it. */
function bracket(
  steps: readonly CrfStep[],
  target: number,
): { above: CrfStep | null; below: CrfStep | null } {
  let above: CrfStep | null = null; // quality ≥ target (lower CRF side)
  let below: CrfStep | null = null; // quality < target
  for (const s of steps) {
    if (s.quality >= target) {
      if (!above || s.crf > above.crf) above = s;
    } else if (!below || s.crf < below.crf) below = s;
  }
  return { above, below };
}

/** The CRF where the line through two steps (on the search's level) meets the target. */
function crossing(a: CrfStep, b: CrfStep, space: CrfSearchSpace): number {
  const ya = level(a.quality, space);
  const yb = level(b.quality, space);
  if (ya === yb) return (a.crf + b.crf) / 2;
  return a.crf + ((level(space.target, space) - ya) * (b.crf - a.crf)) / (yb - ya);
}

/**
 * How narrow a bracket (in CRF) ends the search. The curve is near a line on the search's level,
 * so a CRF read off the line inside it is within about 0.2 VMAF of an encode at that CRF — far
 * less than the samples differ from the title (the error estimate), so one more encode of the
 * samples would buy nothing.
 */
export const NARROW_BRACKET = 2;

/** The next CRF to try, or null when the search has its answer. */
export function nextCrf(steps: readonly CrfStep[], space: CrfSearchSpace): number | null {
  const tol = space.tolerance ?? ON_TARGET_TOLERANCE;
  const inc = space.increment;
  if (steps.length === 0) return onGrid(clamp(space.start, space.min, space.max), inc);
  if (steps.length >= MAX_STEPS) return null;
  if (steps.some((s) => Math.abs(s.quality - space.target) <= tol)) return null;
  const tried = (c: number): boolean => steps.some((s) => Math.abs(s.crf - c) < inc / 2);
  const { above, below } = bracket(steps, space.target);
  if (above && below) {
    // A narrow bracket is the answer, read off the line between its ends: a step inside it would
    // move the quality less than samples differ from one encode to the next.
    if (below.crf - above.crf <= NARROW_BRACKET + 1e-9) return null;
    // Between the two, on the grid and strictly inside.
    const lo = above.crf + inc;
    const hi = below.crf - inc;
    const c = onGrid(clamp(crossing(above, below, space), lo, hi), inc);
    return tried(c) ? null : c;
  }
  // All on one side: move by the slope, at least two increments and at most 12 CRF.
  const last = steps[steps.length - 1]!;
  const prev = steps.length > 1 ? steps[steps.length - 2]! : null;
  // The slope of the last two steps, but never under half the typical one (a flat stretch would
  // send the next step far past the target).
  let slope = space.slope;
  if (prev && prev.crf !== last.crf) {
    const s = (level(prev.quality, space) - level(last.quality, space)) / (last.crf - prev.crf);
    if (s > 0 && s < 20 * space.slope) slope = Math.max(s, space.slope / 2);
  }
  // > 0: quality to spare, raise the CRF.
  const gap = level(last.quality, space) - level(space.target, space);
  const move = Math.sign(gap) * clamp(Math.abs(gap) / slope, 2 * inc, 12);
  const c = onGrid(clamp(last.crf + move, space.min, space.max), inc);
  if (tried(c)) return null; // at an end of the range already
  return c;
}

/** What the steps say of the whole title at the CRF picked. */
export interface CrfPick {
  crf: number;
  /** Expected quality and bitrate of the whole title at `crf`. */
  quality: number;
  bitrateKbps: number;
  /** True when `crf` was not itself measured (read off the line between two steps). */
  interpolated: boolean;
  /** Set when no CRF in the range reaches the target: why, in words. */
  unreachable: string | null;
}

/** The CRF for the title from the steps taken (see the module comment). */
export function pickCrf(steps: readonly CrfStep[], space: CrfSearchSpace, label: string): CrfPick {
  if (steps.length === 0)
    throw new VqError('INVALID_ARGS', 'A search with no steps has no answer.');
  const tol = space.tolerance ?? ON_TARGET_TOLERANCE;
  const hit = steps
    .filter((s) => Math.abs(s.quality - space.target) <= tol)
    .sort((a, b) => Math.abs(a.quality - space.target) - Math.abs(b.quality - space.target))[0];
  const measured = (s: CrfStep, unreachable: string | null = null): CrfPick => ({
    crf: s.crf,
    quality: s.quality,
    bitrateKbps: s.bitrateKbps,
    interpolated: false,
    unreachable,
  });
  if (hit) return measured(hit);
  const { above, below } = bracket(steps, space.target);
  if (above && below) {
    const c = onGrid(clamp(crossing(above, below, space), above.crf, below.crf), space.increment);
    const same = steps.find((s) => Math.abs(s.crf - c) < space.increment / 2);
    if (same) return measured(same);
    const t = (c - above.crf) / (below.crf - above.crf);
    return {
      crf: c,
      quality: figureAt(
        level(above.quality, space) +
          t * (level(below.quality, space) - level(above.quality, space)),
        space,
      ),
      // Bitrate falls about exponentially with CRF: interpolate its logarithm.
      bitrateKbps: Math.exp(
        Math.log(above.bitrateKbps) +
          t * (Math.log(below.bitrateKbps) - Math.log(above.bitrateKbps)),
      ),
      interpolated: true,
      unreachable: null,
    };
  }
  if (above) {
    return measured(
      above,
      `even CRF ${above.crf} (the highest searched) gives ${label} ${above.quality.toFixed(2)}, above the target`,
    );
  }
  return measured(
    below!,
    `even CRF ${below!.crf} (the lowest searched) gives ${label} ${below!.quality.toFixed(2)}, below the target`,
  );
}

/**
 * How far the title's quality may be from the prediction (one standard error): the spread of the
 * samples' qualities over the square root of their number, shrunk by the share of the title they
 * cover, and half a CRF increment's worth of quality for the rounding to the grid.
 */
export function predictionError(
  steps: readonly CrfStep[],
  pick: CrfPick,
  o: { coverage: number; space: CrfSearchSpace },
): number {
  const nearest = [...steps].sort(
    (a, b) => Math.abs(a.crf - pick.crf) - Math.abs(b.crf - pick.crf),
  )[0]!;
  const q = nearest.sampleQualities;
  let sampling = 0;
  if (q.length > 1 && o.coverage < 1) {
    const m = q.reduce((a, b) => a + b, 0) / q.length;
    const sd = Math.sqrt(q.reduce((a, b) => a + (b - m) ** 2, 0) / (q.length - 1));
    sampling = (sd / Math.sqrt(q.length)) * Math.sqrt(1 - Math.min(1, o.coverage));
  }
  // Quality per CRF: from the steps, else the typical slope at the quality picked.
  const { ceiling } = o.space;
  const typical = o.space.slope * (ceiling === null ? 1 : ceiling + ceiling / 200 - pick.quality);
  const slope = localSlope(steps, pick.crf) ?? typical;
  const rounding = 0.5 * o.space.increment * slope;
  return Math.sqrt(sampling ** 2 + rounding ** 2);
}

/** Quality lost per CRF near `crf`, from the two steps nearest it (null with fewer than two). */
function localSlope(steps: readonly CrfStep[], crf: number): number | null {
  const near = [...steps].sort((a, b) => Math.abs(a.crf - crf) - Math.abs(b.crf - crf)).slice(0, 2);
  if (near.length < 2 || near[0]!.crf === near[1]!.crf) return null;
  return Math.abs((near[0]!.quality - near[1]!.quality) / (near[0]!.crf - near[1]!.crf));
}

function clamp(x: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, x));
}

/** The result of `vq crf-search` (and the app's Target quality panel). */
export interface CrfSearchResult {
  source: string;
  encoder: SoftwareEncoder;
  preset: string | null;
  /** The figure aimed at and its target. */
  metric: RdQuality;
  target: number;
  crf: number;
  predicted: {
    /** The figure expected for the whole title (named `vmaf` for every metric, as the JSON has it). */
    vmaf: number;
    bitrateKbps: number;
    sizeBytes: number;
    /** One standard error of the predicted figure. */
    error: number;
  };
  /** The height encoded at (the title's display height): the whole title's encode keeps it. */
  height: number;
  interpolated: boolean;
  unreachable: string | null;
  samples: (SampleSpan & { seconds: number })[];
  /** Share of the title's frames the samples cover (1: the whole title was searched). */
  coverage: number;
  steps: CrfStep[];
  /** The whole title encoded at `crf` and scored, with `--verify`; else null. */
  verified: {
    vmaf: number;
    bitrateKbps: number;
    sizeBytes: number;
    /** Verified minus target. */
    offTarget: number;
    file: string | null;
    seconds: number;
  } | null;
  /** How long the search took (shots, samples, steps), and the verification, in seconds. */
  seconds: { search: number; verify: number | null };
  /** The command that encodes the whole title at `crf` (what `--verify` ran, or would run). */
  command: string[];
}

/** A search request as the API takes it. */
export const CrfSearchRequestSchema = z
  .object({
    sourceId: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9_-]+$/, 'not an item id'),
    encoder: z.enum(['libx264', 'libx265', 'libsvtav1', 'libaom-av1', 'libvpx-vp9']),
    preset: z.string().max(16).nullable().optional(),
    metric: z
      .enum(['vmafMean', 'vmafHmean', 'vmafP5', 'psnrY', 'psnr', 'ssim', 'msSsim', 'xpsnr'])
      .optional(),
    target: z.number().gt(0).max(100),
    samples: z.number().int().min(1).max(MAX_SAMPLES).optional(),
    sampleSeconds: z.number().min(0.2).max(MAX_SAMPLE_SECONDS).optional(),
    verify: z.boolean().optional(),
  })
  .strict();

/** What to search for. */
export type CrfSearchRequest = z.infer<typeof CrfSearchRequestSchema>;

/** A CRF search the app runs (`target.start`), as it goes: what the Target quality panel draws. */
export interface TargetSearch {
  id: string;
  sourceId: string;
  request: CrfSearchRequest;
  status: 'running' | 'done' | 'failed' | 'canceled';
  /** What it is doing now (null once ended). */
  phase: 'shots' | 'samples' | 'steps' | 'verify' | null;
  /** Shots found in the title, once known. */
  shots: number | null;
  samples: SampleSpan[];
  /** Share of the title the samples cover, once known. */
  coverage: number | null;
  steps: CrfStep[];
  /** The CRF being encoded now. */
  trying: number | null;
  /** How far the verifying encode is (0–1), while it runs. */
  verifyFraction: number | null;
  result: CrfSearchResult | null;
  error: string | null;
  startedAt: string;
  endedAt: string | null;
}
