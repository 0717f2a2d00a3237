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
      (x, y) =>
        libvmafRank(y.b) - libvmafRank(x.b) ||
        compareVersions(y.b.libvmaf?.version ?? null, x.b.libvmaf?.version ?? null) ||
        byMajor(x, y),
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

/**
 * How good a build's libvmaf is for scoring: a libvmaf ≥ 2 whose one-frame run worked (NEG,
 * native 10-bit), then libvmaf 1.x (worked around), then a libvmaf ≥ 2 whose run failed.
 */
export function libvmafRank(b: BinaryInfo): number {
  const v = b.libvmaf;
  if (!v) return 0;
  if (v.api === 1) return 2;
  return v.probeError ? 1 : 3;
}

/** Compares dotted version strings numerically ("3.2.0" > "2.3.1"); an unknown one is lowest. */
export function compareVersions(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return -1;
  if (b === null) return 1;
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0);
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
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
  const v = b.libvmaf;
  if (v?.api !== 2) return 'libvmaf (1.x, model_path=)';
  if (v.probeError) return 'libvmaf (2.x or later, model=), whose test run failed';
  return v.version ? `libvmaf ${v.version} (model=)` : 'libvmaf (2.x or later, model=)';
}

/** What a libvmaf ≥ 2 build was proven to do that a 1.x one cannot, for the selection reason. */
export function libvmafStrengths(b: BinaryInfo): string[] {
  const v = b.libvmaf;
  if (v?.api !== 2 || v.probeError) return [];
  const out: string[] = [];
  if (v.models.some((m) => m.format === 'builtin' && m.name.includes('neg'))) out.push('NEG');
  if (!b.defects.some((d) => d.id === 'libvmaf-10bit')) out.push('native 10-bit');
  if (v.models.some((m) => m.format === 'builtin' && m.name.startsWith('vmaf_v1.')))
    out.push('VMAF v1 models');
  if (v.features?.includes('cambi')) out.push('CAMBI');
  if (v.features?.includes('float_ms_ssim')) out.push('MS-SSIM');
  if (b.filters.includes('xpsnr')) out.push('XPSNR');
  return out;
}

function strengthsText(b: BinaryInfo): string {
  const s = libvmafStrengths(b);
  return s.length ? `: ${s.join(', ')}` : '';
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
          ? `selected for ${what}: has ${libvmafText(b)}${strengthsText(b)}`
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
      if (b.libvmaf && chosen.libvmaf && libvmafRank(b) < libvmafRank(chosen))
        return `${not}: it has ${libvmafText(b)}; ${chosen.path} has ${libvmafText(chosen)}${strengthsText(chosen)}`;
      if (
        b.libvmaf &&
        chosen.libvmaf &&
        libvmafRank(b) === libvmafRank(chosen) &&
        compareVersions(b.libvmaf.version ?? null, chosen.libvmaf.version ?? null) < 0
      )
        return `${not}: ${chosen.path} has a newer ${libvmafText(chosen)}`;
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
