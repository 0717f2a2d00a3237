/**
 * What travels through BullMQ for an encode job, both ways, and which queue ("lane") it waits in.
 *
 * The app sends facts, never commands: the source's path (and raw geometry), the batch's ladder,
 * output folder and the job's rung ids. A worker checks them with these schemas, probes the
 * source itself and plans the ffmpeg commands with its own toolchain (deriveFromPlanSource),
 * exactly as the app plans a local run. What a worker sends back is checked the same way by the
 * app, which then measures the outputs itself (size, SHA-256, probe) before listing them.
 *
 * Lanes: a BullMQ worker takes whatever job is next in a queue, so jobs wait in a queue per set
 * of encoders they need (`encode.libx264`, `encode.libsvtav1+libx264`; `~zscale` when it tone-maps
 * HDR to SDR), and a `vq worker` takes from the lanes its ffmpeg can run (canRun) and no other: a
 * worker whose ffmpeg lacks an encoder (or zscale) never takes that job. The lanes in use are listed in the Redis set {@link LANES_KEY}.
 */
import path from 'node:path';
import { z } from 'zod';
import type { JobNeeds } from '../../../shared/workers';
import { WORKER_NAME_PATTERN } from '../../../shared/workers';

/** The Redis set of lane names jobs were sent to; workers read it to know which queues to watch. */
export const LANES_KEY = 'vq:lanes';

/** BullMQ's key prefix for the shared queue. */
export const QUEUE_PREFIX = 'vq-bull';

/** A Redis key a canceled job's id is written under; the worker running it stops it. */
export function cancelKey(taskId: string): string {
  return `vq:cancel:${taskId}`;
}

const ENCODER = /^[a-z0-9_-]{1,40}$/;
/** Filters a lane may name: the ones a build may lack that an encode may need. */
const LANE_FILTERS = ['zscale'] as const;
const LANE = /^encode\.([a-z0-9_-]{1,40}(?:\+[a-z0-9_-]{1,40}){0,7})((?:~[a-z]{1,20}){0,4})$/;

/**
 * The lane of an encode job that uses these encoders (all in one ffmpeg process) and, after `~`,
 * the filter it needs that a build may lack (`encode.libx264~zscale` tone-maps HDR to SDR).
 */
export function encodeLane(
  encoders: readonly string[],
  filters: readonly (typeof LANE_FILTERS)[number][] = [],
): string {
  const sorted = [...new Set(encoders)].sort();
  if (sorted.length === 0 || sorted.length > 8 || !sorted.every((e) => ENCODER.test(e))) {
    throw new Error(`no lane for encoders ${JSON.stringify(encoders)}`);
  }
  const wanted = LANE_FILTERS.filter((f) => filters.includes(f));
  return `encode.${sorted.join('+')}${wanted.length ? `~${wanted.join('~')}` : ''}`;
}

/** What a job in `lane` needs, read from the name alone; null for a name that is not a lane. */
export function laneNeeds(lane: string): JobNeeds | null {
  const m = LANE.exec(lane);
  if (!m) return null;
  const filters = m[2] ? m[2].slice(1).split('~') : [];
  // One spelling per lane: known filters only, each once, in their fixed order.
  const known = LANE_FILTERS.filter((f) => filters.includes(f));
  if (known.length !== filters.length || known.some((f, i) => f !== filters[i])) return null;
  return { encoders: m[1]!.split('+'), ...(filters.length ? { filters } : {}) };
}

/** An id of a job, batch, rung or task: letters, digits, '_' and '-'. */
export const TaskIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const id = TaskIdSchema;

/**
 * A path as the app sees it: absolute (POSIX or Windows: the app may run on either), with no NUL
 * and no `..` step, so a worker's path map cannot be walked out of.
 */
export const AppPathSchema = z
  .string()
  .min(1)
  .max(4096)
  .refine((p) => !p.includes('\0'), 'no NUL')
  .refine((p) => path.posix.isAbsolute(p) || path.win32.isAbsolute(p), 'an absolute path')
  .refine((p) => !p.split(/[\\/]/).includes('..'), 'no .. in it');
const absPath = AppPathSchema;

