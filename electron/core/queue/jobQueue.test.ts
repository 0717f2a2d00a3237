import { spawn, type ChildProcess } from 'node:child_process';
import { describe, expect, it, vi } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Job } from '../../../shared/queue';
import { EventHub } from '../events';
import { openDatabase, type Db } from '../store/db';
import { testBatch as batch, testJob as job } from '../../testing/queueRecords';
import { useTempDirs } from '../../testing/tempDir';
import {
  JobQueue,
  type JobExecutor,
  type JobOutcome,
  type JobQueueOptions,
  type JobRunContext,
} from './jobQueue';
import type { JobStore } from './jobStore';
import { lookAtProcess } from '../processIdentity';
import { SqliteJobStore } from './sqliteJobStore';

// The scheduler over the real SQLite store, with an executor the test finishes by hand: what is
// tested is the queue's bookkeeping, not ffmpeg (real encodes are in encode/*.test.ts).
const tempDir = useTempDirs();

class HandExecutor implements JobExecutor {
  readonly started: string[] = [];
  readonly leftovers: string[] = [];
  private readonly pending = new Map<
    string,
    { resolve: (o: JobOutcome) => void; ctx: JobRunContext }
  >();

  run(job: Job, ctx: JobRunContext): Promise<JobOutcome> {
    this.started.push(job.id);
    return new Promise((resolve) => {
      this.pending.set(job.id, { resolve, ctx });
      ctx.signal.addEventListener('abort', () => {
        this.pending.delete(job.id);
        resolve({ status: 'canceled', error: 'Canceled.', stderrTail: null, encodeSeconds: 0 });
      });
    });
  }

  /** Job ids whose stray temporary files recovery is asked about, with the answer ("keep?"). */
  askAbout: string[] = [];
  readonly keepVerdicts: Record<string, boolean>[] = [];

  removeLeftovers(job: Job, isLive?: (jobId: string) => boolean): void {
    this.leftovers.push(job.id);
    if (isLive)
      this.keepVerdicts.push(Object.fromEntries(this.askAbout.map((id) => [id, isLive(id)])));
  }

  running(): string[] {
    return [...this.pending.keys()];
  }

  ctx(id: string): JobRunContext {
    return this.pending.get(id)!.ctx;
  }

  async finish(
    id: string,
    outcome: JobOutcome = { status: 'done', stderrTail: null, encodeSeconds: 1 },
  ): Promise<void> {
    const p = this.pending.get(id);
    if (!p) throw new Error(`${id} is not running`);
    this.pending.delete(id);
    p.resolve(outcome);
    // The queue saves the outcome and starts the next job in the promise chain of the run, with no
    // I/O of its own (SQLite is synchronous): one macrotask turn lets every queued step finish.
    await new Promise((r) => setImmediate(r));
  }
}

interface SetupOptions {
  concurrency?: number | (() => number);
  mode?: 'all' | 'own';
  onRestart?: 'requeue' | 'mark-interrupted';
  dir?: string;
  heartbeatMs?: number;
  lookAtProcess?: JobQueueOptions['lookAtProcess'];
  clock?: JobQueueOptions['clock'];
  /** Wraps the store this queue uses (to interleave another process's step with its own). */
  wrapStore?: (store: SqliteJobStore) => JobStore;
  /** Job ids whose stray files the executor asks recovery about. */
  askAbout?: string[];
}

function setup(opts: SetupOptions = {}) {
  const dir = opts.dir ?? tempDir();
  const db = openDatabase(dir);
  const store = new SqliteJobStore(db);
  const events = new EventHub();
  const seen: VqEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const executor = new HandExecutor();
  executor.askAbout = opts.askAbout ?? [];
  const concurrency = opts.concurrency;
  const queue = new JobQueue({
    store: opts.wrapStore ? opts.wrapStore(store) : store,
    events,
    executors: { encode: executor },
    concurrency: typeof concurrency === 'function' ? concurrency : () => concurrency ?? 1,
    onRestart: () => opts.onRestart ?? 'requeue',
    mode: opts.mode ?? 'all',
    heartbeatMs: opts.heartbeatMs,
    lookAtProcess: opts.lookAtProcess,
    clock: opts.clock,
  });
  queue.start();
  return { dir, db, store, events, seen, executor, queue };
}

