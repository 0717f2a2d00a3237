/** Rows of `pertitle_runs` (migration 4): per-title runs with their options and outcome. */
import type { PerTitleHullPoint, PerTitlePick, PerTitleRun, PerTitleStatus } from '../../../shared/perTitle';
import type { Ladder } from '../../../shared/ladder';
import type { PerTitleSettings } from '../../../shared/perTitle';
import type { Db } from '../store/db';

interface RunRow {
  id: string;
  source_id: string;
  batch_id: string;
  options_json: string;
  status: string;
  ladder_json: string | null;
  result_json: string | null;
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** What a finished run stores besides its ladder. */
interface ResultJson {
  hull: PerTitleHullPoint[];
  picks: PerTitlePick[];
  scoredPoints: number;
}

/** The outcome fields a run changes. */
export interface PerTitlePatch {
  status: PerTitleStatus;
  ladder?: Ladder | null;
  hull?: PerTitleHullPoint[] | null;
  picks?: PerTitlePick[] | null;
  scoredPoints?: number | null;
  error?: string | null;
}

/** Reads and writes per-title runs. */
export class PerTitleRepo {
  constructor(private readonly db: Db) {}

  /** Stores a new run. */
  insert(run: PerTitleRun): PerTitleRun {
    this.db
      .prepare(
        `INSERT INTO pertitle_runs (id, source_id, batch_id, options_json, status, ladder_json,
           result_json, error, created_at, updated_at)
         VALUES (@id, @source_id, @batch_id, @options_json, @status, @ladder_json, @result_json,
           @error, @created_at, @updated_at)`,
      )
      .run(toRow(run));
    return this.get(run.id)!;
  }

  /** One run by id, or null. */
  get(id: string): PerTitleRun | null {
    const row = this.db.prepare('SELECT * FROM pertitle_runs WHERE id = ?').get(id) as
      RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Runs of a source, newest first. */
  listBySource(sourceId: string): PerTitleRun[] {
    const rows = this.db
      .prepare(
        'SELECT * FROM pertitle_runs WHERE source_id = ? ORDER BY created_at DESC, rowid DESC',
      )
      .all(sourceId) as RunRow[];
    return rows.map(fromRow);
  }

  /** The newest run of a grid batch, or null. */
  byBatch(batchId: string): PerTitleRun | null {
    const row = this.db
      .prepare(
        'SELECT * FROM pertitle_runs WHERE batch_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(batchId) as RunRow | undefined;
    return row ? fromRow(row) : null;
  }

  /** Runs still encoding or scoring (to follow, or to complete after a restart). */
  listUnfinished(): PerTitleRun[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM pertitle_runs WHERE status IN ('encoding', 'scoring') ORDER BY created_at ASC, rowid ASC`,
      )
      .all() as RunRow[];
    return rows.map(fromRow);
  }

  /** Applies a status change (and the outcome, when given); returns the run. */
  update(id: string, patch: PerTitlePatch): PerTitleRun {
    const current = this.get(id);
    if (!current) throw new Error(`per-title run ${id} is gone`);
    const next: PerTitleRun = {
      ...current,
      status: patch.status,
      ladder: patch.ladder !== undefined ? patch.ladder : current.ladder,
      hull: patch.hull !== undefined ? patch.hull : current.hull,
      picks: patch.picks !== undefined ? patch.picks : current.picks,
      scoredPoints: patch.scoredPoints !== undefined ? patch.scoredPoints : current.scoredPoints,
      error: patch.error !== undefined ? patch.error : current.error,
      updatedAt: new Date().toISOString(),
    };
    const row = toRow(next);
    this.db
      .prepare(
        `UPDATE pertitle_runs SET status = @status, ladder_json = @ladder_json,
           result_json = @result_json, error = @error, updated_at = @updated_at WHERE id = @id`,
      )
      .run({
        id: row.id,
        status: row.status,
        ladder_json: row.ladder_json,
        result_json: row.result_json,
        error: row.error,
        updated_at: row.updated_at,
      });
    return next;
  }
}

function toRow(r: PerTitleRun): RunRow {
  const result: ResultJson | null =
    r.hull && r.picks ? { hull: r.hull, picks: r.picks, scoredPoints: r.scoredPoints ?? 0 } : null;
  return {
    id: r.id,
    source_id: r.sourceId,
    batch_id: r.batchId,
    options_json: JSON.stringify(r.options),
    status: r.status,
    ladder_json: r.ladder ? JSON.stringify(r.ladder) : null,
    result_json: result ? JSON.stringify(result) : null,
    error: r.error,
    created_at: r.createdAt,
    updated_at: r.updatedAt,
  };
}

function fromRow(row: RunRow): PerTitleRun {
  const result = row.result_json ? (JSON.parse(row.result_json) as ResultJson) : null;
  return {
    id: row.id,
    sourceId: row.source_id,
    batchId: row.batch_id,
    status: row.status as PerTitleStatus,
    options: JSON.parse(row.options_json) as PerTitleSettings,
    ladder: row.ladder_json ? (JSON.parse(row.ladder_json) as Ladder) : null,
    hull: result?.hull ?? null,
    picks: result?.picks ?? null,
    scoredPoints: result?.scoredPoints ?? null,
    error: row.error,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
