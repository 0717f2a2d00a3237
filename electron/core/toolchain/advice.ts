/**
 * Turns what the doctor found into sentences a person can act on: what is missing, what it costs,
 * and how to get it. Pure, so the wording is reviewed in tests rather than on a broken machine.
 */
import type { BinaryInfo, ToolchainSelection } from '../../../shared/toolchain';
import { PREFERRED_ENCODERS, hasPsnrSsim } from './select';

/** Inputs of {@link adviceFor}. */
export interface AdviceInput {
  binaries: readonly BinaryInfo[];
  selected: ToolchainSelection;
  /** Advice from the model folder scan, appended as is. */
  modelAdvice: readonly string[];
  /** The OS as /etc/os-release names it (Linux), for advice that names a way to get libvmaf. */
  os?: OsRelease | null;
}

/** The fields of /etc/os-release the advice reads. */
export interface OsRelease {
  /** ID, e.g. "debian", "ubuntu". */
  id: string;
  /** ID_LIKE entries, e.g. ["debian"] on Ubuntu and its derivatives. */
  idLike: string[];
  /** PRETTY_NAME, e.g. "Debian GNU/Linux 12 (bookworm)". */
  prettyName: string;
}

/** Parses /etc/os-release (KEY=value lines, values optionally quoted). */
export function parseOsRelease(text: string): OsRelease {
  const fields: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    const m = /^([A-Z_]+)=(.*)$/.exec(line.trim());
    if (m) fields[m[1] as string] = (m[2] as string).replace(/^(["'])(.*)\1$/, '$2');
  }
  return {
    id: (fields.ID ?? '').toLowerCase(),
    idLike: (fields.ID_LIKE ?? '').toLowerCase().split(/\s+/).filter(Boolean),
    prettyName: fields.PRETTY_NAME ?? fields.NAME ?? 'Linux',
  };
}

/**
 * How to get a current FFmpeg with a current libvmaf (CAMBI, XPSNR, VMAF v1, native 10-bit), on
 * any OS: BtbN/FFmpeg-Builds (see {@link debianLibvmafAdvice} for what was checked).
 */
export const CURRENT_BUILD_ADVICE =
  'Get FFmpeg 8.1 or later with libvmaf 3.2 or later, e.g. a Linux or Windows build from ' +
  'https://github.com/BtbN/FFmpeg-Builds/releases (built with libvmaf and its built-in models, ' +
  'VMAF v1 included), add its bin folder to VQ_FFMPEG_DIRS (or set VQ_FFMPEG to its ffmpeg) and ' +
  'check that `vq doctor` lists it.';

/**
 * A way to get an ffmpeg with libvmaf on Debian, Ubuntu and their derivatives, or null elsewhere.
 * Their own ffmpeg packages are built without libvmaf and neither has a libvmaf package (Debian's
 * ffmpeg debian/TODO: "build with configure flag --enable-libvmaf when VMAF is in Debian",
 * 7.1.5-0+deb13u1 and 8.1.2-2). BtbN/FFmpeg-Builds configures every ffmpeg ≥ 5.1 it builds, in
 * every variant, with --enable-libvmaf and libvmaf's built-in models (scripts.d/45-vmaf.sh,
 * `-Dbuilt_in_models=true`; libvmaf 3.2.0, with the VMAF v1 models, since July 2026), for linux64
 * and linuxarm64, as ready-to-run archives; it builds ffmpeg 8.1, 9.0 and master.
 */
export function debianLibvmafAdvice(os: OsRelease | null | undefined): string | null {
  if (!os || !(os.id === 'debian' || os.id === 'ubuntu' || os.idLike.includes('debian'))) {
    return null;
  }
  return (
    `On ${os.prettyName}, the distribution's ffmpeg is built without libvmaf (Debian and Ubuntu ` +
    'have no libvmaf package), so VMAF needs a second ffmpeg beside the system one. ' +
    CURRENT_BUILD_ADVICE.replace(
      'e.g. a Linux',
      'e.g. ffmpeg-master-latest-linux64-gpl.tar.xz (linuxarm64 on ARM), a Linux',
    ) +
    ' The doctor then prefers it for scoring; other tasks use the best build found.'
  );
}

/** Advice when no working ffmpeg exists (also the hint of NO_FFMPEG). */
export const NO_FFMPEG_ADVICE =
  'No working ffmpeg was found. Install one (Debian/Ubuntu: apt install ffmpeg; macOS: brew ' +
  'install ffmpeg; Windows: winget install ffmpeg) or the npm package ffmpeg-static, or set ' +
  'VQ_FFMPEG to the full path of an ffmpeg program.';

/** Advice when no working ffprobe exists (also the hint of NO_FFPROBE). */
export const NO_FFPROBE_ADVICE =
  'No working ffprobe was found. It comes with the ffmpeg packages; or install the npm package ' +
  '@ffprobe-installer/ffprobe, or set VQ_FFPROBE to the full path of an ffprobe program.';

/** Advice when no ffmpeg has libvmaf. */
export const NO_LIBVMAF_ADVICE =
  'No ffmpeg with libvmaf was found, so VMAF cannot be measured (PSNR and SSIM still can). ' +
  'Install the npm package @ffmpeg-installer/ffmpeg (ffmpeg 4.1 with libvmaf 1.3.7) or an ' +
  'ffmpeg built with --enable-libvmaf, then set VQ_FFMPEG to its path.';

/** Every piece of advice for this report, most blocking first. */
export function adviceFor(input: AdviceInput): string[] {
  const { binaries, selected } = input;
  const out: string[] = [];
  const working = binaries.filter((b) => b.error === null);
  const ffmpegs = working.filter((b) => b.kind === 'ffmpeg');

  for (const b of binaries) {
    if (b.error === null) continue;
    if (b.source === 'env' || b.source === 'setting') {
      const what =
        b.source === 'env' ? (b.kind === 'ffmpeg' ? 'VQ_FFMPEG' : 'VQ_FFPROBE') : 'the setting';
      out.push(`${b.error} Fix or clear ${what}; until then the other builds found are used.`);
    } else if (b.source === 'env-dirs' && b.error.startsWith('VQ_FFMPEG_DIRS')) {
      out.push(`${b.error} Fix that entry of VQ_FFMPEG_DIRS; the other builds found are used.`);
    } else {
      out.push(`${b.path} (found via ${b.source}) cannot be used: ${b.error}`);
    }
  }

  if (ffmpegs.length === 0) out.push(NO_FFMPEG_ADVICE);
  if (!working.some((b) => b.kind === 'ffprobe')) out.push(NO_FFPROBE_ADVICE);
  if (ffmpegs.length === 0) return [...out, ...input.modelAdvice];

  if (!ffmpegs.some((b) => b.libvmaf !== null)) {
    out.push(NO_LIBVMAF_ADVICE);
    const debian = debianLibvmafAdvice(input.os);
    if (debian) out.push(debian);
  }
  for (const b of ffmpegs) {
    if (b.filters.includes('libvmaf') && b.libvmaf === null) {
      out.push(
        `${b.path} has a libvmaf filter whose options (model or model_path) could not be read, ` +
          'so it is not used for VMAF.',
      );
    }
  }
  for (const b of ffmpegs) {
    if (b.libvmaf?.api !== 1) continue;
    // libvmaf 1.x has no built-in model: without a .pkl pair it cannot compute VMAF at all.
    if (!b.libvmaf.models.some((m) => m.name === 'vmaf_v0.6.1')) {
      out.push(
        `${b.path} has libvmaf 1.x, which reads only .pkl model files, and no vmaf_v0.6.1 model ` +
          'was found for it: set VQ_VMAF_MODEL_DIR to a folder with vmaf_v0.6.1.pkl and ' +
          'vmaf_v0.6.1.pkl.model (from https://github.com/Netflix/vmaf, tag v1.5.3, folder model).',
      );
    }
  }
  if (!ffmpegs.some(hasPsnrSsim)) {
    out.push(
      'No ffmpeg found has both the psnr and ssim filters, so those metrics cannot be measured.',
    );
  }

  const scorer = ffmpegs.find((b) => b.path === selected.score);
  if (scorer && scorer.defects.length > 0) {
    out.push(
      `The ffmpeg used for scoring (${scorer.path}, ${scorer.version ?? 'unknown version'}) has ` +
        `${scorer.defects.length} known defect(s), listed with it; VQ Studio works around them ` +
        'or refuses with the reason. An ffmpeg 5.1 or later built with libvmaf 2 has none of them.',
    );
  }

  const missing = PREFERRED_ENCODERS.filter((e) => !ffmpegs.some((b) => b.encoders.includes(e)));
  if (missing.length > 0) {
    const them = missing.length > 1 ? 'them' : 'it';
    out.push(
      `No ffmpeg found has ${missing.join(', ')}, so presets using ${them} cannot run. ` +
        `Install an ffmpeg built with ${them} and put it on PATH or set VQ_FFMPEG.`,
    );
  }

  return [...out, ...input.modelAdvice];
}
