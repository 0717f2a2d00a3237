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

const TASK_WORDS: Record<keyof ToolchainSelection, string> = {
  encode: 'encoding',
  score: 'scoring',
  decode: 'decoding (frames, thumbnails)',
  probe: 'probing',
};

function explicitText(b: BinaryInfo): string {
  const variable = b.kind === 'ffmpeg' ? 'VQ_FFMPEG' : 'VQ_FFPROBE';
  return b.source === 'env' ? `set by ${variable}` : 'set in Settings';
}

function libvmafText(b: BinaryInfo): string {
  const api = b.libvmaf?.api;
  return api === 2 ? 'libvmaf (2.x, model=)' : 'libvmaf (1.x, model_path=)';
}

/** Why `b` was chosen for `task`, or why `chosen` was chosen instead. */
function reasonFor(
  task: keyof ToolchainSelection,
  b: BinaryInfo,
  chosen: BinaryInfo | null,
): string {
  const what = TASK_WORDS[task];
  if (chosen === b) {
    if (isExplicit(b)) return `selected for ${what}: ${explicitText(b)}`;
    switch (task) {
      case 'encode': {
        const missing = PREFERRED_ENCODERS.filter((e) => !b.encoders.includes(e));
        return `selected for ${what}: has ${preferredEncoderCount(b)} of the ${PREFERRED_ENCODERS.length} ladder encoders${missing.length ? ` (no ${missing.join(', ')})` : ''}`;
      }
      case 'score':
        return b.libvmaf
          ? `selected for ${what}: has ${libvmafText(b)}`
          : `selected for ${what}: PSNR and SSIM only — no build here has libvmaf`;
      default:
        return `selected for ${what}: ${b.version ? `version ${b.version}, ` : ''}the newest working one`;
    }
  }
  const not = `not selected for ${what}`;
  if (!chosen) return `${not}: it cannot do it`;
  if (isExplicit(chosen)) return `${not}: ${chosen.path} is ${explicitText(chosen)}`;
  switch (task) {
    case 'encode': {
      const lacks = PREFERRED_ENCODERS.filter(
        (e) => chosen.encoders.includes(e) && !b.encoders.includes(e),
      );
      if (lacks.length) return `${not}: no ${lacks.join(', ')}`;
      break;
    }
    case 'score':
      if (!b.libvmaf && chosen.libvmaf) return `${not}: no libvmaf`;
      if (b.libvmaf && chosen.libvmaf && b.libvmaf.api < chosen.libvmaf.api)
        return `${not}: ${libvmafText(b)}, older than ${chosen.path}'s ${libvmafText(chosen)}`;
      if (!b.libvmaf && !hasPsnrSsim(b)) return `${not}: no libvmaf, psnr or ssim filters`;
      break;
    default:
      break;
  }
  const newer = (chosen.major ?? -1) > (b.major ?? -1);
  return `${not}: ${chosen.path} ${newer ? `is newer (${chosen.version ?? `major ${chosen.major}`})` : 'does as much and was found first'}`;
}

/**
 * Why each binary was or was not selected for each task it could do, in words (`vq doctor` and
 * the Toolchain view print them): "selected for scoring: has libvmaf (2.x, model=)", "not selected
 * for encoding: no libsvtav1". Aligned with `binaries`.
 */
export function selectionReasons(
  binaries: readonly BinaryInfo[],
  selected: ToolchainSelection,
): string[][] {
  const byPath = (p: string | null, kind: BinaryInfo['kind']): BinaryInfo | null =>
    binaries.find((b) => b.path === p && b.kind === kind && b.error === null) ?? null;
  return binaries.map((b) => {
    if (b.error !== null) return ['not used: it could not be run (see the error)'];
    const tasks: (keyof ToolchainSelection)[] =
      b.kind === 'ffprobe' ? ['probe'] : ['encode', 'score', 'decode'];
    return tasks.map((task) => reasonFor(task, b, byPath(selected[task], b.kind)));
  });
}
