/** How each score series is named, printed and charted. */
import { LOWER_IS_BETTER, SERIES_LABELS, type ScoreSeries } from '../../../../shared/score';
import type { AxisBounds } from './frameSeries';

/** Names, precision and axis of one series. */
export interface SeriesInfo {
  /** Column and chart name: "VMAF", "PSNR-Y" (shared/score.ts `SERIES_LABELS`). */
  label: string;
  /** What it is, for a tooltip. */
  description: string;
  /** Decimals a value is shown with. */
  decimals: number;
  /** Unit after a value, if any. */
  unit: string;
  bounds: AxisBounds;
}

/** Every series a run can return (shared/score.ts defines what each one measures). */
export const SERIES_INFO: Readonly<Record<ScoreSeries, SeriesInfo>> = {
  vmaf: {
    label: SERIES_LABELS.vmaf,
    description: 'VMAF per frame (libvmaf, with the model of the run)',
    decimals: 2,
    unit: '',
    bounds: { floor: 0, ceiling: 100, full: true },
  },
  psnrY: {
    label: SERIES_LABELS.psnrY,
    description: 'Luma PSNR (ffmpeg psnr filter, psnr_y)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  psnr: {
    label: SERIES_LABELS.psnr,
    description: 'PSNR of all planes as the psnr filter defines it (psnr_avg)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  ssimY: {
    label: SERIES_LABELS.ssimY,
    description: 'Luma SSIM (ffmpeg ssim filter, Y)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
  ssim: {
    label: SERIES_LABELS.ssim,
    description: 'SSIM of all planes (ffmpeg ssim filter, All)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
  msSsim: {
    label: SERIES_LABELS.msSsim,
    description: 'Multi-scale SSIM of the luma plane (libvmaf)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
  xpsnr: {
    label: SERIES_LABELS.xpsnr,
    description: 'Luma XPSNR: PSNR weighted by how visible the error is (ffmpeg xpsnr filter, y)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  xpsnrU: {
    label: SERIES_LABELS.xpsnrU,
    description: 'XPSNR of the Cb plane (ffmpeg xpsnr filter, u)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  xpsnrV: {
    label: SERIES_LABELS.xpsnrV,
    description: 'XPSNR of the Cr plane (ffmpeg xpsnr filter, v)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  cambi: {
    label: SERIES_LABELS.cambi,
    description:
      'CAMBI banding index of the distorted video (libvmaf): 0 = no visible banding, up to 24. Lower is better.',
    decimals: 2,
    unit: '',
    bounds: { floor: 0, ceiling: 24 },
  },
};

/** True for a series where a lower value is better (CAMBI): its worst frames are its highest. */
export function lowerIsBetter(series: ScoreSeries): boolean {
  return LOWER_IS_BETTER.has(series);
}

/** The y-axis title of a series: "PSNR-Y (dB)", "CAMBI (lower is better)". */
export function axisLabel(series: ScoreSeries): string {
  const info = SERIES_INFO[series];
  const unit = info.unit ? ` (${info.unit})` : '';
  return lowerIsBetter(series) ? `${info.label}${unit} (lower is better)` : `${info.label}${unit}`;
}

/**
 * The axis bounds of a series for results whose VMAF model tops out at `vmafMaxScore` (110 for
 * the 4K-at-3H VMAF v1 models, else 100): VMAF reads against the whole scale of its model.
 */
export function seriesBounds(series: ScoreSeries, vmafMaxScore = 100): AxisBounds {
  const bounds = SERIES_INFO[series].bounds;
  return series === 'vmaf' ? { ...bounds, ceiling: vmafMaxScore } : bounds;
}

/** What a per-frame chart needs to know about its y axis (FrameChart). */
export interface FrameChartAxis {
  /** Short name for the aria label, the threshold mark and empty states: "VMAF", "ADM". */
  name: string;
  /** The y-axis title: "PSNR-Y (dB)", "CAMBI (lower is better)". */
  title: string;
  /** Part of the PNG file name: "vmaf", "features-adm". */
  fileKey: string;
  /** Decimals of the values (ticks show 3 when this is above 2, else 0). */
  decimals: number;
  bounds: AxisBounds;
  /** A value as the legend prints it. */
  format: (v: number | null) => string;
}

/** The chart axis of a score series (VMAF on its model's whole scale: {@link seriesBounds}). */
export function seriesAxis(series: ScoreSeries, vmafMaxScore = 100): FrameChartAxis {
  const info = SERIES_INFO[series];
  return {
    name: info.label,
    title: axisLabel(series),
    fileKey: series,
    decimals: info.decimals,
    bounds: seriesBounds(series, vmafMaxScore),
    format: (v) => scoreText(series, v),
  };
}

/** The top of the VMAF scale among results (`ModelUsed.maxScore`, absent = 100): the highest. */
export function vmafMaxScoreOf(
  results: readonly { model: { maxScore?: number } | null }[],
): number {
  return Math.max(100, ...results.map((r) => r.model?.maxScore ?? 100));
}

/**
 * A score as text with the series' precision: "93.27", "41.06 dB" with `withUnit`; "∞" for
 * PSNR's +Infinity (identical frames); "–" when missing.
 */
export function scoreText(
  series: ScoreSeries,
  value: number | null | undefined,
  withUnit = false,
): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  const info = SERIES_INFO[series];
  const text = value === Infinity ? '∞' : value.toFixed(info.decimals);
  return withUnit && info.unit ? `${text} ${info.unit}` : text;
}

/** A share 0..1 as a percentage: "12.5%", "0%". */
export function shareText(share: number | null | undefined): string {
  if (share === null || share === undefined || !Number.isFinite(share)) return '–';
  const pct = share * 100;
  return `${pct === 0 || pct === 100 ? pct.toFixed(0) : pct.toFixed(1)}%`;
}
