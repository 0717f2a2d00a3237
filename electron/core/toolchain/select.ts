/**
 * Picks the binary for each task from the probed candidates, so a machine with one ffmpeg for
 * encoding and another with libvmaf just works. Pure: input order is candidate precedence.
 */
import type { BinaryInfo, ToolchainSelection } from '../../../shared/toolchain';

/** The encoders the ladder presets lean on; an encode ffmpeg is ranked by how many it has. */
export const PREFERRED_ENCODERS = [
  'libx264',
  'libx265',
  'libsvtav1',
  'libaom-av1',
  'libvpx-vp9',
] as const;

/** How many of {@link PREFERRED_ENCODERS} a build has. */
export function preferredEncoderCount(b: BinaryInfo): number {
  return PREFERRED_ENCODERS.filter((e) => b.encoders.includes(e)).length;
}

/** True when a build can compute PSNR and SSIM with its own filters (scoring without libvmaf). */
export function hasPsnrSsim(b: BinaryInfo): boolean {
  return b.filters.includes('psnr') && b.filters.includes('ssim');
}

/** The binary path for each task, or null when nothing on this machine can do it. */
export function selectBinaries(binaries: readonly BinaryInfo[]): ToolchainSelection {
  const working = binaries.map((b, order) => ({ b, order })).filter(({ b }) => b.error === null);
  const ffmpegs = working.filter(({ b }) => b.kind === 'ffmpeg');
  const ffprobes = working.filter(({ b }) => b.kind === 'ffprobe');
  // Env comes before setting in candidate order, so the first explicit one is the stronger choice.
  const explicitFfmpeg = ffmpegs.find(({ b }) => isExplicit(b))?.b ?? null;
  const explicitFfprobe = ffprobes.find(({ b }) => isExplicit(b))?.b ?? null;

  const encode =
    explicitFfmpeg && explicitFfmpeg.encoders.length > 0
      ? explicitFfmpeg
      : best(
          ffmpegs,
          (x, y) => preferredEncoderCount(y.b) - preferredEncoderCount(x.b) || byMajor(x, y),
        );

  const decode = explicitFfmpeg ?? best(ffmpegs, byMajor);

  const withVmaf = ffmpegs.filter(({ b }) => b.libvmaf !== null);
  let score: BinaryInfo | null;
  if (
    explicitFfmpeg &&
    (explicitFfmpeg.libvmaf !== null || (withVmaf.length === 0 && hasPsnrSsim(explicitFfmpeg)))
  ) {
    // The person's choice wins, except that it must not cost VMAF when another build has it.
    score = explicitFfmpeg;
  } else if (withVmaf.length > 0) {
    score = best(
      withVmaf,
      (x, y) => (y.b.libvmaf?.api ?? 0) - (x.b.libvmaf?.api ?? 0) || byMajor(x, y),
    );
  } else {
    score = best(
      ffmpegs.filter(({ b }) => hasPsnrSsim(b)),
      byMajor,
    );
  }

  const probe = explicitFfprobe ?? best(ffprobes, byMajor);

  return {
    encode: encode?.path ?? null,
    score: score?.path ?? null,
    probe: probe?.path ?? null,
    decode: decode?.path ?? null,
  };
}

interface Ranked {
  b: BinaryInfo;
  order: number;
}

function isExplicit(b: BinaryInfo): boolean {
  return b.source === 'env' || b.source === 'setting';
}

/** Higher major first (unknown ranks last), then earlier candidate. */
function byMajor(x: Ranked, y: Ranked): number {
  return (y.b.major ?? -1) - (x.b.major ?? -1) || x.order - y.order;
}

function best(list: readonly Ranked[], cmp: (x: Ranked, y: Ranked) => number): BinaryInfo | null {
  return [...list].sort(cmp)[0]?.b ?? null;
}
