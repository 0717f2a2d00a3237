/**
 * The batch queue runner: starts queued jobs (at most `concurrency` at once, each after the job it
 * depends on is done), cancels and retries them, recovers jobs a stopped app left running, and
 * turns every change into events. What a job does is up to the executor of its kind.
 *
 * One runner per data folder: the first 'all' queue takes the folder's lease and runs unowned
 * jobs; every other queue (`vq encode`, a second app or server) owns the jobs it submits and runs
 * only those, so no process ever takes another live process's jobs. When a runner dies, the lease
 * holder recovers its jobs like any orphan; when the holder dies, a waiting 'all' queue takes over.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { VqError, toApiError } from '../../../shared/errors';
import {
  batchTally,
  isRetryable,
  type Batch,
  type Job,
  type JobKind,
  type JobStatus,
} from '../../../shared/queue';
import { etaSeconds } from '../ffmpeg/progress';
import type { EventHub } from '../events';
import type { Claimant, JobStore, NewJob, RunnerRecord } from './jobStore';
import { killOrphan } from './orphans';
import { lookAtProcess, ownIdentity, type ProcessLook } from '../processIdentity';
import { RunnerLiveness } from './runnerLiveness';

/** What an executor may report while a job runs. */
export interface JobRunContext {
  /** Aborted when the job is canceled or the app closes. */
  signal: AbortSignal;
  /**
   * Progress of the whole job (all passes); the queue throttles and adds the ETA. A job on the
   * shared queue that no worker has taken says what it waits for.
   */
  progress(p: RunProgress): void;
  /** The binary and exact commands, recorded on the job as they are about to run. */
  commandsChosen(binary: string, commands: string[][]): void;
  /** The id of the ffmpeg process now running (restart recovery kills it if it outlives us). */
  processStarted(pid: number): void;
  /** The `vq worker` (its name) that took the job from the shared queue; null: none any more. */
  workerChosen(name: string | null): void;
}

/** Progress as an executor reports it. */
export interface RunProgress {
  fraction: number | null;
  fps: number | null;
  speed: number | null;
  waiting?: string | null;
}

/** How a run ended. */
export type JobOutcome =
  | { status: 'done'; stderrTail: string | null; encodeSeconds: number | null }
  | {
      status: 'failed' | 'canceled';
      error: string;
      stderrTail: string | null;
      encodeSeconds: number | null;
    };

/** Runs jobs of one kind. */
export interface JobExecutor {
  /** Runs a claimed job to its end; never throws for failures it can describe. */
  run(job: Job, ctx: JobRunContext): Promise<JobOutcome>;
  /**
   * Deletes what runs of this job may have left (temporary outputs, pass logs). With `isLive`, also
   * other stray temporary files in its output folders for which `isLive(jobId)` is false (restart
   * recovery; it is true, "keep", for a job id this database does not know). Synchronous: close()
   * uses it while the process may be about to exit.
   */
  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void;
}

/** The binary and commands a retry planned again, written on the job with its requeue. */
export interface RetryCommands {
  binary: string | null;
  commands: string[][];
}

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  store: JobStore;
  events: EventHub;
  executors: Partial<Record<JobKind, JobExecutor>>;
  /** Jobs allowed at once; read whenever a slot may open. */
  concurrency: () => number;
  /**
   * Kinds whose executor hands the work to other machines (the shared queue's workers): they do
   * not count against `concurrency`, which is about this machine, but against {@link REMOTE_LIMIT}.
   */
  remoteKinds?: readonly JobKind[];
  /** What to do on start with jobs a stopped app left running. */
  onRestart: () => 'requeue' | 'mark-interrupted';
  /**
   * 'all': run every queued job in the store and recover orphans (the app, `vq serve`).
   * 'own': run only batches submitted through this instance (`vq encode`, which must not pick up
   * the app's queue and must not touch jobs another process runs).
   * An 'all' queue that finds another live 'all' queue holding the data folder's lease behaves
   * like 'own' until the holder stops.
   */
  mode: 'all' | 'own';
  /** How often the runner says it is alive and looks for dead runners (default 10 s). */
  heartbeatMs?: number;
  /** Tests only: what the machine says about other processes (default: /proc, see processIdentity.ts). */
  lookAtProcess?: (pid: number) => ProcessLook;
  /** Tests only: this process's clocks (default: Date.now and performance.now). */
  clock?: { wallMs(): number; monotonicMs(): number };
}

