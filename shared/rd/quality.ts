/**
 * The quality figures a rate–quality curve, hull, BD-rate or ladder pick can be drawn against:
 * their names, the score series each is pooled from, and which way each is better. Pure; shared by
 * the analysis types (shared/analysis.ts), per-title runs (shared/perTitle.ts), results files and
 * the views.
 */
import { LOWER_IS_BETTER, type ScoreSeries } from '../score';
import type { QualityDirection } from './hull';

/** The quality figures a rate–quality curve can be drawn against. */
export type RdQuality =
  'vmafMean' | 'vmafHmean' | 'vmafP5' | 'psnrY' | 'psnr' | 'ssim' | 'msSsim' | 'xpsnr' | 'cambi';

/** Every {@link RdQuality}, in the order a picker lists them. */
export const RD_QUALITIES: readonly RdQuality[] = [
  'vmafMean',
  'vmafHmean',
  'vmafP5',
  'psnrY',
  'psnr',
  'ssim',
  'msSsim',
  'xpsnr',
  'cambi',
];

/**
 * The name of each {@link RdQuality} in running text, headings and table columns. Axis titles and
 * pickers add which way is better: {@link rdQualityTitle}.
 */
export const RD_QUALITY_LABELS: Readonly<Record<RdQuality, string>> = {
  vmafMean: 'VMAF (mean)',
  vmafHmean: 'VMAF (harmonic mean)',
  vmafP5: 'VMAF (5th percentile)',
  psnrY: 'PSNR-Y (dB)',
  psnr: 'PSNR (dB)',
  ssim: 'SSIM',
  msSsim: 'MS-SSIM',
  xpsnr: 'XPSNR-Y (dB)',
  cambi: 'CAMBI',
};

/** The score series each figure is pooled from. */
export const RD_QUALITY_SERIES: Readonly<Record<RdQuality, ScoreSeries>> = {
  vmafMean: 'vmaf',
  vmafHmean: 'vmaf',
  vmafP5: 'vmaf',
  psnrY: 'psnrY',
  psnr: 'psnr',
  ssim: 'ssim',
  msSsim: 'msSsim',
  xpsnr: 'xpsnr',
  cambi: 'cambi',
};

/**
 * Which way a figure is better: 'lower' for CAMBI (shared/score.ts `LOWER_IS_BETTER`), else
 * 'higher'. Hulls, curves and BD-rate take it (shared/rd).
 */
export function rdQualityDirection(quality: RdQuality): QualityDirection {
  return LOWER_IS_BETTER.has(RD_QUALITY_SERIES[quality]) ? 'lower' : 'higher';
}

/**
 * A figure as an axis title or picker option names it: its label, plus "(lower is better)" for a
 * lower-is-better one ("CAMBI (lower is better)"), where nothing else near it says so.
 */
export function rdQualityTitle(quality: RdQuality): string {
  const label = RD_QUALITY_LABELS[quality];
  return rdQualityDirection(quality) === 'lower' ? `${label} (lower is better)` : label;
}

/**
 * Why a figure cannot be the target of a recommended ladder, or null when it can. CAMBI cannot:
 * it rates banding of the encode alone, with no reference, so a blurred rung can score 0, and it
 * has no target or just-noticeable step like VMAF's (shared/rd/ladderPick.ts).
 */
export function ladderQualityProblem(quality: RdQuality): string | null {
  if (rdQualityDirection(quality) === 'higher') return null;
  return `${RD_QUALITY_LABELS[quality]} cannot pick a ladder: it rates banding of the encode alone (no reference), so a blurred rung can score 0, and a lower-is-better figure has no target quality like VMAF 95. Pick the ladder on VMAF and read CAMBI beside it.`;
}

/**
 * The figure `quality` names, from the pooled statistics of its series (`RD_QUALITY_SERIES`):
 * the harmonic mean for vmafHmean, the 5th percentile for vmafP5, else the mean.
 */
export function pooledFigure<T>(
  pooled: { mean?: T; harmonicMean?: T; p5?: T },
  quality: RdQuality,
): T | undefined {
  return quality === 'vmafHmean'
    ? pooled.harmonicMean
    : quality === 'vmafP5'
      ? pooled.p5
      : pooled.mean;
}
