/**
 * The batch queue as clients see it: batches (a ladder run on one source), jobs (one ffmpeg run,
 * possibly several rungs when the source is decoded once), renditions (finished, probed outputs)
 * and the plan shown before anything runs. Pure types and small pure functions.
 */
import { z } from 'zod';
import type { PlannedRung } from './encodePlan';
import type { EncodeFinding } from './encodePreflight';
import type { Ladder, Rung } from './ladder';
import type { MediaInfo } from './media';
import { FIX_IDS, type FixId } from './preflight';
import { ScoreOptionsSchema, type ScoreOptions } from './score';
import { MAX_DISTORTED, ScoreTargetSchema, type ScoreTarget } from './scoreResults';

/** Every job status. `interrupted`: the app stopped while it ran and the setting said not to re-queue. */
export const JOB_STATUSES = [
  'queued',
  'running',
  'done',
  'failed',
  'canceled',
  'interrupted',
] as const;

/** One of {@link JOB_STATUSES}. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** What a job does. `score` jobs arrive with the scoring feature; they depend on an encode job. */
export type JobKind = 'encode' | 'score';

/** True for a status a job leaves only by retry. */
export function isFinished(status: JobStatus): boolean {
  return status !== 'queued' && status !== 'running';
}

/** True for a finished status that retry accepts. */
export function isRetryable(status: JobStatus): boolean {
  return status === 'failed' || status === 'canceled' || status === 'interrupted';
}

/** One output of a job: the rung and the final path it is renamed to on success. */
export interface JobOutput {
  rungId: string;
  path: string;
}

/** What an encode job will do: its rungs resolved against the source, and where they go. */
export interface EncodeJobPlan {
  kind: 'encode';
  rungs: PlannedRung[];
  outputs: JobOutput[];
  /** One rung encoded in two passes (pass 1 analyses, pass 2 writes). */
  twoPass: boolean;
}

/**
 * What a score job will do: one ffmpeg process scoring its targets against a library item. A job
 * queued by "score after encode" has no targets yet: it scores the renditions its encode job
 * (`fromJob`, also its `dependsOn`) made, known only once that job is done.
 */
export interface ScoreJobPlan {
  kind: 'score';
  /** Library item id of the reference. */
  referenceId: string;
  targets: ScoreTarget[];
  /** Score the renditions of this encode job (score after encode); null for explicit targets. */
  fromJob: string | null;
  options: ScoreOptions;
  /** Fixes chosen per target, aligned with `targets` by index. */
  fixes: FixId[][];
}

/** The plan of a job, by kind. */
export type JobPlan = EncodeJobPlan | ScoreJobPlan;

const RecordId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an id (letters, digits, - and _)');

/**
 * A score job's plan as a run may use it: checked strictly before every run and retry, because a
 * stored plan may come from an imported project (its options become ffmpeg filter options).
 */
export const ScoreJobPlanSchema = z.strictObject({
  kind: z.literal('score'),
  referenceId: RecordId,
  targets: z.array(ScoreTargetSchema).max(MAX_DISTORTED),
  fromJob: RecordId.nullable(),
  options: ScoreOptionsSchema,
  fixes: z.array(z.array(z.enum(FIX_IDS))).max(MAX_DISTORTED),
});

/**
 * The score job plan with every field checked, or the problems as `path: message` lines (each
 * prefixed with `plan.`). A stored plan is never used as is.
 */
export function parseScoreJobPlan(
  plan: unknown,
): { plan: ScoreJobPlan; problems: [] } | { plan: null; problems: string[] } {
  const r = ScoreJobPlanSchema.safeParse(plan);
  if (r.success) return { plan: r.data, problems: [] };
  return {
    plan: null,
    problems: r.error.issues.map((i) => `plan.${i.path.join('.')}: ${i.message}`),
  };
}

/** A job in the queue. */
export interface Job {
  id: string;
  batchId: string;
  kind: JobKind;
  status: JobStatus;
  rungIds: string[];
  plan: JobPlan;
  /** A job that must be done before this one starts (score after encode); null when none. */
  dependsOn: string | null;
  /** Its place in the queue: queued jobs start in increasing order (a retry goes to the end). */
  queueOrder: number;
  /** How many times the job has been started. */
  attempts: number;
  /** ISO timestamps. */
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** The ffmpeg binary the job runs (chosen at submit, re-checked at start). */
  binary: string | null;
  /** The exact argument arrays of every pass, binary first, as run (temporary output names). */
  commands: string[][];
  /** The end of ffmpeg's stderr, kept for every finished run. */
  stderrTail: string | null;
  /** Why the job failed, was canceled or interrupted, in words a person understands. */
  error: string | null;
  /** Wall time of the ffmpeg run(s), all passes. */
  encodeSeconds: number | null;
  /** The `vq worker` (its `--name`) running or that ran it, when the shared queue sent it to one. */
  worker?: string | null;
}

/** A rung that is not encoded, and why (never upscale). */
export interface SkippedRung {
  rungId: string;
  reason: string;
}

/** A ladder run on one source, or a scoring request (no ladder) against one source. */
export interface Batch {
  id: string;
  sourceId: string;
  /** The ladder encoded; null for a batch of score jobs only (`score.start`). */
  ladder: Ladder | null;
  outDir: string;
  decodeOnce: boolean;
  createdAt: string;
  skipped: SkippedRung[];
  /**
   * Split the title into chunks of about this many seconds (at scene-aware keyframe boundaries),
   * encoded by the shared queue's workers in parallel and joined without re-encoding.
   */
  chunkSeconds?: number | null;
  /**
   * Split the title at exactly these frames instead (ascending, from 0; each chunk runs to the
   * next start): a per-shot encode's shots, encoded by the shared queue's workers.
   */
  chunkStarts?: number[] | null;
}

