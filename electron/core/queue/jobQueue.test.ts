import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Batch, Job } from '../../../shared/queue';
import { EventHub } from '../events';
import { openDatabase } from '../store/db';
import { useTempDirs } from '../testing/tempDir';
import { JobQueue, type JobExecutor, type JobOutcome, type JobRunContext } from './jobQueue';
import type { NewJob } from './jobStore';
import { SqliteJobStore } from './sqliteJobStore';

// The scheduler over the real SQLite store, with an executor the test finishes by hand: what is
// tested is the queue's bookkeeping, not ffmpeg (real encodes are in encode/*.test.ts).
const tempDir = useTempDirs();

class HandExecutor implements JobExecutor {
  readonly started: string[] = [];
  readonly leftovers: string[] = [];
  private readonly pending = new Map<string, { resolve: (o: JobOutcome) => void; ctx: JobRunContext }>();

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

  removeLeftovers(job: Job): void {
    this.leftovers.push(job.id);
  }

  running(): string[] {
    return [...this.pending.keys()];
  }

  ctx(id: string): JobRunContext {
    return this.pending.get(id)!.ctx;
  }

  async finish(id: string, outcome: JobOutcome = { status: 'done', stderrTail: null, encodeSeconds: 1 }): Promise<void> {
    const p = this.pending.get(id);
    if (!p) throw new Error(`${id} is not running`);
    this.pending.delete(id);
    p.resolve(outcome);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function setup(opts: { concurrency?: number; mode?: 'all' | 'own'; onRestart?: 'requeue' | 'mark-interrupted'; dir?: string } = {}) {
  const dir = opts.dir ?? tempDir();
  const db = openDatabase(dir);
  const store = new SqliteJobStore(db);
  const events = new EventHub();
  const seen: VqEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const executor = new HandExecutor();
  const queue = new JobQueue({
    store,
    events,
    executors: { encode: executor },
    concurrency: () => opts.concurrency ?? 1,
    onRestart: () => opts.onRestart ?? 'requeue',
    mode: opts.mode ?? 'all',
  });
  queue.start();
  return { dir, db, store, events, seen, executor, queue };
}

function batch(id: string): Batch {
  return { id, sourceId: 'src', ladder: { id: 'l', name: 'l', rungs: [] }, outDir: '/tmp/none', decodeOnce: true, createdAt: new Date().toISOString(), skipped: [] };
}

function job(id: string, batchId: string, dependsOn: string | null = null): NewJob {
  return {
    id,
    batchId,
    kind: 'encode',
    rungIds: [id],
    plan: { kind: 'encode', rungs: [], outputs: [], twoPass: false },
    dependsOn,
    binary: null,
    commands: [],
  };
}

const statuses = (s: SqliteJobStore): Record<string, string> => Object.fromEntries(s.listJobs().map((j) => [j.id, j.status]));

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
    expect(finished).toEqual([expect.objectContaining({ batchId: 'b1', done: 3, failed: 0, canceled: 0 })]);
    t.queue.close();
    t.db.close();
  });

  it('starts a dependant only after its dependency is done, and cancels it with the reason when that fails', async () => {
    const t = setup({ concurrency: 4 });
    t.queue.submit(batch('b1'), [job('enc1', 'b1'), job('score1', 'b1', 'enc1'), job('enc2', 'b1'), job('score2', 'b1', 'enc2')]);
    expect(t.executor.running()).toEqual(['enc1', 'enc2']);
    await t.executor.finish('enc1');
    expect(t.executor.running()).toEqual(['enc2', 'score1']);
    await t.executor.finish('enc2', { status: 'failed', error: 'ffmpeg failed', stderrTail: 'boom', encodeSeconds: 0.5 });
    expect(t.store.getJob('score2')).toMatchObject({ status: 'canceled', error: 'Canceled because job enc2, which it needs, failed.' });
    expect(t.store.getJob('enc2')).toMatchObject({ status: 'failed', error: 'ffmpeg failed', stderrTail: 'boom' });
    await t.executor.finish('score1');
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([expect.objectContaining({ done: 2, failed: 1, canceled: 1 })]);
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
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([expect.objectContaining({ done: 0, failed: 0, canceled: 3 })]);
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
    await t.executor.finish('j1', { status: 'failed', error: 'x', stderrTail: null, encodeSeconds: null });
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
    before.store.addBatch(batch('b1'), [job('dead', 'b1'), job('alive', 'b1'), job('after', 'b1', 'dead')]);
    // A runner whose process is gone (pid beyond pid_max), and one that is alive (pid 1, init).
    before.store.claim('dead', { runner: '4194399:abc', unowned: true }, new Date().toISOString());
    before.store.claim('alive', { runner: '1:def', unowned: true }, new Date().toISOString());
    before.db.close();

    const t = setup({ dir, concurrency: 2 });
    expect(t.executor.leftovers).toEqual(['dead']);
    expect(t.store.getJob('alive')?.status).toBe('running');
    expect(t.executor.running()).toEqual(['dead']);
    expect(t.store.getJob('dead')).toMatchObject({ status: 'running', attempts: 2 });
    t.queue.close();
    t.db.close();
  });

  it('takes a job as orphaned when its runner stopped beating, even if a process has that pid now', () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b1'), [job('stale', 'b1')]);
    // pid 1 exists, but the runner last beat two minutes ago: a pid handed out again after a reboot.
    before.store.claim('stale', { runner: '1:old', unowned: true }, new Date(Date.now() - 120_000).toISOString());
    before.db.close();
    const t = setup({ dir });
    expect(t.executor.leftovers).toEqual(['stale']);
    expect(t.executor.running()).toEqual(['stale']);
    t.queue.close();
    t.db.close();
  });

  it("marks them interrupted instead when the setting says so, cancelling their dependants", () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b1'), [job('dead', 'b1'), job('after', 'b1', 'dead')]);
    before.store.claim('dead', { runner: '4194399:abc', unowned: true }, new Date().toISOString());
    before.db.close();

    const t = setup({ dir, onRestart: 'mark-interrupted' });
    expect(t.store.getJob('dead')).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/stopped while this job was running/) });
    expect(t.store.getJob('after')).toMatchObject({ status: 'canceled', error: expect.stringMatching(/was interrupted/) });
    expect(t.executor.started).toEqual([]);
    expect(t.seen.filter((e) => e.type === 'batch.finished')).toEqual([expect.objectContaining({ failed: 1, canceled: 1 })]);
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
    store.addBatch(batch('b1'), [{ ...job('theirs', 'b1'), owner: '4194399:cli' }, job('unowned', 'b1')]);
    const at = new Date().toISOString();
    expect(store.claim('theirs', { runner: '1:app', unowned: true }, at)).toBeNull();
    expect(store.listJobs({ statuses: ['queued'], claimableBy: { runner: '1:app', unowned: true } }).map((j) => j.id)).toEqual(['unowned']);
    expect(store.claim('unowned', { runner: '4194399:cli', unowned: false }, at)).toBeNull();
    expect(store.claim('theirs', { runner: '4194399:cli', unowned: false }, at)).toMatchObject({ id: 'theirs', status: 'running' });
    expect(store.claim('unowned', { runner: '1:app', unowned: true }, at)).toMatchObject({ id: 'unowned', status: 'running' });
    db.close();
  });

  it('a second "all" queue neither recovers nor runs the holder\'s jobs, runs its own, and takes over when the holder stops', async () => {
    const dir = tempDir();
    const before = setup({ dir });
    before.queue.close();
    before.store.addBatch(batch('b0'), [job('orphan', 'b0')]);
    before.store.claim('orphan', { runner: '4194399:gone', unowned: true }, new Date().toISOString());
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

  it('takes over the lease of a holder whose process is gone or whose heartbeat is stale', () => {
    const dir = tempDir();
    const t0 = setup({ dir });
    t0.queue.close();
    const lease = t0.db.prepare('INSERT OR REPLACE INTO queue_lease (id, runner, pid, acquired_at, heartbeat_at) VALUES (1, ?, ?, ?, ?)');
    const now = new Date().toISOString();
    lease.run('4194399:gone', 4194399, now, now); // no such process
    const a = setup({ dir });
    expect(a.queue.role).toBe('holder');
    expect(a.store.leaseHolder()?.runner).toBe(a.queue.runnerId);
    a.queue.close();
    const old = new Date(Date.now() - 120_000).toISOString();
    lease.run('1:stale', 1, old, old); // pid 1 exists, but it stopped saying so two minutes ago
    const b = setup({ dir });
    expect(b.queue.role).toBe('holder');
    lease.run('1:live', 1, now, now); // a live holder in another process
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
        expect(app.seen.filter((e) => e.type === 'batch.finished')).toEqual([expect.objectContaining({ batchId: 'cli', failed: 2 })]);
      }
      app.queue.close();
      app.db.close();
      cli.db.close();
    }
  });
});
