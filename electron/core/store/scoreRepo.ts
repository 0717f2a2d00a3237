/**
 * Rows of `score_runs`, `score_results` and `score_features`: stored quality scores with
 * everything needed to reproduce them. Per-frame series and libvmaf's elementary features are
 * float64 BLOBs (one per series, one row per feature), so a stored value equals the computed one
 * bit for bit; lists read no BLOB.
 */
import { VqError } from '../../../shared/errors';
import type { FixId, PreflightFinding } from '../../../shared/preflight';
import {
  SCORE_SERIES,
  SERIES_COLUMNS,
  type Alignment,
  type DistortedScore,
  type ModelUsed,
  type ScoreBuild,
  type ScoreSeries,
  type ScoreWarning,
  type UnavailableMetric,
} from '../../../shared/score';
import {
  currentScores,
  pooledView,
  type PooledView,
  type ScoreResultSummary,
  type ScoreTarget,
} from '../../../shared/scoreResults';
import { packSeries, unpackSeries } from './frameBlob';
import type { FileIdentity } from '../media/fileIdentity';
import { ScoreFreshness } from './scoreFreshness';
import type { Db } from './db';

/** One scoring process as stored. */
export interface ScoreRunRecord {
  id: string;
  jobId: string | null;
  referenceId: string;
  referencePath: string;
  command: string[];
  ffmpeg: ScoreBuild;
  model: ModelUsed | null;
  startedAt: string;
  durationMs: number;
  /** The reference file as it was scored; null when not recorded (older rows, imports). */
  referenceIdentity?: FileIdentity | null;
}

/** What was scored, as it was when it was scored (the rendition or item may go later). */
export interface ScoredTarget {
  target: ScoreTarget;
  path: string;
  label: string;
  encoder: string | null;
  width: number;
  height: number;
  bitrateKbps: number | null;
}

/** A result to insert: its id, what it scored and the engine's scores. */
export interface NewScoreResult {
  id: string;
  scored: ScoredTarget;
  score: DistortedScore;
  createdAt: string;
  /** The distorted file as it was scored; null when not recorded. */
  identity?: FileIdentity | null;
}

/** A stored result with its per-frame series and its run (for `scores.get` and export). */
export interface StoredScoreResult {
  summary: ScoreResultSummary;
  path: string;
  run: ScoreRunRecord;
  frameNumbers: number[];
  perFrame: Partial<Record<ScoreSeries, number[]>>;
  /** libvmaf's elementary features per frame, aligned with `frameNumbers` (empty when none). */
  features: Record<string, number[]>;
  alignment: Alignment;
  preflight: PreflightFinding[];
}

interface SummaryRow {
  id: string;
  run_id: string;
  job_id: string | null;
  reference_id: string;
  target_kind: string;
  target_id: string;
  path: string;
  label: string;
  encoder: string | null;
  width: number;
  height: number;
  bitrate_kbps: number | null;
  frames: number;
  pooled_json: string;
  warnings_json: string;
  unavailable_json: string;
  fixes_json: string;
  model_json: string | null;
  created_at: string;
  file_size: number | null;
  file_mtime_ms: number | null;
  file_hash: string | null;
  reference_path: string;
  reference_size: number | null;
  reference_mtime_ms: number | null;
  reference_hash: string | null;
}

type FullRow = SummaryRow & {
  frame_numbers: Buffer;
  preflight_json: string;
  alignment_json: string;
  vmaf: Buffer | null;
  psnr_y: Buffer | null;
  psnr: Buffer | null;
  ssim_y: Buffer | null;
  ssim: Buffer | null;
  ms_ssim: Buffer | null;
  xpsnr_y: Buffer | null;
  xpsnr_u: Buffer | null;
  xpsnr_v: Buffer | null;
  cambi: Buffer | null;
};

interface RunRow {
  id: string;
  job_id: string | null;
  reference_id: string;
  reference_path: string;
  command_json: string;
  ffmpeg_json: string;
  model_json: string | null;
  started_at: string;
  duration_ms: number;
  reference_size: number | null;
  reference_mtime_ms: number | null;
  reference_hash: string | null;
}