/** What a queue is in its data folder. */
export type QueueRole = 'holder' | 'follower' | 'own';

interface ActiveRun {
  job: Job;
  abort: AbortController;
  done: Promise<void>;
  startedMs: number;
  lastProgressMs: number;
  /** Set when the person canceled, so the outcome says so rather than "killed". */
  cancelReason: string | null;
}

/** Jobs handed to other machines at once (they wait in the shared queue until a worker is free). */
const REMOTE_LIMIT = 256;

/** Progress events per job are at most this often (ffmpeg itself reports every 0.5 s). */
const PROGRESS_INTERVAL_MS = 100;

/** Queue instances alive in this process, so restart recovery can tell a dead runner from a live one. */
const liveRunners = new Set<string>();

/** How often a runner marks its running jobs alive. */
const HEARTBEAT_MS = 10_000;

/**
 * Where a runner's process identity cannot be checked (no /proc), a runner whose heartbeat has not
 * changed for this long of this process's monotonic time counts as dead even if a process with its
 * pid exists (after a reboot, pids are handed out again to other programs). Also: a timer of this
 * process that fires this much late means the process (or the machine) was paused.
 */
const STALE_AFTER_MS = 60_000;

/** Statuses a retry starts from. */
const RETRYABLE: readonly JobStatus[] = ['failed', 'canceled', 'interrupted'];

/** A finished run whose outcome could not be written yet (a busy database); written on the next tick. */
interface UnsavedOutcome {
  run: ActiveRun;
  outcome: JobOutcome;
  finishedAt: string;
}

/** The queue runner over a {@link JobStore}. */
export class JobQueue {
  /** `pid:random`: who claimed a running job. */
  readonly runnerId = `${process.pid}:${randomBytes(6).toString('hex')}`;
  private readonly opts: JobQueueOptions;
  private readonly active = new Map<string, ActiveRun>();
  /** 'all' mode starts as holder until start() learns whether another queue holds the lease. */
  private roleValue: QueueRole;
  /** Batches whose batch.finished was sent; a job queued again in one takes it out. */
  private readonly announced = new Set<string>();
  private closed = false;
  private started = false;
  /** The log said once that another process holds the lease. */
  private leaseNoted = false;
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private readonly liveness: RunnerLiveness;
  private readonly clock: { wallMs(): number; monotonicMs(): number };
  /** When refresh() last ran, by both clocks: a long gap means this process was paused. */
  private lastTick: { wall: number; mono: number } | null = null;
  /** Outcomes of finished runs still to be written (the database was busy). */
  private readonly unsaved = new Map<string, UnsavedOutcome>();
  /** Kinds of trouble already in the log, so a busy database is said once, not every tick. */
  private readonly troubleSaid = new Set<string>();

  constructor(opts: JobQueueOptions) {
    this.opts = opts;
    this.roleValue = opts.mode === 'own' ? 'own' : 'holder';
    this.clock = opts.clock ?? { wallMs: () => Date.now(), monotonicMs: () => performance.now() };
    this.liveness = new RunnerLiveness({
      look: opts.lookAtProcess ?? lookAtProcess,
      monotonicMs: () => this.clock.monotonicMs(),
      localRunnerOpen: (runner) => liveRunners.has(runner),
      staleAfterMs: STALE_AFTER_MS,
    });
    liveRunners.add(this.runnerId);
  }

  /**
   * Registers this runner; in mode 'all' takes the data folder's lease and recovers what a stopped
   * process left running (or, when a live process holds the lease, says so and runs only its own
   * batches). Then starts queued jobs.
   */
  start(): void {
    if (this.started || this.closed) return;
    this.started = true;
    this.opts.store.registerRunner({ ...this.record(), mode: this.opts.mode });
    if (this.opts.mode === 'all') this.tryLease();
    this.lastTick = { wall: this.clock.wallMs(), mono: this.clock.monotonicMs() };
    this.heartbeatTimer = setInterval(() => this.refresh(), this.opts.heartbeatMs ?? HEARTBEAT_MS);
    this.heartbeatTimer.unref(); // never what keeps a process alive
    this.pump();
  }

