/** How each score series is named, printed and charted. */
import type { ScoreSeries } from '../../../../shared/score';
import type { AxisBounds } from './frameSeries';

/** Names, precision and axis of one series. */
export interface SeriesInfo {
  /** Column and chart name: "VMAF", "PSNR-Y". */
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
    label: 'VMAF',
    description: 'VMAF per frame (libvmaf, with the model of the run)',
    decimals: 2,
    unit: '',
    bounds: { floor: 0, ceiling: 100, full: true },
  },
  psnrY: {
    label: 'PSNR-Y',
    description: 'Luma PSNR (ffmpeg psnr filter, psnr_y)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  psnr: {
    label: 'PSNR',
    description: 'PSNR of all planes as the psnr filter defines it (psnr_avg)',
    decimals: 2,
    unit: 'dB',
    bounds: { floor: 0 },
  },
  ssimY: {
    label: 'SSIM-Y',
    description: 'Luma SSIM (ffmpeg ssim filter, Y)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
  ssim: {
    label: 'SSIM',
    description: 'SSIM of all planes (ffmpeg ssim filter, All)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
  msSsim: {
    label: 'MS-SSIM',
    description: 'Multi-scale SSIM of the luma plane (libvmaf)',
    decimals: 4,
    unit: '',
    bounds: { ceiling: 1 },
  },
};

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
