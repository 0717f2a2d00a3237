/**
 * Rate–quality analysis of one source: every scored rendition as a point (measured bitrate, rung
 * facts, pooled metrics), the pooled export, and the per-title runs that turn a CRF grid into a
 * recommended ladder. Pure types and small pure functions, shared by the main-side analysis
 * service, the CLI and the renderer's Analysis view.
 */
import type { Ladder, RateControl } from './ladder';
import type { PerTitleSettings } from './perTitle';
import type { ScoreStale } from './scoreResults';

/** One scored rendition of a source as a point for rate–quality analysis. */
export interface RdRendition {
  renditionId: string;
  /** The newest score result of this rendition against the source. */
  scoreResultId: string;
  batchId: string;
  /** The encode job that made the rendition; null when it is not known any more. */
  jobId: string | null;
  /** The ladder of the rendition's batch (null when the batch is gone). */
  ladderId: string | null;
  ladderName: string | null;
  rungId: string;
  /** Rung label as shown elsewhere (the rung id). */
  label: string;
  encoder: string;
  /** Measured from the output (probe). */
  width: number;
  height: number;
  /** The rung's rate control in words, e.g. "CRF 23", "ABR 3000k" (shared/rungText.ts). */
  rateControl: string;
  /** The rung's encoder preset; null = the encoder's default. Curves group by it (shared/rd). */
  preset: string | null;
  /** The rung's rate-control mode; its family (CRF vs ABR/CBR) groups curves (shared/rd). */
  rateMode: RateControl['mode'];
  /** Measured video bitrate, bits/s (probe; file size over duration when the probe had none). */
  bitrate: number;
  sizeBytes: number;
  /**
   * Pooled figures of the score result (null when not computed or not finite): VMAF mean,
   * libvmaf's harmonic mean and 5th percentile; `psnr` is ffmpeg's psnr_avg and `psnrY` the luma
   * PSNR, `ssim` the ssim filter's All figure, `msSsim` libvmaf's MS-SSIM — each the mean over frames.
   */
  metrics: {
    vmafMean: number | null;
    vmafHmean: number | null;
    vmafP5: number | null;
    psnr: number | null;
    psnrY: number | null;
    ssim: number | null;
    msSsim: number | null;
  };
  /** When the score result was stored (ISO). */
  createdAt: string;
  /**
   * Null when the score measured the file as it is; else why it no longer does (the rendition was
   * encoded again, its file changed or is missing). Stale points are never drawn or computed from.
   */
  stale: ScoreStale;
}

/** The quality figures a rate–quality curve can be drawn against. */
export type RdQuality = 'vmafMean' | 'vmafHmean' | 'vmafP5' | 'psnrY' | 'psnr' | 'ssim';

/** Every {@link RdQuality}, in the order a picker lists them. */
export const RD_QUALITIES: readonly RdQuality[] = [
  'vmafMean',
  'vmafHmean',
  'vmafP5',
  'psnrY',
  'psnr',
  'ssim',
];

/** A label for each {@link RdQuality} (axis titles, pickers). */
export const RD_QUALITY_LABELS: Readonly<Record<RdQuality, string>> = {
  vmafMean: 'VMAF (mean)',
  vmafHmean: 'VMAF (harmonic mean)',
  vmafP5: 'VMAF (5th percentile)',
  psnrY: 'PSNR-Y (dB)',
  psnr: 'PSNR (dB)',
  ssim: 'SSIM',
};

/** `analysis.get`: the scored renditions of one source, by measured bitrate ascending. */
export interface AnalysisData {
  sourceId: string;
  /** Points whose scores describe the files as they are: curves, hull and BD-rate use these. */
  points: RdRendition[];
  /**
   * Points whose score is stale (`stale` says why), by bitrate: shown as left out, never drawn
   * into a curve, a hull or a BD-rate.
   */
  stalePoints: RdRendition[];
}

/** The value of a quality figure for a point, or null when that figure was not measured. */
export function rdQualityOf(p: Pick<RdRendition, 'metrics'>, quality: RdQuality): number | null {
  return p.metrics[quality];
}

