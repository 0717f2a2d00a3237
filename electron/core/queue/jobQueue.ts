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
import { VqError, toApiError } from '../../../shared/errors';
import { batchTally, isRetryable, type Batch, type Job, type JobKind } from '../../../shared/queue';
import { etaSeconds } from '../ffmpeg/progress';
import type { EventHub } from '../events';
import type { Claimant, JobStore, NewJob, RunnerRecord, RunningJob } from './jobStore';
import { killOrphan, processExists } from './orphans';

/** What an executor may report while a job runs. */
export interface JobRunContext {
  /** Aborted when the job is canceled or the app closes. */
  signal: AbortSignal;
  /** Progress of the whole job (all passes); the queue throttles and adds the ETA. */
  progress(p: { fraction: number | null; fps: number | null; speed: number | null }): void;
  /** The binary and exact commands, recorded on the job as they are about to run. */
  commandsChosen(binary: string, commands: string[][]): void;
  /** The id of the ffmpeg process now running (restart recovery kills it if it outlives us). */
  processStarted(pid: number): void;
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
   * other stray temporary files in its output folders whose job is not live (restart recovery).
   * Synchronous: close() uses it while the process may be about to exit.
   */
  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void;
}

/** Options of {@link JobQueue}. */
export interface JobQueueOptions {
  store: JobStore;
  events: EventHub;
  executors: Partial<Record<JobKind, JobExecutor>>;
  /** Jobs allowed at once; read whenever a slot may open. */
  concurrency: () => number;
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

/** Progress events per job are at most this often (ffmpeg itself reports every 0.5 s). */
const PROGRESS_INTERVAL_MS = 100;

/** Queue instances alive in this process, so restart recovery can tell a dead runner from a live one. */
const liveRunners = new Set<string>();

/** How often a runner marks its running jobs alive. */
const HEARTBEAT_MS = 10_000;

/**
 * A running job whose runner has not marked it alive for this long is orphaned even if a process
 * with the runner's pid exists: after a reboot, pids are handed out again to other programs.
 */
const STALE_AFTER_MS = 60_000;

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

