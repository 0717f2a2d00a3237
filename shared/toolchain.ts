/** The ffmpeg builds on this machine and what each can do (`vq doctor`). */

/** Where a candidate binary was found. */
export type BinarySource =
  | 'env'
  | 'setting'
  | 'ffmpeg-static'
  | '@ffmpeg-installer'
  | '@ffprobe-installer'
  /** A folder listed in VQ_FFMPEG_DIRS (searched like PATH, before the packages and PATH). */
  | 'env-dirs'
  | 'path';

/** A VMAF model file or a libvmaf built-in model. */
export interface VmafModel {
  /** Model name, e.g. "vmaf_v0.6.1", "vmaf_v0.6.1neg", "vmaf_4k_v0.6.1". */
  name: string;
  /** File path, or null for a libvmaf built-in. */
  path: string | null;
  /** pkl for libvmaf 1.x, json for libvmaf 2+, builtin for a libvmaf 2+ built-in version. */
  format: 'pkl' | 'json' | 'builtin';
  /** Where it was found (a directory, or "built-in"). */
  from: string;
}

/** libvmaf as built into one ffmpeg. */
export interface LibvmafInfo {
  /** 1 when the filter takes `model_path=` (libvmaf 1.x), 2 when it takes `model=` (libvmaf 2+). */
  api: 1 | 2;
  /** Models this build can load: matching files from the model dirs plus built-ins. */
  models: VmafModel[];
  /** libvmaf's own version ("3.2.0") from a one-frame run's JSON log; libvmaf ≥ 2 only. */
  version?: string | null;
  /**
   * Features a one-frame run proved: adm, adm3, motion, motion3, vif, cambi, float_ms_ssim.
   * libvmaf ≥ 2 only; absent for 1.x (its MS-SSIM is the `ms_ssim=1` option).
   */
  features?: string[];
  /** Why the one-frame libvmaf run failed (then no model or feature is claimed). */
  probeError?: string | null;
}

/** A known defect of a build that would make a number wrong. */
export interface BuildDefect {
  id: 'libvmaf-10bit' | 'libvmaf-neg-ignored' | 'libvmaf-msssim-min-size';
  message: string;
  /** Issue or source that documents it. */
  reference: string;
}

/** One probed ffmpeg or ffprobe binary. */
export interface BinaryInfo {
  kind: 'ffmpeg' | 'ffprobe';
  path: string;
  source: BinarySource;
  /** Version string as printed, e.g. "5.1.8-0+deb12u1" or "4.1". */
  version: string | null;
  /** Major version number, when it could be read. */
  major: number | null;
  /**
   * Video encoders this build can use (ffmpeg only): compiled in, and for hardware ones a test
   * encode worked.
   */
  encoders: string[];
  /** Hardware encoders compiled in that this machine cannot run, and why (no GPU, driver, device). */
  unusableEncoders?: { encoder: string; reason: string }[];
  /** Filters of interest present in this build: libvmaf, psnr, ssim, xpsnr, scale, zscale, … */
  filters: string[];
  libvmaf: LibvmafInfo | null;
  defects: BuildDefect[];
  /** Set when the binary could not be run or probed. */
  error: string | null;
}

/** Which binary does which job. */
export interface ToolchainSelection {
  encode: string | null;
  score: string | null;
  probe: string | null;
  /** ffmpeg used for decoding (frames, thumbnails). */
  decode: string | null;
}

/** The whole toolchain report (`vq doctor --json`). */
export interface ToolchainReport {
  binaries: BinaryInfo[];
  selected: ToolchainSelection;
  /** Directories searched for VMAF model files, in order, and whether each exists. */
  modelDirs: { path: string; exists: boolean }[];
  /** Every model file found, whichever build can use it. */
  modelFiles: VmafModel[];
  /** Human advice: what is missing and how to get it. */
  advice: string[];
  /** Why each binary was or was not selected for each task, aligned with `binaries`. */
  reasons: string[][];
}

/** Encoders the ladder presets know about, in the order the doctor lists them. */
export const KNOWN_VIDEO_ENCODERS = [
  'libx264',
  'libx265',
  'libsvtav1',
  'libaom-av1',
  'librav1e',
  'libvpx-vp9',
  'libvpx',
  'h264_nvenc',
  'hevc_nvenc',
  'av1_nvenc',
  'h264_qsv',
  'hevc_qsv',
  'av1_qsv',
  'h264_vaapi',
  'hevc_vaapi',
  'av1_vaapi',
  'h264_videotoolbox',
  'hevc_videotoolbox',
  'h264_amf',
  'hevc_amf',
] as const;

/** Filters the doctor reports on. */
export const FILTERS_OF_INTEREST = [
  'libvmaf',
  'psnr',
  'ssim',
  'xpsnr',
  'vmafmotion',
  'scale',
  'zscale',
  'split',
] as const;