  /** 'holder' runs the data folder's queue; 'follower' and 'own' run only the jobs they submitted. */
  get role(): QueueRole {
    return this.roleValue;
  }

  /**
   * The periodic work (also run on a timer): says this runner and its jobs are alive; a follower
   * takes over the lease when its holder is gone; the holder recovers jobs of runners that died;
   * outcomes a busy database refused are written; queued jobs start. Never throws: each step that
   * fails (a busy or closing database) is said once in the log and tried again on the next tick.
   */
  refresh(): void {
    if (this.closed || !this.started) return;
    this.noteTimerGap();
    const store = this.opts.store;
    this.attempt('heartbeat', () => {
      store.heartbeat(this.runnerId, new Date().toISOString());
      if (this.opts.mode === 'all') {
        if (this.roleValue === 'holder' && store.leaseHolder()?.runner !== this.runnerId) {
          // Taken over while this process did not say it was alive (a suspended laptop).
          this.roleValue = 'follower';
          this.leaseNoted = false;
        }
        if (this.roleValue === 'follower') this.tryLease();
        else this.recover();
      }
    });
    this.attempt('saving outcomes', () => this.saveOutcomes());
    this.attempt('starting jobs', () => this.pump());
  }

  /** The live runner of another process that holds the data folder's lease (null: none, or this one). */
  otherLeaseHolder(): RunnerRecord | null {
    const holder = this.opts.store.leaseHolder();
    return holder && holder.runner !== this.runnerId && this.liveness.alive(holder) ? holder : null;
  }

  /** True when every job of the batch has finished (whoever ran them). */
  isFinished(batchId: string): boolean {
    return batchTally(this.opts.store.listJobs({ batchId })).finished;
  }

  /** Jobs running in this process now. */
  get runningIds(): string[] {
    return [...this.active.keys()];
  }

  /** Adds a batch with its jobs and starts what can start. */
  submit(batch: Batch, jobs: NewJob[]): Job[] {
    this.assertOpen();
    const owner = this.newOwner();
    const added = this.opts.store.addBatch(
      batch,
      jobs.map((j) => ({ ...j, owner })),
    );
    this.announced.delete(batch.id);
    this.opts.events.emit({ type: 'batch.added', batch });
    for (const j of added) this.opts.events.emit({ type: 'job.updated', job: j });
    this.pump();
    return added;
  }

  /** Adds one job to an existing batch (re-run a rung) and starts it when it can. */
  add(job: NewJob): Job {
    this.assertOpen();
    const added = this.opts.store.addJob({ ...job, owner: this.newOwner() });
    this.announced.delete(job.batchId);
    this.opts.events.emit({ type: 'job.updated', job: added });
    this.pump();
    return added;
  }

  /**
   * Cancels a job. A queued job never starts; a running one is killed and the call resolves once
   * its partial outputs are deleted. Jobs depending on it are canceled too.
   */
  async cancel(jobId: string, reason = 'Canceled.'): Promise<Job> {
    const job = this.requireJob(jobId);
    const run = this.active.get(jobId);
    if (run) {
      run.cancelReason = reason;
      run.abort.abort();
      await run.done;
      return this.requireJob(jobId);
    }
    if (job.status === 'queued') {
      if (this.ownedByOtherLiveRunner(job.id)) {
        throw new VqError(
          'UNSUPPORTED',
          'This job belongs to another VQ Studio process (a `vq encode` or a second app); cancel it there (Ctrl+C for `vq encode`).',
        );
      }
      const canceled = this.finishQueued(job, reason);
      if (canceled) return canceled;
      // It left the queue meanwhile (started here or in another process, or canceled there):
      // decide again on what it is now, so a cancel is never silently lost.
      const now = this.requireJob(jobId);
      if (now.status === 'queued')
        throw new VqError('UNSUPPORTED', `Job ${jobId} changed while it was canceled; try again.`);
      return this.cancel(jobId, reason);
    }
    if (job.status === 'running') {
      // Running under another process (`vq encode` or a second app): that process owns the kill.
      throw new VqError(
        'UNSUPPORTED',
        'This job is running in another VQ Studio process; cancel it there (Ctrl+C for `vq encode`).',
      );
    }
    return job;
  }

