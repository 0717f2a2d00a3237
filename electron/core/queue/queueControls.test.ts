import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { EventHub } from '../events';
import { openDatabase } from '../store/db';
import { LibraryRepo } from '../store/libraryRepo';
import { RenditionRepo } from '../store/renditionRepo';
import { ScoreRepo } from '../store/scoreRepo';
import { SettingsRepo } from '../store/settingsRepo';
import { testBatch as batch, testJob as job } from '../../testing/queueRecords';
import { HandExecutor } from '../../testing/handExecutor';
import { useTempDirs } from '../../testing/tempDir';
import { CrossProcessEvents } from './crossProcessEvents';
import { JobQueue } from './jobQueue';
import { SqliteJobStore } from './sqliteJobStore';

// Pause, reorder and clear-finished over the real SQLite store, with an executor the test ends by
// hand (the queue's bookkeeping is under test, not ffmpeg). Two queues on one data folder stand
// for two processes: the app and a second app or `vq serve`.
const tempDir = useTempDirs();

function setup(dir = tempDir(), mode: 'all' | 'own' = 'all') {
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
    concurrency: () => 1,
    onRestart: () => 'requeue',
    mode,
  });
  queue.start();
  const close = (): void => {
    queue.close();
    db.close();
  };
  return { dir, db, store, events, seen, executor, queue, close };
}

const order = (store: SqliteJobStore): string[] =>
  store.listJobs({ statuses: ['queued'] }).map((j) => j.id);

