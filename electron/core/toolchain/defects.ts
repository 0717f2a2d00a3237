/**
 * Known defects of ffmpeg/libvmaf builds that make a number wrong. The scorer reads these to work
 * around them visibly or refuse with the reason, never to print a silently wrong score.
 */
import type { BuildDefect } from '../../../shared/toolchain';

/** The facts about a build that decide its defects. */
export interface DefectInput {
  /** ffmpeg major series, null when unknown. */
  major: number | null;
  /** libvmaf filter API generation, null without libvmaf. */
  libvmafApi: 1 | 2 | null;
}

const LIBVMAF_10BIT: BuildDefect = {
  id: 'libvmaf-10bit',
  message:
    "This ffmpeg's libvmaf filter (ffmpeg 4.x) hands 10-bit samples to libvmaf without scaling " +
    'them to 8 bits, so VMAF and the PSNR it reports are wrong for 10-bit input (PSNR comes out ' +
    '12.04 dB too low). Convert both videos to 8 bits (format=yuv420p) before libvmaf, or use ' +
    'ffmpeg 5.1 or later with libvmaf 2.',
  reference: 'https://github.com/Netflix/vmaf/issues/211',
};

const LIBVMAF_NEG_IGNORED: BuildDefect = {
  id: 'libvmaf-neg-ignored',
  message:
    'libvmaf 1.x loads the VMAF NEG model (vmaf_v0.6.1neg) but ignores its "no enhancement gain" ' +
    'options, so NEG scores equal the regular model. Use an ffmpeg with libvmaf 2 for NEG.',
  reference: 'https://github.com/Netflix/vmaf/issues/661',
};

const LIBVMAF_MSSSIM_MIN_SIZE: BuildDefect = {
  id: 'libvmaf-msssim-min-size',
  message:
    "libvmaf 1.x's MS-SSIM fails on video narrower or shorter than 176 pixels: its five " +
    'halvings leave less than its 11-pixel window. Scale such video up first or leave MS-SSIM off.',
  reference: 'https://github.com/Netflix/vmaf/issues/105',
};

/** The known defects of one ffmpeg build (none for ffprobe or builds without libvmaf). */
export function defectsFor(b: DefectInput): BuildDefect[] {
  if (b.libvmafApi === null) return [];
  const out: BuildDefect[] = [];
  // The libvmaf-1 filter only exists up to ffmpeg 5.0, so an api-1 build of unknown version is
  // treated as 4.x: flagging a sound build costs a conversion, missing a faulty one a wrong score.
  if ((b.major !== null && b.major <= 4) || (b.major === null && b.libvmafApi === 1)) {
    out.push(LIBVMAF_10BIT);
  }
  if (b.libvmafApi === 1) out.push(LIBVMAF_NEG_IGNORED, LIBVMAF_MSSSIM_MIN_SIZE);
  return out;
}
