/**
 * The Target quality form (a CRF search on the source): what the person typed, its defaults, the
 * `target.start` request it means with a problem named per field, and the one-rung ladder that
 * queues a search's answer as an encode.
 */
import {
  CRF_SEARCH_ENCODERS,
  DEFAULT_SAMPLE_SECONDS,
  type CrfSearchRequest,
  type CrfSearchResult,
} from '../../../../shared/crfSearch';
import type { LibraryItem } from '../../../../shared/library';
import type { Ladder, SoftwareEncoder } from '../../../../shared/ladder';
import { RD_QUALITY_LABELS, type RdQuality } from '../../../../shared/rd/quality';

/** The figures a search can aim at (higher is better), in the order the picker lists them. */
export const TARGET_METRICS: readonly Exclude<RdQuality, 'cambi'>[] = [
  'vmafMean',
  'vmafP5',
  'vmafHmean',
  'psnrY',
  'psnr',
  'ssim',
  'msSsim',
  'xpsnr',
];

/** The form as filled in; null numbers are left empty (the default applies). */
export interface TargetForm {
  encoder: SoftwareEncoder;
  /** '' = the encoder's default preset. */
  preset: string;
  metric: Exclude<RdQuality, 'cambi'>;
  target: number | null;
  samples: number | null;
  sampleSeconds: number | null;
  verify: boolean;
}

export const DEFAULT_TARGET_FORM: TargetForm = {
  encoder: 'libx264',
  preset: '',
  metric: 'vmafMean',
  target: 93,
  samples: null,
  sampleSeconds: null,
  verify: false,
};

/** The request the form means, or the problem of each field. */
export function targetRequestOf(
  sourceId: string,
  f: TargetForm,
): { request: CrfSearchRequest | null; errors: Partial<Record<keyof TargetForm, string>> } {
  const errors: Partial<Record<keyof TargetForm, string>> = {};
  const ceiling = f.metric.startsWith('vmaf')
    ? 100
    : f.metric === 'ssim' || f.metric === 'msSsim'
      ? 1
      : 100;
  if (f.target === null) errors.target = 'Give the quality to aim at.';
  else if (!(f.target > 0 && f.target <= ceiling))
    errors.target = `${RD_QUALITY_LABELS[f.metric]} targets run above 0 up to ${ceiling}.`;
  if (f.samples !== null && !(Number.isInteger(f.samples) && f.samples >= 1 && f.samples <= 100))
    errors.samples = 'A whole number of samples, 1 to 100.';
  if (f.sampleSeconds !== null && !(f.sampleSeconds >= 0.2 && f.sampleSeconds <= 60))
    errors.sampleSeconds = 'A sample lasts 0.2 to 60 seconds.';
  if (Object.keys(errors).length) return { request: null, errors };
  return {
    request: {
      sourceId,
      encoder: f.encoder,
      preset: f.preset || null,
      metric: f.metric,
      target: f.target!,
      ...(f.samples !== null ? { samples: f.samples } : {}),
      ...(f.sampleSeconds !== null ? { sampleSeconds: f.sampleSeconds } : {}),
      verify: f.verify,
    },
    errors,
  };
}

/** What the sample fields mean when empty. */
export function sampleDefaultsText(): string {
  return `about 3 % of the title in ${DEFAULT_SAMPLE_SECONDS} s samples, 4 to 20 of them`;
}

/** CRF increments of an encoder, for the lead text. */
export function crfStepText(encoder: SoftwareEncoder): string {
  const e = CRF_SEARCH_ENCODERS[encoder];
  return `CRF ${e.min}–${e.max} in steps of ${e.increment}`;
}

/**
 * A one-rung ladder that encodes the source at the CRF a search found, at the height it searched
 * at, its audio as AAC, MP4 (any software encoder goes there).
 */
export function ladderForResult(source: LibraryItem, r: CrfSearchResult): Ladder {
  const v = source.media.video;
  const crfText = String(r.crf).replace('.', '_');
  const target = String(r.target).replace('.', '-');
  return {
    id: `target-${target}-crf-${crfText.replace('_', '-')}`.toLowerCase().slice(0, 64),
    name: `${RD_QUALITY_LABELS[r.metric]} ${r.target}: ${r.encoder} CRF ${r.crf}`,
    description: `Found by a CRF search on ${r.samples.length} sample(s) of ${source.fileName}: predicted ${r.predicted.vmaf.toFixed(2)} ± ${r.predicted.error.toFixed(2)}.`,
    rungs: [
      {
        id: `crf${crfText}`,
        width: null,
        height: r.height,
        encoder: r.encoder,
        rateControl: { mode: 'crf', crf: r.crf },
        preset: r.preset,
        gopSeconds: null,
        fixedGop: false,
        pixFmt: v.bitDepth > 8 ? 'yuv420p10le' : 'yuv420p',
        fpsCap: null,
        audio: source.media.audio.length ? { mode: 'aac', bitrateKbps: 128 } : { mode: 'none' },
        container: 'mp4',
      },
    ],
  };
}
