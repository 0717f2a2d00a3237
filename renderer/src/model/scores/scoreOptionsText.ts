/** Score options (metrics, model, size, frame range) as the short texts the UI lists. */
import type { ModelRequest, ScoreMetric, ScoreOptions } from '../../../../shared/score';
import { DEFAULT_SCORE_METRICS, isVmafV1Model } from '../../../../shared/score';
import { METRIC_CHOICES } from './scoreRequest';

/** "VMAF, PSNR, SSIM" (the engine's default four when none are named). */
export function metricsText(metrics: readonly ScoreMetric[] | undefined): string {
  const chosen = metrics && metrics.length ? metrics : DEFAULT_SCORE_METRICS;
  return METRIC_CHOICES.filter((c) => chosen.includes(c.value))
    .map((c) => c.label)
    .join(', ');
}

/**
 * "automatic", "v0.6.1 4K", "NEG", "file /m/x.json (with transform)", "vmaf_v1.0.16_3d0h (VMAF
 * v1)".
 */
export function modelText(model: ModelRequest | undefined): string {
  if (!model) return 'automatic (v0.6.1; 4K above 2560×1440)';
  if ('path' in model) return `file ${model.path}${model.transform ? ' (with transform)' : ''}`;
  if ('name' in model) {
    return isVmafV1Model(model.name) ? `${model.name} (VMAF v1)` : model.name;
  }
  const variant =
    model.variant === 'default' ? 'v0.6.1' : model.variant === 'neg' ? 'NEG' : 'phone';
  const size = model.size === 'auto' ? '' : model.size === '4k' ? ' 4K' : ' 1080p';
  return `${variant}${size}`;
}

/** "the reference's size" or "1920×1080". */
export function scaleText(scale: ScoreOptions['scale']): string {
  return !scale || scale === 'auto' ? "the reference's size" : `${scale.width}×${scale.height}`;
}

/** "from 2 s, 48 frames, every 2nd frame"; null for the whole video, every frame. */
export function rangeText(
  options: Pick<ScoreOptions, 'startSeconds' | 'frames' | 'subsample'>,
): string | null {
  const parts: string[] = [];
  if (options.startSeconds) parts.push(`from ${options.startSeconds} s`);
  if (options.frames) parts.push(`${options.frames} frame${options.frames === 1 ? '' : 's'}`);
  if (options.subsample && options.subsample > 1) parts.push(everyNth(options.subsample));
  return parts.length ? parts.join(', ') : null;
}

/** "every 2nd frame", "every 11th frame"; "every frame" for 1. */
export function everyNth(n: number): string {
  if (n <= 1) return 'every frame';
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13
      ? 'th'
      : n % 10 === 1
        ? 'st'
        : n % 10 === 2
          ? 'nd'
          : n % 10 === 3
            ? 'rd'
            : 'th';
  return `every ${n}${suffix} frame`;
}
