import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Batch, Rendition } from '../../../shared/queue';
import { EventHub } from '../events';
import { openDatabase } from '../store/db';
import { LibraryRepo } from '../store/libraryRepo';
import { RenditionRepo } from '../store/renditionRepo';
import { ScoreRepo } from '../store/scoreRepo';
import { useTempDirs } from '../testing/tempDir';
import { CrossProcessEvents } from './crossProcessEvents';
import type { NewJob } from './jobStore';
import { SqliteJobStore } from './sqliteJobStore';

// Two connections to one real library.db stand for two processes: what "the other" writes must
// reach this side's event stream once, and what this side said itself must not be said again.
const tempDir = useTempDirs();

function batch(id: string): Batch {
  return { id, sourceId: 'src', ladder: { id: 'l', name: 'l', rungs: [] }, outDir: '/tmp/none', decodeOnce: true, createdAt: new Date().toISOString(), skipped: [] };
}

function job(id: string, batchId: string): NewJob {
  return { id, batchId, kind: 'encode', rungIds: [id], plan: { kind: 'encode', rungs: [], outputs: [], twoPass: false }, dependsOn: null, binary: null, commands: [] };
}

function setup() {
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
  });
  const otherDb = openDatabase(dir);
  const other = new SqliteJobStore(otherDb);
  return { db, jobs, events, seen, watcher, otherDb, other, changes: () => changes };
}

describe('CrossProcessEvents', () => {
  it("tells another process's new batch, its jobs as they change, and its renditions, each once", () => {
    const t = setup();
    expect(t.watcher.poll()).toBe(false);
    t.other.addBatch(batch('cli'), [job('c1', 'cli'), job('c2', 'cli')]);
    expect(t.watcher.poll()).toBe(true);
    expect(t.changes()).toBe(1);
    expect(t.seen.map((e) => e.type)).toEqual(['batch.added', 'job.updated', 'job.updated']);

    t.other.claim('c1', { runner: '1:cli', unowned: true }, new Date().toISOString());
    t.other.heartbeat('1:cli', new Date().toISOString()); // not a change a client sees
    t.watcher.poll();
    expect(t.seen.slice(3).map((e) => e.type === 'job.updated' && `${e.job.id} ${e.job.status}`)).toEqual(['c1 running']);

    const rendition = { id: 'r1', sourceId: 'src', batchId: 'cli', jobId: 'c1', rungId: 'c1', rung: {}, path: '/tmp/none/c1.mp4', fileName: 'c1.mp4', encoder: 'libx264', width: 320, height: 180, bitrateKbps: 100, sizeBytes: 1, encodeSeconds: 1, command: [], media: {}, createdAt: new Date().toISOString() } as unknown as Rendition;
    new RenditionRepo(t.otherDb).insert(rendition);
    t.other.update('c1', { status: 'done', finishedAt: new Date().toISOString(), runner: null });
    t.watcher.poll();
    expect(t.seen.slice(4).map((e) => (e.type === 'job.updated' ? `${e.job.id} ${e.job.status}` : e.type))).toEqual(['rendition.added', 'c1 done']);
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
    expect(t.seen.slice(2).map((e) => (e.type === 'batch.added' ? e.batch.id : e.type === 'job.updated' ? e.job.id : e.type))).toEqual(['theirs', 't1']);
    t.watcher.close();
    t.db.close();
    t.otherDb.close();
  });
});
