/** How each quality figure of a rendition is named, printed and bounded on the chart's axis. */
import type { RdQuality, RdRendition } from '../../../../shared/analysis';

/** Name, precision and axis bounds of one figure. */
export interface FigureInfo {
  label: string;
  decimals: number;
  bounds: { floor?: number; ceiling?: number };
}

/** Every figure a rendition carries, in tooltip order. */
export const FIGURES: Readonly<Record<keyof RdRendition['metrics'], FigureInfo>> = {
  vmafMean: { label: 'VMAF (mean)', decimals: 2, bounds: { floor: 0, ceiling: 100 } },
  vmafHmean: { label: 'VMAF (harmonic mean)', decimals: 2, bounds: { floor: 0, ceiling: 100 } },
  vmafP5: { label: 'VMAF (5th percentile)', decimals: 2, bounds: { floor: 0, ceiling: 100 } },
  psnrY: { label: 'PSNR-Y (dB)', decimals: 2, bounds: { floor: 0 } },
  psnr: { label: 'PSNR (dB)', decimals: 2, bounds: { floor: 0 } },
  ssim: { label: 'SSIM', decimals: 4, bounds: { ceiling: 1 } },
  msSsim: { label: 'MS-SSIM', decimals: 4, bounds: { ceiling: 1 } },
};

/** The info of a chartable figure. */
export function figureInfo(q: RdQuality): FigureInfo {
  return FIGURES[q];
}

/** A figure's value as shown: fixed decimals, "–" when not measured. */
export function figureText(key: keyof RdRendition['metrics'], v: number | null): string {
  return v === null || !Number.isFinite(v) ? '–' : v.toFixed(FIGURES[key].decimals);
}

/** Every measured figure of a rendition as label and text (the tooltip's rows). */
export function renditionFigures(r: RdRendition): { label: string; value: string }[] {
  return (Object.keys(FIGURES) as (keyof RdRendition['metrics'])[])
    .filter((k) => r.metrics[k] !== null)
    .map((k) => ({ label: FIGURES[k].label, value: figureText(k, r.metrics[k]) }));
}
