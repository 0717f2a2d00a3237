import { describe, expect, it, vi } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Rendition } from '../../../shared/queue';
import { EventHub } from '../events';
import { openDatabase } from '../store/db';
import { LibraryRepo, type StoredSource } from '../store/libraryRepo';
import { RenditionRepo } from '../store/renditionRepo';
import { ScoreRepo } from '../store/scoreRepo';
import { testBatch as batch, testJob as job } from '../../testing/queueRecords';
import { useTempDirs } from '../../testing/tempDir';
import { CrossProcessEvents, SLICE } from './crossProcessEvents';
import { SqliteJobStore } from './sqliteJobStore';

// Two connections to one real library.db stand for two processes: what "the other" writes must
// reach this side's event stream once, and what this side said itself must not be said again.
const tempDir = useTempDirs();

function renditionOf(id: string, fileName: string): Rendition {
  return {
    id,
    sourceId: 'src',
    batchId: 'cli',
    jobId: null,
    rungId: id,
    rung: {},
    path: `/tmp/none/${fileName}`,
    fileName,
    encoder: 'libx264',
    width: 320,
    height: 180,
    bitrateKbps: 100,
    sizeBytes: 1,
    encodeSeconds: 1,
    command: [],
    media: {},
    createdAt: new Date().toISOString(),
  } as unknown as Rendition;
}

function sourceOf(id: string, media: Record<string, unknown> = { container: 'mp4' }): StoredSource {
  return {
    item: {
      id,
      path: `/tmp/none/${id}.mp4`,
      fileName: `${id}.mp4`,
      addedAt: new Date().toISOString(),
      sizeBytes: 1,
      media,
      hasThumbnail: false,
    },
    thumbPath: null,
    raw: null,
    mtimeMs: 1,
  } as unknown as StoredSource;
}

const told = (seen: VqEvent[]): string[] =>
  seen.map((e) =>
    e.type === 'job.updated'
      ? `job ${e.job.id} ${e.job.status} ${e.job.attempts}`
      : e.type === 'rendition.added'
        ? `rendition+ ${e.rendition.id}`
        : e.type === 'rendition.removed' ||
            e.type === 'score.removed' ||
            e.type === 'library.removed'
          ? `${e.type} ${e.id}`
          : e.type === 'library.added'
            ? `library+ ${e.item.id}`
            : e.type,
  );

function setup(opts: { slice?: number } = {}) {
  const dir = tempDir();
  const db = openDatabase(dir);
  const jobs = new SqliteJobStore(db);
  const events = new EventHub();
  const seen: VqEvent[] = [];
  events.subscribe((e) => seen.push(e));
  let changes = 0;
  const watcher = new CrossProcessEvents({
    db,
    jobs,
    library: new LibraryRepo(db),
    renditions: new RenditionRepo(db),
    scores: new ScoreRepo(db),
    events,
    onChange: () => changes++,
    ...opts,
  });
  const otherDb = openDatabase(dir);
  const other = new SqliteJobStore(otherDb);
  const otherLibrary = new LibraryRepo(otherDb);
  return { db, jobs, events, seen, watcher, otherDb, other, otherLibrary, changes: () => changes };
}

