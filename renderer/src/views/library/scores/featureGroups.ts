/**
 * libvmaf's elementary features of one result (`ScoreResultDetail.features`), grouped the way a
 * VMAF model reads them: detail loss (ADM), visual information fidelity (VIF) and motion. They say
 * what a VMAF score is made of: a drop in VMAF with ADM steady is lost fine texture seen by VIF,
 * a high motion value lets the model forgive more. Pure, so the grouping is pinned by tests.
 */
import type { FrameChartAxis } from '../../../model/scores/seriesInfo';

/** A family of features. */
export type FeatureGroupId = 'adm' | 'vif' | 'motion' | 'other';

/** One family and the feature keys of a result in it. */
export interface FeatureGroup {
  id: FeatureGroupId;
  /** Button label: "ADM". */
  label: string;
  /** What the family measures, for a tooltip and the note under the chart. */
  description: string;
  /** Feature keys as stored ("integer_adm2"), the model's own input first. */
  keys: string[];
}

const GROUPS: readonly Omit<FeatureGroup, 'keys'>[] = [
  {
    id: 'adm',
    label: 'ADM',
    description:
      'Detail loss (ADM): how much of the reference’s detail survives, about 0–1. adm2 is what the model reads; scales 0–3 go from fine to coarse.',
  },
  {
    id: 'vif',
    label: 'VIF',
    description:
      'Visual information fidelity at four scales (0 finest), about 0–1: how much of the reference’s information the encode keeps.',
  },
  {
    id: 'motion',
    label: 'Motion',
    description:
      'Motion: the mean difference between consecutive reference frames (motion2 is what the model reads). Not a quality: more motion masks errors, so the model forgives more.',
  },
  {
    id: 'other',
    label: 'Other',
    description: 'Further features the model logged.',
  },
];

/**
 * Keys that are scores in their own right, shown as series (VMAF, CAMBI, MS-SSIM, PSNR, SSIM),
 * not as features of the VMAF model.
 */
function isSeries(key: string): boolean {
  return /^vmaf/.test(key) || /^(cambi|float_ms_ssim|ms_ssim|psnr.*|float_ssim|ssim)$/.test(key);
}

function groupOf(key: string): FeatureGroupId {
  const label = featureLabel(key);
  // aim: ADM's additive impairment measure, logged beside adm2 and adm3.
  if (label.includes('adm') || /^aim\b/.test(label)) return 'adm';
  if (label.includes('vif')) return 'vif';
  if (label.includes('motion')) return 'motion';
  return 'other';
}

/** The features the VMAF v0.6.1 model reads of its ADM and motion families: listed first. */
const MODEL_INPUTS: readonly string[] = ['adm2', 'motion2'];

/**
 * The model's inputs first ({@link MODEL_INPUTS}), then code-point order of the labels: "adm2",
 * "adm2_egl_1" < "adm3" < "adm_scale0" < "aim"; "motion2", "motion" < "motion3".
 */
function byLabel(a: string, b: string): number {
  const x = featureLabel(a);
  const y = featureLabel(b);
  const pinned = Number(MODEL_INPUTS.includes(y)) - Number(MODEL_INPUTS.includes(x));
  if (pinned !== 0) return pinned;
  return x < y ? -1 : x > y ? 1 : 0;
}

/** The non-empty families of a result's features, in ADM, VIF, Motion, Other order. */
export function featureGroups(
  features: Readonly<Record<string, readonly (number | null)[]>>,
): FeatureGroup[] {
  const keys = Object.keys(features)
    .filter((k) => !isSeries(k))
    .sort(byLabel);
  return GROUPS.map((g) => ({ ...g, keys: keys.filter((k) => groupOf(k) === g.id) })).filter(
    (g) => g.keys.length > 0,
  );
}

/**
 * A feature as the legend names it, libvmaf 2's prefixes off: "integer_vif_scale0" → "vif_scale0",
 * "VMAF_integer_feature_motion_sad_score" → "motion_sad_score".
 */
export function featureLabel(key: string): string {
  return key.replace(/^VMAF_/, '').replace(/^(integer_feature_|integer_|float_)/, '');
}

/** The y axis of a family's chart: unbounded but for motion's floor of 0. */
export function featureAxis(group: Pick<FeatureGroup, 'id' | 'label'>): FrameChartAxis {
  const decimals = group.id === 'motion' ? 2 : 4;
  return {
    name: `${group.label} features`,
    title: group.label,
    fileKey: `features-${group.id}`,
    decimals,
    bounds: group.id === 'motion' ? { floor: 0 } : {},
    format: (v) => (v === null || !Number.isFinite(v) ? '–' : v.toFixed(decimals)),
  };
}
