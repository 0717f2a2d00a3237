/** Rows of the `packages` and `playbacks` tables: streaming packages made, and their playbacks. */
import type { PackageSummary } from '../../../shared/packaging';
import type { PlaybackSummary } from '../../../shared/playback';
import type { Db } from './db';

interface PackageRow {
  id: string;
  dir: string;
  source_id: string | null;
  created_at: string;
  summary_json: string;
}

/** A package as stored: where it is, which source it came from, what it holds. */
export interface StoredPackage {
  id: string;
  dir: string;
  sourceId: string | null;
  createdAt: string;
  summary: PackageSummary;
}

/** Reads and writes packages and their playbacks. */
export class PackageRepo {
  constructor(private readonly db: Db) {}

  /** Records a package; one written again into the same folder replaces the old record. */
  add(p: StoredPackage): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM packages WHERE dir = ? OR id = ?').run(p.dir, p.id);
      this.db
        .prepare(
          'INSERT INTO packages (id, dir, source_id, created_at, summary_json) VALUES (?, ?, ?, ?, ?)',
        )
        .run(p.id, p.dir, p.sourceId, p.createdAt, JSON.stringify(p.summary));
    })();
  }

  /** Packages, newest first. */
  list(): StoredPackage[] {
    const rows = this.db
      .prepare('SELECT * FROM packages ORDER BY created_at DESC, rowid DESC')
      .all() as PackageRow[];
    return rows.map(fromRow);
  }

  get(id: string): StoredPackage | null {
    const row = this.db.prepare('SELECT * FROM packages WHERE id = ?').get(id) as
      PackageRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Forgets a package (its files stay) and its playbacks. */
  remove(id: string): void {
    this.db.prepare('DELETE FROM packages WHERE id = ?').run(id);
  }

  addPlayback(s: PlaybackSummary): void {
    this.db
      .prepare(
        'INSERT INTO playbacks (id, package_id, created_at, summary_json) VALUES (?, ?, ?, ?)',
      )
      .run(s.id, s.packageId, s.createdAt, JSON.stringify(s));
  }

  /** Playbacks of a package, newest first. */
  playbacks(packageId: string): PlaybackSummary[] {
    const rows = this.db
      .prepare(
        'SELECT summary_json FROM playbacks WHERE package_id = ? ORDER BY created_at DESC, rowid DESC',
      )
      .all(packageId) as { summary_json: string }[];
    return rows.map((r) => JSON.parse(r.summary_json) as PlaybackSummary);
  }
}

function fromRow(r: PackageRow): StoredPackage {
  return {
    id: r.id,
    dir: r.dir,
    sourceId: r.source_id,
    createdAt: r.created_at,
    summary: JSON.parse(r.summary_json) as PackageSummary,
  };
}
