/**
 * What travels through BullMQ for a score job, both ways, and which lane it waits in.
 *
 * The app sends facts, never commands: the reference and each distorted video (path as the app
 * sees it, raw geometry), the fixes chosen per video, the person's options and, for a chunk of a
 * title scored across workers, the frame range. A worker checks them with {@link ScoreTaskSchema},
 * probes the videos itself and plans the ffmpeg command with its own toolchain, exactly as the
 * app plans a local run.
 *
 * What a worker sends back is a run's per-frame values, not its pooled figures: the app checks
 * them with {@link ScoreDoneSchema} and pools them again itself (shared/pooling.ts), so a table
 * never shows a figure a worker computed. JSON has no NaN or ±Infinity (PSNR is +Infinity on a
 * frame equal to the reference; libvmaf may log NaN), so every per-frame value travels as a
 * {@link WireNumber}: a finite number, or 'inf', '-inf', 'nan' or '-0'.
 *
 * Lanes: a worker takes whatever job is next in a queue, so score jobs wait in a queue per set of
 * things they need of the scoring ffmpeg, and `vq worker` watches only the lanes its ffmpeg can
 * run (canRun). The needs are read back from the lane's NAME ({@link scoreLaneNeeds}), never from
 * a job's JSON: `score.plain` (PSNR and SSIM only) or `score.vmaf`, then `+libvmaf2` (NEG or a
 * `.json` model: libvmaf ≥ 2), `+cambi` (libvmaf ≥ 2 with its cambi feature), `+xpsnr` (FFmpeg ≥
 * 7.1) and `+model-NAME` (the VMAF model libvmaf must have by that name), in that order.
 */
import { z } from 'zod';
import { FIX_IDS, type FindingId } from '../../../shared/preflight';
import { FrameMatchSchema } from '../../../shared/frameMatch';
import { FeatureNameSchema, MAX_FEATURES_PER_RESULT } from '../../../shared/project';
import {
  DEFAULT_SCORE_METRICS,
  SCORE_METRICS,
  SCORE_SERIES,
  ScoreOptionsSchema,
  type DistortedScore,
  type ScoreOptions,
  type ScoreRunResult,
  type ScoreSeries,
} from '../../../shared/score';
import { poolAll } from '../../../shared/pooling';
import { MAX_DISTORTED } from '../../../shared/scoreResults';
import { WORKER_NAME_PATTERN, type JobNeeds } from '../../../shared/workers';
import { AppPathSchema, HttpUrlSchema, TaskIdSchema } from './encodeTask';

/** The BullMQ job name of a score task (the worker's handler is chosen by it). */
export const SCORE_TASK_NAME = 'score';

/** The least FFmpeg release with the xpsnr filter. */
export const XPSNR_MIN_FFMPEG = '7.1';

/** The least libvmaf version with NEG, `.json` models and CAMBI. */
export const LIBVMAF2_MIN = '2.0.0';

const id = TaskIdSchema;
const absPath = AppPathSchema;
const raw = z.string().max(200).nullable();

/** Frames [start, end) of the whole-video run that one chunk task scores. */
export const ScoreFrameRangeSchema = z
  .object({ start: z.number().int().min(0), end: z.number().int().min(1) })
  .strict()
  .refine((r) => r.end > r.start, 'a frame range ends after it starts');