/** What every encode task carries: the facts a worker plans the job from. */
const encodeFacts = {
  v: z.literal(1),
  jobId: id,
  batchId: id,
  /** The source file as the app sees it (a worker maps it to its own path). */
  sourcePath: absPath,
  /** Geometry of a headerless raw source (`WxH:pixfmt@fps`), else null. */
  raw: z.string().max(200).nullable(),
  /** The batch's output folder as the app sees it. */
  outDir: absPath,
  /** The batch's ladder: checked strictly by the worker (checkedLadder). */
  ladder: z.unknown(),
  rungIds: z.array(id).min(1).max(64),
};

export const HttpUrlSchema = z
  .string()
  .max(2048)
  .regex(/^https?:\/\/[^\s]+$/, 'an http(s) URL');

/**
 * Media without a shared disk: the source is read over HTTP (Range) from the app's transfer server
 * and each output uploaded there, checked by size and SHA-256 before the app lists it. The token is
 * this task's only: it reads this source and writes these outputs, nothing else.
 */
export const TransferSchema = z
  .object({
    source: HttpUrlSchema,
    outputs: z.record(id, HttpUrlSchema),
    token: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();

/** An encode job as a worker receives it. */
export const EncodeTaskSchema = z
  .object({ ...encodeFacts, kind: z.literal('encode'), transfer: TransferSchema.optional() })
  .strict();

/** Frames [start, end) of a title: one chunk. */
export const ChunkRangeSchema = z
  .object({
    index: z.number().int().min(0).max(100_000),
    start: z.number().int().min(0),
    end: z.number().int().min(1),
  })
  .strict()
  .refine((r) => r.end > r.start, 'a chunk ends after it starts');

/**
 * One chunk of a title (a one-rung job split across workers): encode frames [start, end) into the
 * chunk folder. The chunk folder is `<outDir>/.chunks-<task id>`, built by the worker (never sent).
 */
export const ChunkTaskSchema = z
  .object({ ...encodeFacts, kind: z.literal('chunk'), range: ChunkRangeSchema })
  .strict();

/** The join of a chunked title: the parent of its chunk tasks in a BullMQ flow. */
export const JoinTaskSchema = z
  .object({
    ...encodeFacts,
    kind: z.literal('join'),
    ranges: z.array(ChunkRangeSchema).min(1).max(100_000),
  })
  .strict();

/** What a worker returns for an encoded chunk. */
export const ChunkDoneSchema = z
  .object({
    v: z.literal(1),
    worker: z.string().regex(WORKER_NAME_PATTERN),
    index: z.number().int().min(0),
    sizeBytes: z.number().int().nonnegative(),
    encodeSeconds: z.number().nonnegative(),
  })
  .strict();

/** An encode job as a worker receives it. */
export type EncodeTask = z.infer<typeof EncodeTaskSchema>;

const text = (max: number) => z.string().max(max);

/** What a worker returns for a finished encode. */
export const EncodeDoneSchema = z
  .object({
    v: z.literal(1),
    worker: z.string().regex(WORKER_NAME_PATTERN),
    /** The binary and commands it ran, with its own paths: history, shown on the job. */
    binary: text(4096),
    commands: z.array(z.array(text(16_384)).max(4_000)).max(4),
    encodeSeconds: z.number().nonnegative().nullable(),
    stderrTail: text(64 * 1024).nullable(),
    /** For a chunked title: how many chunks, and the workers that encoded them. */
    chunks: z
      .object({
        count: z.number().int().min(1),
        workers: z.array(z.string().regex(WORKER_NAME_PATTERN)).max(1000),
      })
      .strict()
      .optional(),
    /** Each output, by rung, as the worker measured it. */
    outputs: z
      .array(
        z
          .object({
            rungId: id,
            /**
             * On a shared disk: the output's temporary name in the output folder (the app checks
             * that it is the one the task can make, then the file, then renames it).
             */
            file: z
              .string()
              .max(300)
              .regex(/^\.[A-Za-z0-9_.-]+\.part\.[A-Za-z0-9]+$/)
              .optional(),
            sizeBytes: z.number().int().nonnegative(),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
          })
          .strict(),
      )
      .min(1)
      .max(64),
  })
  .strict();

/** What a worker returns for a finished encode. */
export type EncodeDone = z.infer<typeof EncodeDoneSchema>;

/** Progress a worker reports on a running task. */
export const TaskProgressSchema = z
  .object({
    fraction: z.number().min(0).max(1).nullable(),
    fps: z.number().nonnegative().nullable(),
    speed: z.number().nonnegative().nullable(),
  })
  .strict();