const SUMMARY_COLUMNS = `r.id, r.run_id, u.job_id, r.reference_id, r.target_kind, r.target_id, r.path,
  r.label, r.encoder, r.width, r.height, r.bitrate_kbps, r.frames, r.pooled_json, r.warnings_json,
  r.unavailable_json, r.fixes_json, r.model_json, r.created_at, r.file_size, r.file_mtime_ms,
  r.file_hash, u.reference_path, u.reference_size, u.reference_mtime_ms, u.reference_hash`;

/** Reads and writes stored scores. */
export class ScoreRepo {
  /** `freshness` judges every summary read (default: against this database and the files). */
  constructor(
    private readonly db: Db,
    private readonly freshness: ScoreFreshness = new ScoreFreshness(db),
  ) {}

  /**
   * Stores one run and its results, with their series and features, in one transaction (all or
   * nothing); returns their summaries.
   */
  insertRun(run: ScoreRunRecord, results: NewScoreResult[]): ScoreResultSummary[] {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO score_runs (id, job_id, reference_id, reference_path, command_json,
             ffmpeg_json, model_json, started_at, duration_ms, reference_size,
             reference_mtime_ms, reference_hash)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          run.id,
          run.jobId,
          run.referenceId,
          run.referencePath,
          JSON.stringify(run.command),
          JSON.stringify(run.ffmpeg),
          run.model ? JSON.stringify(run.model) : null,
          run.startedAt,
          Math.round(run.durationMs),
          run.referenceIdentity?.sizeBytes ?? null,
          run.referenceIdentity?.mtimeMs ?? null,
          run.referenceIdentity?.hash ?? null,
        );
      const columns = [...RESULT_COLUMNS, ...SCORE_SERIES.map((k) => SERIES_COLUMNS[k])];
      const insert = this.db.prepare(
        `INSERT INTO score_results (${columns.join(', ')})
         VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
      );
      for (const r of results) {
        insert.run(toRow(run, r));
        insertFeatures(this.db, r.id, r.score.libvmafFeatures, r.score.frameNumbers.length);
      }
    })();
    return results.map((r) => this.summary(r.id)!);
  }

  /** Summaries of results with this library item as the reference, newest first. */
  listByReference(referenceId: string): ScoreResultSummary[] {
    return this.referenceRows(referenceId).map((row) => this.summaryOf(row));
  }

  /**
   * The results a reference's views show ({@link currentScores}: the newest of each target, and
   * older ones while they have a series no newer one has), newest first: the Library's Scores
   * table and Analysis read this, so they agree. Only these are judged (older results of a target
   * are not read).
   */
  currentByReference(referenceId: string): ScoreResultSummary[] {
    const rows = this.referenceRows(referenceId).map((row) => ({
      row,
      target: { kind: row.target_kind as ScoreTarget['kind'], id: row.target_id },
      createdAt: row.created_at,
      // Which series it has: the keys of its pooled figures.
      metrics: JSON.parse(row.pooled_json) as Partial<Record<ScoreSeries, unknown>>,
    }));
    return currentScores(rows).map((r) => this.summaryOf(r.row));
  }

  private referenceRows(referenceId: string): SummaryRow[] {
    return this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.reference_id = ? ORDER BY r.created_at DESC, r.rowid ASC`,
      )
      .all(referenceId) as SummaryRow[];
  }

  /** How many stored results measured this target, against any reference. */
  countByTarget(target: ScoreTarget): number {
    const row = this.db
      .prepare('SELECT COUNT(*) AS n FROM score_results WHERE target_kind = ? AND target_id = ?')
      .get(target.kind, target.id) as { n: number };
    return row.n;
  }

  /** Summaries of the results a queue job stored. */
  listByJob(jobId: string): ScoreResultSummary[] {
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE u.job_id = ? ORDER BY r.rowid ASC`,
      )
      .all(jobId) as SummaryRow[];
    return rows.map((row) => this.summaryOf(row));
  }

  /** One summary by id. */
  summary(id: string): ScoreResultSummary | null {
    const row = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.id = ?`,
      )
      .get(id) as SummaryRow | undefined;
    return row ? this.summaryOf(row) : null;
  }

  /**
   * One result with its series and run, or null; its elementary features unless
   * `features: false` (then `features` is empty).
   */
  get(id: string, opts: { features?: boolean } = {}): StoredScoreResult | null {
    const row = this.db
      .prepare(
        `SELECT r.*, u.job_id, u.reference_path, u.reference_size, u.reference_mtime_ms,
           u.reference_hash FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.id = ?`,
      )
      .get(id) as FullRow | undefined;
    if (!row) return null;
    const run = this.db.prepare('SELECT * FROM score_runs WHERE id = ?').get(row.run_id) as RunRow;
    const perFrame: Partial<Record<ScoreSeries, number[]>> = {};
    for (const s of SCORE_SERIES) {
      const blob = row[SERIES_COLUMNS[s] as keyof FullRow] as Buffer | null;
      if (blob) perFrame[s] = unpackSeries(blob);
    }
    return {
      summary: this.summaryOf(row),
      path: row.path,
      run: runFromRow(run),
      frameNumbers: unpackSeries(row.frame_numbers),
      perFrame,
      features: opts.features === false ? {} : readFeatures(this.db, id),
      alignment: JSON.parse(row.alignment_json) as Alignment,
      preflight: JSON.parse(row.preflight_json) as PreflightFinding[],
    };
  }

  /**
   * Deletes one result (its features go with it: ON DELETE CASCADE), and its run when it was the
   * run's last; returns the run id and whether
   * the run went too (its logs can then be removed), or null for an unknown id.
   */
  remove(id: string): { runId: string; jobId: string | null; runRemoved: boolean } | null {
    return this.db.transaction(() => {
      const row = this.db
        .prepare(
          `SELECT r.run_id, u.job_id FROM score_results r JOIN score_runs u ON u.id = r.run_id
           WHERE r.id = ?`,
        )
        .get(id) as { run_id: string; job_id: string | null } | undefined;
      if (!row) return null;
      this.db.prepare('DELETE FROM score_results WHERE id = ?').run(id);
      const left = this.db
        .prepare('SELECT COUNT(*) AS n FROM score_results WHERE run_id = ?')
        .get(row.run_id) as { n: number };
      if (left.n === 0) this.db.prepare('DELETE FROM score_runs WHERE id = ?').run(row.run_id);
      return { runId: row.run_id, jobId: row.job_id, runRemoved: left.n === 0 };
    }).immediate(); // reads, then writes: see SqliteJobStore (SQLITE_BUSY_SNAPSHOT in WAL)
  }

  /** A row as a summary, judged fresh or stale now. */
  private summaryOf(row: SummaryRow): ScoreResultSummary {
    const summary = summaryFromRow(row);
    summary.stale = this.freshness.judge({
      target: summary.target,
      path: row.path,
      identity: identityOf(row.file_size, row.file_mtime_ms, row.file_hash),
      referencePath: row.reference_path,
      referenceIdentity: identityOf(row.reference_size, row.reference_mtime_ms, row.reference_hash),
    });
    return summary;
  }
}