/** A score job (or one chunk of it) as a worker receives it. */
export const ScoreTaskSchema = z
  .object({
    v: z.literal(1),
    kind: z.literal('score'),
    jobId: id,
    /** The reference as the app sees it (a worker maps the path to its own). */
    reference: z.object({ path: absPath, raw }).strict(),
    /** Each distorted video, with the pre-flight fixes chosen for it. */
    targets: z
      .array(
        z
          .object({
            path: absPath,
            raw,
            fixes: z.array(z.enum(FIX_IDS)).max(FIX_IDS.length),
          })
          .strict(),
      )
      .max(MAX_DISTORTED),
    /**
     * Instead of targets: the outputs of encode run `run` (its task is this task's child in a
     * BullMQ flow), read from that task's result, one per rung in this order.
     */
    afterEncode: z
      .object({ outDir: absPath, run: id, rungIds: z.array(id).min(1).max(MAX_DISTORTED) })
      .strict()
      .optional(),
    options: ScoreOptionsSchema,
    frameRange: ScoreFrameRangeSchema.optional(),
    /**
     * Without a shared disk: the reference and each target (in order) are read over HTTP from the
     * app's transfer server, with this task's token.
     */
    transfer: z
      .object({
        reference: HttpUrlSchema,
        targets: z.array(HttpUrlSchema).min(1).max(MAX_DISTORTED),
        token: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict()
      .optional(),
  })
  .strict()
  .refine(
    (t) => (t.afterEncode ? t.targets.length === 0 && !t.frameRange : t.targets.length > 0),
    'a score task names its videos, or scores what its encode task made (and then all of it)',
  )
  .refine(
    (t) => !t.transfer || t.transfer.targets.length === t.targets.length,
    'a score task read over HTTP has a URL for each of its targets',
  );

/** A score task as a worker receives it. */
export type ScoreTask = z.infer<typeof ScoreTaskSchema>;

// ---------------------------------------------------------------------------------------------
// Lanes

/** What a score job needs of the ffmpeg that runs it, as its lane names it. */
export interface ScoreLaneSpec {
  /** libvmaf runs (VMAF, MS-SSIM or CAMBI asked for), or null for PSNR/SSIM/XPSNR only. */
  libvmaf: {
    /** libvmaf ≥ 2 (NEG, a `.json` model file). */
    v2: boolean;
    cambi: boolean;
    /** The model libvmaf must know by this name; null for a model file given by path. */
    model: string | null;
  } | null;
  xpsnr: boolean;
}

const MODEL_NAME = /^[A-Za-z0-9_.-]{1,100}$/;

/** The lane name of a spec: `score.plain`, or `score.` and its tokens in their fixed order. */
export function scoreLaneName(spec: ScoreLaneSpec): string {
  const tokens: string[] = [];
  const lib = spec.libvmaf;
  if (lib) {
    tokens.push('vmaf');
    if (lib.v2) tokens.push('libvmaf2');
    if (lib.cambi) tokens.push('cambi');
  }
  if (spec.xpsnr) tokens.push('xpsnr');
  if (lib?.model) {
    if (!MODEL_NAME.test(lib.model))
      throw new Error(`no lane for model ${JSON.stringify(lib.model)}`);
    tokens.push(`model-${lib.model}`);
  }
  return `score.${tokens.length ? tokens.join('+') : 'plain'}`;
}

/** The spec a lane name stands for; null for a name that is not a score lane in its one spelling. */
export function scoreLaneSpec(lane: string): ScoreLaneSpec | null {
  if (!lane.startsWith('score.') || lane.length > 300) return null;
  const tokens = lane.slice('score.'.length).split('+');
  let spec: ScoreLaneSpec;
  if (tokens.length === 1 && tokens[0] === 'plain') {
    spec = { libvmaf: null, xpsnr: false };
  } else {
    const has = (t: string): boolean => tokens.includes(t);
    const model = tokens.find((t) => t.startsWith('model-'))?.slice('model-'.length) ?? null;
    spec = {
      libvmaf: has('vmaf') ? { v2: has('libvmaf2'), cambi: has('cambi'), model } : null,
      xpsnr: has('xpsnr'),
    };
  }
  // One spelling per lane: anything unknown, repeated or out of order does not name a lane.
  try {
    return scoreLaneName(spec) === lane ? spec : null;
  } catch {
    return null;
  }
}

/**
 * What a job in score lane `lane` needs, read from the name alone (beside encodeTask.ts
 * `laneNeeds`, which reads the encode lanes); null for a name that is not a score lane.
 */
export function scoreLaneNeeds(lane: string): JobNeeds | null {
  const spec = scoreLaneSpec(lane);
  return spec ? needsOf(spec) : null;
}

/** The needs of a spec, for canRun. */
export function needsOf(spec: ScoreLaneSpec): JobNeeds {
  const needs: JobNeeds = {};
  const lib = spec.libvmaf;
  if (lib) {
    needs.libvmaf = {
      ...(lib.v2 || lib.cambi ? { minVersion: LIBVMAF2_MIN } : {}),
      ...(lib.model ? { models: [lib.model] } : {}),
      ...(lib.cambi ? { features: ['cambi'] } : {}),
    };
  }
  if (spec.xpsnr) needs.ffmpeg = { minVersion: XPSNR_MIN_FFMPEG };
  return needs;
}

/**
 * What scoring with `options` needs of an ffmpeg, from the options and the size the videos are
 * compared at (the reference's, or `options.scale`): the rules of the engine's model choice
 * (scoreEngine/model.ts) — v0.6.1 by default, its 4K twin above 2560×1440, NEG on libvmaf ≥ 2,
 * a named model by its name. A reference above 2560×1440 needs the 4K model (the engine would
 * fall back to the 1080p one with a warning; across workers that would make the number depend on
 * who took the job).
 */
export function scoreLaneSpecOf(
  options: ScoreOptions,
  size: { width: number; height: number },
): ScoreLaneSpec {
  const metrics = options.metrics ?? DEFAULT_SCORE_METRICS;
  const cambi = metrics.includes('cambi');
  const libvmafRuns = cambi || metrics.includes('vmaf') || metrics.includes('ms_ssim');
  const xpsnr = metrics.includes('xpsnr');
  if (!libvmafRuns) return { libvmaf: null, xpsnr };
  const m = options.model ?? { variant: 'default', size: 'auto' };
  let model: string | null;
  let v2: boolean;
  if ('path' in m) {
    model = null;
    v2 = /\.json$/i.test(m.path);
  } else if ('name' in m) {
    model = m.name;
    v2 = /neg/i.test(m.name);
  } else {
    const at = options.scale && options.scale !== 'auto' ? options.scale : size;
    const fourK =
      m.variant !== 'phone' &&
      (m.size === '4k' || (m.size === 'auto' && at.width > 2560 && at.height > 1440));
    model = `${fourK ? 'vmaf_4k_v0.6.1' : 'vmaf_v0.6.1'}${m.variant === 'neg' ? 'neg' : ''}`;
    v2 = m.variant === 'neg';
  }
  return { libvmaf: { v2, cambi, model }, xpsnr };
}

// ---------------------------------------------------------------------------------------------
// Results

/** One per-frame value as it travels: a finite number, or the name of one JSON cannot carry. */
export const WireNumberSchema = z.union([
  z.number(),
  z.literal('inf'),
  z.literal('-inf'),
  z.literal('nan'),
  z.literal('-0'),
]);

/** A {@link WireNumberSchema} value. */
export type WireNumber = z.infer<typeof WireNumberSchema>;

/** `v` as it travels (every number survives the trip bit for bit). */
export function toWire(v: number): WireNumber {
  if (Number.isNaN(v)) return 'nan';
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  if (Object.is(v, -0)) return '-0';
  return v;
}

/** The number a {@link WireNumber} stands for. */
export function fromWire(v: WireNumber): number {
  switch (v) {
    case 'nan':
      return Number.NaN;
    case 'inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    case '-0':
      return -0;
    default:
      return v;
  }
}

const FINDING_IDS = [
  'fps-mismatch',
  'frames-misaligned',
  'fps-unknown',
  'vfr',
  'upscale',
  'downscale',
  'aspect-mismatch',
  'rotation-mismatch',
  'frames-mismatch',
  'range-too-long',
  'start-offset',
  'range-mismatch',
  'matrix-mismatch',
  'hdr-no-model',
  'hdr-sdr-mismatch',
  'bit-depth-mismatch',
  'libvmaf-10bit',
  'interlaced',
  'maybe-swapped',
  'picture-area',
  'picture-shift',
] as const satisfies readonly FindingId[];
// Every finding id is listed: a new one fails the typecheck here rather than every result.
type UnlistedFinding = Exclude<FindingId, (typeof FINDING_IDS)[number]>;
const everyFindingListed: [UnlistedFinding] extends [never] ? true : never = true;
void everyFindingListed;

const text = (max: number) => z.string().max(max);
const MAX_FRAMES = 10_000_000;
const frameValues = z.array(WireNumberSchema).max(MAX_FRAMES);
const command = z.array(text(16_384)).max(4_000);

const WarningSchema = z
  .object({ id: text(100), message: text(8_000), reference: text(2_000).optional() })
  .strict();

const ConversionSchema = z
  .object({ from: text(40), to: text(40) })
  .strict()
  .nullable();
const Timing = z.enum(['index', 'convert', 'timestamps']);

const BoxSchema = z
  .object({
    x: z.number().int().min(0).max(65_536),
    y: z.number().int().min(0).max(65_536),
    width: z.number().int().min(1).max(65_536),
    height: z.number().int().min(1).max(65_536),
  })
  .strict();

const AlignmentSchema = z
  .object({
    width: z.number().int().min(1).max(65_536),
    height: z.number().int().min(1).max(65_536),
    scaler: z.literal('bicubic'),
    pixFmt: text(64),
    vmafPixFmt: text(64).nullable(),
    frameRate: text(64).nullable(),
    referenceTiming: Timing,
    distortedTiming: z.enum([...Timing.options, 'matched']),
    frameMatch: FrameMatchSchema.nullable().optional(),
    crop: z
      .object({ distorted: BoxSchema.nullable(), reference: BoxSchema.nullable() })
      .strict()
      .nullable()
      .optional(),
    shift: z
      .object({
        x: z.number().int().min(-4096).max(4096),
        y: z.number().int().min(-4096).max(4096),
      })
      .strict()
      .nullable()
      .optional(),
    startFrame: z.number().int().min(0),
    frames: z.number().int().min(0).nullable(),
    subsample: z.number().int().min(1),
    rangeConversion: ConversionSchema,
    matrixConversion: ConversionSchema,
  })
  .strict();

const ModelUsedSchema = z
  .object({
    name: text(200),
    path: text(4_096).nullable(),
    format: z.enum(['pkl', 'json', 'builtin']),
    transform: z.boolean(),
    reason: text(2_000),
    maxScore: z.number().positive().max(1_000).optional(),
  })
  .strict();

const ScoreBuildSchema = z
  .object({
    path: text(4_096),
    version: text(200).nullable(),
    libvmafApi: z.union([z.literal(1), z.literal(2)]).nullable(),
    libvmafVersion: text(40).nullable(),
  })
  .strict();

/** One distorted video's score as a worker sends it: its per-frame values, no pooled figures. */
const WireDistortedSchema = z
  .object({
    distorted: text(4_096),
    frames: z.number().int().min(1).max(MAX_FRAMES),
    frameNumbers: z.array(z.number().int().min(0)).max(MAX_FRAMES),
    perFrame: z.partialRecord(z.enum(SCORE_SERIES), frameValues),
    libvmafFeatures: z
      .record(FeatureNameSchema, frameValues)
      .refine((f) => Object.keys(f).length <= MAX_FEATURES_PER_RESULT, 'too many features'),
    warnings: z.array(WarningSchema).max(200),
    unavailable: z
      .array(
        z
          .object({
            metric: z.enum(SCORE_METRICS),
            reason: text(4_000),
            hint: text(4_000).optional(),
          })
          .strict(),
      )
      .max(SCORE_METRICS.length),
    preflight: z
      .array(
        z
          .object({
            id: z.enum(FINDING_IDS),
            severity: z.enum(['block', 'warn', 'info']),
            message: text(8_000),
            fixes: z.array(z.enum(FIX_IDS)).max(FIX_IDS.length),
          })
          .strict(),
      )
      .max(100),
    fixes: z.array(z.enum(FIX_IDS)).max(FIX_IDS.length),
    alignment: AlignmentSchema,
    model: ModelUsedSchema.nullable(),
    command,
    ffmpeg: ScoreBuildSchema,
  })
  .strict()
  .superRefine((d, ctx) => {
    const n = d.frameNumbers.length;
    if (d.frames !== n) ctx.addIssue({ code: 'custom', message: 'frames is not the frame count' });
    const columns = [...Object.entries(d.perFrame), ...Object.entries(d.libvmafFeatures)];
    for (const [name, values] of columns) {
      if (values && values.length !== n) {
        ctx.addIssue({ code: 'custom', message: `${name} does not have one value per frame` });
      }
    }
  });

/** A scoring run as a worker sends it. */
const WireRunSchema = z
  .object({
    reference: text(4_096),
    results: z.array(WireDistortedSchema).min(1).max(MAX_DISTORTED),
    command,
    ffmpeg: ScoreBuildSchema,
    model: ModelUsedSchema.nullable(),
    startedAt: z.iso.datetime(),
    durationMs: z.number().min(0).max(1e10),
  })
  .strict();

/** What a worker returns for a finished score task. */
export const ScoreDoneSchema = z
  .object({
    v: z.literal(1),
    worker: z.string().regex(WORKER_NAME_PATTERN),
    run: WireRunSchema,
  })
  .strict();

/** What a worker returns for a finished score task. */
export type ScoreDone = z.infer<typeof ScoreDoneSchema>;

type WireDistorted = z.infer<typeof WireDistortedSchema>;

function mapValues<A, B>(
  record: Partial<Record<string, A>>,
  f: (a: A) => B,
): Partial<Record<string, B>> {
  const out: Partial<Record<string, B>> = {};
  for (const [k, v] of Object.entries(record)) if (v !== undefined) out[k] = f(v);
  return out;
}

/** A run as a worker sends it: per-frame values made JSON-safe, pooled figures left out. */
export function runToWire(run: ScoreRunResult): ScoreDone['run'] {
  return {
    ...run,
    results: run.results.map(({ metrics: _pooledHere, ...r }) => ({
      ...r,
      perFrame: mapValues(r.perFrame, (v) => v.map(toWire)),
      libvmafFeatures: mapValues(r.libvmafFeatures, (v) => v.map(toWire)) as Record<
        string,
        WireNumber[]
      >,
    })),
  };
}

/**
 * The run a worker sent (already checked with {@link ScoreDoneSchema}), its values decoded and
 * every series pooled again here with the request's thresholds, as the engine pools a local run.
 */
export function runFromWire(
  wire: ScoreDone['run'],
  thresholds: ScoreOptions['thresholds'],
): ScoreRunResult {
  const distorted = (r: WireDistorted): DistortedScore => {
    const perFrame = mapValues(r.perFrame, (v) => v.map(fromWire)) as Partial<
      Record<ScoreSeries, number[]>
    >;
    return {
      ...r,
      perFrame,
      metrics: poolAll(perFrame, thresholds ?? {}),
      libvmafFeatures: mapValues(r.libvmafFeatures, (v) => v.map(fromWire)) as Record<
        string,
        number[]
      >,
    };
  };
  return { ...wire, results: wire.results.map(distorted) };
}