  /** Cancels every queued and running job (of one batch when given); returns their ids. */
  async cancelAll(batchId?: string, reason = 'Canceled.'): Promise<string[]> {
    const store = this.opts.store;
    const queued = store
      .listJobs({ batchId, statuses: ['queued'] })
      .filter((j) => !this.ownedByOtherLiveRunner(j.id));
    const running = [...this.active.values()]
      .map((r) => r.job)
      .filter((j) => batchId === undefined || j.batchId === batchId);
    // Queued first, so no queued job starts in a slot a killed one frees.
    for (const j of queued) {
      const fresh = store.getJob(j.id);
      if (fresh?.status === 'queued') this.finishQueued(fresh, reason); // null: it started meanwhile
    }
    await Promise.all(running.map((j) => this.cancel(j.id, reason)));
    return [...queued, ...running].map((j) => j.id);
  }

  /**
   * Queues a failed, canceled or interrupted job again, at the end of the queue, with the commands
   * planned again for it when given (written in the same step, only if the job is still retryable).
   */
  retry(jobId: string, fresh?: RetryCommands): Job {
    this.assertOpen();
    const job = this.requireJob(jobId);
    if (!isRetryable(job.status)) {
      throw new VqError(
        'INVALID_ARGS',
        `Job ${jobId} is ${job.status}; only failed, canceled or interrupted jobs can be retried.`,
      );
    }
    if (job.dependsOn) {
      const dep = this.opts.store.getJob(job.dependsOn);
      if (dep && isRetryable(dep.status)) {
        throw new VqError(
          'INVALID_ARGS',
          `Job ${jobId} needs job ${dep.id}, which is ${dep.status}.`,
          `Retry job ${dep.id} first.`,
        );
      }
    }
    const requeued = this.opts.store.requeue(
      jobId,
      { status: RETRYABLE },
      { atEnd: true, owner: this.newOwner(), ...fresh },
    );
    if (!requeued) {
      // Another process (or another click) retried it between the read above and this write.
      const now = this.requireJob(jobId);
      throw new VqError(
        'INVALID_ARGS',
        `Job ${jobId} is ${now.status} now: it was retried meanwhile (here or by another VQ Studio process), so it is not queued again.`,
        'Refresh the queue.',
      );
    }
    this.announced.delete(requeued.batchId);
    this.opts.events.emit({ type: 'job.updated', job: requeued });
    this.pump();
    return requeued;
  }

  /** True while the data folder's queue is paused. */
  get paused(): boolean {
    return this.opts.store.isPaused();
  }

  /**
   * Pauses or resumes the data folder's queue. Paused, no 'all' queue (the app, `vq serve`, in
   * any process) starts a job; running ones finish. A `vq encode` runs its own batch regardless:
   * it was started to run it, and Ctrl+C stops it.
   */
  setPaused(paused: boolean): boolean {
    this.opts.store.setPaused(paused);
    this.opts.events.emit({ type: 'queue.paused', paused });
    if (!paused) this.pump();
    return paused;
  }

  /** Moves a queued job up, down or to the front of the queue; refused for a job that is not queued. */
  move(jobId: string, to: 'up' | 'down' | 'first'): Job {
    const moved = this.opts.store.move(jobId, to);
    if (moved === null) {
      const job = this.requireJob(jobId);
      throw new VqError(
        'INVALID_ARGS',
        `Job ${jobId} is ${job.status}; only queued jobs can be moved.`,
        'Refresh the queue.',
      );
    }
    for (const j of moved) this.opts.events.emit({ type: 'job.updated', job: j });
    return this.requireJob(jobId);
  }

  /** Puts the queued jobs of a batch before every other queued job; the ids of those moved. */
  runBatchNext(batchId: string): string[] {
    if (!this.opts.store.getBatch(batchId))
      throw new VqError('NOT_FOUND', `No batch with id ${batchId}.`, 'Refresh the queue.');
    const moved = this.opts.store.moveBatchFirst(batchId);
    for (const j of moved) this.opts.events.emit({ type: 'job.updated', job: j });
    return moved.map((j) => j.id);
  }