/** A recorded identity from its three columns; null unless all three are set. */
export function identityOf(
  sizeBytes: number | null,
  mtimeMs: number | null,
  hash: string | null,
): FileIdentity | null {
  return sizeBytes === null || mtimeMs === null || hash === null
    ? null
    : { sizeBytes, mtimeMs, hash };
}

/** Columns of `score_results` other than the series columns, in insert order. */
const RESULT_COLUMNS = [
  'id',
  'run_id',
  'reference_id',
  'target_kind',
  'target_id',
  'path',
  'label',
  'encoder',
  'width',
  'height',
  'bitrate_kbps',
  'frames',
  'frame_numbers',
  'pooled_json',
  'warnings_json',
  'unavailable_json',
  'preflight_json',
  'fixes_json',
  'alignment_json',
  'model_json',
  'created_at',
  'file_size',
  'file_mtime_ms',
  'file_hash',
] as const;

/**
 * Stores the elementary features of result `resultId` (float64 BLOBs, bit for bit). Every
 * feature must have one value per scored frame: a misaligned one would later be shown against the
 * wrong frames, so it throws (inside the caller's transaction, so nothing of the result remains).
 */
export function insertFeatures(
  db: Db,
  resultId: string,
  features: Readonly<Record<string, readonly number[]>>,
  frames: number,
): void {
  const insert = db.prepare('INSERT INTO score_features (result_id, name, data) VALUES (?, ?, ?)');
  for (const [name, values] of Object.entries(features)) {
    if (values.length !== frames) {
      throw new VqError(
        'INTERNAL',
        `The libvmaf feature ${name} has ${values.length} values for ${frames} scored frames; the score was not stored.`,
        'Please report this with the scoring command.',
      );
    }
    insert.run(resultId, name, packSeries(values));
  }
}

