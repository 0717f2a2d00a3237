/**
 * Rate–quality analysis of one source: every scored rendition as a point (measured bitrate, rung
 * facts, pooled metrics), the pooled export, and the per-title runs that turn a CRF grid into a
 * recommended ladder. Pure types and small pure functions, shared by the main-side analysis
 * service, the CLI and the renderer's Analysis view.
 */
import type { RateControl } from './ladder';
import { RD_QUALITY_SERIES, type RdQuality } from './rd/quality';
import { SERIES_COLUMNS } from './score';
import type { ScoreStale } from './scoreResults';

/** One scored rendition of a source as a point for rate–quality analysis. */
export interface RdRendition {
  renditionId: string;
  /**
   * The newest score result the point's figures come from: the newest result of this rendition
   * against the source, unless that one is stale and an older one is not (a stale result never
   * gives a figure to a fresh point). Older results may give figures it lacks: `scoreResultIds`.
   */
  scoreResultId: string;
  /**
   * Every result a figure of the point comes from, newest first (`scoreResultId` first): several
   * when a later score measured other metrics (CAMBI, XPSNR asked for later). Absent in data stored
   * before points could merge results.
   */
  scoreResultIds?: string[];
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
  /** The rung's rate control in words, e.g. "CRF 23", "ABR 3000 kb/s" (shared/rungText.ts). */
  rateControl: string;
  /** The rung's encoder preset; null = the encoder's default. Curves group by it (shared/rd). */
  preset: string | null;
  /** The rung's rate-control mode; its family (CRF vs ABR/CBR) groups curves (shared/rd). */
  rateMode: RateControl['mode'];
  /** Measured video bitrate, bits/s (probe; file size over duration when the probe had none). */
  bitrate: number;
  sizeBytes: number;
  /**
   * Pooled figures, each from the newest fresh result that has its series (of a stale point: the
   * newest result that has it; null when none computed it, or it is not finite): VMAF mean,
   * libvmaf's harmonic mean and 5th percentile; `psnr` is ffmpeg's psnr_avg and `psnrY` the luma
   * PSNR, `ssim` the ssim filter's All figure, `msSsim` libvmaf's MS-SSIM, `xpsnr` the luma XPSNR
   * (dB) and `cambi` libvmaf's CAMBI banding index (lower is better) — each the mean over frames.
   */
  metrics: Record<RdQuality, number | null>;
  /**
   * The VMAF model of the result that gave the VMAF figures, the top of its scale (100; 110 for
   * the 4K VMAF v1 models) and `transform: true` when its score transform was on (the phone model:
   * the same model, other numbers); null when VMAF was not computed. Absent in data stored before
   * it was recorded.
   */
  vmafModel?: { name: string; maxScore: number; transform?: boolean } | null;
  /**
   * The VMAF model of the run whose result gave the CAMBI figure: a VMAF v1 run measures CAMBI on
   * 10-bit frames told the encode size (Netflix's recipe), other runs on the 8-bit frames, which
   * differ for a rendition scaled up for the comparison. Null or absent when not known.
   */
  cambiModel?: string | null;
  /** When the `scoreResultId` result was stored (ISO). */
  createdAt: string;
  /**
   * Null when a score measured the file as it is; else why none does any more (the rendition was
   * encoded again, its file changed or is missing). Stale points are never drawn or computed from.
   */
  stale: ScoreStale;
}

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

/**
 * The figures of the pooled CSV that are a series' mean, in column order; each column is named as
 * its series is everywhere (shared/score.ts SERIES_COLUMNS: `psnr_y`, `xpsnr_y`…).
 */
const SERIES_MEAN_FIGURES: readonly RdQuality[] = [
  'psnr',
  'psnrY',
  'ssim',
  'msSsim',
  'xpsnr',
  'cambi',
];

/** Columns of the pooled CSV, in order. `quality` repeats `vmaf_mean` (see {@link analysisCsv}). */
export const ANALYSIS_CSV_COLUMNS: readonly string[] = [
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
  ...SERIES_MEAN_FIGURES.map((q) => SERIES_COLUMNS[RD_QUALITY_SERIES[q]]),
  'score_result_id',
  'batch_id',
  'created_at',
];

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
        ...SERIES_MEAN_FIGURES.map((q) => csvNumber(m[q])),
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