  /**
   * Clears the finished batches from the queue (see {@link JobStore.removeFinishedBatches}), but
   * not those with a job run by another live process. A `vq encode` that held the lease submits
   * its jobs unowned, so its batch can be cleared once finished; it then writes its manifest from
   * what it saw (`batchRecord` in the CLI's manifest), not from the database. Clients
   * told `batch.removed` also drop the batch and job links of the batch's renditions (the database
   * sets them to NULL).
   */
  clearFinished(): string[] {
    const removed = this.opts.store.removeFinishedBatches(
      (owner) => owner === this.runnerId || !this.runnerAlive(owner),
    );
    for (const batchId of removed) {
      this.announced.delete(batchId);
      this.opts.events.emit({ type: 'batch.removed', batchId });
    }
    return removed;
  }

  /** Starts queued jobs while slots are free (none while the queue is paused). Safe to call any time. */
  pump(): void {
    if (this.closed || !this.started) return;
    if (this.opts.mode === 'all' && this.opts.store.isPaused()) return;
    const limit = Math.max(1, this.opts.concurrency());
    const remote = (kind: JobKind): boolean => this.opts.remoteKinds?.includes(kind) ?? false;
    const fits = (kind: JobKind): boolean => {
      // An outcome not written yet still holds its slot: its row says running.
      const jobs = [...this.active.values(), ...[...this.unsaved.values()].map((u) => u.run)];
      const holding = jobs.filter((r) => remote(r.job.kind) === remote(kind)).length;
      return holding < (remote(kind) ? REMOTE_LIMIT : limit);
    };
    for (;;) {
      const next = this.nextRunnable(fits);
      if (!next) return;
      const claimed = this.opts.store.claim(next.id, this.claimant(), new Date().toISOString());
      if (claimed) this.launch(claimed);
    }
  }

