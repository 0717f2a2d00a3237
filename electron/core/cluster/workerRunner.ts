/**
 * What `vq worker` does all day: watches the lanes of the shared queue its ffmpeg can run, takes
 * at most `concurrency` jobs at once from them (BullMQ's manual fetching: a job is taken only when
 * a slot is free, so a worker never sits on a job another could run), keeps each job's lock alive,
 * runs it and hands back the result. A job is planned here from its checked facts with this
 * machine's own toolchain; nothing in it is run as given.
 *
 * Faults are BullMQ's: a worker that dies stops renewing its jobs' locks, and after the lock
 * expires the stalled-job check of any other worker on that lane puts the job back in the queue
 * for the next worker. A worker that loses a job's lock (or is told the job was canceled) stops
 * its ffmpeg and deletes the partial output.
 */
import { randomBytes } from 'node:crypto';
import { Worker, type Job as BullJob } from 'bullmq';
import type { Redis } from 'ioredis';
import { toApiError } from '../../../shared/errors';
import { canRun, type WorkerBuild } from '../../../shared/workers';
import type { Toolchain } from '../toolchain';
import { LANES_KEY, QUEUE_PREFIX, cancelKey, laneNeeds } from './encodeTask';
import { chunkHandler, encodeHandler, joinHandler } from './encodeHandlers';
import { mapPath, type PathMapEntry } from './pathMap';
import { runOfTask } from './taskIds';
import { scoreHandler } from './scoreHandlers';
import { scoreLaneNeeds } from './scoreTask';
import type { TaskHandler, TaskOutcome } from './taskContext';

/** The task kinds a worker runs, by BullMQ job name. */
const TASK_HANDLERS: Record<string, TaskHandler> = {
  encode: encodeHandler,
  chunk: chunkHandler,
  join: joinHandler,
  score: scoreHandler,
};

/** Options of {@link WorkerRunner}. */
export interface WorkerRunnerOptions {
  /** A BullMQ-ready connection (bullConnection). */
  redis: Redis;
  name: string;
  builds: WorkerBuild[];
  concurrency: number;
  /** Threads per encode (`-threads`), or null for each encoder's default. */
  threads: number | null;
  pathMap: PathMapEntry[];
  toolchain: Toolchain;
  /** How long a job's lock lasts without renewal: a dead worker's job is free again after it (and the next stall check). */
  lockMs: number;
  /** Hears what the worker starts and ends, for its log and its record. */
  onJob?: (e: {
    taskId: string;
    event: 'started' | 'done' | 'failed' | 'canceled' | 'lost';
    detail?: string;
  }) => void;
  /** Where two-pass logs go (default: the OS temp folder). */
  tmpDir?: string;
}

interface Running {
  job: BullJob;
  token: string;
  abort: AbortController;
  /** Why it was stopped from outside: canceled by the app, or its lock lost. */
  stopped: 'canceled' | 'lost' | 'closing' | null;
}

/** How long a job's lock lasts unrenewed by default (BullMQ's default is 30 s). */
export const LOCK_MS = 30_000;

/** How often a running task's hold is renewed and a cancel of it looked for. */
const KEEP_MS = 1_000;

/** How often the lanes in use are read again. */
const LANES_MS = 1_000;
/** How long an idle worker waits before looking for jobs again (less when one of its jobs ends). */
const IDLE_MS = 100;

/** Takes and runs jobs until {@link WorkerRunner.stop}. */
export class WorkerRunner {
  private readonly lanes = new Map<string, Worker>();
  private readonly running = new Map<string, Running>();
  private stopping = false;
  private loop: Promise<void> | null = null;
  private done = 0;
  private nextLane = 0;
  /** Ends the loop's wait for work early: a job of this worker ended, so it has room for one. */
  private wake: (() => void) | null = null;

  constructor(private readonly opts: WorkerRunnerOptions) {}