/** Where a per-title run is: encoding the grid, scoring it, done (ladder ready) or failed. */
export type PerTitleStatus = 'encoding' | 'scoring' | 'done' | 'failed';

/** One point of the grid on the convex hull of a finished per-title run. */
export interface PerTitleHullPoint {
  renditionId: string;
  /** `${height}p`: the hull is grouped by resolution. */
  group: string;
  width: number;
  height: number;
  /** bits/s */
  bitrate: number;
  quality: number;
}

/** One rung of the recommended ladder and why it was chosen. */
export interface PerTitlePick {
  /** The rung id in {@link PerTitleRun.ladder}. */
  rungId: string;
  /** The hull point the rung's resolution comes from. */
  renditionId: string;
  width: number;
  height: number;
  /** bits/s of the rung (may be interpolated along the hull). */
  bitrate: number;
  /** The quality expected at that bitrate on the hull. */
  quality: number;
  why: string;
}

/**
 * A per-title run: a CRF grid encoded and scored on one source, then a recommended ladder. (A type
 * alias, not an interface, so it fits `Record<string, unknown>`-shaped schemas such as project files.)
 */
export type PerTitleRun = {
  id: string;
  sourceId: string;
  /** The encode batch of the grid (its score jobs are in the same batch). */
  batchId: string;
  status: PerTitleStatus;
  /** The options in force, defaults filled in. */
  options: PerTitleSettings;
  /** The recommended ladder (fixed-bitrate rungs, top first) once done; not saved by itself. */
  ladder: Ladder | null;
  /** The hull and the picks behind {@link ladder}, once done. */
  hull: PerTitleHullPoint[] | null;
  picks: PerTitlePick[] | null;
  /** Scored grid points the hull was computed over, once done. */
  scoredPoints: number | null;
  /** Why the run failed, in words a person understands. */
  error: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Columns of the pooled CSV, in order. `quality` repeats `vmaf_mean` (see {@link analysisCsv}). */
export const ANALYSIS_CSV_COLUMNS = [
  'rendition_id',
  'label',
  'ladder',
  'encoder',
  'width',
  'height',
  'rate_control',
  'bitrate',
  'size_bytes',
  'quality',
  'vmaf_mean',
  'vmaf_hmean',
  'vmaf_p5',
  'psnr',
  'psnr_y',
  'ssim',
  'ms_ssim',
  'score_result_id',
  'batch_id',
  'created_at',
] as const;

/**
 * Pooled results, one row per rendition, with a header. `bitrate` is bits/s and `quality` is the
 * VMAF mean (a copy of `vmaf_mean`), so the file of one group goes straight into `vq bdrate`,
 * which reads the `bitrate` and `quality` columns and has no choice of figure. Missing or
 * non-finite figures are empty cells; text cells are quoted when they hold `,` `"` or a newline.
 */
export function analysisCsv(points: readonly RdRendition[]): string {
  const lines = [ANALYSIS_CSV_COLUMNS.join(',')];
  for (const p of points) {
    const m = p.metrics;
    lines.push(
      [
        csvText(p.renditionId),
        csvText(p.label),
        csvText(p.ladderName ?? ''),
        csvText(p.encoder),
        String(p.width),
        String(p.height),
        csvText(p.rateControl),
        csvNumber(p.bitrate),
        String(p.sizeBytes),
        csvNumber(m.vmafMean),
        csvNumber(m.vmafMean),
        csvNumber(m.vmafHmean),
        csvNumber(m.vmafP5),
        csvNumber(m.psnr),
        csvNumber(m.psnrY),
        csvNumber(m.ssim),
        csvNumber(m.msSsim),
        csvText(p.scoreResultId),
        csvText(p.batchId),
        csvText(p.createdAt),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Pooled results as JSON: the source, then one object per rendition ({@link RdRendition}). */
export function analysisJson(
  data: Pick<AnalysisData, 'sourceId' | 'points'>,
  source: { fileName: string },
): string {
  return `${JSON.stringify({ sourceId: data.sourceId, source: source.fileName, bitrateUnit: 'bit/s', renditions: data.points }, null, 2)}\n`;
}

function csvText(v: string): string {
  return /[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function csvNumber(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(v);
}
