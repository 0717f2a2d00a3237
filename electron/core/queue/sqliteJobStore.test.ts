import type { Statement } from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../store/db';
import { testBatch as batch, testJob as job } from '../../testing/queueRecords';
import { useTempDirs } from '../../testing/tempDir';
import { SqliteJobStore } from './sqliteJobStore';

// Two connections to one library.db stand for two processes. In WAL mode a deferred transaction
// that read and then writes fails at once (SQLITE_BUSY_SNAPSHOT, no busy timeout helps) when the
// other process committed between its read and its write; an IMMEDIATE one holds the write lock
// from the start, so the other process waits (here, with no busy timeout, it is refused).
const tempDir = useTempDirs();

/**
 * Runs `between` once, just before the first run of a statement of `db` whose SQL matches
 * `pattern` (after the statements before it in the same transaction have read).
 */
function interleave(db: Db, pattern: RegExp, between: () => void): void {
  const prepare = db.prepare.bind(db);
  let done = false;
  vi.spyOn(db, 'prepare').mockImplementation(((source: string) => {
    const stmt = prepare(source) as Statement;
    if (done || !pattern.test(source)) return stmt;
    const run = stmt.run.bind(stmt);
    stmt.run = ((...params: unknown[]) => {
      if (!done) {
        done = true;
        between();
      }
      return run(...params);
    }) as typeof stmt.run;
    return stmt;
  }) as typeof db.prepare);
}

function setup() {
  const dir = tempDir();
  const db = openDatabase(dir);
  const store = new SqliteJobStore(db);
  const otherDb = openDatabase(dir);
  otherDb.pragma('busy_timeout = 0'); // one thread: waiting for this side's lock would only stall
  const outcome: string[] = [];
  /** The other process's write, landing in the middle of this side's transaction. */
  const otherWrites = (): void => {
    try {
      otherDb
        .prepare(
          `INSERT INTO settings (key, value) VALUES ('x', '1') ON CONFLICT(key) DO UPDATE SET value = value || '1'`,
        )
        .run();
      outcome.push('other committed');
    } catch (err) {
      outcome.push(`other ${(err as { code?: string }).code ?? String(err)}`);
    }
  };
  const close = (): void => {
    db.close();
    otherDb.close();
  };
  return { db, store, otherDb, otherWrites, outcome, close };
}

describe('SqliteJobStore beside another process', () => {
  it('requeues at the end even when another process commits between its read and its write', () => {
    const t = setup();
    try {
      t.store.addBatch(batch('b'), [job('j1', 'b'), job('j2', 'b')]);
      t.store.update('j1', { status: 'failed' }, { status: 'queued' });
      interleave(t.db, /^\s*UPDATE jobs SET status = 'queued'/, t.otherWrites);
      const requeued = t.store.requeue('j1', { status: 'failed' }, { atEnd: true, owner: null });
      expect(requeued?.status).toBe('queued');
      // The other process was kept out until this transaction ended (it would have waited).
      expect(t.outcome).toEqual(['other SQLITE_BUSY']);
      const order = t.db.prepare('SELECT id FROM jobs ORDER BY queue_order').all();
      expect(order).toEqual([{ id: 'j2' }, { id: 'j1' }]);
    } finally {
      t.close();
    }
  });

  it('adds a job even when another process commits between its read and its write', () => {
    const t = setup();
    try {
      t.store.addBatch(batch('b'), [job('j1', 'b')]);
      interleave(t.db, /^\s*INSERT INTO jobs/, t.otherWrites);
      expect(t.store.addJob(job('j2', 'b')).id).toBe('j2');
      expect(t.outcome).toEqual(['other SQLITE_BUSY']);
    } finally {
      t.close();
    }
  });

  it('adds a batch whose jobs read the queue order while another process writes', () => {
    const t = setup();
    try {
      t.store.addBatch(batch('a'), [job('a1', 'a')]);
      interleave(t.db, /^\s*INSERT INTO jobs/, t.otherWrites);
      expect(t.store.addBatch(batch('b'), [job('b1', 'b'), job('b2', 'b')])).toHaveLength(2);
      expect(t.outcome).toEqual(['other SQLITE_BUSY']);
    } finally {
      t.close();
    }
  });
});