describe('queue controls', () => {
  it('pause starts nothing new while the running job finishes; resume starts the next', async () => {
    const t = setup();
    t.queue.submit(batch('b'), [job('j1', 'b'), job('j2', 'b')]);
    expect(t.executor.started).toEqual(['j1']);
    t.queue.setPaused(true);
    expect(t.queue.paused).toBe(true);
    await t.executor.finish('j1');
    expect(t.store.getJob('j1')!.status).toBe('done');
    expect(t.executor.started).toEqual(['j1']); // j2 waits
    t.queue.refresh();
    expect(t.executor.started).toEqual(['j1']);
    t.queue.setPaused(false);
    expect(t.executor.started).toEqual(['j1', 'j2']);
    expect(t.seen.filter((e) => e.type === 'queue.paused')).toEqual([
      expect.objectContaining({ paused: true }),
      expect.objectContaining({ paused: false }),
    ]);
    // The pause is not one of the person's settings, and they still read as before.
    new SettingsRepo(t.db).set({ concurrency: 2 });
    t.queue.setPaused(true);
    expect(new SettingsRepo(t.db).get()).toMatchObject({ concurrency: 2, onRestart: 'requeue' });
    await t.executor.finish('j2');
    t.close();
  });

  it('a pause is the data folder’s: kept across a restart and told to another process', () => {
    const dir = tempDir();
    const a = setup(dir);
    const events = new EventHub();
    const told: VqEvent[] = [];
    events.subscribe((e) => told.push(e));
    const b = openDatabase(dir);
    const watcher = new CrossProcessEvents({
      db: b,
      jobs: new SqliteJobStore(b),
      library: new LibraryRepo(b),
      renditions: new RenditionRepo(b),
      scores: new ScoreRepo(b),
      events,
    });
    a.queue.setPaused(true);
    watcher.poll();
    expect(told.filter((e) => e.type === 'queue.paused')).toEqual([
      expect.objectContaining({ paused: true }),
    ]);
    a.close();
    const again = setup(dir);
    expect(again.queue.paused).toBe(true);
    again.queue.submit(batch('b'), [job('j1', 'b')]);
    expect(again.executor.started).toEqual([]);
    watcher.close();
    b.close();
    again.close();
  });

  it('a `vq encode` runs its own batch while the app’s queue is paused', () => {
    const dir = tempDir();
    const app = setup(dir);
    app.queue.setPaused(true);
    const cli = setup(dir, 'own');
    cli.queue.submit(batch('cli'), [job('c1', 'cli')]);
    expect(cli.executor.started).toEqual(['c1']);
    app.close();
    cli.close();
  });

  it('moves a queued job up, down and first, and refuses a job that is not queued', async () => {
    const t = setup();
    t.queue.submit(batch('b1'), [job('run', 'b1'), job('a', 'b1'), job('b', 'b1')]);
    t.queue.submit(batch('b2'), [job('c', 'b2'), job('d', 'b2')]);
    expect(order(t.store)).toEqual(['a', 'b', 'c', 'd']);
    t.seen.length = 0;
    t.queue.move('c', 'up');
    expect(order(t.store)).toEqual(['a', 'c', 'b', 'd']);
    // Both jobs whose place changed are told, with their new places.
    expect(t.seen.map((e) => (e.type === 'job.updated' ? e.job.id : e.type))).toEqual(['c', 'b']);
    t.queue.move('a', 'down');
    expect(order(t.store)).toEqual(['c', 'a', 'b', 'd']);
    t.queue.move('d', 'first');
    expect(order(t.store)).toEqual(['d', 'c', 'a', 'b']);
    // At the top already: nothing moves and nobody is told of a change.
    t.seen.length = 0;
    expect(t.queue.move('d', 'up').id).toBe('d');
    expect(order(t.store)).toEqual(['d', 'c', 'a', 'b']);
    expect(t.seen.filter((e) => e.type === 'job.updated')).toEqual([]);
    expect(() => t.queue.move('run', 'up')).toThrow(/running; only queued jobs can be moved/);
    // The queue starts them in the new order.
    await t.executor.finish('run');
    expect(t.executor.started).toEqual(['run', 'd']);
    // A batch put first keeps its jobs' order.
    t.queue.runBatchNext('b1');
    expect(order(t.store)).toEqual(['a', 'b', 'c']);
    await t.executor.finish('d');
    expect(t.executor.started).toEqual(['run', 'd', 'a']);
    for (const id of ['a', 'b', 'c']) await t.executor.finish(id);
    t.close();
  });

  it('clears only batches whose every job finished; their jobs go, their renditions stay', async () => {
    const t = setup();
    t.queue.submit(batch('old'), [job('o1', 'old'), job('o2', 'old')]);
    t.queue.submit(batch('busy'), [job('n1', 'busy')]);
    await t.executor.finish('o1');
    await t.executor.finish('o2', 'canceled');
    t.db
      .prepare(
        `INSERT INTO renditions (id, source_id, batch_id, job_id, rung_id, rung_json, path, encoder,
           width, height, bitrate_kbps, size_bytes, encode_seconds, command_json, media_json, created_at)
         VALUES ('r1', 'src', 'old', 'o1', 'o1', '{}', '/tmp/none/r1.mp4', 'libx264', 2, 2, 1, 1, 1, '[]', '{}', ?)`,
      )
      .run(new Date().toISOString());
    t.seen.length = 0;
    expect(t.queue.clearFinished()).toEqual(['old']);
    expect(t.store.getBatch('old')).toBeNull();
    expect(t.store.listJobs().map((j) => j.id)).toEqual(['n1']);
    expect(t.seen).toEqual([expect.objectContaining({ type: 'batch.removed', batchId: 'old' })]);
    expect(new RenditionRepo(t.db).get('r1')).toMatchObject({ batchId: null, jobId: null });
    expect(t.queue.clearFinished()).toEqual([]); // 'busy' still runs
    await t.executor.finish('n1');
    expect(t.queue.clearFinished()).toEqual(['busy']);
    t.close();
  });

  it('keeps a finished batch another batch’s queued job depends on, until that job ends', async () => {
    const t = setup();
    t.queue.submit(batch('first'), [job('f1', 'first')]);
    await t.executor.finish('f1');
    // A score job in another batch needs f1 (the dependency crosses batches).
    t.queue.submit(batch('later'), [job('l1', 'later', 'f1')]);
    expect(t.queue.clearFinished()).toEqual([]);
    expect(t.store.getBatch('first')).not.toBeNull();
    await t.executor.finish('l1');
    expect(t.queue.clearFinished()).toEqual(['first', 'later']);
    t.close();
  });

  it('keeps a finished batch an unfinished per-title run follows', async () => {
    const t = setup();
    t.queue.submit(batch('grid'), [job('g1', 'grid')]);
    await t.executor.finish('g1');
    const now = new Date().toISOString();
    t.db
      .prepare(
        `INSERT INTO pertitle_runs (id, source_id, batch_id, options_json, status, created_at, updated_at)
         VALUES ('run', 'src', 'grid', '{}', 'scoring', ?, ?)`,
      )
      .run(now, now);
    expect(t.queue.clearFinished()).toEqual([]);
    t.db.prepare(`UPDATE pertitle_runs SET status = 'done' WHERE id = 'run'`).run();
    expect(t.queue.clearFinished()).toEqual(['grid']);
    t.close();
  });

  it('keeps a batch a project import is still writing: no jobs yet, or journaled and not committed', () => {
    const t = setup();
    // Written by an import in progress: the batch first, its jobs in a later slice.
    t.store.addBatch(batch('empty'), []);
    t.store.addBatch(batch('imported'), [job('i1', 'imported')]);
    t.db.prepare(`UPDATE jobs SET status = 'done' WHERE id = 'i1'`).run();
    t.db
      .prepare(
        `INSERT INTO project_imports (id, runner, started_at, committed) VALUES ('imp', 'r', ?, 0)`,
      )
      .run(new Date().toISOString());
    const journal = t.db.prepare(
      `INSERT INTO project_import_rows (import_id, tbl, row_id) VALUES ('imp', ?, ?)`,
    );
    journal.run('batches', 'imported');
    journal.run('jobs', 'i1');
    expect(t.queue.clearFinished()).toEqual([]);
    // Committed: the imported batch is an ordinary finished batch; the one without jobs stays.
    t.db.prepare(`UPDATE project_imports SET committed = 1 WHERE id = 'imp'`).run();
    expect(t.queue.clearFinished()).toEqual(['imported']);
    expect(t.store.getBatch('empty')).not.toBeNull();
    t.close();
  });

  it('keeps the finished batch of a live `vq encode` until that process stops', async () => {
    const dir = tempDir();
    const app = setup(dir);
    const cli = setup(dir, 'own');
    cli.queue.submit(batch('cli'), [job('c1', 'cli')]);
    await cli.executor.finish('c1');
    app.queue.submit(batch('app'), [job('a1', 'app')]);
    await app.executor.finish('a1');
    // The CLI is between "batch finished" and reading its batch back for the manifest.
    expect(app.queue.clearFinished()).toEqual(['app']);
    expect(cli.store.getBatch('cli')).not.toBeNull();
    cli.close();
    expect(app.queue.clearFinished()).toEqual(['cli']);
    app.close();
  });
});