  constructor(opts: JobQueueOptions) {
    this.opts = opts;
    this.roleValue = opts.mode === 'own' ? 'own' : 'holder';
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
    this.opts.store.registerRunner({ runner: this.runnerId, pid: process.pid, heartbeatAt: new Date().toISOString(), mode: this.opts.mode });
    if (this.opts.mode === 'all') this.tryLease();
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
   * takes over the lease when its holder is gone; the holder recovers jobs of runners that died.
   */
  refresh(): void {
    if (this.closed || !this.started) return;
    const store = this.opts.store;
    try {
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
    } catch (err) {
      // A busy database is retried on the next tick; the queue itself keeps running.
      console.warn('queue: refresh failed:', err instanceof Error ? err.message : err);
    }
    this.pump();
  }

  /** The live runner of another process that holds the data folder's lease (null: none, or this one). */
  otherLeaseHolder(): RunnerRecord | null {
    const holder = this.opts.store.leaseHolder();
    return holder && holder.runner !== this.runnerId && runnerRecordAlive(holder) ? holder : null;
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
      return this.finishQueued(job, reason);
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
    const queued = store.listJobs({ batchId, statuses: ['queued'] }).filter((j) => !this.ownedByOtherLiveRunner(j.id));
    const running = [...this.active.values()]
      .map((r) => r.job)
      .filter((j) => batchId === undefined || j.batchId === batchId);
    // Queued first, so no queued job starts in a slot a killed one frees.
    for (const j of queued) {
      const fresh = store.getJob(j.id);
      if (fresh?.status === 'queued') this.finishQueued(fresh, reason);
    }
    await Promise.all(running.map((j) => this.cancel(j.id, reason)));
    return [...queued, ...running].map((j) => j.id);
  }

  /** Queues a failed, canceled or interrupted job again, at the end of the queue. */
  retry(jobId: string): Job {
    this.assertOpen();
    const job = this.requireJob(jobId);
    if (!isRetryable(job.status)) {
      throw new VqError('INVALID_ARGS', `Job ${jobId} is ${job.status}; only failed, canceled or interrupted jobs can be retried.`);
    }
    if (job.dependsOn) {
      const dep = this.opts.store.getJob(job.dependsOn);
      if (dep && isRetryable(dep.status)) {
        throw new VqError('INVALID_ARGS', `Job ${jobId} needs job ${dep.id}, which is ${dep.status}.`, `Retry job ${dep.id} first.`);
      }
    }
    const requeued = this.opts.store.requeue(jobId, true, this.newOwner());
    this.announced.delete(requeued.batchId);
    this.opts.events.emit({ type: 'job.updated', job: requeued });
    this.pump();
    return requeued;
  }

  /** Starts queued jobs while slots are free. Safe to call any time. */
  pump(): void {
    if (this.closed || !this.started) return;
    const limit = Math.max(1, this.opts.concurrency());
    while (this.active.size < limit) {
      const next = this.nextRunnable();
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

  /** Who owns the jobs this queue submits: nobody (the lease holder's queue) or this runner. */
  private newOwner(): string | null {
    return this.roleValue === 'holder' ? null : this.runnerId;
  }

  private claimant(): Claimant {
    return { runner: this.runnerId, unowned: this.roleValue === 'holder' };
  }

  private ownedByOtherLiveRunner(jobId: string): boolean {
    const owner = this.opts.store.ownerOf(jobId);
    return owner !== null && owner !== this.runnerId && this.ownerAlive(owner);
  }

  /** True when the runner that owns jobs still runs: registered, its process there, its heartbeat fresh. */
  private ownerAlive(owner: string): boolean {
    if (owner === this.runnerId) return !this.closed;
    const record = this.opts.store.getRunner(owner);
    if (!record) return Number(owner.split(':')[0]) === process.pid && liveRunners.has(owner);
    return runnerRecordAlive(record);
  }

  /** Takes the lease when it is free or its holder is gone; otherwise follows (once said in the log). */
  private tryLease(): void {
    const was = this.roleValue;
    const holder = this.opts.store.takeLease({ runner: this.runnerId, pid: process.pid, heartbeatAt: new Date().toISOString() }, runnerRecordAlive);
    if (holder.runner === this.runnerId) {
      this.roleValue = 'holder';
      if (was === 'follower') console.warn(`queue: the process that ran this data folder's queue stopped; process ${process.pid} runs it now.`);
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
    if (!job) throw new VqError('NOT_FOUND', `No job with id ${jobId}.`, 'It may belong to another data folder; refresh the queue.');
    return job;
  }

  private executorFor(job: Job): JobExecutor {
    const ex = this.opts.executors[job.kind];
    if (!ex) throw new VqError('UNSUPPORTED', `This version cannot run ${job.kind} jobs.`);
    return ex;
  }

  /** The first queued job whose dependency is done; dependants of failed jobs are canceled on the way. */
  private nextRunnable(): Job | null {
    const store = this.opts.store;
    for (const job of store.listJobs({ statuses: ['queued'], claimableBy: this.claimant() })) {
      if (!job.dependsOn) return job;
      const dep = store.getJob(job.dependsOn);
      if (!dep || dep.status === 'done') return job;
      if (dep.status !== 'queued' && dep.status !== 'running') {
        this.finishQueued(job, dependencyReason(dep));
      }
    }
    return null;
  }

  private launch(job: Job): void {
    const abort = new AbortController();
    const now = Date.now();
    const run: ActiveRun = { job, abort, done: Promise.resolve(), startedMs: now, lastProgressMs: 0, cancelReason: null };
    this.active.set(job.id, run);
    this.opts.events.emit({ type: 'job.updated', job });
    const store = this.opts.store;
    const ctx: JobRunContext = {
      signal: abort.signal,
      progress: (p) => this.progress(run, p),
      commandsChosen: (binary, commands) => {
        if (this.closed) return;
        run.job = store.update(job.id, { binary, commands });
        this.opts.events.emit({ type: 'job.updated', job: run.job });
      },
      processStarted: (pid) => {
        if (!this.closed) store.update(job.id, { pid });
      },
    };
    let outcome: Promise<JobOutcome>;
    try {
      outcome = this.executorFor(job).run(job, ctx);
    } catch (err) {
      outcome = Promise.reject(err);
    }
    run.done = outcome
      .catch((err: unknown): JobOutcome => ({ status: 'failed', error: toApiError(err).message, stderrTail: null, encodeSeconds: null }))
      .then((o) => this.finishRun(run, o))
      .catch((err: unknown) => console.error(`queue: finishing job ${job.id} failed:`, err));
  }

  private progress(run: ActiveRun, p: { fraction: number | null; fps: number | null; speed: number | null }): void {
    if (this.closed || !this.active.has(run.job.id)) return;
    const now = Date.now();
    if (p.fraction !== 1 && now - run.lastProgressMs < PROGRESS_INTERVAL_MS) return;
    run.lastProgressMs = now;
    this.opts.events.emit({
      type: 'job.progress',
      jobId: run.job.id,
      batchId: run.job.batchId,
      fraction: p.fraction,
      fps: p.fps,
      speed: p.speed,
      etaSeconds: p.fraction === 1 ? 0 : etaSeconds(p.fraction, (now - run.startedMs) / 1000),
    });
  }

  private finishRun(run: ActiveRun, outcome: JobOutcome): void {
    this.active.delete(run.job.id);
    if (this.closed) return; // the database may be closed; the next start recovers the row
    const error =
      outcome.status === 'done' ? null : outcome.status === 'canceled' ? (run.cancelReason ?? outcome.error) : outcome.error;
    const job = this.opts.store.update(run.job.id, {
      status: outcome.status,
      finishedAt: new Date().toISOString(),
      error,
      stderrTail: outcome.stderrTail,
      encodeSeconds: outcome.encodeSeconds,
      runner: null,
      pid: null,
    });
    this.opts.events.emit({ type: 'job.updated', job });
    if (job.status !== 'done') this.cancelDependants(job);
    this.announceIfFinished(job.batchId);
    this.pump();
  }

  private finishQueued(job: Job, reason: string): Job {
    const updated = this.opts.store.update(job.id, {
      status: 'canceled',
      finishedAt: new Date().toISOString(),
      error: reason,
    });
    this.opts.events.emit({ type: 'job.updated', job: updated });
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
    this.opts.events.emit({ type: 'batch.finished', batchId, done: tally.done, failed: tally.failed, canceled: tally.canceled });
  }

  /**
   * Jobs of runners that are gone (a stopped app, a killed `vq encode`): running ones get their
   * leftover ffmpeg killed and partial outputs deleted; running and queued ones are re-queued for
   * this queue or marked interrupted, per the setting. Only the lease holder calls it.
   */
  private recover(): void {
    const store = this.opts.store;
    const now = Date.now();
    const isLive = (r: RunningJob): boolean =>
      r.runner !== null && runnerAlive(r.runner) && r.heartbeatAt !== null && now - Date.parse(r.heartbeatAt) < STALE_AFTER_MS;
    const dead = store.running().filter((r) => !isLive(r));
    const owners = new Map<string, boolean>();
    const deadOwned = store.owned().filter(({ job, owner }) => {
      if (job.status !== 'queued') return false;
      if (!owners.has(owner)) owners.set(owner, this.ownerAlive(owner));
      return !owners.get(owner);
    });
    if (dead.length === 0 && deadOwned.length === 0) return;
    const policy = this.opts.onRestart();
    const deadIds = new Set(dead.map((r) => r.job.id));
    // A stray temporary file is kept while its job runs anywhere (read now, not before the kills).
    const liveElsewhere = (id: string): boolean => !deadIds.has(id) && store.getJob(id)?.status === 'running';
    const touched = new Set<string>();
    for (const r of dead) {
      if (r.pid !== null) killOrphan(r.pid, r.job.id);
      try {
        this.executorFor(r.job).removeLeftovers(r.job, liveElsewhere);
      } catch (err) {
        console.warn(`queue: cleaning up after job ${r.job.id} failed:`, err instanceof Error ? err.message : err);
      }
      const job =
        policy === 'requeue'
          ? store.requeue(r.job.id, false, null)
          : store.update(r.job.id, {
              status: 'interrupted',
              finishedAt: new Date().toISOString(),
              error: 'VQ Studio stopped while this job was running. Retry it to encode again.',
              runner: null,
              pid: null,
              owner: null,
            });
      this.opts.events.emit({ type: 'job.updated', job });
      if (job.status === 'interrupted') {
        this.cancelDependants(job);
        touched.add(job.batchId);
      }
    }
    for (const { job: stale } of deadOwned) {
      const job = store.getJob(stale.id);
      if (job?.status !== 'queued') continue; // canceled above with the job it needs
      if (policy === 'requeue') {
        store.update(job.id, { owner: null }); // this queue runs it now; the job itself is unchanged
        continue;
      }
      const marked = store.update(job.id, {
        status: 'interrupted',
        finishedAt: new Date().toISOString(),
        error: 'The VQ Studio process that queued this job stopped before it ran. Retry it to run it here.',
        owner: null,
      });
      this.opts.events.emit({ type: 'job.updated', job: marked });
      this.cancelDependants(marked);
      touched.add(marked.batchId);
    }
    for (const b of touched) this.announceIfFinished(b);
  }
}

function dependencyReason(dep: Job): string {
  return `Canceled because job ${dep.id}, which it needs, ${dep.status === 'canceled' ? 'was canceled' : dep.status === 'interrupted' ? 'was interrupted' : 'failed'}.`;
}

/** True when a registered runner (or the lease holder) still runs: its process exists and its heartbeat is fresh. */
function runnerRecordAlive(record: RunnerRecord): boolean {
  if (record.pid === process.pid) return liveRunners.has(record.runner);
  return processExists(record.pid) && Date.now() - Date.parse(record.heartbeatAt) < STALE_AFTER_MS;
}

/** True when the queue instance that claimed a job still exists. */
function runnerAlive(runner: string): boolean {
  const pid = Number(runner.split(':')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return liveRunners.has(runner);
  return processExists(pid);
}