/** Leaves a job running under `runner`, as a process that then died (or still runs) would. */
function leaveRunning(db: Db, id: string, runner: string, at = new Date().toISOString()): void {
  db.prepare(
    `UPDATE jobs SET status = 'running', runner = ?, started_at = ?, heartbeat_at = ?, attempts = attempts + 1 WHERE id = ?`,
  ).run(runner, at, at, id);
}

/** The identity pid 1 (init, alive in every test run) really has. */
function initIdentity(): string {
  const look = lookAtProcess(1);
  if (look.kind !== 'running') throw new Error('these tests need /proc');
  return look.identity;
}

const statuses = (s: SqliteJobStore): Record<string, string> =>
  Object.fromEntries(s.listJobs().map((j) => [j.id, j.status]));

describe('JobQueue', () => {
  it('runs jobs in queue order, at most `concurrency` at once', async () => {
    const t = setup({ concurrency: 2 });
    t.queue.submit(batch('b1'), [job('j1', 'b1'), job('j2', 'b1'), job('j3', 'b1')]);
    expect(t.executor.running()).toEqual(['j1', 'j2']);
    await t.executor.finish('j2');
    expect(t.executor.running()).toEqual(['j1', 'j3']);
    await t.executor.finish('j1');
    await t.executor.finish('j3');
    expect(statuses(t.store)).toEqual({ j1: 'done', j2: 'done', j3: 'done' });
    expect(t.store.getJob('j1')).toMatchObject({ attempts: 1, encodeSeconds: 1, error: null });
    const finished = t.seen.filter((e) => e.type === 'batch.finished');
    expect(finished).toEqual([
      expect.objectContaining({ batchId: 'b1', done: 3, failed: 0, canceled: 0 }),
    ]);
    t.queue.close();
    t.db.close();
  });

  it('starts a dependant only after its dependency is done, and cancels it with the reason when that fails', async () => {
    const t = setup({ concurrency: 4 });
    t.queue.submit(batch('b1'), [
      job('enc1', 'b1'),
      job('score1', 'b1', 'enc1'),
      job('enc2', 'b1'),
      job('score2', 'b1', 'enc2'),
    ]);
    expect(t.executor.running()).toEqual(['enc1', 'enc2']);
    await t.executor.finish('enc1');
    expect(t.executor.running()).toEqual(['enc2', 'score1']);
    await t.executor.finish('enc2', {
      status: 'failed',
      error: 'ffmpeg failed',
      stderrTail: 'boom',
      encodeSeconds: 0.5,
    });
    expect(t.store.getJob('score2')).toMatchObject({
      status: 'canceled',
      error: 'Canceled because job enc2, which it needs, failed.',
    });
    expect(t.store.getJob('enc2')).toMatchObject({
      status: 'failed',
      error: 'ffmpeg failed',
      stderrTail: 'boom',
    });
    await t.executor.finish('score1');
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([
      expect.objectContaining({ done: 2, failed: 1, canceled: 1 }),
    ]);
    t.queue.close();
    t.db.close();
  });

  it('cancels a queued job without starting it and a running one through its abort signal', async () => {
    const t = setup();
    t.queue.submit(batch('b1'), [job('j1', 'b1'), job('j2', 'b1'), job('j3', 'b1', 'j2')]);
    const q = await t.queue.cancel('j2');
    expect(q.status).toBe('canceled');
    expect(t.store.getJob('j3')?.status).toBe('canceled');
    const r = await t.queue.cancel('j1');
    expect(r).toMatchObject({ status: 'canceled', error: 'Canceled.' });
    expect(t.executor.started).toEqual(['j1']);
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([
      expect.objectContaining({ done: 0, failed: 0, canceled: 3 }),
    ]);
    t.queue.close();
    t.db.close();
  });

  it('cancelAll stops one batch and leaves the others', async () => {
    const t = setup({ concurrency: 2 });
    t.queue.submit(batch('b1'), [job('a1', 'b1'), job('a2', 'b1'), job('a3', 'b1')]);
    t.queue.submit(batch('b2'), [job('c1', 'b2')]);
    const ids = await t.queue.cancelAll('b1');
    expect(ids.sort()).toEqual(['a1', 'a2', 'a3']);
    expect(statuses(t.store)).toMatchObject({ a1: 'canceled', a2: 'canceled', a3: 'canceled' });
    expect(t.executor.running()).toEqual(['c1']);
    await t.executor.finish('c1');
    t.queue.close();
    t.db.close();
  });

  it('retries a failed job at the end of the queue, counting attempts; refuses to retry a done job', async () => {
    const t = setup();
    t.queue.submit(batch('b1'), [job('j1', 'b1'), job('j2', 'b1')]);
    await t.executor.finish('j1', {
      status: 'failed',
      error: 'x',
      stderrTail: null,
      encodeSeconds: null,
    });
    expect(() => t.queue.retry('j2')).toThrow(/only failed, canceled or interrupted/);
    t.queue.retry('j1');
    expect(t.store.getJob('j1')).toMatchObject({ status: 'queued', error: null });
    await t.executor.finish('j2');
    expect(t.executor.running()).toEqual(['j1']);
    await t.executor.finish('j1');
    expect(t.store.getJob('j1')).toMatchObject({ status: 'done', attempts: 2 });
    t.queue.close();
    t.db.close();
  });

  it('throttles progress to ~10 Hz per job and always passes 100 %', async () => {
    const t = setup();
    t.queue.submit(batch('b1'), [job('j1', 'b1')]);
    const ctx = t.executor.ctx('j1');
    ctx.progress({ fraction: 0.1, fps: 30, speed: 1 });
    ctx.progress({ fraction: 0.2, fps: 30, speed: 1 });
    ctx.progress({ fraction: 1, fps: null, speed: null });
    const progress = t.seen.filter((e) => e.type === 'job.progress');
    expect(progress.map((e) => e.type === 'job.progress' && e.fraction)).toEqual([0.1, 1]);
    expect(progress[0]).toMatchObject({ jobId: 'j1', batchId: 'b1', fps: 30, speed: 1 });
    await t.executor.finish('j1');
    t.queue.close();
    t.db.close();
  });

  it("in 'own' mode runs only the batches submitted through it", async () => {
    const dir = tempDir();
    const app = setup({ dir, mode: 'all' });
    app.queue.close(); // the app is not running; its queued batch stays in the database
    app.store.addBatch(batch('theirs'), [job('t1', 'theirs')]);
    const cli = setup({ dir, mode: 'own' });
    cli.queue.submit(batch('mine'), [job('m1', 'mine')]);
    expect(cli.executor.running()).toEqual(['m1']);
    await cli.executor.finish('m1');
    expect(cli.executor.started).toEqual(['m1']);
    expect(cli.store.getJob('t1')?.status).toBe('queued');
    cli.queue.close();
    cli.db.close();
    app.db.close();
  });

  it('on start re-queues jobs whose runner is gone, and leaves jobs of a live process alone', () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b1'), [
      job('dead', 'b1'),
      job('alive', 'b1'),
      job('after', 'b1', 'dead'),
    ]);
    // A runner whose process is gone (pid beyond pid_max), and one that is alive (pid 1, init).
    leaveRunning(before.db, 'dead', '4194399:abc');
    leaveRunning(before.db, 'alive', '1:def');
    before.store.registerRunner({
      runner: '1:def',
      pid: 1,
      heartbeatAt: new Date().toISOString(),
      identity: initIdentity(),
      mode: 'own',
    });
    before.store.registerRunner({
      runner: '4194399:abc',
      pid: 4194399,
      heartbeatAt: new Date().toISOString(),
      identity: null,
      mode: 'own',
    });
    before.db.close();

    const t = setup({ dir, concurrency: 2 });
    expect(t.executor.leftovers).toEqual(['dead']);
    // The dead runner's record is pruned once its jobs are recovered; the live one's stays.
    expect(t.store.getRunner('4194399:abc')).toBeNull();
    expect(t.store.getRunner('1:def')).not.toBeNull();
    expect(t.store.getJob('alive')?.status).toBe('running');
    expect(t.executor.running()).toEqual(['dead']);
    expect(t.store.getJob('dead')).toMatchObject({ status: 'running', attempts: 2 });
    t.queue.close();
    t.db.close();
  });

  it("takes a job as orphaned when a process has its runner's pid now but is another process", () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b1'), [job('stale', 'b1')]);
    // pid 1 exists, but it started at another time than the runner's process: a pid handed out again.
    leaveRunning(before.db, 'stale', '1:old');
    before.store.registerRunner({
      runner: '1:old',
      pid: 1,
      heartbeatAt: new Date().toISOString(),
      identity: `${initIdentity()}0`,
      mode: 'own',
    });
    before.db.close();
    const t = setup({ dir });
    expect(t.executor.leftovers).toEqual(['stale']);
    expect(t.executor.running()).toEqual(['stale']);
    t.queue.close();
    t.db.close();
  });

  it('marks them interrupted instead when the setting says so, cancelling their dependants', () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b1'), [job('dead', 'b1'), job('after', 'b1', 'dead')]);
    leaveRunning(before.db, 'dead', '4194399:abc');
    before.db.close();

    const t = setup({ dir, onRestart: 'mark-interrupted' });
    expect(t.store.getJob('dead')).toMatchObject({
      status: 'interrupted',
      error: expect.stringMatching(/stopped while this job was running/),
    });
    expect(t.store.getJob('after')).toMatchObject({
      status: 'canceled',
      error: expect.stringMatching(/was interrupted/),
    });
    expect(t.executor.started).toEqual([]);
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([
      expect.objectContaining({ failed: 1, canceled: 1 }),
    ]);
    t.queue.close();
    t.db.close();
  });

  it('recovers a job left running by a closed queue of this same process', () => {
    const dir = tempDir();
    const first = setup({ dir });
    first.queue.submit(batch('b1'), [job('j1', 'b1')]);
    expect(first.executor.running()).toEqual(['j1']);
    first.queue.close();
    expect(first.executor.leftovers).toEqual(['j1']); // partial outputs deleted at close
    expect(first.store.getJob('j1')?.status).toBe('running');
    first.db.close();
    const second = setup({ dir });
    expect(second.executor.running()).toEqual(['j1']);
    second.queue.close();
    second.db.close();
  });
});