describe('CrossProcessEvents', () => {
  it("tells another process's new batch, its jobs as they change, and its renditions, each once", () => {
    const t = setup();
    expect(t.watcher.poll()).toBe(false);
    t.other.addBatch(batch('cli'), [job('c1', 'cli'), job('c2', 'cli')]);
    expect(t.watcher.poll()).toBe(true);
    expect(t.changes()).toBe(1);
    expect(t.seen.map((e) => e.type)).toEqual(['batch.added', 'job.updated', 'job.updated']);

    t.other.takeLease(
      { runner: '1:cli', pid: 1, heartbeatAt: new Date().toISOString(), identity: null },
      () => false,
    );
    t.other.claim('c1', { runner: '1:cli', unowned: true }, new Date().toISOString());
    t.other.heartbeat('1:cli', new Date().toISOString()); // not a change a client sees
    t.watcher.poll();
    expect(
      t.seen.slice(3).map((e) => e.type === 'job.updated' && `${e.job.id} ${e.job.status}`),
    ).toEqual(['c1 running']);

    const rendition = {
      id: 'r1',
      sourceId: 'src',
      batchId: 'cli',
      jobId: 'c1',
      rungId: 'c1',
      rung: {},
      path: '/tmp/none/c1.mp4',
      fileName: 'c1.mp4',
      encoder: 'libx264',
      width: 320,
      height: 180,
      bitrateKbps: 100,
      sizeBytes: 1,
      encodeSeconds: 1,
      command: [],
      media: {},
      createdAt: new Date().toISOString(),
    } as unknown as Rendition;
    new RenditionRepo(t.otherDb).insert(rendition);
    t.other.update(
      'c1',
      { status: 'done', finishedAt: new Date().toISOString(), runner: null },
      { status: 'running', runner: '1:cli' },
    );
    t.watcher.poll();
    expect(
      t.seen
        .slice(4)
        .map((e) => (e.type === 'job.updated' ? `${e.job.id} ${e.job.status}` : e.type)),
    ).toEqual(['rendition.added', 'c1 done']);
    expect(t.watcher.poll()).toBe(false);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('does not repeat what this process said itself', () => {
    const t = setup();
    t.jobs.addBatch(batch('mine'), [job('m1', 'mine')]);
    t.events.emit({ type: 'batch.added', batch: t.jobs.getBatch('mine')! });
    t.events.emit({ type: 'job.updated', job: t.jobs.getJob('m1')! });
    t.other.addBatch(batch('theirs'), [job('t1', 'theirs')]);
    t.watcher.poll();
    expect(
      t.seen
        .slice(2)
        .map((e) =>
          e.type === 'batch.added' ? e.batch.id : e.type === 'job.updated' ? e.job.id : e.type,
        ),
    ).toEqual(['theirs', 't1']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('tells a job of a known batch that another process retried and finished between two looks', () => {
    const t = setup();
    const other = t.other;
    const runner = '1:cli';
    other.takeLease(
      { runner, pid: 1, heartbeatAt: new Date().toISOString(), identity: null },
      () => false,
    );
    other.addBatch(batch('cli'), [job('c1', 'cli')]);
    const finish = (): void => {
      other.claim('c1', { runner, unowned: true }, new Date().toISOString());
      other.update(
        'c1',
        { status: 'failed', finishedAt: new Date().toISOString(), error: 'x', runner: null },
        { status: 'running', runner },
      );
    };
    finish();
    t.watcher.poll();
    expect(told(t.seen)).toEqual(['batch.added', 'job c1 failed 1']);
    // Retried, run and failed again, all between two looks: attempts and times changed.
    other.requeue('c1', { status: 'failed' }, { atEnd: true, owner: null });
    finish();
    t.watcher.poll();
    expect(told(t.seen).slice(2)).toEqual(['job c1 failed 2']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('tells renditions and scores another process removed, and a new rendition in a reused rowid', () => {
    const t = setup();
    const repo = new RenditionRepo(t.otherDb);
    t.other.addBatch(batch('cli'), []);
    repo.insert(renditionOf('r1', 'a.mp4'));
    const at = new Date().toISOString();
    t.otherDb
      .prepare(
        `INSERT INTO score_runs (id, job_id, reference_id, reference_path, command_json, ffmpeg_json, started_at, duration_ms) VALUES ('run1', NULL, 'src', '/tmp/none/src.mp4', '[]', '{}', ?, 1)`,
      )
      .run(at);
    t.otherDb
      .prepare(
        `INSERT INTO score_results (id, run_id, reference_id, target_kind, target_id, path, label, width, height, frames, frame_numbers,
           pooled_json, warnings_json, unavailable_json, preflight_json, fixes_json, alignment_json, created_at)
         VALUES ('s1', 'run1', 'src', 'rendition', 'r1', '/tmp/none/a.mp4', 'a', 320, 180, 0, x'', '{}', '[]', '[]', '{}', '{}', '{}', ?)`,
      )
      .run(at);
    t.watcher.poll();
    expect(told(t.seen)).toContain('rendition+ r1');
    const before = t.seen.length;
    // Deleted by the other process; then a new rendition takes the highest rowid again.
    t.otherDb.prepare(`DELETE FROM score_results WHERE id = 's1'`).run();
    t.otherDb.prepare(`DELETE FROM renditions WHERE id = 'r1'`).run();
    repo.insert(renditionOf('r2', 'b.mp4'));
    t.watcher.poll();
    expect(told(t.seen.slice(before))).toEqual([
      'score.removed s1',
      'rendition.removed r1',
      'rendition+ r2',
    ]);
    expect(t.watcher.poll()).toBe(false);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('does not repeat a removal this process said itself', () => {
    const t = setup();
    t.other.addBatch(batch('cli'), []);
    t.watcher.poll();
    new RenditionRepo(t.db).insert(renditionOf('r1', 'a.mp4'));
    t.events.emit({ type: 'rendition.added', rendition: renditionOf('r1', 'a.mp4') });
    t.db.prepare(`DELETE FROM renditions WHERE id = 'r1'`).run();
    t.events.emit({ type: 'rendition.removed', id: 'r1' });
    const before = t.seen.length;
    t.other.addBatch(batch('theirs'), []);
    t.watcher.poll();
    expect(told(t.seen.slice(before))).toEqual(['batch.added']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it("tells another process's source as added, again when it is verified or probed again, and as removed", () => {
    const t = setup();
    t.otherLibrary.insert(sourceOf('s1'));
    t.watcher.poll();
    expect(told(t.seen)).toEqual(['library+ s1']);
    // A project import's source verified by a fresh probe: media_json and the thumbnail change.
    t.otherDb
      .prepare(`UPDATE sources SET media_json = ?, thumb_path = ? WHERE id = 's1'`)
      .run(JSON.stringify({ container: 'mov' }), '/tmp/none/s1.jpg');
    t.watcher.poll();
    const updated = t.seen.at(-1);
    expect(told(t.seen)).toEqual(['library+ s1', 'library+ s1']);
    expect(updated?.type === 'library.added' && updated.item).toMatchObject({
      media: { container: 'mov' },
      hasThumbnail: true,
    });
    // An update that changes nothing a client sees stamps nothing.
    t.otherDb.prepare(`UPDATE sources SET mtime_ms = 2 WHERE id = 's1'`).run();
    t.otherDb.prepare(`UPDATE sources SET media_json = media_json WHERE id = 's1'`).run();
    t.watcher.poll();
    expect(t.seen).toHaveLength(2);
    t.otherLibrary.remove('s1');
    t.watcher.poll();
    expect(told(t.seen).slice(2)).toEqual(['library.removed s1']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it("does not repeat a source this process told, but tells another process's later change to it", () => {
    const t = setup();
    const mine = new LibraryRepo(t.db);
    mine.insert(sourceOf('m1'));
    t.events.emit({ type: 'library.added', item: mine.get('m1')!.item });
    t.otherLibrary.insert(sourceOf('t1'));
    t.watcher.poll();
    expect(told(t.seen).slice(1)).toEqual(['library+ t1']);
    mine.insert(sourceOf('m2'));
    t.events.emit({ type: 'library.added', item: mine.get('m2')!.item });
    t.otherDb
      .prepare(`UPDATE sources SET media_json = '{"container":"mkv"}' WHERE id = 'm2'`)
      .run();
    t.watcher.poll();
    expect(told(t.seen).slice(3)).toEqual(['library+ m2']);
    mine.remove('m1');
    t.events.emit({ type: 'library.removed', id: 'm1' });
    t.otherLibrary.remove('t1');
    t.watcher.poll();
    expect(told(t.seen).slice(5)).toEqual(['library.removed t1']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it("tells another process's 5,000 new sources in slices, each look handling at most one", () => {
    const t = setup();
    const n = 5000;
    t.otherDb.transaction(() => {
      for (let i = 0; i < n; i++) t.otherLibrary.insert(sourceOf(`s${i}`));
    })();
    t.other.addBatch(batch('after'), [job('a1', 'after')]);
    const perLook: number[] = [];
    let looks = 0;
    while (t.watcher.poll()) {
      perLook.push(t.seen.length - perLook.reduce((a, b) => a + b, 0));
      if (++looks > 100) throw new Error('the backlog never ends');
    }
    expect(perLook.length).toBeGreaterThanOrEqual(Math.ceil(n / SLICE));
    expect(Math.max(...perLook)).toBeLessThanOrEqual(SLICE);
    const added = t.seen.filter((e) => e.type === 'library.added');
    expect(new Set(added.map((e) => e.type === 'library.added' && e.item.id)).size).toBe(n);
    expect(added).toHaveLength(n);
    // In the order written: the sources, then the batch, then its job.
    expect(told(t.seen).slice(n)).toEqual(['batch.added', 'job a1 queued 0']);
    expect(t.changes()).toBe(1); // one change of the database, however many looks it took
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('continues a backlog right after a timed look, without waiting for the next interval', async () => {
    const t = setup({ slice: 50 });
    t.otherDb.transaction(() => {
      for (let i = 0; i < 1000; i++) t.otherLibrary.insert(sourceOf(`s${i}`));
    })();
    const perLook: number[] = [];
    const poll = t.watcher.poll.bind(t.watcher);
    vi.spyOn(t.watcher, 'poll').mockImplementation(() => {
      const before = t.seen.length;
      const looked = poll();
      perLook.push(t.seen.length - before);
      return looked;
    });
    // The interval timer is fake and fires once: every later look comes from setImmediate.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      t.watcher.start(1000);
      vi.advanceTimersByTime(1000);
      const end = Date.now() + 20_000;
      while ((t.seen.length < 1000 || t.watcher.pending) && Date.now() < end)
        await new Promise((r) => setTimeout(r, 5));
    } finally {
      t.watcher.close();
      vi.useRealTimers();
    }
    expect(t.seen).toHaveLength(1000);
    // 1000 entries, 50 a look (then perhaps one look that finds the backlog ended).
    expect(perLook.filter((k) => k > 0)).toEqual(Array<number>(20).fill(50));
    expect(perLook.length).toBeLessThanOrEqual(21);
    t.db.close();
    t.otherDb.close();
  });

  it("reads neither sources nor batches for another queue's heartbeat, however large the library", () => {
    const t = setup();
    t.otherDb.transaction(() => {
      for (let i = 0; i < 2000; i++) t.otherLibrary.insert(sourceOf(`s${i}`));
    })();
    const runner = '1:cli';
    t.other.registerRunner({
      runner,
      pid: 1,
      heartbeatAt: new Date().toISOString(),
      identity: null,
      mode: 'own',
    });
    t.other.takeLease(
      { runner, pid: 1, heartbeatAt: new Date().toISOString(), identity: null },
      () => false,
    );
    t.other.addBatch(batch('cli'), [job('c1', 'cli')]);
    t.other.claim('c1', { runner, unowned: true }, new Date().toISOString());
    while (t.watcher.poll()); // everything so far told
    const before = t.seen.length;

    const sql: string[] = [];
    const prepare = t.db.prepare.bind(t.db);
    const spy = vi.spyOn(t.db, 'prepare').mockImplementation(((source: string) => {
      sql.push(source);
      return prepare(source);
    }) as typeof t.db.prepare);
    t.other.heartbeat(runner, new Date().toISOString()); // jobs, queue_runners and queue_lease
    t.other.registerRunner({
      runner,
      pid: 1,
      heartbeatAt: new Date().toISOString(),
      identity: null,
      mode: 'own',
    });
    expect(t.watcher.poll()).toBe(true); // another process wrote
    spy.mockRestore();
    expect(t.seen.length).toBe(before);
    expect(t.watcher.pending).toBe(false);
    // Only the pragma and the entries above the last look: no table a client sees is read.
    expect(
      sql.filter((s) => /\b(sources|batches|jobs|renditions|score_results)\b/.test(s)),
    ).toEqual([]);
    expect(sql.some((s) => /FROM changes WHERE seq > \?/.test(s))).toBe(true);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });

  it('a failing poll timer is said once, not every tick, and never throws', async () => {
    const t = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const polls = vi.spyOn(t.watcher, 'poll');
    try {
      t.watcher.start(5);
      t.db.close(); // every poll now fails
      const end = Date.now() + 20_000;
      while (polls.mock.calls.length < 5 && Date.now() < end)
        await new Promise((r) => setTimeout(r, 5));
      expect(polls.mock.calls.length).toBeGreaterThanOrEqual(5);
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      t.watcher.close();
      warn.mockRestore();
      t.otherDb.close();
    }
  });
});