  /** Resolves when no job of this instance is running. */
  async whenIdle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((r) => r.done));
  }

  /**
   * Stops: kills running jobs and deletes their partial outputs now (synchronously: the process
   * may exit right after). Their rows stay 'running'; the next start recovers them.
   */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    liveRunners.delete(this.runnerId);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    if (this.started) {
      try {
        // Gives up the lease now, so a waiting queue need not wait for the heartbeat to go stale.
        this.opts.store.unregisterRunner(this.runnerId);
      } catch {
        // The database may be closed already; a stale registration is judged dead by its pid.
      }
    }
    for (const run of this.active.values()) {
      run.abort.abort();
      try {
        this.executorFor(run.job).removeLeftovers(run.job);
      } catch {
        // Best effort at quit; the next start deletes what is left.
      }
    }
  }

  /** This runner as other processes see it. */
  private record(): RunnerRecord {
    return {
      runner: this.runnerId,
      pid: process.pid,
      heartbeatAt: new Date().toISOString(),
      identity: ownIdentity(),
    };
  }

  /** Runs one step of the periodic work; a failure is said once per kind and retried next tick. */
  private attempt(step: string, work: () => void): void {
    try {
      work();
      for (const said of [...this.troubleSaid]) {
        if (said.startsWith(`${step}:`)) this.troubleSaid.delete(said);
      }
    } catch (err) {
      const code = (err as { code?: unknown } | null)?.code;
      const kind = `${step}:${typeof code === 'string' ? code : err instanceof Error ? err.name : 'error'}`;
      if (this.troubleSaid.has(kind)) return;
      this.troubleSaid.add(kind);
      console.warn(
        `queue: ${step} failed (tried again every tick; said once):`,
        err instanceof Error ? err.message : err,
      );
    }
  }

  /**
   * A timer that fires a stale period late means this process was paused (its event loop blocked,
   * or the machine asleep): heartbeats it saw before may span that pause, so none is judged stale
   * until it has watched for another period.
   */
  private noteTimerGap(): void {
    const now = { wall: this.clock.wallMs(), mono: this.clock.monotonicMs() };
    const last = this.lastTick;
    this.lastTick = now;
    if (last && Math.max(now.wall - last.wall, now.mono - last.mono) > STALE_AFTER_MS)
      this.liveness.noteStall();
  }

  /** Who owns the jobs this queue submits: nobody (the lease holder's queue) or this runner. */
  private newOwner(): string | null {
    return this.roleValue === 'holder' ? null : this.runnerId;
  }

  private claimant(): Claimant {
    return { runner: this.runnerId, unowned: this.roleValue === 'holder' };
  }

  private ownedByOtherLiveRunner(jobId: string): boolean {
    const owner = this.opts.store.ownerOf(jobId);
    return owner !== null && owner !== this.runnerId && this.runnerAlive(owner);
  }

  /**
   * True while a runner (an owner of jobs, or the runner of a running job) still runs: registered
   * and judged alive by {@link RunnerLiveness}. A runner that is not registered stopped (close()
   * unregisters) or was found dead and pruned, unless it is an open queue of this process.
   */
  private runnerAlive(runner: string): boolean {
    if (runner === this.runnerId) return !this.closed;
    const record = this.opts.store.getRunner(runner);
    if (!record) return liveRunners.has(runner);
    return this.liveness.alive(record);
  }

  /** Takes the lease when it is free or its holder is gone; otherwise follows (once said in the log). */
  private tryLease(): void {
    const was = this.roleValue;
    const holder = this.opts.store.takeLease(this.record(), (h) => this.liveness.alive(h));
    if (holder.runner === this.runnerId) {
      this.roleValue = 'holder';
      if (was === 'follower')
        console.warn(
          `queue: the process that ran this data folder's queue stopped; process ${process.pid} runs it now.`,
        );
      this.recover();
      return;
    }
    this.roleValue = 'follower';
    if (!this.leaseNoted) {
      this.leaseNoted = true;
      console.warn(
        `queue: another VQ Studio process (pid ${holder.pid}) runs the queue of this data folder; ` +
          'this one runs only the batches started here and takes over when that process stops.',
      );
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new VqError('CANCELED', 'The queue is shutting down.');
  }

  private requireJob(jobId: string): Job {
    const job = this.opts.store.getJob(jobId);
    if (!job)
      throw new VqError(
        'NOT_FOUND',
        `No job with id ${jobId}.`,
        'It may belong to another data folder; refresh the queue.',
      );
    return job;
  }

  private executorFor(job: Job): JobExecutor {
    const ex = this.opts.executors[job.kind];
    if (!ex) throw new VqError('UNSUPPORTED', `This version cannot run ${job.kind} jobs.`);
    return ex;
  }

  /** The first queued job whose dependency is done; dependants of failed jobs are canceled on the way. */
  private nextRunnable(fits: (kind: JobKind) => boolean): Job | null {
    const store = this.opts.store;
    for (const job of store.listJobs({ statuses: ['queued'], claimableBy: this.claimant() })) {
      if (!fits(job.kind)) continue;
      if (!job.dependsOn) return job;
      const dep = store.getJob(job.dependsOn);
      if (!dep || dep.status === 'done') return job;
      if (dep.status !== 'queued' && dep.status !== 'running') {
        this.finishQueued(job, dependencyReason(dep)); // null: it left the queue meanwhile
      }
    }
    return null;
  }

  private launch(job: Job): void {
    const abort = new AbortController();
    const now = Date.now();
    const run: ActiveRun = {
      job,
      abort,
      done: Promise.resolve(),
      startedMs: now,
      lastProgressMs: 0,
      cancelReason: null,
    };
    this.active.set(job.id, run);
    this.opts.events.emit({ type: 'job.updated', job });
    const store = this.opts.store;
    const ctx: JobRunContext = {
      signal: abort.signal,
      progress: (p) => this.progress(run, p),
      commandsChosen: (binary, commands) => {
        if (this.closed) return;
        const updated = store.update(job.id, { binary, commands }, this.ownRun());
        if (!updated) return this.lostRun(run);
        run.job = updated;
        this.opts.events.emit({ type: 'job.updated', job: run.job });
      },
      processStarted: (pid) => {
        if (!this.closed && !store.update(job.id, { pid }, this.ownRun())) this.lostRun(run);
      },
      workerChosen: (worker) => {
        if (this.closed) return;
        const updated = store.update(job.id, { worker }, this.ownRun());
        if (!updated) return this.lostRun(run);
        run.job = updated;
        this.opts.events.emit({ type: 'job.updated', job: run.job });
      },
    };
    let outcome: Promise<JobOutcome>;
    try {
      outcome = this.executorFor(job).run(job, ctx);
    } catch (err) {
      outcome = Promise.reject(err);
    }
    run.done = outcome
      .catch((err: unknown): JobOutcome => ({
        status: 'failed',
        error: toApiError(err).message,
        stderrTail: null,
        encodeSeconds: null,
      }))
      .then((o) => this.finishRun(run, o))
      .catch((err: unknown) => console.error(`queue: finishing job ${job.id} failed:`, err));
  }

  private progress(run: ActiveRun, p: RunProgress): void {
    if (this.closed || !this.active.has(run.job.id)) return;
    const now = Date.now();
    const saysWaiting = p.waiting !== undefined;
    if (p.fraction !== 1 && !saysWaiting && now - run.lastProgressMs < PROGRESS_INTERVAL_MS) return;
    run.lastProgressMs = now;
    this.opts.events.emit({
      type: 'job.progress',
      jobId: run.job.id,
      batchId: run.job.batchId,
      fraction: p.fraction,
      fps: p.fps,
      speed: p.speed,
      etaSeconds: p.fraction === 1 ? 0 : etaSeconds(p.fraction, (now - run.startedMs) / 1000),
      ...(saysWaiting ? { waiting: p.waiting } : {}),
    });
  }

  /** What a write of this queue's own run requires: the job still running, under this runner. */
  private ownRun(): { status: 'running'; runner: string } {
    return { status: 'running', runner: this.runnerId };
  }

  /** The row says this run is no longer ours (recovered by the holder while this process was judged dead): stop it. */
  private lostRun(run: ActiveRun): void {
    if (run.abort.signal.aborted) return;
    console.warn(
      `queue: job ${run.job.id} was taken over by another VQ Studio process; stopping its run here.`,
    );
    run.cancelReason = 'Taken over by another VQ Studio process.';
    run.abort.abort();
  }

  private finishRun(run: ActiveRun, outcome: JobOutcome): void {
    this.active.delete(run.job.id);
    if (this.closed) return; // the database may be closed; the next start recovers the row
    this.unsaved.set(run.job.id, { run, outcome, finishedAt: new Date().toISOString() });
    this.attempt('saving outcomes', () => this.saveOutcomes());
    this.attempt('starting jobs', () => this.pump());
  }

  /** Writes the outcomes of finished runs; each only while its row is still this runner's run. */
  private saveOutcomes(): void {
    for (const [id, { run, outcome, finishedAt }] of [...this.unsaved]) {
      const error =
        outcome.status === 'done'
          ? null
          : outcome.status === 'canceled'
            ? (run.cancelReason ?? outcome.error)
            : outcome.error;
      const job = this.opts.store.update(
        id,
        {
          status: outcome.status,
          finishedAt,
          error,
          stderrTail: outcome.stderrTail,
          encodeSeconds: outcome.encodeSeconds,
          runner: null,
          pid: null,
        },
        this.ownRun(),
      );
      this.unsaved.delete(id);
      if (!job) {
        // Recovered by the lease holder meanwhile and queued or run again: that row is not ours to end.
        console.warn(
          `queue: job ${id} was taken over by another VQ Studio process; the outcome of its run here is not recorded.`,
        );
        continue;
      }
      this.opts.events.emit({ type: 'job.updated', job });
      if (job.status !== 'done') this.cancelDependants(job);
      this.announceIfFinished(job.batchId);
    }
  }

  /** Cancels a job that is still queued; null when it left the queue meanwhile (nothing written). */
  private finishQueued(job: Job, reason: string): Job | null {
    const updated = this.opts.store.update(
      job.id,
      { status: 'canceled', finishedAt: new Date().toISOString(), error: reason },
      { status: 'queued' },
    );
    if (!updated) return null;
    this.opts.events.emit({ type: 'job.updated', job: updated });
    try {
      // It never runs now: what it was waiting to use goes (a shared queue's flow task, say).
      this.executorFor(updated).removeLeftovers(updated);
    } catch (err) {
      console.warn(
        `queue: cleaning up after job ${updated.id} failed:`,
        err instanceof Error ? err.message : err,
      );
    }
    this.cancelDependants(updated);
    this.announceIfFinished(updated.batchId);
    return updated;
  }

  private cancelDependants(job: Job): void {
    for (const d of this.opts.store.dependants(job.id)) {
      if (d.status === 'queued') this.finishQueued(d, dependencyReason(job));
    }
  }

  private announceIfFinished(batchId: string): void {
    const tally = batchTally(this.opts.store.listJobs({ batchId }));
    if (!tally.finished || this.announced.has(batchId)) return;
    this.announced.add(batchId);
    this.opts.events.emit({
      type: 'batch.finished',
      batchId,
      done: tally.done,
      failed: tally.failed,
      canceled: tally.canceled,
    });
  }

  /**
   * Jobs of runners that are gone (a stopped app, a killed `vq encode`): running ones get their
   * leftover ffmpeg killed and partial outputs deleted; running and queued ones are re-queued for
   * this queue or marked interrupted, per the setting. Then forgets the dead runners. Only the
   * lease holder calls it. Every change is a compare-and-set against what was read, so a job its
   * runner ends (or another process takes) meanwhile is left as it is.
   */
  private recover(): void {
    const store = this.opts.store;
    const verdicts = new Map<string, boolean>();
    const alive = (runner: string | null): boolean => {
      if (runner === null) return false;
      if (!verdicts.has(runner)) verdicts.set(runner, this.runnerAlive(runner));
      return verdicts.get(runner)!;
    };
    const dead = store.running().filter((r) => !alive(r.runner));
    const deadOwned = store
      .owned()
      .filter(({ job, owner }) => job.status === 'queued' && !alive(owner));
    const policy = dead.length || deadOwned.length ? this.opts.onRestart() : 'requeue';
    const recovered = new Set<string>();
    // A stray temporary file is deleted only when its job is one of this database's and nothing can
    // write it any more (recovered just now, or finished); a job id this database does not know is
    // another data folder's, whose `vq encode` may be writing into the same output folder.
    const keep = (id: string): boolean => {
      if (recovered.has(id)) return false;
      const job = store.getJob(id);
      return !job || job.status === 'queued' || job.status === 'running';
    };
    const touched = new Set<string>();
    for (const r of dead) {
      const guard = { status: 'running' as const, runner: r.runner };
      const job =
        policy === 'requeue'
          ? store.requeue(r.job.id, guard, { atEnd: false, owner: null })
          : store.update(
              r.job.id,
              {
                status: 'interrupted',
                finishedAt: new Date().toISOString(),
                error: 'VQ Studio stopped while this job was running. Retry it to encode again.',
                runner: null,
                pid: null,
                owner: null,
              },
              guard,
            );
      if (!job) continue; // ended or taken meanwhile
      recovered.add(job.id);
      if (r.pid !== null) killOrphan(r.pid, r.job.id);
      try {
        // As it is now (queued again, or interrupted): a shared queue's run may be taken up.
        this.executorFor(job).removeLeftovers(job, keep);
      } catch (err) {
        console.warn(
          `queue: cleaning up after job ${r.job.id} failed:`,
          err instanceof Error ? err.message : err,
        );
      }
      this.opts.events.emit({ type: 'job.updated', job });
      if (job.status === 'interrupted') {
        this.cancelDependants(job);
        touched.add(job.batchId);
      }
    }
    for (const { job: stale, owner } of deadOwned) {
      const guard = { status: 'queued' as const, owner };
      if (policy === 'requeue') {
        store.update(stale.id, { owner: null }, guard); // this queue runs it now; the job itself is unchanged
        continue;
      }
      const marked = store.update(
        stale.id,
        {
          status: 'interrupted',
          finishedAt: new Date().toISOString(),
          error:
            'The VQ Studio process that queued this job stopped before it ran. Retry it to run it here.',
          owner: null,
        },
        guard,
      );
      if (!marked) continue; // canceled above with the job it needs, or taken meanwhile
      this.opts.events.emit({ type: 'job.updated', job: marked });
      this.cancelDependants(marked);
      touched.add(marked.batchId);
    }
    for (const b of touched) this.announceIfFinished(b);
    // Dead runners' records go last: their jobs were judged by them above.
    for (const record of store.runners()) {
      if (record.runner === this.runnerId || this.liveness.alive(record)) continue;
      store.unregisterRunner(record.runner);
      this.liveness.forget(record.runner);
    }
  }
}

function dependencyReason(dep: Job): string {
  return `Canceled because job ${dep.id}, which it needs, ${dep.status === 'canceled' ? 'was canceled' : dep.status === 'interrupted' ? 'was interrupted' : 'failed'}.`;
}
