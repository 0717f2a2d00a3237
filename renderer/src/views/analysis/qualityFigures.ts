/** How each quality figure of a rendition is named, printed and bounded on the chart's axis. */
import { type RdRendition } from '../../../../shared/analysis';
import {
  rdQualityDirection,
  rdQualityTitle,
  RD_QUALITY_LABELS,
  type RdQuality,
} from '../../../../shared/rd/quality';
import type { QualityDirection } from '../../../../shared/rd';
import { isVmafV1Model } from '../../../../shared/score';

/** Name, precision, axis bounds and better side of one figure. */
export interface FigureInfo {
  /** Its name in text, headings and columns: "VMAF (mean)", "CAMBI". */
  label: string;
  /** Axis title and picker option: the label, plus "(lower is better)" for CAMBI. */
  title: string;
  decimals: number;
  bounds: { floor?: number; ceiling?: number };
  /** Which way is better: 'lower' for CAMBI (its hull is the lower envelope). */
  direction: QualityDirection;
}

function figure(q: RdQuality, decimals: number, bounds: FigureInfo['bounds']): FigureInfo {
  return {
    label: RD_QUALITY_LABELS[q],
    title: rdQualityTitle(q),
    decimals,
    bounds,
    direction: rdQualityDirection(q),
  };
}

const VMAF_BOUNDS = { floor: 0, ceiling: 100 };

/** Every figure a rendition carries, in tooltip order. */
export const FIGURES: Readonly<Record<RdQuality, FigureInfo>> = {
  vmafMean: figure('vmafMean', 2, VMAF_BOUNDS),
  vmafHmean: figure('vmafHmean', 2, VMAF_BOUNDS),
  vmafP5: figure('vmafP5', 2, VMAF_BOUNDS),
  psnrY: figure('psnrY', 2, { floor: 0 }),
  psnr: figure('psnr', 2, { floor: 0 }),
  ssim: figure('ssim', 4, { ceiling: 1 }),
  msSsim: figure('msSsim', 4, { ceiling: 1 }),
  xpsnr: figure('xpsnr', 2, { floor: 0 }),
  cambi: figure('cambi', 2, { floor: 0, ceiling: 24 }),
};

/** The info of a chartable figure. */
export function figureInfo(q: RdQuality): FigureInfo {
  return FIGURES[q];
}

/** True for the figures pooled from VMAF (their scale is the model's). */
function isVmaf(q: RdQuality): boolean {
  return q === 'vmafMean' || q === 'vmafHmean' || q === 'vmafP5';
}

/**
 * The axis bounds of a figure for these renditions: a VMAF figure reads up to 110 when a point's
 * model tops out there (the 4K-at-3H VMAF v1 models), else its fixed bounds.
 */
export function figureBounds(
  q: RdQuality,
  points: readonly Pick<RdRendition, 'vmafModel'>[],
): FigureInfo['bounds'] {
  const bounds = FIGURES[q].bounds;
  if (!isVmaf(q)) return bounds;
  return { ...bounds, ceiling: Math.max(100, ...points.map((p) => p.vmafModel?.maxScore ?? 100)) };
}

/** "vmaf_v0.6.1", or "vmaf_v0.6.1 (phone transform)" when the model's transform was on. */
function modelName(m: NonNullable<RdRendition['vmafModel']>): string {
  return m.transform ? `${m.name} (phone transform)` : m.name;
}

/**
 * Why a VMAF figure of these renditions should not be read as one scale, or null: they were
 * scored with different VMAF models (v0.6.1 and a v1 model, NEG, 4K) or with and without the
 * phone transform, whose numbers differ for the same picture.
 */
export function mixedVmafModels(
  q: RdQuality,
  points: readonly Pick<RdRendition, 'vmafModel' | 'cambiModel' | 'metrics'>[],
): string | null {
  if (q === 'cambi') return mixedCambiMeasures(points);
  if (!isVmaf(q)) return null;
  const names = [
    ...new Set(
      points
        .filter((p) => p.metrics[q] !== null && p.vmafModel)
        .map((p) => modelName(p.vmafModel!)),
    ),
  ].sort();
  if (names.length < 2) return null;
  return `These renditions were scored with different VMAF models (${names.join(', ')}): each model has its own scale, so curves, the hull and BD-rate across them compare unlike numbers. Score them again with one model.`;
}

/**
 * Why the CAMBI figures of these renditions should not be read as one scale, or null: some were
 * measured in a VMAF v1 run (10-bit frames, told the encode size) and some in another run (8-bit
 * frames), which differ for renditions scaled up for the comparison (shared/analysis.ts).
 */
function mixedCambiMeasures(
  points: readonly Pick<RdRendition, 'cambiModel' | 'metrics'>[],
): string | null {
  const kinds = new Set(
    points
      .filter((p) => p.metrics.cambi !== null && p.cambiModel)
      .map((p) => isVmafV1Model(p.cambiModel!)),
  );
  if (kinds.size < 2) return null;
  return 'CAMBI of these renditions was measured in runs with a VMAF v1 model (on 10-bit frames, told the encode size, as Netflix recommends) and in runs without one (on 8-bit frames): for renditions scaled up for the comparison the two differ. Score CAMBI again in one kind of run.';
}

/** A figure's value as shown: fixed decimals, "–" when not measured. */
export function figureText(key: RdQuality, v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : v.toFixed(FIGURES[key].decimals);
}

/** Every measured figure of a rendition as label and text (the tooltip's rows). */
export function renditionFigures(r: RdRendition): { label: string; value: string }[] {
  return (Object.keys(FIGURES) as RdQuality[])
    .filter((k) => r.metrics[k] !== null && r.metrics[k] !== undefined)
    .map((k) => ({ label: FIGURES[k].label, value: figureText(k, r.metrics[k]) }));
}
