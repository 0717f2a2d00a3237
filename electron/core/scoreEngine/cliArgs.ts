/**
 * The `vq score` flags that need more than zod: `--metrics vmaf,psnr,cambi`, `--scale auto|WxH` and
 * `--fix NAME` (repeatable). Pure; each returns a message instead of throwing so the CLI can show
 * it as a usage error.
 */
import { FIX_IDS, type FixId } from '../../../shared/preflight';
import { SCORE_METRICS, type ScaleRequest, type ScoreMetric } from '../../../shared/score';

/** A parsed flag value or the message saying what is wrong with it. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

/**
 * `--metrics vmaf,psnr,ssim,ms_ssim,cambi,xpsnr` (also `ms-ssim`, `msssim`, any case, duplicates
 * dropped).
 */
export function parseMetricsArg(text: string): Parsed<ScoreMetric[]> {
  const out: ScoreMetric[] = [];
  for (const raw of text.split(',')) {
    const t = raw.trim().toLowerCase().replace(/-/g, '_');
    const name = t === 'msssim' ? 'ms_ssim' : t;
    if (!name) continue;
    if (!(SCORE_METRICS as readonly string[]).includes(name)) {
      return {
        ok: false,
        message: `unknown metric "${raw.trim()}" (use ${SCORE_METRICS.join(', ')})`,
      };
    }
    if (!out.includes(name as ScoreMetric)) out.push(name as ScoreMetric);
  }
  return out.length > 0 ? { ok: true, value: out } : { ok: false, message: 'no metric given' };
}

/** `--scale auto` or `--scale 1920x1080`. */
export function parseScaleArg(text: string): Parsed<ScaleRequest> {
  const t = text.trim().toLowerCase();
  if (t === 'auto') return { ok: true, value: 'auto' };
  const m = /^(\d+)x(\d+)$/.exec(t);
  if (!m) return { ok: false, message: `"${text}" is not auto or WxH (e.g. 1920x1080)` };
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 16 || height < 16 || width > 16384 || height > 16384) {
    return { ok: false, message: `scale ${width}x${height} is out of range (16..16384)` };
  }
  return { ok: true, value: { width, height } };
}

/** `--fix NAME`. */
export function parseFixArg(text: string): Parsed<FixId> {
  const t = text.trim().toLowerCase();
  return (FIX_IDS as readonly string[]).includes(t)
    ? { ok: true, value: t as FixId }
    : { ok: false, message: `unknown fix "${text}" (use ${FIX_IDS.join(', ')})` };
}
