/**
 * Where the queue keeps batches and jobs. The embedded store is SQLite in-process
 * ({@link SqliteJobStore}); a distributed backend (BullMQ on Redis, with `vq worker` processes)
 * can implement the same interface later without touching the runner or the API.
 */
import type { Batch, Job, JobKind, JobPlan, JobStatus } from '../../../shared/queue';

/** A job as submitted. */
export interface NewJob {
  id: string;
  batchId: string;
  kind: JobKind;
  rungIds: string[];
  plan: JobPlan;
  dependsOn: string | null;
  binary: string | null;
  commands: string[][];
}

/** Fields a runner changes on a job. */
export interface JobPatch {
  status?: JobStatus;
  startedAt?: string | null;
  finishedAt?: string | null;
  binary?: string | null;
  commands?: string[][];
  stderrTail?: string | null;
  error?: string | null;
  encodeSeconds?: number | null;
  /** Which queue instance runs it (`pid:instance`); cleared when it stops. */
  runner?: string | null;
  /** The ffmpeg process id while it runs, so a restart can find an orphaned process. */
  pid?: number | null;
}

/** A running job with who runs it (restart recovery needs both). */
export interface RunningJob {
  job: Job;
  runner: string | null;
  pid: number | null;
  /** When its runner last said it is alive (ISO). */
  heartbeatAt: string | null;
}

/** Storage of the queue. Every method is atomic on its own. */
export interface JobStore {
  /** Adds a batch and its jobs in one step. */
  addBatch(batch: Batch, jobs: NewJob[]): Job[];
  /** Adds one job to an existing batch, at the end of the queue. */
  addJob(job: NewJob): Job;
  /** One batch by id. */
  getBatch(id: string): Batch | null;
  /** Every batch, newest first. */
  listBatches(): Batch[];
  /** One job by id. */
  getJob(id: string): Job | null;
  /** Jobs in queue order, optionally of one batch and/or in some statuses. */
  listJobs(filter?: { batchId?: string; statuses?: readonly JobStatus[] }): Job[];
  /** Jobs that depend on the given one. */
  dependants(jobId: string): Job[];
  /** Queued → running for this runner, or null when the job is no longer queued (taken elsewhere). */
  claim(id: string, runner: string, startedAt: string): Job | null;
  /** Applies a patch and returns the job. */
  update(id: string, patch: JobPatch): Job;
  /** Back to queued at the end of the queue (retry); clears the outcome of the last run. */
  requeue(id: string, atEnd: boolean): Job;
  /** Running jobs with their runner and process id. */
  running(): RunningJob[];
  /** Marks every job this runner runs as alive now. */
  heartbeat(runner: string, at: string): void;
}
