/**
 * The per-title options form as typed text and numbers, its defaults, and what it means: the
 * `pertitle.start` options and the ladder pick options that "Recommend from current points" uses.
 * Empty fields keep the service's defaults; every problem is named per field.
 */
import { ENCODERS, type SoftwareEncoder } from '../../../../shared/ladder';
import {
  PER_TITLE_CRFS,
  type PerTitleOptions,
  type PerTitleQuality,
} from '../../../../shared/perTitle';
import { DEFAULT_LADDER_PICK, type LadderPickOptions } from '../../../../shared/rd';

/** The form as the person fills it in. */
export interface PerTitleForm {
  encoder: SoftwareEncoder;
  /** '' = the encoder's default preset. */
  preset: string;
  /** CRF values, comma or space separated; '' = the encoder's defaults. */
  crfs: string;
  /** Heights, comma or space separated; '' = standard heights up to the source's. */
  heights: string;
  /** The figure the run's hull and ladder are on (never CAMBI: shared/perTitle.ts). */
  quality: PerTitleQuality;
  /** Ladder pick numbers; null = left empty (the default applies). NaN = not a number. */
  targetQuality: number | null;
  minStepRatio: number | null;
  maxStepRatio: number | null;
  maxQualityGap: number | null;
  /** kb/s in the form; the API takes bits/s. */
  floorKbps: number | null;
  maxRungs: number | null;
}

/** The fields a problem can be about. */
export type PerTitleField = keyof PerTitleForm;

/** The form with every default shown. */
export const DEFAULT_PER_TITLE_FORM: PerTitleForm = {
  encoder: 'libx264',
  preset: '',
  crfs: '',
  heights: '',
  quality: 'vmafMean',
  targetQuality: DEFAULT_LADDER_PICK.targetQuality,
  minStepRatio: DEFAULT_LADDER_PICK.minStepRatio,
  maxStepRatio: DEFAULT_LADDER_PICK.maxStepRatio,
  maxQualityGap: DEFAULT_LADDER_PICK.maxQualityGap,
  floorKbps: DEFAULT_LADDER_PICK.floorBitrate / 1000,
  maxRungs: DEFAULT_LADDER_PICK.maxRungs,
};

/** The default CRF values of an encoder as the placeholder shows them: "18, 22, 26, 30, 34, 38". */
export function defaultCrfText(encoder: SoftwareEncoder): string {
  return PER_TITLE_CRFS[encoder].join(', ');
}

/**
 * Numbers from "18, 22 26;30": separated by commas, semicolons or spaces. An entry that is not a
 * number, or outside [min, max], or (with `even`) odd, is named in the error.
 */
export function parseNumberList(
  text: string,
  rule: { min: number; max: number; integer?: boolean; even?: boolean; what: string },
): { values: number[] } | { error: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  const values: number[] = [];
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isFinite(v)) return { error: `"${p}" is not a number` };
    if (v < rule.min || v > rule.max) {
      return { error: `${rule.what} ${p} is outside ${rule.min}–${rule.max}` };
    }
    if ((rule.integer || rule.even) && !Number.isInteger(v)) {
      return { error: `${rule.what} ${p} is not a whole number` };
    }
    if (rule.even && v % 2 !== 0)
      return { error: `${rule.what} ${p} is odd; 4:2:0 video needs even sizes` };
    if (!values.includes(v)) values.push(v);
  }
  return { values };
}

/** The ladder pick numbers the form gives (empty fields left out), or the problems per field. */
export function pickOptionsOf(form: PerTitleForm): {
  pick: Partial<LadderPickOptions>;
  errors: Partial<Record<PerTitleField, string>>;
} {
  const errors: Partial<Record<PerTitleField, string>> = {};
  const pick: Partial<LadderPickOptions> = {};
  const check = (
    field: PerTitleField,
    v: number | null,
    min: number,
    max: number,
    put: (v: number) => void,
    integer = false,
  ): void => {
    if (v === null) return;
    if (Number.isNaN(v)) errors[field] = 'enter a number';
    else if (v < min || v > max) errors[field] = `between ${min} and ${max}`;
    else if (integer && !Number.isInteger(v)) errors[field] = 'a whole number';
    else put(v);
  };
  check('targetQuality', form.targetQuality, 0, 100, (v) => (pick.targetQuality = v));
  check('minStepRatio', form.minStepRatio, 1, 10, (v) => (pick.minStepRatio = v));
  check('maxStepRatio', form.maxStepRatio, 1, 10, (v) => (pick.maxStepRatio = v));
  check('maxQualityGap', form.maxQualityGap, 0.01, 100, (v) => (pick.maxQualityGap = v));
  check(
    'floorKbps',
    form.floorKbps,
    0,
    1_000_000,
    (v) => (pick.floorBitrate = Math.round(v * 1000)),
  );
  check('maxRungs', form.maxRungs, 1, 20, (v) => (pick.maxRungs = v), true);
  // The picker needs a smallest step above 1, and the largest step at least the smallest one in
  // force (an empty field is the default), or the run fails only after the grid is encoded.
  if (pick.minStepRatio !== undefined && !(pick.minStepRatio > 1)) {
    errors.minStepRatio = 'above 1';
    delete pick.minStepRatio;
  }
  const minStep = pick.minStepRatio ?? DEFAULT_LADDER_PICK.minStepRatio;
  if (
    pick.maxStepRatio !== undefined &&
    errors.minStepRatio === undefined &&
    minStep > pick.maxStepRatio
  ) {
    if (pick.minStepRatio !== undefined) errors.minStepRatio = 'must not exceed the largest step';
    else errors.maxStepRatio = `at least the smallest step ${minStep}`;
  }
  return { pick, errors };
}

/** The `pertitle.start` options of the form, or the problems per field. */
export function perTitleOptionsOf(form: PerTitleForm): {
  options: PerTitleOptions;
  errors: Partial<Record<PerTitleField, string>>;
} {
  const { pick, errors } = pickOptionsOf(form);
  const options: PerTitleOptions = { encoder: form.encoder, quality: form.quality };
  const preset = form.preset.trim();
  if (preset) {
    const presets = ENCODERS[form.encoder].presets as readonly string[];
    if (presets.includes(preset)) options.preset = preset;
    else errors.preset = `${ENCODERS[form.encoder].label} presets are ${presets.join(', ')}`;
  }
  if (form.crfs.trim()) {
    const { min, max } = ENCODERS[form.encoder].crf;
    const r = parseNumberList(form.crfs, { min, max, what: 'CRF' });
    if ('error' in r) errors.crfs = r.error;
    else if (r.values.length < 2) errors.crfs = 'give at least 2 CRF values';
    else if (r.values.length > 12) errors.crfs = 'at most 12 CRF values';
    else options.crfs = [...r.values].sort((a, b) => a - b);
  }
  if (form.heights.trim()) {
    const r = parseNumberList(form.heights, { min: 16, max: 8192, even: true, what: 'Height' });
    if ('error' in r) errors.heights = r.error;
    else if (r.values.length > 8) errors.heights = 'at most 8 heights';
    else if (r.values.length) options.heights = [...r.values].sort((a, b) => b - a);
  }
  if (Object.keys(pick).length) options.pick = pick;
  return { options, errors };
}

/** How many encodes the grid makes, when the form says (null: it depends on the source). */
export function gridSize(form: PerTitleForm, sourceHeights: number | null): number | null {
  const { options } = perTitleOptionsOf(form);
  const crfs = options.crfs?.length ?? PER_TITLE_CRFS[form.encoder].length;
  const heights = options.heights?.length ?? sourceHeights;
  return heights === null ? null : heights * crfs;
}
