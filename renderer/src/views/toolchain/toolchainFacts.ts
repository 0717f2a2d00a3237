/** Pure readings of a toolchain report for the Toolchain view. */
import {
  KNOWN_VIDEO_ENCODERS,
  type BinaryInfo,
  type ToolchainReport,
  type ToolchainSelection,
} from '../../../../shared/toolchain';

/** Jobs a binary is selected for, in display order. */
export const TASKS: readonly { key: keyof ToolchainSelection; label: string; what: string }[] = [
  { key: 'encode', label: 'Encode', what: 'Encodes ladder renditions' },
  { key: 'score', label: 'Score', what: 'Measures VMAF, PSNR, SSIM' },
  { key: 'probe', label: 'Probe', what: 'Reads media facts (ffprobe)' },
  { key: 'decode', label: 'Decode', what: 'Frames and thumbnails' },
];

/** The tasks a binary path is selected for. */
export function tasksOf(selection: ToolchainSelection, path: string): string[] {
  return TASKS.filter((t) => selection[t.key] === path).map((t) => t.label);
}

/** The known encoders present in a build (in the doctor's order) and the others. */
export function splitEncoders(encoders: readonly string[]): { known: string[]; others: string[] } {
  const known = KNOWN_VIDEO_ENCODERS.filter((e) => encoders.includes(e));
  const knownSet = new Set<string>(known);
  return { known, others: encoders.filter((e) => !knownSet.has(e)).sort() };
}

/** True when some working ffmpeg has libvmaf. */
export function hasLibvmaf(report: ToolchainReport): boolean {
  return report.binaries.some((b) => b.kind === 'ffmpeg' && b.error === null && b.libvmaf !== null);
}

/** The binary a selection points at. */
export function binaryAt(report: ToolchainReport, path: string | null): BinaryInfo | null {
  if (!path) return null;
  return report.binaries.find((b) => b.path === path) ?? null;
}

/** Readable name of where a binary was found. */
export function sourceLabel(source: BinaryInfo['source']): string {
  switch (source) {
    case 'env':
      return 'environment (VQ_FFMPEG / VQ_FFPROBE)';
    case 'setting':
      return 'Settings';
    case 'path':
      return 'PATH';
    case 'env-dirs':
      return 'VQ_FFMPEG_DIRS';
    default:
      return `npm ${source}`;
  }
}
