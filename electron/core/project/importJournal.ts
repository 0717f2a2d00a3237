/**
 * Makes a project import all-or-nothing although it is written in many short transactions (so a
 * large file never holds the event loop): every row an import adds is journaled in the same
 * transaction as the row itself, and the import counts as done only once one UPDATE marks it
 * committed. An import that failed, or whose process died (SIGKILL, power cut) before that UPDATE,
 * is rolled back — by itself on failure, or by the next process that opens the data folder and
 * finds it dead. A committed import only has its journal forgotten. Tables: `project_imports` and
 * `project_import_rows` (migration 6).
 */
import { randomBytes } from 'node:crypto';
import { VqError } from '../../../shared/errors';
import type { Db } from '../store/db';

/** The tables an import writes, children first: the order rows are deleted in a roll-back. */
export const IMPORT_TABLES = [
  'pertitle_runs',
  'score_results',
  'score_runs',
  'renditions',
  'jobs',
  'batches',
  'ladders',
  'sources',
] as const;

/** A table an import writes. */
export type ImportTable = (typeof IMPORT_TABLES)[number];

/** Rows deleted or forgotten per transaction when a journal is undone or cleared. */
const UNDO_SLICE = 2000;

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The journal of the imports of one data folder. */
export class ImportJournal {
  constructor(private readonly db: Db) {}

  /**
   * Starts an import run by `runner` (a process tag); returns its id. Refused (DATABASE_BUSY) while
   * another live process has an import in progress here: two imports interleaving their slices
   * could each skip rows the other added, and a roll-back of one would then take rows the other
   * committed.
   */
  begin(runner: string, isAlive: (runner: string) => boolean): string {
    const id = randomBytes(8).toString('hex');
    this.db
      .transaction(() => {
        const open = this.db
          .prepare('SELECT runner FROM project_imports WHERE committed = 0')
          .all() as { runner: string }[];
        const busy = open.find((o) => o.runner !== runner && isAlive(o.runner));
        if (busy) {
          throw new VqError(
            'DATABASE_BUSY',
            `Another VQ Studio process (pid ${busy.runner.split(':')[0]}) is importing a project into this library now.`,
            'Import again when it has finished.',
          );
        }
        this.db
          .prepare(
            'INSERT INTO project_imports (id, runner, started_at, committed) VALUES (?, ?, ?, 0)',
          )
          .run(id, runner, new Date().toISOString());
      })
      .immediate();
    return id;
  }

  /** Journals one added row; call inside the transaction that inserts it. */
  record(importId: string, table: ImportTable, rowId: string): void {
    this.db
      .prepare('INSERT INTO project_import_rows (import_id, tbl, row_id) VALUES (?, ?, ?)')
      .run(importId, table, rowId);
  }

  /** The commit point: from here on the import stands, whatever happens to this process. */
  commit(importId: string): void {
    this.db.prepare('UPDATE project_imports SET committed = 1 WHERE id = ?').run(importId);
  }

  /** Deletes every row the import added (children first), then its journal. */
  async rollBack(importId: string): Promise<void> {
    for (const table of IMPORT_TABLES) {
      if (!this.hasTable(table)) continue;
      for (;;) {
        const removed = this.db
          .transaction(() => {
            const rows = this.db
              .prepare(
                'SELECT rowid AS r, row_id AS id FROM project_import_rows WHERE import_id = ? AND tbl = ? LIMIT ?',
              )
              .all(importId, table, UNDO_SLICE) as { r: number; id: string }[];
            const del = this.db.prepare(`DELETE FROM ${table} WHERE id = ?`);
            const forget = this.db.prepare('DELETE FROM project_import_rows WHERE rowid = ?');
            for (const row of rows) {
              del.run(row.id);
              forget.run(row.r);
            }
            return rows.length;
          })
          .immediate();
        if (removed === 0) break;
        await yieldToEventLoop();
      }
    }
    this.db.prepare('DELETE FROM project_imports WHERE id = ?').run(importId);
  }

  /** Forgets the journal of a committed import (its rows stay). */
  async forget(importId: string): Promise<void> {
    for (;;) {
      const { changes } = this.db
        .prepare(
          'DELETE FROM project_import_rows WHERE rowid IN (SELECT rowid FROM project_import_rows WHERE import_id = ? LIMIT ?)',
        )
        .run(importId, UNDO_SLICE);
      if (changes === 0) break;
      await yieldToEventLoop();
    }
    this.db.prepare('DELETE FROM project_imports WHERE id = ?').run(importId);
  }

  /**
   * Finishes what dead imports left: rolls back the uncommitted ones whose runner is gone and
   * forgets committed ones. Imports of live runners (another process importing now) are left alone.
   * Returns the ids rolled back.
   */
  async recover(isAlive: (runner: string) => boolean): Promise<string[]> {
    const imports = this.db.prepare('SELECT id, runner, committed FROM project_imports').all() as {
      id: string;
      runner: string;
      committed: number;
    }[];
    const rolledBack: string[] = [];
    for (const imp of imports) {
      if (imp.committed) await this.forget(imp.id);
      else if (!isAlive(imp.runner)) {
        await this.rollBack(imp.id);
        rolledBack.push(imp.id);
      }
    }
    return rolledBack;
  }

  /** True while some import has not finished or been cleaned up (tests wait on it). */
  pending(): number {
    return (this.db.prepare('SELECT count(*) AS n FROM project_imports').get() as { n: number }).n;
  }

  private hasTable(table: string): boolean {
    return Boolean(
      this.db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table),
    );
  }
}