describe('one queue runner per data folder', () => {
  it('claims atomically only what the claimant may take: its own jobs, and unowned ones for the lease holder', () => {
    const { db, store, queue } = setup();
    queue.close();
    store.addBatch(batch('b1'), [
      { ...job('theirs', 'b1'), owner: '4194399:cli' },
      job('unowned', 'b1'),
    ]);
    const at = new Date().toISOString();
    store.takeLease({ runner: '1:app', pid: 1, heartbeatAt: at, identity: null }, () => false);
    expect(store.claim('theirs', { runner: '1:app', unowned: true }, at)).toBeNull();
    expect(
      store
        .listJobs({ statuses: ['queued'], claimableBy: { runner: '1:app', unowned: true } })
        .map((j) => j.id),
    ).toEqual(['unowned']);
    expect(store.claim('unowned', { runner: '4194399:cli', unowned: false }, at)).toBeNull();
    expect(store.claim('theirs', { runner: '4194399:cli', unowned: false }, at)).toMatchObject({
      id: 'theirs',
      status: 'running',
    });
    expect(store.claim('unowned', { runner: '1:app', unowned: true }, at)).toMatchObject({
      id: 'unowned',
      status: 'running',
    });
    db.close();
  });

  it('a second "all" queue neither recovers nor runs the holder\'s jobs, runs its own, and takes over when the holder stops', async () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b0'), [job('orphan', 'b0')]);
    leaveRunning(before.db, 'orphan', '4194399:gone');
    before.db.close();

    const first = setup({ dir });
    expect(first.queue.role).toBe('holder');
    expect(first.executor.leftovers).toEqual(['orphan']);
    expect(first.executor.running()).toEqual(['orphan']);

    const second = setup({ dir });
    expect(second.queue.role).toBe('follower');
    expect(second.executor.leftovers).toEqual([]); // only the holder recovers
    first.queue.submit(batch('b1'), [job('a1', 'b1')]); // queued behind the orphan's re-run
    second.queue.submit(batch('b2'), [job('s1', 'b2')]);
    second.queue.refresh();
    expect(second.executor.started).toEqual(['s1']); // never a1, though a slot is free
    first.queue.pump();
    expect(first.executor.started).toEqual(['orphan']);
    await expect(first.queue.cancel('s1')).rejects.toThrow(/another VQ Studio process/);

    // The holder stops with 'orphan' running; the follower takes the lease and recovers it.
    first.queue.close();
    second.queue.refresh();
    expect(second.queue.role).toBe('holder');
    expect(second.executor.leftovers).toEqual(['orphan']);
    await second.executor.finish('s1');
    expect(second.executor.running()).toEqual(['orphan']);
    await second.executor.finish('orphan');
    expect(second.executor.running()).toEqual(['a1']);
    await second.executor.finish('a1');
    second.queue.close();
    second.db.close();
    first.db.close();
  });

  it('takes over the lease of a holder whose process is gone or whose pid is another process now', () => {
    const dir = tempDir();
    const t0 = setup({ dir });
    t0.queue.close();
    const lease = t0.db.prepare(
      'INSERT OR REPLACE INTO queue_lease (id, runner, pid, acquired_at, heartbeat_at, identity) VALUES (1, ?, ?, ?, ?, ?)',
    );
    const now = new Date().toISOString();
    lease.run('4194399:gone', 4194399, now, now, null); // no such process
    const a = setup({ dir });
    expect(a.queue.role).toBe('holder');
    expect(a.store.leaseHolder()?.runner).toBe(a.queue.runnerId);
    a.queue.close();
    lease.run('1:reused', 1, now, now, `${initIdentity()}0`); // pid 1 exists, but started at another time
    const b = setup({ dir });
    expect(b.queue.role).toBe('holder');
    // A live holder in another process, its heartbeat two minutes old (a laptop that slept).
    const old = new Date(Date.now() - 120_000).toISOString();
    lease.run('1:live', 1, old, old, initIdentity());
    const c = setup({ dir });
    expect(c.queue.role).toBe('follower');
    for (const t of [b, c]) t.queue.close();
    for (const t of [t0, a, b, c]) t.db.close();
  });

  it('leaves the jobs of a live `vq encode` alone and recovers them once it dies', async () => {
    for (const policy of ['requeue', 'mark-interrupted'] as const) {
      const dir = tempDir();
      const app = setup({ dir, onRestart: policy });
      const cli = setup({ dir, mode: 'own' });
      cli.queue.submit(batch('cli'), [job('c1', 'cli'), job('c2', 'cli')]);
      expect(cli.executor.running()).toEqual(['c1']);
      app.queue.refresh();
      expect(app.executor.started).toEqual([]);
      expect(app.executor.leftovers).toEqual([]);

      cli.queue.close(); // as if killed: c1 stays 'running', c2 'queued', both its own
      app.queue.refresh();
      expect(app.executor.leftovers).toEqual(['c1']);
      if (policy === 'requeue') {
        expect(app.executor.running()).toEqual(['c1']);
        await app.executor.finish('c1');
        await app.executor.finish('c2');
        expect(statuses(app.store)).toEqual({ c1: 'done', c2: 'done' });
      } else {
        expect(statuses(app.store)).toEqual({ c1: 'interrupted', c2: 'interrupted' });
        expect(app.store.getJob('c2')?.error).toMatch(/stopped before it ran/);
        expect(app.seen.filter((e) => e.type === 'batch.finished')).toEqual([
          expect.objectContaining({ batchId: 'cli', failed: 2 }),
        ]);
      }
      app.queue.close();
      app.db.close();
      cli.db.close();
    }
  });
});