  /** Jobs finished so far (done or failed). */
  get jobsDone(): number {
    return this.done;
  }

  /** The ids of the tasks running now. */
  get current(): string[] {
    return [...this.running.values()].map((r) => r.job.id!);
  }

  /** Starts taking jobs. */
  start(): void {
    this.loop ??= this.takeJobs();
  }

  /**
   * Stops taking jobs; running ones are stopped and handed back to the queue at once, so another
   * worker takes them without waiting for a stall.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const r of this.running.values()) {
      r.stopped = 'closing';
      r.abort.abort();
    }
    await this.loop;
    while (this.running.size > 0) await sleep(50);
    await Promise.allSettled([...this.lanes.values()].map((w) => w.close(true)));
  }

  private async takeJobs(): Promise<void> {
    let lanesRead = 0;
    while (!this.stopping) {
      if (Date.now() - lanesRead > LANES_MS) {
        lanesRead = Date.now();
        await this.watchLanes().catch(() => {}); // Redis away: tried again in a second
      }
      let took = false;
      if (this.running.size < this.opts.concurrency) took = await this.takeOne().catch(() => false);
      if (!took) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, IDLE_MS);
          function done(): void {
            clearTimeout(timer);
            resolve();
          }
          this.wake = done;
        });
        this.wake = null;
      }
    }
  }

  /** Starts a BullMQ worker (manual fetching) for each lane in use this worker can run. */
  private async watchLanes(): Promise<void> {
    const names = await this.opts.redis.smembers(LANES_KEY);
    for (const lane of names.slice(0, 1000)) {
      if (this.lanes.has(lane)) continue;
      const needs = laneNeeds(lane) ?? scoreLaneNeeds(lane);
      if (!needs || !canRun({ name: this.opts.name, builds: this.opts.builds }, needs).ok) continue;
      const worker = new Worker(lane, null, {
        connection: this.opts.redis,
        prefix: QUEUE_PREFIX,
        name: this.opts.name,
        autorun: false,
        lockDuration: this.opts.lockMs,
        stalledInterval: this.opts.lockMs,
        maxStalledCount: 3,
      });
      worker.on('error', () => {});
      this.lanes.set(lane, worker);
      await worker.startStalledCheckTimer();
    }
  }

  /** Takes the next job of the next lane that has one; true when one started. */
  private async takeOne(): Promise<boolean> {
    const lanes = [...this.lanes.values()];
    for (let i = 0; i < lanes.length; i++) {
      const worker = lanes[(this.nextLane + i) % lanes.length]!;
      const token = `${this.opts.name}:${randomBytes(6).toString('hex')}`;
      const job = (await worker.getNextJob(token, { block: false })) as BullJob | undefined;
      if (!job) continue;
      this.nextLane = (this.nextLane + i + 1) % lanes.length;
      const run: Running = { job, token, abort: new AbortController(), stopped: null };
      // Keyed by the hold, not the task: a task given out again (Redis lost it) is another run.
      this.running.set(token, run);
      if (this.stopping) {
        // Taken while the worker was told to stop: handed straight back.
        run.stopped = 'closing';
        run.abort.abort();
      }
      void this.runJob(run);
      return true;
    }
    return false;
  }