/** A finished, probed output of an encode job. Never listed before ffmpeg exited 0. */
export interface Rendition {
  id: string;
  sourceId: string;
  batchId: string | null;
  jobId: string | null;
  rungId: string;
  rung: Rung;
  path: string;
  fileName: string;
  encoder: string;
  /** Measured from the output (probe), not taken from the ladder. */
  width: number;
  height: number;
  /** Video bit rate measured from the output (probe; packet sizes where the container is silent). */
  bitrateKbps: number | null;
  sizeBytes: number;
  /**
   * Wall time of the job that made it. A decode-once job makes several renditions in one ffmpeg
   * process, which cannot tell what each output cost: they share this time
   * ({@link renditionsMadeTogether}), it is not each one's.
   */
  encodeSeconds: number | null;
  /**
   * The commands that produce this file (every pass, binary first), written with the final output
   * path: the job wrote a temporary name and renamed it on success.
   */
  command: string[][];
  media: MediaInfo;
  createdAt: string;
  /** The `vq worker` (its `--name`) that made it, when the shared queue ran its job elsewhere. */
  worker?: string | null;
}

/** Live progress of a running job. */
export interface JobProgress {
  jobId: string;
  batchId: string;
  /** 0..1; 1 only after `progress=end` and exit 0. Null while unknown. */
  fraction: number | null;
  fps: number | null;
  /** Encoding speed as a multiple of real time. */
  speed: number | null;
  etaSeconds: number | null;
  /**
   * On the shared queue, while no worker has taken the job: what it waits for ("Waiting for a
   * worker that can run it …"), in words for the Queue view.
   */
  waiting?: string | null;
}

/** The concurrency in force and where it comes from. */
export interface ConcurrencyInfo {
  /** The setting; null means automatic. */
  setting: number | null;
  /** What automatic would choose on this machine. */
  auto: number;
  /** Jobs allowed to run at once now. */
  effective: number;
}

/** Everything the queue view needs, current to `seq`. */
export interface QueueSnapshot {
  batches: Batch[];
  jobs: Job[];
  renditions: Rendition[];
  concurrency: ConcurrencyInfo;
  /** True while the queue is paused: no new job starts. */
  paused: boolean;
  seq: number;
}

/** One process the plan will run: its rungs, binary and exact commands. */
export interface PlannedJob {
  rungIds: string[];
  encoders: string[];
  binary: string;
  twoPass: boolean;
  outputs: JobOutput[];
  /**
   * Argument arrays, binary first, one per pass. Exactly what will run, except that the job writes
   * each output under a temporary name (`.<rungId>.<jobId>.part.<ext>`) and renames it on success,
   * and two-pass logs go to a temporary folder named after the job.
   */
  commands: string[][];
}

/** `encode.plan`: what `encode.start` with the same arguments would queue. */
export interface EncodePlan {
  sourceId: string;
  ladder: { id: string; name: string };
  outDir: string;
  decodeOnce: boolean;
  rungs: PlannedRung[];
  skipped: SkippedRung[];
  jobs: PlannedJob[];
  /** Score options when each encode job is followed by a score job (score after encode). */
  scoreAfterEncode?: ScoreOptions | null;
  /** Output files that already exist: `encode.start` replaces them only with `overwrite`. */
  existing: ExistingOutput[];
  /** A fresh folder for this batch inside the output folder, offered instead of replacing. */
  newOutDir: string;
  /** The encode's pre-flight: what the plan does to this source, and what scoring would find. */
  findings: EncodeFinding[];
}

/** An output file of a plan that is already on disk. */
export interface ExistingOutput {
  rungId: string;
  path: string;
  fileName: string;
  /** The library's rendition at that path; null for a file the library does not know. */
  renditionId: string | null;
  /** How many stored scores measured that rendition (they turn stale once it is replaced). */
  scores: number;
}

/**
 * Jobs to run at once when the setting is automatic. x264/x265 already use every core, so running
 * many at once mostly adds memory and cache pressure: 1 on small machines, a quarter of the cores
 * (at most 4) on large ones.
 */
export function autoConcurrency(cores: number): number {
  if (!(cores > 2)) return 1;
  return Math.min(4, Math.max(1, Math.floor(cores / 4)));
}

/** Counts of a batch's jobs by outcome; `finished` when none is queued or running. */
export function batchTally(jobs: readonly Pick<Job, 'status'>[]): {
  done: number;
  failed: number;
  canceled: number;
  active: number;
  finished: boolean;
} {
  let done = 0;
  let failed = 0;
  let canceled = 0;
  let active = 0;
  for (const j of jobs) {
    if (j.status === 'done') done++;
    else if (j.status === 'failed' || j.status === 'interrupted') failed++;
    else if (j.status === 'canceled') canceled++;
    else active++;
  }
  return { done, failed, canceled, active, finished: active === 0 };
}

/**
 * How many renditions the ffmpeg run that made a rendition made together (decode once: one
 * decode, one encoder per output, all in one process), read from its exact command: one `-c:v` per
 * output. Their encode time is shared: a process-wide clock (wall or CPU time) cannot be split
 * among encoders that run at once in threads of the same process.
 */
export function renditionsMadeTogether(command: readonly (readonly string[])[]): number {
  const last = command[command.length - 1] ?? [];
  return Math.max(1, last.filter((arg) => arg === '-c:v').length);
}

/** Said beside a rendition's encode time when others share it ("shared by 3 renditions (decode once)"); null when it is its own. */
export function renditionTimeNote(rendition: Pick<Rendition, 'command'>): string | null {
  const together = renditionsMadeTogether(rendition.command);
  return together > 1 ? `shared by ${together} renditions (decode once)` : null;
}