/** A real process that stands for another VQ Studio process; its command line names `tag`. */
function otherProcess(tag: string): { child: ChildProcess; exited: Promise<void> } {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e6)', tag], {
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, exited };
}

/** Waits until `cond` holds, polling each few ms (a condition, never a fixed sleep). */
async function until(cond: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('liveness by process identity (a suspended laptop, a clock jump)', () => {
  it('leaves a live runner alone however old its wall-clock heartbeat; recovers it once its process is gone', async () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('cli'), [job('j1', 'cli')]);
    const { child, exited } = otherProcess('j1'); // its command line names the job, as ffmpeg's does
    try {
      const look = lookAtProcess(child.pid!);
      expect(look.kind).toBe('running');
      // The runner's last heartbeat is two minutes old: the machine slept, or the clock jumped.
      const old = new Date(Date.now() - 120_000).toISOString();
      const runner = `${child.pid}:cli`;
      before.store.registerRunner({
        runner,
        pid: child.pid!,
        heartbeatAt: old,
        identity: look.kind === 'running' ? look.identity : null,
        mode: 'own',
      });
      leaveRunning(before.db, 'j1', runner, old);
      before.db.prepare('UPDATE jobs SET pid = ? WHERE id = ?').run(child.pid, 'j1');

      const holder = setup({ dir });
      holder.queue.refresh();
      expect(holder.executor.leftovers).toEqual([]);
      expect(holder.store.getJob('j1')).toMatchObject({ status: 'running', attempts: 1 });
      expect(child.exitCode).toBeNull();
      expect(child.signalCode).toBeNull();

      child.kill('SIGKILL');
      await exited;
      holder.queue.refresh();
      expect(holder.executor.leftovers).toEqual(['j1']);
      expect(holder.store.getJob('j1')).toMatchObject({ status: 'running', attempts: 2 });
      await holder.executor.finish('j1');
      holder.queue.close();
      holder.db.close();
    } finally {
      child.kill('SIGKILL');
      before.db.close();
    }
  });

  it('without /proc, counts a runner dead only after its heartbeat stood still for a minute of monotonic time', () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b'), [job('j1', 'b')]);
    const clock = { wall: Date.now(), mono: 0 };
    const beat = (at: number): void => {
      before.db
        .prepare('UPDATE queue_runners SET heartbeat_at = ? WHERE runner = ?')
        .run(new Date(at).toISOString(), '1:other');
    };
    before.store.registerRunner({
      runner: '1:other',
      pid: 1,
      heartbeatAt: new Date(clock.wall).toISOString(),
      identity: null,
      mode: 'own',
    });
    leaveRunning(before.db, 'j1', '1:other');

    const t = setup({
      dir,
      heartbeatMs: 3_600_000,
      lookAtProcess: () => ({ kind: 'unknown' }), // as on macOS: the pid exists, nothing more is known
      clock: { wallMs: () => clock.wall, monotonicMs: () => clock.mono },
    });
    const tick = (wallMs: number, monoMs: number): void => {
      clock.wall += wallMs;
      clock.mono += monoMs;
      t.queue.refresh();
    };
    // The machine sleeps for two hours: the wall clock jumps, monotonic time does not move.
    tick(7_200_000, 0);
    expect(t.executor.leftovers).toEqual([]);
    // It beats again after waking: alive as long as its heartbeat keeps changing.
    for (let i = 0; i < 10; i++) {
      beat(clock.wall);
      tick(10_000, 10_000);
    }
    expect(t.executor.leftovers).toEqual([]);
    // This process's own event loop stalls for 70 s: what it saw before may span a pause of the
    // other one too, so it waits one more stale period before judging by the heartbeat.
    tick(70_000, 70_000);
    tick(50_000, 50_000);
    expect(t.executor.leftovers).toEqual([]);
    // Then the heartbeat stands still for over a minute of monotonic time: dead.
    tick(20_000, 20_000);
    expect(t.executor.leftovers).toEqual(['j1']);
    expect(t.store.getRunner('1:other')).toBeNull();
    t.queue.close();
    t.db.close();
    before.db.close();
  });
});

