/**
 * The Score dialog's form as data, and the `score.plan` / `score.start` request it stands for:
 * which videos, which metrics, model, scoring size, frame range, and the pre-flight fixes chosen
 * per video. Pure, so what the dialog sends is pinned by tests.
 */
import type { VqArgs } from '../../../../shared/api';
import type { FixId, PreflightFinding } from '../../../../shared/preflight';
import { METRIC_NAMES } from '../../../../shared/metricSupport';
import type { DroppedFrames } from '../../../../shared/frameMatch';
import {
  isVmafV1Model,
  SCORE_METRICS,
  type AlignMode,
  type ModelRequest,
  type ScaleRequest,
  type ScoreMetric,
} from '../../../../shared/score';
import type { ScoreTarget } from '../../../../shared/scoreResults';

/**
 * The model choices the dialog offers: the fixed ones, or `name:<model>` for a model by the name
 * libvmaf knows (a built-in of the scoring build, e.g. a VMAF v1 model): sent as `{ name }`.
 */
export type ModelChoice = 'auto' | 'v0.6.1' | '4k' | 'neg' | 'phone' | `name:${string}`;

/** Model choices with their labels, in menu order. */
export const MODEL_CHOICES: readonly { value: ModelChoice; label: string; title: string }[] = [
  {
    value: 'auto',
    label: 'Automatic',
    title: 'v0.6.1, or the 4K model for references above 2560×1440',
  },
  { value: 'v0.6.1', label: 'v0.6.1 (1080p, TV at 3H)', title: 'vmaf_v0.6.1 whatever the size' },
  { value: '4k', label: '4K (v0.6.1 4K, TV at 1.5H)', title: 'vmaf_4k_v0.6.1' },
  {
    value: 'neg',
    label: 'NEG (no enhancement gain)',
    title: 'vmaf_v0.6.1neg: does not reward sharpening or contrast boosts (needs libvmaf 2)',
  },
  { value: 'phone', label: 'Phone', title: 'v0.6.1 with the phone score transform' },
];

/**
 * The built-in models the fixed choices already stand for: the rest of a build's built-ins (the
 * VMAF v1 models, 4K NEG) are offered by name.
 */
const FIXED_BUILTINS: ReadonlySet<string> = new Set([
  'vmaf_v0.6.1',
  'vmaf_v0.6.1neg',
  'vmaf_4k_v0.6.1',
]);

/**
 * The models offered by name: the built-ins the scoring build lists (libvmaf 2 or later) that no
 * fixed choice stands for, the VMAF v1 ones named as such (their scale's top, 100 or 110, comes
 * back with the result: `ModelUsed.maxScore`).
 */
export function builtInModelChoices(
  models: readonly { name: string; format: string }[],
): { value: ModelChoice; label: string; title: string }[] {
  return models
    .filter((m) => m.format === 'builtin' && !FIXED_BUILTINS.has(m.name))
    .map((m) => {
      const v1 = isVmafV1Model(m.name);
      return {
        value: `name:${m.name}` as const,
        label: v1 ? `${m.name} (VMAF v1)` : m.name,
        title: v1
          ? `${m.name}: a VMAF v1 model built into this libvmaf (3d0h/5d0h: viewing distance in picture heights; _2160: 4K display; _hfr_: 50/60 fps). The 4K-at-3H ones score up to 110.`
          : `${m.name}: built into this libvmaf`,
      };
    });
}

/** Metric choices with their labels, in display order. */
export const METRIC_CHOICES: readonly { value: ScoreMetric; label: string }[] = SCORE_METRICS.map(
  (value) => ({ value, label: METRIC_NAMES[value] }),
);

/** What the dialog's fields hold. Numbers are null when empty and NaN when not a number. */
export interface ScoreForm {
  targets: ScoreTarget[];
  metrics: ScoreMetric[];
  model: ModelChoice;
  /** "auto" or "WxH" as typed. */
  scale: string;
  startSeconds: number | null;
  frames: number | null;
  subsample: number | null;
  /** Fixes chosen per video, by {@link targetKey}. */
  fixes: Readonly<Record<string, FixId[]>>;
  /** When frames are matched by their pictures, and what is done with the ones lacking. */
  align: AlignMode;
  droppedFrames: DroppedFrames;
}

/** The form as it opens: VMAF, PSNR and SSIM (MS-SSIM is slow), automatic model and size. */
export const INITIAL_FORM: ScoreForm = {
  targets: [],
  metrics: ['vmaf', 'psnr', 'ssim'],
  model: 'auto',
  scale: 'auto',
  startSeconds: null,
  frames: null,
  subsample: null,
  fixes: {},
  align: 'auto',
  droppedFrames: 'exclude',
};

/** One key per target ("rendition:abc"), for maps and React keys. */
export function targetKey(t: ScoreTarget): string {
  return `${t.kind}:${t.id}`;
}