  private async runJob(run: Running): Promise<void> {
    const { job, token } = run;
    const taskId = job.id!;
    this.opts.onJob?.({ taskId, event: 'started' });
    // The hold is renewed, and a cancel looked for, every second (at most a third of the hold).
    const keeper = setInterval(
      () => void this.keepLock(run),
      Math.max(200, Math.min(KEEP_MS, this.opts.lockMs / 3)),
    );
    let outcome: TaskOutcome;
    try {
      outcome = await this.perform(run);
    } catch (err) {
      outcome = { ok: false, error: toApiError(err).message };
    } finally {
      clearInterval(keeper);
    }
    const ended = (event: 'done' | 'failed' | 'canceled' | 'lost', detail?: string): void => {
      this.running.delete(token);
      this.opts.onJob?.({ taskId, event, detail });
      this.wake?.(); // the next job is taken now, not after the rest of an idle wait
    };
    try {
      if (run.stopped === 'lost') return ended('lost', 'its lock was lost; another worker runs it');
      if (run.stopped === 'closing') {
        // Back in the queue now, for another worker (or this one, when it starts again).
        await job.moveToDelayed(Date.now(), token);
        return ended('canceled', 'handed back: the worker stops');
      }
      if (outcome.ok) {
        await job.moveToCompleted(outcome.value, token, false);
        this.done++;
        return ended('done');
      }
      const error = run.stopped === 'canceled' ? 'Canceled.' : outcome.error;
      await job.moveToFailed(new Error(error), token, false);
      this.done++;
      ended(run.stopped === 'canceled' ? 'canceled' : 'failed', error);
    } catch (err) {
      // The lock went while finishing (a stall check judged this worker dead): the job is another's.
      ended('lost', toApiError(err).message);
    }
  }

  /** Renews the job's lock and looks for a cancel; a lost lock or a cancel stops the run. */
  private async keepLock(run: Running): Promise<void> {
    if (run.abort.signal.aborted) return;
    try {
      const taskId = run.job.id!;
      const [extended, canceled] = await Promise.all([
        run.job.extendLock(run.token, this.opts.lockMs),
        // The task's own key, or its run's (a whole run canceled, or replaced by a later one).
        this.opts.redis.exists(cancelKey(taskId), cancelKey(runOfTask(taskId) ?? taskId)),
      ]);
      if (canceled) {
        run.stopped = 'canceled';
        run.abort.abort();
      } else if (!extended) {
        run.stopped = 'lost';
        run.abort.abort();
      }
    } catch (err) {
      if (/missing lock|lock mismatch|Missing key/i.test(toApiError(err).message)) {
        run.stopped = 'lost';
        run.abort.abort();
      }
      // Otherwise Redis is away: the lock is renewed on the next tick if it comes back in time.
    }
  }

  /** Runs the task with the handler of its kind; the result to hand back, or why it failed. */
  private async perform(run: Running): Promise<TaskOutcome> {
    // Task ids become parts of file names here: only the shapes the app makes are taken.
    if (!runOfTask(run.job.id ?? '')) {
      return {
        ok: false,
        error: `vq worker ${this.opts.name} refuses a task with the id ${JSON.stringify(run.job.id?.slice(0, 80))}.`,
      };
    }
    const handler = TASK_HANDLERS[run.job.name];
    if (!handler) {
      return {
        ok: false,
        error: `vq worker ${this.opts.name} does not know "${run.job.name}" tasks; update it.`,
      };
    }
    let lastSent = 0;
    return handler({
      data: run.job.data,
      taskId: run.job.id!,
      holdId: run.token.slice(run.token.lastIndexOf(':') + 1),
      signal: run.abort.signal,
      worker: this.opts.name,
      toolchain: this.opts.toolchain,
      threads: this.opts.threads,
      map: (p) => mapPath(this.opts.pathMap, p),
      tmpDir: this.opts.tmpDir,
      childrenValues: () => run.job.getChildrenValues(),
      progress: (p) => {
        const now = Date.now();
        if (now - lastSent < 500 && p.fraction !== 1) return;
        lastSent = now;
        void run.job.updateProgress(clampProgress(p)).catch(() => {});
      },
    });
  }
}

function clampProgress(p: { fraction: number | null; fps: number | null; speed: number | null }) {
  const nonNeg = (v: number | null): number | null =>
    v === null || !Number.isFinite(v) ? null : Math.max(0, v);
  return {
    fraction: p.fraction === null ? null : Math.min(1, Math.max(0, p.fraction)),
    fps: nonNeg(p.fps),
    speed: nonNeg(p.speed),
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