describe('every change of a job is a compare-and-set', () => {
  it('a retry that loses the race to another process changes nothing (no double run)', async () => {
    const dir = tempDir();
    const a = setup({ dir }); // the holder
    a.queue.submit(batch('b'), [job('j1', 'b')]);
    await a.executor.finish('j1', {
      status: 'failed',
      error: 'x',
      stderrTail: null,
      encodeSeconds: null,
    });
    // B reads j1 as failed; before its write lands, A retries it and starts it.
    const b = setup({
      dir,
      wrapStore: (store) =>
        Object.assign(Object.create(store) as SqliteJobStore, {
          requeue: (...args: Parameters<SqliteJobStore['requeue']>) => {
            a.queue.retry('j1');
            return store.requeue(...args);
          },
        }),
    });
    expect(b.queue.role).toBe('follower');
    expect(() => b.queue.retry('j1')).toThrow(/retried meanwhile/);
    expect(a.store.getJob('j1')).toMatchObject({ status: 'running', attempts: 2 });
    b.queue.refresh();
    a.queue.refresh();
    expect(a.executor.running()).toEqual(['j1']);
    expect(b.executor.started).toEqual([]);
    await a.executor.finish('j1');
    expect(a.store.getJob('j1')).toMatchObject({ status: 'done', attempts: 2 });
    for (const t of [a, b]) t.queue.close();
    for (const t of [a, b]) t.db.close();
  });

  it('a cancel that loses the race to the claim is not lost: it says the job runs elsewhere', async () => {
    const dir = tempDir();
    let aSlots = 1;
    const a = setup({ dir, concurrency: () => aSlots });
    a.queue.submit(batch('b'), [job('j1', 'b'), job('j2', 'b')]);
    expect(a.executor.running()).toEqual(['j1']);
    const b = setup({
      dir,
      wrapStore: (store) =>
        Object.assign(Object.create(store) as SqliteJobStore, {
          update: (...args: Parameters<SqliteJobStore['update']>) => {
            if (args[1].status === 'canceled') {
              aSlots = 2;
              a.queue.pump(); // the holder claims j2 between B's read and B's write
            }
            return store.update(...args);
          },
        }),
    });
    await expect(b.queue.cancel('j2')).rejects.toThrow(/running in another VQ Studio process/);
    expect(a.store.getJob('j2')).toMatchObject({ status: 'running' });
    expect(a.executor.running()).toEqual(['j1', 'j2']);
    for (const id of ['j1', 'j2']) await a.executor.finish(id);
    for (const t of [a, b]) t.queue.close();
    for (const t of [a, b]) t.db.close();
  });

  it("a runner whose job was recovered meanwhile does not overwrite the new run's row", async () => {
    const dir = tempDir();
    const holder = setup({ dir });
    const cli = setup({ dir, mode: 'own' });
    cli.queue.submit(batch('cli'), [job('c1', 'cli')]);
    expect(cli.executor.running()).toEqual(['c1']);
    // The holder took c1 as orphaned (say, the cli was judged dead) and runs it again.
    expect(
      holder.store.requeue(
        'c1',
        { status: 'running', runner: cli.queue.runnerId },
        { atEnd: false, owner: null },
      ),
    ).not.toBeNull();
    holder.queue.pump();
    expect(holder.executor.running()).toEqual(['c1']);
    // The cli's run learns it lost the job as soon as it writes to it, and stops.
    cli.executor.ctx('c1').processStarted(4194399);
    await cli.queue.whenIdle();
    expect(cli.executor.running()).toEqual([]);
    expect(holder.store.getJob('c1')).toMatchObject({
      status: 'running',
      attempts: 2,
      error: null,
    });
    await holder.executor.finish('c1');
    expect(holder.store.getJob('c1')).toMatchObject({ status: 'done', attempts: 2 });
    for (const t of [holder, cli]) t.queue.close();
    for (const t of [holder, cli]) t.db.close();
  });

  it('a stale finish is dropped even when the run never wrote meanwhile', async () => {
    const dir = tempDir();
    const holder = setup({ dir });
    const cli = setup({ dir, mode: 'own' });
    cli.queue.submit(batch('cli'), [job('c1', 'cli')]);
    holder.store.requeue(
      'c1',
      { status: 'running', runner: cli.queue.runnerId },
      { atEnd: false, owner: null },
    );
    holder.queue.pump();
    await cli.executor.finish('c1', {
      status: 'failed',
      error: 'late',
      stderrTail: null,
      encodeSeconds: null,
    });
    expect(holder.store.getJob('c1')).toMatchObject({ status: 'running', error: null });
    await holder.executor.finish('c1');
    for (const t of [holder, cli]) t.queue.close();
    for (const t of [holder, cli]) t.db.close();
  });
});

