/** Test helper: damage a real library.db the way a bad disk does, below what opening it reads. */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Overwrites the root pages of `table` and its indexes in `<dataDir>/library.db` with 0xff bytes.
 * The header and the schema stay intact, so the file opens (openDatabase reads only the schema)
 * and the damage shows up at the first read of that table as a real SQLITE_CORRUPT.
 */
export function damagePagesOf(dataDir: string, table: string): void {
  const file = path.join(dataDir, 'library.db');
  const db = new Database(file);
  const pageSize = db.pragma('page_size', { simple: true }) as number;
  const pages = db
    .prepare('SELECT rootpage FROM sqlite_master WHERE tbl_name = ? AND rootpage > 1')
    .pluck()
    .all(table) as number[];
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  if (pages.length === 0) throw new Error(`no pages of ${table} in ${file}`);
  const fd = fs.openSync(file, 'r+');
  try {
    for (const page of pages)
      fs.writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (page - 1) * pageSize);
  } finally {
    fs.closeSync(fd);
  }
}
