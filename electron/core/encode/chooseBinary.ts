/**
 * Which ffmpeg runs an encode. Pure: the toolchain report in, a path or a readable refusal out.
 * The toolchain's encode choice is preferred; another build is used for an encoder it lacks,
 * unless the person chose the ffmpeg explicitly (setting or VQ_FFMPEG), which is respected.
 */
import { VqError } from '../../../shared/errors';
import type { BinaryInfo, ToolchainReport } from '../../../shared/toolchain';

/**
 * The ffmpeg path that has every encoder in `encoders`, or throws UNSUPPORTED naming what is
 * missing. A build that also has every filter in `filters` (zscale for tone mapping) is preferred;
 * when none has both, the encoders decide and the caller refuses the missing filter in its words.
 */
export function chooseEncodeBinary(
  report: ToolchainReport,
  encoders: readonly string[],
  filters: readonly string[] = [],
): string {
  const ffmpegs = report.binaries.filter((b) => b.kind === 'ffmpeg' && b.error === null);
  const selected = ffmpegs.find((b) => b.path === report.selected.encode) ?? null;
  const hasAll = (b: BinaryInfo): boolean => encoders.every((e) => b.encoders.includes(e));
  const hasFilters = (b: BinaryInfo): boolean => filters.every((f) => b.filters.includes(f));
  if (selected && hasAll(selected) && hasFilters(selected)) return selected.path;

  const explicit = selected !== null && (selected.source === 'env' || selected.source === 'setting');
  const whole = explicit ? null : ffmpegs.find((b) => hasAll(b) && hasFilters(b));
  if (whole) return whole.path;
  if (selected && hasAll(selected)) return selected.path;
  if (!explicit) {
    const other = ffmpegs.find(hasAll);
    if (other) return other.path;
  }

  const missing = encoders.filter((e) => !(selected ?? { encoders: [] as string[] }).encoders.includes(e));
  const lacking = missing.length ? missing : [...encoders];
  const owners = (e: string): string[] => ffmpegs.filter((b) => b.encoders.includes(e)).map(describe);
  // A hardware encoder compiled in but failing its test encode: say why, not "no ffmpeg has it".
  const unusable = (e: string): string | null =>
    ffmpegs.flatMap((b) => b.unusableEncoders ?? []).find((u) => u.encoder === e)?.reason ?? null;
  const lines = lacking.map((e) => {
    const have = owners(e);
    if (have.length) return `${e} is in ${have.join(', ')}`;
    const why = unusable(e);
    return why ? `${e} cannot run here: ${why}` : `no ffmpeg on this machine has ${e}`;
  });
  if (lacking.every((e) => owners(e).length === 0 && unusable(e) !== null)) {
    throw new VqError(
      'UNSUPPORTED',
      `${lines.join('; ')}.`,
      'Edit the ladder to use a software encoder (x264, x265, SVT-AV1, libaom, VP9), or run it on a machine with that hardware.',
    );
  }
  if (explicit && selected) {
    throw new VqError(
      'UNSUPPORTED',
      `The ffmpeg you chose (${selected.path}) has no ${lacking.join(', ')} encoder: ${lines.join('; ')}.`,
      lacking.some((e) => owners(e).length > 0)
        ? 'Clear the ffmpeg setting (or VQ_FFMPEG) so VQ Studio can use the build that has it, or edit the ladder.'
        : 'Install an ffmpeg built with it, or edit the ladder to use another encoder.',
    );
  }
  const found = ffmpegs.length ? `ffmpeg builds found: ${ffmpegs.map(describe).join(', ')}` : 'no working ffmpeg was found';
  throw new VqError(
    'UNSUPPORTED',
    `No ffmpeg on this machine can run ${lacking.length === 1 ? 'the encoder' : 'the encoders'} ${lacking.join(', ')} ` +
      `(${lines.join('; ')}; ${found}).`,
    'Install an ffmpeg built with it (`vq doctor` lists what each build has), or edit the ladder to use another encoder.',
  );
}

function describe(b: BinaryInfo): string {
  return `${b.path}${b.version ? ` (${b.version})` : ''}`;
}