/** The fields a problem can sit at. */
export type ScoreField = 'targets' | 'metrics' | 'scale' | 'startSeconds' | 'frames' | 'subsample';

/** Something in the form that stops a request. */
export interface ScoreFormProblem {
  field: ScoreField;
  message: string;
}

/** "auto" (or empty) → 'auto'; "1920x1080" / "1920×1080" → the size; else null (not a size). */
export function parseScale(text: string): ScaleRequest | null {
  const t = text.trim().toLowerCase();
  if (t === '' || t === 'auto') return 'auto';
  const m = /^(\d{2,5})\s*[x×:]\s*(\d{2,5})$/.exec(t);
  if (!m) return null;
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > 16384 || height > 16384) return null;
  return { width, height };
}

function modelRequest(choice: ModelChoice): ModelRequest | undefined {
  if (choice.startsWith('name:')) return { name: choice.slice('name:'.length) };
  switch (choice) {
    case 'v0.6.1':
      return { variant: 'default', size: '1080p' };
    case '4k':
      return { variant: 'default', size: '4k' };
    case 'neg':
      return { variant: 'neg', size: 'auto' };
    case 'phone':
      return { variant: 'phone', size: 'auto' };
    default:
      return undefined;
  }
}

function isWhole(n: number, min: number, max: number): boolean {
  return Number.isInteger(n) && n >= min && n <= max;
}

/** What keeps the form from being sent, field by field. */
export function scoreFormProblems(form: ScoreForm): ScoreFormProblem[] {
  const out: ScoreFormProblem[] = [];
  if (form.targets.length === 0) out.push({ field: 'targets', message: 'choose a video to score' });
  if (form.targets.length > 16) {
    out.push({ field: 'targets', message: 'at most 16 videos in one run' });
  }
  if (form.metrics.length === 0) out.push({ field: 'metrics', message: 'choose a metric' });
  if (parseScale(form.scale) === null) {
    out.push({ field: 'scale', message: 'auto, or a size like 1920x1080' });
  }
  const { startSeconds: start, frames, subsample } = form;
  if (start !== null && !(Number.isFinite(start) && start >= 0)) {
    out.push({ field: 'startSeconds', message: 'seconds from the start, 0 or more' });
  }
  if (frames !== null && !isWhole(frames, 1, 1e8)) {
    out.push({ field: 'frames', message: 'a whole number of frames, 1 or more' });
  }
  if (subsample !== null && !isWhole(subsample, 1, 1000)) {
    out.push({ field: 'subsample', message: 'every n-th frame: a whole number 1–1000' });
  }
  return out;
}

/**
 * The `score.plan` / `score.start` arguments, or null while the form has problems. `usable` says
 * which metrics the scoring build computes (scoringBuild.ts): one it cannot is never sent, the
 * dialog shows it unavailable with the reason instead.
 */
export function scoreRequest(
  referenceId: string,
  form: ScoreForm,
  usable: (metric: ScoreMetric) => boolean = () => true,
): VqArgs<'score.plan'> | null {
  const metrics = form.metrics.filter(usable);
  if (scoreFormProblems({ ...form, metrics }).length > 0) return null;
  const scale = parseScale(form.scale)!;
  const model = modelRequest(form.model);
  const options: NonNullable<VqArgs<'score.plan'>['options']> = { metrics };
  if (model) options.model = model;
  if (scale !== 'auto') options.scale = scale;
  if (form.startSeconds !== null && form.startSeconds > 0) options.startSeconds = form.startSeconds;
  if (form.frames !== null) options.frames = form.frames;
  if (form.subsample !== null && form.subsample > 1) options.subsample = form.subsample;
  if (form.align !== 'auto') options.align = form.align;
  if (form.droppedFrames !== 'exclude') options.droppedFrames = form.droppedFrames;
  const fixes = form.targets.map((t) => [...(form.fixes[targetKey(t)] ?? [])]);
  return {
    referenceId,
    distorted: form.targets.map((t) => ({ kind: t.kind, id: t.id })),
    options,
    ...(fixes.some((f) => f.length > 0) ? { fixes } : {}),
  };
}

/**
 * The fixes of one video after choosing `fix` for a finding (null: none of its fixes): the
 * finding's other fixes are dropped, so one finding never carries two.
 */
export function chooseFix(
  chosen: readonly FixId[],
  finding: Pick<PreflightFinding, 'fixes'>,
  fix: FixId | null,
): FixId[] {
  const rest = chosen.filter((f) => !finding.fixes.includes(f));
  return fix === null ? rest : [...rest, fix];
}

/** The fix chosen for a finding, or null. */
export function chosenFix(
  chosen: readonly FixId[],
  finding: Pick<PreflightFinding, 'fixes'>,
): FixId | null {
  return finding.fixes.find((f) => chosen.includes(f)) ?? null;
}
