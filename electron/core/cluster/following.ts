/**
 * What the app's executors of the shared queue share while they follow a dispatched job: how a run
 * ends without outputs, and waiting that never holds a cancel or a loop for a Redis that is away.
 */
import type { Job } from '../../../shared/queue';
import type { JobOutcome, JobRunContext } from '../queue/jobQueue';
import type { SharedQueue } from './sharedQueue';
import { cancelKey } from './encodeTask';
import { KEEP_SECONDS, type Dispatch } from './taskDispatch';
import { earlierRunIds } from './taskIds';

/** A run that ended without outputs, and why. */
export function failed(error: string): JobOutcome {
  return { status: 'failed', error, stderrTail: null, encodeSeconds: null };
}

/** A run the person canceled. */
export function canceled(): JobOutcome {
  return { status: 'canceled', error: 'Canceled.', stderrTail: null, encodeSeconds: null };
}

/** How long one look at a dispatched job may wait for Redis. */
export const LOOK_TIMEOUT_MS = 2_000;

export const ABORTED = Symbol('aborted');
export const TIMED_OUT = Symbol('timed out');

/** `p`, or {@link TIMED_OUT} after `ms` (`p` goes on; its outcome is ignored then). */
export function withinMs<T>(p: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> {
  let timer: NodeJS.Timeout;
  const late = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  p.catch(() => {});
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** `p`, or {@link ABORTED} as soon as `signal` aborts (`p` goes on; its outcome is ignored then). */
export function whileNotAborted<T>(
  p: Promise<T>,
  signal: AbortSignal,
): Promise<T | typeof ABORTED> {
  if (signal.aborted) {
    p.catch(() => {});
    return Promise.resolve(ABORTED);
  }
  return new Promise((resolve, reject) => {
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

/** Waits `ms`, or less when `signal` aborts meanwhile. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

/** How often a job no worker has taken looks again at what it waits for. */
const WAITING_LOOK_MS = 2_000;

/** How long a cancel waits for the workers to stop a job before it is given up on. */
const CANCEL_WAIT_MS = 15_000;

/** How a followed job ended: completed with its value, or an outcome already decided. */
export type Followed =
  { state: 'completed'; value: unknown } | { state: 'ended'; outcome: JobOutcome };

/**
 * Follows a dispatched job to its end: shows the workers running it and its progress, passes a
 * cancel on to them (and gives up on them after a while), and sends it again when Redis lost it
 * (restarted without saving). A failed job of several tasks has its other tasks canceled.
 */
export async function followDispatch(
  dispatch: Dispatch,
  ctx: JobRunContext,
  o: {
    jobId: string;
    what: string;
    watchMs: number;
    tasks: number;
    /** True once the app closes: the job is left to the next start's recovery. */
    closing: () => boolean;
    /** What the job waits for while no worker has taken it (waitingFor.ts). */
    waitingFor?: () => Promise<string>;
  },
): Promise<Followed> {
  let shown = '';
  let lastProgress = '';
  let saidWaiting: string | null = null;
  let waitingAskedMs = Date.now(); // a job taken within a moment never says it waits
  let cancelAsked = 0;
  let saidLost = false;
  let saidAway = false;
  const ended = (outcome: JobOutcome): Followed => ({ state: 'ended', outcome });
  for (;;) {
    if (o.closing()) return ended(canceled());
    if (ctx.signal.aborted && cancelAsked === 0) {
      cancelAsked = Date.now();
      // Not awaited: while Redis is away the commands wait in the client and go on reconnect.
      void dispatch.cancel().catch(() => {});
    }
    if (cancelAsked && Date.now() - cancelAsked > CANCEL_WAIT_MS) return ended(canceled());
    // While Redis is away a look waits for it to come back (or fails at once, as the connection
    // closes): the loop neither waits with it nor spins, and says once that it waits.
    const look = await withinMs(dispatch.look(), LOOK_TIMEOUT_MS).catch(
      (): typeof TIMED_OUT => TIMED_OUT,
    );
    if (look === TIMED_OUT) {
      if (!saidAway) {
        console.warn(`queue: waiting for the shared queue's Redis to follow ${o.what} ${o.jobId}.`);
        saidAway = true;
      }
      await sleep(Math.max(o.watchMs, 500), ctx.signal);
      continue;
    }
    saidAway = false;
    if (look.state === 'missing') {
      if (cancelAsked) return ended(canceled());
      if (!saidLost) {
        console.warn(`queue: the shared queue lost ${o.what} ${o.jobId}; sending it again.`);
        saidLost = true;
      }
      await withinMs(dispatch.send(), LOOK_TIMEOUT_MS).catch(() => {});
    } else if (look.state === 'completed') {
      return { state: 'completed', value: look.value };
    } else if (look.state === 'failed') {
      if (cancelAsked || look.reason.startsWith('Canceled')) return ended(canceled());
      // The other tasks of a failed job would run for nothing.
      if (o.tasks > 1) void dispatch.cancel().catch(() => {});
      return ended(failed(look.reason));
    } else {
      const workers = look.workers.join(', ');
      if (workers !== shown) {
        shown = workers;
        ctx.workerChosen(workers || null);
      }
      // While no worker has it: what it waits for, looked at every few seconds; cleared once taken.
      const idle = look.state === 'waiting' && look.workers.length === 0;
      if (idle && o.waitingFor && Date.now() - waitingAskedMs >= WAITING_LOOK_MS) {
        waitingAskedMs = Date.now();
        const text = await withinMs(o.waitingFor(), LOOK_TIMEOUT_MS).catch(() => TIMED_OUT);
        if (typeof text === 'string' && text !== saidWaiting) {
          saidWaiting = text;
          ctx.progress({
            fraction: look.progress?.fraction ?? null,
            fps: null,
            speed: null,
            waiting: text,
          });
        }
      } else if (!idle && saidWaiting !== null) {
        saidWaiting = null;
        waitingAskedMs = Date.now();
        ctx.progress({
          ...(look.progress ?? { fraction: null, fps: null, speed: null }),
          waiting: null,
        });
      }
      const key = look.progress ? JSON.stringify(look.progress) : '';
      if (look.state === 'active' && look.progress && key !== lastProgress) {
        lastProgress = key;
        ctx.progress(look.progress);
      }
    }
    await sleep(o.watchMs, ctx.signal);
  }
}

/** The Redis key saying the app followed run `runId` to its end: it is never followed again. */
export function endedKey(runId: string): string {
  return `vq:ended:${runId}`;
}

/** Notes that the app followed run `runId` to its end (a retry must not take up its tasks). */
export async function markEnded(shared: SharedQueue, runId: string): Promise<void> {
  await withinMs(shared.redis.set(endedKey(runId), '1', 'EX', KEEP_SECONDS), LOOK_TIMEOUT_MS).catch(
    () => {},
  );
}

/** How many earlier runs of a job are looked at for one to take up again. */
export const ADOPT_BACK = 5;

/**
 * True when any of these Redis keys exists (or Redis does not answer in time): a cancel or an
 * end noted for work that must then not be taken up again.
 */
export async function anyKey(shared: SharedQueue, keys: readonly string[]): Promise<boolean> {
  const found = await withinMs(shared.redis.exists(...keys), LOOK_TIMEOUT_MS).catch(
    (): typeof TIMED_OUT => TIMED_OUT,
  );
  return found !== 0;
}

/**
 * The newest earlier run of `job` that the app stopped following before its end (it closed or
 * crashed) and whose tasks are still in the shared queue — waiting, running or done — so the
 * workers' work is followed again rather than done again. Null when there is none (a run the app
 * followed to its end or canceled, one that failed, or Redis away: the job starts anew).
 */
export async function runToTakeUp(
  shared: SharedQueue,
  job: Pick<Job, 'id' | 'attempts'>,
  dispatchOf: (runId: string) => Dispatch,
): Promise<string | null> {
  for (const runId of earlierRunIds(job).reverse().slice(0, ADOPT_BACK)) {
    if (await anyKey(shared, [cancelKey(runId), endedKey(runId)])) return null;
    const look = await withinMs(dispatchOf(runId).look(), LOOK_TIMEOUT_MS).catch(
      (): typeof TIMED_OUT => TIMED_OUT,
    );
    if (look === TIMED_OUT || look.state === 'failed') return null;
    if (look.state !== 'missing') return runId;
  }
  return null;
}
