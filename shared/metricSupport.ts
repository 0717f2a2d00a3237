/**
 * Which quality metrics one ffmpeg build can compute, and why not when it cannot. Pure over the
 * doctor's view of the build, so the engine (which refuses or skips), the CLI and the score
 * dialog (which lists a metric as unavailable with the reason) say the same thing.
 */
import type { ScoreMetric } from './score';
import type { BinaryInfo } from './toolchain';

/** A metric the build can compute, or the reason it cannot. */
export type MetricSupport = { ok: true } | { ok: false; reason: string };

/** Display names of the metrics, as the reasons print them. */
export const METRIC_NAMES: Readonly<Record<ScoreMetric, string>> = {
  vmaf: 'VMAF',
  psnr: 'PSNR',
  ssim: 'SSIM',
  ms_ssim: 'MS-SSIM',
  cambi: 'CAMBI',
  xpsnr: 'XPSNR',
};

type Build = Pick<BinaryInfo, 'path' | 'filters' | 'libvmaf'>;

/** Whether `build` computes `metric`. A null build (none found) computes nothing. */
export function metricSupport(metric: ScoreMetric, build: Build | null): MetricSupport {
  const name = METRIC_NAMES[metric];
  if (!build) return { ok: false, reason: `No ffmpeg that can measure quality was found.` };
  const lib = build.libvmaf;
  switch (metric) {
    case 'vmaf':
    case 'ms_ssim':
      return lib
        ? { ok: true }
        : {
            ok: false,
            reason: `${name} needs an ffmpeg with libvmaf, and ${build.path} has none.`,
          };
    case 'cambi':
      if (!lib) {
        return {
          ok: false,
          reason: `CAMBI needs an ffmpeg with libvmaf 2 or later, and ${build.path} has no libvmaf.`,
        };
      }
      if (lib.api === 1) {
        return {
          ok: false,
          reason: `CAMBI needs libvmaf 2 or later; ${build.path} has libvmaf 1.x, which has no CAMBI.`,
        };
      }
      if (lib.features && !lib.features.includes('cambi')) {
        return {
          ok: false,
          reason: `The libvmaf of ${build.path}${lib.version ? ` (${lib.version})` : ''} has no cambi feature.`,
        };
      }
      if (!lib.features && lib.probeError) {
        return {
          ok: false,
          reason: `The libvmaf of ${build.path} could not be checked for CAMBI: ${lib.probeError}`,
        };
      }
      return { ok: true };
    case 'xpsnr':
      return build.filters.includes('xpsnr')
        ? { ok: true }
        : {
            ok: false,
            reason: `XPSNR needs FFmpeg 7.1 or later (its xpsnr filter), and ${build.path} has no xpsnr filter.`,
          };
    case 'psnr':
    case 'ssim':
      return build.filters.includes(metric)
        ? { ok: true }
        : { ok: false, reason: `${build.path} has no ${metric} filter.` };
  }
}
