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
  /** The runner that alone may run it while it lives (`vq encode`); null: the lease holder's. */
  owner?: string | null;
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
  /** Who may run it; null hands it to the data folder's lease holder. */
  owner?: string | null;
  /** The `vq worker` running it (shared queue); cleared when it is claimed or queued again. */
  worker?: string | null;
}

/**
 * What a job must still be for a write to apply: every change of a job's state is a
 * compare-and-set, so a process that read the job a moment ago never undoes what another did since.
 */
export interface JobGuard {
  /** The job's status must be this one, or one of these. */
  status: JobStatus | readonly JobStatus[];
  /** The runner that must be running it (null: none). */
  runner?: string | null;
  /** The owner it must have (null: unowned). */
  owner?: string | null;
}

/** How {@link JobStore.requeue} queues a job again. */
export interface RequeueOptions {
  /** At the end of the queue (a retry), or in its old place (recovery). */
  atEnd: boolean;
  /** Who may run it now (null: the lease holder). */
  owner: string | null;
  /** The binary and commands planned again for this run, written with the requeue. */
  binary?: string | null;
  commands?: string[][];
}

/** A running job with who runs it (restart recovery needs both). */
export interface RunningJob {
  job: Job;
  runner: string | null;
  pid: number | null;
  /** When its runner last said it is alive (ISO). */
  heartbeatAt: string | null;
  /** The runner it belongs to (null: the lease holder's). */
  owner: string | null;
}

/** A queue runner as other processes see it: who, which process, when it last said it is alive. */
export interface RunnerRecord {
  /** `pid:random`, as in {@link JobPatch.runner}. */
  runner: string;
  pid: number;
  /** ISO time. */
  heartbeatAt: string;
  /** Which process that pid was (boot id and start time, see processIdentity.ts); null: unknown. */
  identity: string | null;
}

/**
 * Which queued jobs a runner may take: its own, and unowned ones when `unowned` and it holds the
 * lease at the moment of the claim (checked in the same statement).
 */
export interface Claimant {
  runner: string;
  unowned: boolean;
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
  listJobs(filter?: {
    batchId?: string;
    statuses?: readonly JobStatus[];
    claimableBy?: Claimant;
  }): Job[];
  /** Jobs that depend on the given one. */
  dependants(jobId: string): Job[];
  /**
   * Queued → running for this runner, or null when the job is no longer queued (taken elsewhere)
   * or is not the claimant's to take (owned by another runner; unowned and not the lease holder).
   */
  claim(id: string, claimant: Claimant, startedAt: string): Job | null;
  /** Applies a patch when the job still matches `guard`; the job afterwards, or null when it did not match. */
  update(id: string, patch: JobPatch, guard: JobGuard): Job | null;
  /**
   * Back to queued when the job still matches `guard`; clears the outcome of the last run and sets
   * the owner (and the commands planned again, when given). Null when it did not match.
   */
  requeue(id: string, guard: JobGuard, opts: RequeueOptions): Job | null;
  /** Running jobs with their runner and process id. */
  running(): RunningJob[];
  /** Queued and running jobs that belong to a runner, with it. */
  owned(): { job: Job; owner: string }[];
  /** The owner of a job (null: unowned or no such job). */
  ownerOf(jobId: string): string | null;
  /** Marks this runner, the jobs it runs and its lease (if it holds it) as alive now. */
  heartbeat(runner: string, at: string): void;
  /** Records a started runner, so other processes can tell whether the jobs it owns are alive. */
  registerRunner(record: RunnerRecord & { mode: string }): void;
  /** Forgets a runner that stops, and gives up its lease. */
  unregisterRunner(runner: string): void;
  /** A registered runner (null when it stopped cleanly or never registered). */
  getRunner(runner: string): RunnerRecord | null;
  /** Every registered runner. */
  runners(): RunnerRecord[];
  /**
   * Takes the data folder's queue lease for `candidate` when nobody holds it, it already does, or
   * `holderAlive` says the holder is gone; atomically. Returns the holder afterwards.
   */
  takeLease(candidate: RunnerRecord, holderAlive: (holder: RunnerRecord) => boolean): RunnerRecord;
  /** Who holds the lease now. */
  leaseHolder(): RunnerRecord | null;
  /**
   * Moves a queued job one place earlier or later among the queued jobs, or before all of them
   * (`first`), in one step. The jobs whose place changed (empty at either end); null when the
   * job is not queued (any more).
   */
  move(jobId: string, to: 'up' | 'down' | 'first'): Job[] | null;
  /** Puts the queued jobs of a batch before every other queued job, in their order; those moved. */
  moveBatchFirst(batchId: string): Job[];
  /**
   * Removes the batches whose every job has finished, with their jobs (renditions and scores stay,
   * no longer tied to a batch). A batch stays while it has no job yet or is part of a project
   * import not committed yet (it is still being written), while a per-title run still follows it
   * or a job of another batch that is still queued or running needs one of its jobs, and while a
   * job of it is owned by a runner for which `ownerGone` is false. The ids removed.
   */
  removeFinishedBatches(ownerGone: (owner: string) => boolean): string[];
  /** True while the data folder's queue is paused: no new job starts; running ones finish. */
  isPaused(): boolean;
  /** Pauses or resumes the data folder's queue. */
  setPaused(paused: boolean): void;
}