/** The elementary features stored for result `resultId`, by name (empty when none). */
export function readFeatures(db: Db, resultId: string): Record<string, number[]> {
  const rows = db
    .prepare('SELECT name, data FROM score_features WHERE result_id = ? ORDER BY name')
    .all(resultId) as { name: string; data: Buffer }[];
  // fromEntries makes own properties whatever the name (no `__proto__` assignment).
  return Object.fromEntries(rows.map((row) => [row.name, unpackSeries(row.data)]));
}

function toRow(run: ScoreRunRecord, r: NewScoreResult): Record<string, unknown> {
  const s = r.score;
  const pooled: Partial<Record<ScoreSeries, PooledView>> = {};
  for (const key of SCORE_SERIES) {
    const p = s.metrics[key];
    if (p) pooled[key] = pooledView(p);
  }
  const row: Record<string, unknown> = {
    id: r.id,
    run_id: run.id,
    reference_id: run.referenceId,
    target_kind: r.scored.target.kind,
    target_id: r.scored.target.id,
    path: r.scored.path,
    label: r.scored.label,
    encoder: r.scored.encoder,
    width: r.scored.width,
    height: r.scored.height,
    bitrate_kbps: r.scored.bitrateKbps,
    frames: s.frames,
    frame_numbers: packSeries(s.frameNumbers),
    pooled_json: JSON.stringify(pooled),
    warnings_json: JSON.stringify(s.warnings),
    unavailable_json: JSON.stringify(s.unavailable),
    preflight_json: JSON.stringify(s.preflight),
    fixes_json: JSON.stringify(s.fixes),
    alignment_json: JSON.stringify(s.alignment),
    model_json: s.model ? JSON.stringify(s.model) : null,
    created_at: r.createdAt,
    file_size: r.identity?.sizeBytes ?? null,
    file_mtime_ms: r.identity?.mtimeMs ?? null,
    file_hash: r.identity?.hash ?? null,
  };
  for (const key of SCORE_SERIES) {
    const values = s.perFrame[key];
    if (values && values.length !== s.frameNumbers.length) {
      throw new VqError(
        'INTERNAL',
        `The ${key} series has ${values.length} values for ${s.frameNumbers.length} scored frames; the score was not stored.`,
        'Please report this with the scoring command.',
      );
    }
    row[SERIES_COLUMNS[key]] = values ? packSeries(values) : null;
  }
  return row;
}

function summaryFromRow(row: SummaryRow): ScoreResultSummary {
  return {
    id: row.id,
    runId: row.run_id,
    jobId: row.job_id,
    referenceId: row.reference_id,
    target: { kind: row.target_kind as ScoreTarget['kind'], id: row.target_id },
    label: row.label,
    encoder: row.encoder,
    width: row.width,
    height: row.height,
    bitrateKbps: row.bitrate_kbps,
    frames: row.frames,
    metrics: JSON.parse(row.pooled_json) as Partial<Record<ScoreSeries, PooledView>>,
    warnings: JSON.parse(row.warnings_json) as ScoreWarning[],
    unavailable: JSON.parse(row.unavailable_json) as UnavailableMetric[],
    model: row.model_json ? (JSON.parse(row.model_json) as ModelUsed) : null,
    fixes: JSON.parse(row.fixes_json) as FixId[],
    createdAt: row.created_at,
    stale: null,
  };
}

function runFromRow(row: RunRow): ScoreRunRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    referenceId: row.reference_id,
    referencePath: row.reference_path,
    command: JSON.parse(row.command_json) as string[],
    ffmpeg: JSON.parse(row.ffmpeg_json) as ScoreBuild,
    model: row.model_json ? (JSON.parse(row.model_json) as ModelUsed) : null,
    startedAt: row.started_at,
    durationMs: row.duration_ms,
    referenceIdentity: identityOf(row.reference_size, row.reference_mtime_ms, row.reference_hash),
  };
}
