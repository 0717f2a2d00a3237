/** Small facts about the library's tables that export and import share. */
import type { ScoreSeries } from '../../../shared/score';
import type { Db } from '../store/db';

/** A row as better-sqlite3 returns it. */
export type Row = Record<string, unknown>;

/** The `score_results` column of each per-frame series (as in store/scoreRepo.ts). */
export const SERIES_COLUMN: Readonly<Record<ScoreSeries, string>> = {
  vmaf: 'vmaf',
  psnrY: 'psnr_y',
  psnr: 'psnr',
  ssimY: 'ssim_y',
  ssim: 'ssim',
  msSsim: 'ms_ssim',
};

/** True when the library has the per-title table (schema migration 4 and later). */
export function hasPerTitleRuns(db: Db): boolean {
  return Boolean(
    db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'pertitle_runs'`).get(),
  );
}