describe('timer-driven work never throws', () => {
  it('a busy database in the heartbeat tick is said once and retried; the queue carries on', async () => {
    let slots = 1;
    const t = setup({ concurrency: () => slots, heartbeatMs: 5 });
    t.db.pragma('busy_timeout = 0');
    t.queue.submit(batch('b'), [job('j1', 'b'), job('j2', 'b')]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const beats = vi.spyOn(t.store, 'heartbeat');
    const other = openDatabase(t.dir);
    try {
      other.exec('BEGIN IMMEDIATE'); // another process holds the write lock
      slots = 2; // a slot opens: the next tick tries to claim j2 and meets SQLITE_BUSY
      await until(() => beats.mock.calls.length >= 5, 'five ticks with the database busy');
      const said = warn.mock.calls.map((c) => String(c[0]));
      expect(said.filter((m) => m.startsWith('queue: starting jobs failed'))).toHaveLength(1);
      expect(said.filter((m) => m.startsWith('queue: heartbeat failed'))).toHaveLength(1);
      other.exec('COMMIT');
      await until(
        () => t.executor.running().includes('j2'),
        'j2 to start once the database is free',
      );
    } finally {
      warn.mockRestore();
      other.close();
    }
    for (const id of ['j1', 'j2']) await t.executor.finish(id);
    t.queue.close();
    t.db.close();
  });

  it('an outcome a busy database refused is written on a later tick', async () => {
    const t = setup({ heartbeatMs: 5 });
    t.db.pragma('busy_timeout = 0');
    t.queue.submit(batch('b'), [job('j1', 'b')]);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const other = openDatabase(t.dir);
    try {
      other.exec('BEGIN IMMEDIATE');
      await t.executor.finish('j1');
      expect(t.store.getJob('j1')?.status).toBe('running');
      other.exec('COMMIT');
      await until(() => t.store.getJob('j1')?.status === 'done', 'the outcome to be written');
      expect(t.seen.filter((e) => e.type === 'batch.finished')).toHaveLength(1);
    } finally {
      warn.mockRestore();
      other.close();
    }
    t.queue.close();
    t.db.close();
  });
});

describe('recovery deletes only temporary files it owns', () => {
  it("keeps a .part of a job this database does not know (another data folder's) or that may still run", () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b'), [
      job('dead', 'b'),
      job('done', 'b'),
      job('waiting', 'b'),
      job('live', 'b'),
    ]);
    leaveRunning(before.db, 'dead', '4194399:gone');
    leaveRunning(before.db, 'live', '1:def');
    before.store.registerRunner({
      runner: '1:def',
      pid: 1,
      heartbeatAt: new Date().toISOString(),
      identity: initIdentity(),
      mode: 'own',
    });
    before.db.prepare(`UPDATE jobs SET status = 'done' WHERE id = 'done'`).run();
    before.db.close();
    const t = setup({
      dir,
      onRestart: 'mark-interrupted',
      askAbout: ['dead', 'done', 'waiting', 'live', 'not-in-this-db'],
    });
    expect(t.executor.leftovers).toEqual(['dead']);
    // Deleted: the recovered job's and a finished job's. Kept: a job another data folder's
    // `vq encode` writes into the same output folder, a queued one, one that runs elsewhere.
    expect(t.executor.keepVerdicts).toEqual([
      { dead: false, done: false, waiting: true, live: true, 'not-in-this-db': true },
    ]);
    t.queue.close();
    t.db.close();
  });
});

describe('the lease is checked at every claim', () => {
  it('a holder that lost the lease claims no unowned job, even before its next refresh', () => {
    const dir = tempDir();
    const a = setup({ dir });
    expect(a.queue.role).toBe('holder');
    // Another process took the lease (this one was judged gone); this one has not noticed yet.
    a.db.prepare(`UPDATE queue_lease SET runner = '1:other', pid = 1 WHERE id = 1`).run();
    a.queue.submit(batch('b'), [job('j1', 'b')]);
    expect(a.executor.started).toEqual([]);
    expect(a.store.getJob('j1')?.status).toBe('queued');
    a.queue.close();
    a.db.close();
  });
});
