/**
 * Rows of `score_runs` and `score_results`: stored quality scores with everything needed to
 * reproduce them. Per-frame series are float64 BLOBs (one per series), so a stored value equals
 * the computed one bit for bit; lists read no BLOB.
 */
import type { FixId, PreflightFinding } from '../../../shared/preflight';
import {
  SCORE_SERIES,
  type Alignment,
  type DistortedScore,
  type ModelUsed,
  type ScoreBuild,
  type ScoreSeries,
  type ScoreWarning,
  type UnavailableMetric,
} from '../../../shared/score';
import {
  pooledView,
  type PooledView,
  type ScoreResultSummary,
  type ScoreTarget,
} from '../../../shared/scoreResults';
import { packSeries, unpackSeries } from '../score/frameBlob';
import type { Db } from './db';

/** The column of each series. */
const SERIES_COLUMN: Readonly<Record<ScoreSeries, string>> = {
  vmaf: 'vmaf',
  psnrY: 'psnr_y',
  psnr: 'psnr',
  ssimY: 'ssim_y',
  ssim: 'ssim',
  msSsim: 'ms_ssim',
};

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
}

/** A stored result with its per-frame series and its run (for `scores.get` and export). */
export interface StoredScoreResult {
  summary: ScoreResultSummary;
  path: string;
  run: ScoreRunRecord;
  frameNumbers: number[];
  perFrame: Partial<Record<ScoreSeries, number[]>>;
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
}

const SUMMARY_COLUMNS = `r.id, r.run_id, u.job_id, r.reference_id, r.target_kind, r.target_id, r.path,
  r.label, r.encoder, r.width, r.height, r.bitrate_kbps, r.frames, r.pooled_json, r.warnings_json,
  r.unavailable_json, r.fixes_json, r.model_json, r.created_at`;

/** Reads and writes stored scores. */
export class ScoreRepo {
  constructor(private readonly db: Db) {}

  /** Stores one run and its results in one transaction; returns their summaries. */
  insertRun(run: ScoreRunRecord, results: NewScoreResult[]): ScoreResultSummary[] {
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO score_runs (id, job_id, reference_id, reference_path, command_json,
             ffmpeg_json, model_json, started_at, duration_ms)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        );
      const insert = this.db.prepare(
        `INSERT INTO score_results (id, run_id, reference_id, target_kind, target_id, path, label,
           encoder, width, height, bitrate_kbps, frames, frame_numbers, vmaf, psnr_y, psnr, ssim_y,
           ssim, ms_ssim, pooled_json, warnings_json, unavailable_json, preflight_json, fixes_json,
           alignment_json, model_json, created_at)
         VALUES (@id, @run_id, @reference_id, @target_kind, @target_id, @path, @label, @encoder,
           @width, @height, @bitrate_kbps, @frames, @frame_numbers, @vmaf, @psnr_y, @psnr, @ssim_y,
           @ssim, @ms_ssim, @pooled_json, @warnings_json, @unavailable_json, @preflight_json,
           @fixes_json, @alignment_json, @model_json, @created_at)`,
      );
      for (const r of results) insert.run(toRow(run, r));
    })();
    return results.map((r) => this.summary(r.id)!);
  }

  /** Summaries of results with this library item as the reference, newest first. */
  listByReference(referenceId: string): ScoreResultSummary[] {
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.reference_id = ? ORDER BY r.created_at DESC, r.rowid ASC`,
      )
      .all(referenceId) as SummaryRow[];
    return rows.map(summaryFromRow);
  }

  /** Summaries of the results a queue job stored. */
  listByJob(jobId: string): ScoreResultSummary[] {
    const rows = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE u.job_id = ? ORDER BY r.rowid ASC`,
      )
      .all(jobId) as SummaryRow[];
    return rows.map(summaryFromRow);
  }

  /** One summary by id. */
  summary(id: string): ScoreResultSummary | null {
    const row = this.db
      .prepare(
        `SELECT ${SUMMARY_COLUMNS} FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.id = ?`,
      )
      .get(id) as SummaryRow | undefined;
    return row ? summaryFromRow(row) : null;
  }

  /** One result with its series and run, or null. */
  get(id: string): StoredScoreResult | null {
    const row = this.db
      .prepare(
        `SELECT r.*, u.job_id FROM score_results r JOIN score_runs u ON u.id = r.run_id
         WHERE r.id = ?`,
      )
      .get(id) as FullRow | undefined;
    if (!row) return null;
    const run = this.db.prepare('SELECT * FROM score_runs WHERE id = ?').get(row.run_id) as RunRow;
    const perFrame: Partial<Record<ScoreSeries, number[]>> = {};
    for (const s of SCORE_SERIES) {
      const blob = row[SERIES_COLUMN[s] as keyof FullRow] as Buffer | null;
      if (blob) perFrame[s] = unpackSeries(blob);
    }
    return {
      summary: summaryFromRow(row),
      path: row.path,
      run: runFromRow(run),
      frameNumbers: unpackSeries(row.frame_numbers),
      perFrame,
      alignment: JSON.parse(row.alignment_json) as Alignment,
      preflight: JSON.parse(row.preflight_json) as PreflightFinding[],
    };
  }

  /**
   * Deletes one result, and its run when it was the run's last; returns the run id and whether
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
  };
  for (const key of SCORE_SERIES) {
    const values = s.perFrame[key];
    row[SERIES_COLUMN[key]] = values ? packSeries(values) : null;
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
  };
}
