/** Small facts about the library's tables that export and import share. */
import type { Db } from '../store/db';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** True when the library has the per-title table (schema migration 4 and later). */
export function hasPerTitleRuns(db: Db): boolean {
  return Boolean(
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pertitle_runs'`).get(),
  );
}
