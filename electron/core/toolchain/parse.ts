/**
 * Pure parsers for what ffmpeg and ffprobe print about themselves (`-version`, `-encoders`,
 * `-filters`, `-h filter=…`). No processes here, so every rule is unit-tested on captured text.
 */
import { FILTERS_OF_INTEREST } from '../../../shared/toolchain';

/** What the first line of `-version` says. */
export interface VersionInfo {
  /** Which program printed it, or null when the text is not ffmpeg/ffprobe output. */
  program: 'ffmpeg' | 'ffprobe' | null;
  /** Version string as printed, e.g. "5.1.8-0+deb12u1", "4.1", "N-47683-g0e8eb07980-static". */
  version: string | null;
  /** Major version, or null when the string has none (git builds such as "N-12345-g…"). */
  major: number | null;
}

/** Reads program, version and major from `-version` output ("ffmpeg version 4.1 Copyright…"). */
export function parseVersion(text: string): VersionInfo {
  const m = /^(ffmpeg|ffprobe) version (\S+)/m.exec(text);
  if (!m) return { program: null, version: null, major: null };
  const program = m[1] as 'ffmpeg' | 'ffprobe';
  const version = m[2] as string;
  // Release builds print "5.1.8-0+deb12u1" or "4.1"; tag builds from git print "n5.1.2".
  // A date such as "2023-03-05-git-…" or "N-12345-g…" carries no release number.
  const mm = /^n?(\d+)\.\d+/.exec(version);
  return { program, version, major: mm ? Number(mm[1]) : null };
}

/**
 * libavutil major → ffmpeg major. Each ffmpeg major release bumps libavutil once, so a git
 * build (whose version string has no number) still tells its series through its libraries.
 */
const LIBAVUTIL_TO_FFMPEG: Readonly<Record<number, number>> = {
  54: 2,
  55: 3,
  56: 4,
  57: 5,
  58: 6,
  59: 7,
  60: 8,
};

/** The ffmpeg major series implied by the `libavutil NN.` line of `-version`, or null. */
export function majorFromLibavutil(text: string): number | null {
  const m = /^libavutil\s+(\d+)\./m.exec(text);
  if (!m) return null;
  return LIBAVUTIL_TO_FFMPEG[Number(m[1])] ?? null;
}

/** Video encoder names from `-encoders` (rows whose flags start with V), in printed order. */
export function parseEncoders(text: string): string[] {
  const lines = text.split(/\r?\n/);
  // The legend above " ------" uses the same " V..... = Video" shape, so only read below it.
  const sep = lines.findIndex((l) => /^\s*-{3,}\s*$/.test(l));
  const rows = sep >= 0 ? lines.slice(sep + 1) : lines;
  const names: string[] = [];
  for (const line of rows) {
    const m = /^ V[A-Z.]{5} (\S+)/.exec(line);
    if (m && m[1] !== '=') names.push(m[1] as string);
  }
  return names;
}

/** Every filter name from `-filters` (rows like " TS. psnr  VV->V  Calculate …"). */
export function parseFilters(text: string): string[] {
  const names: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    // Flags are 3 characters since ffmpeg 4.x ("T.C"), 2 in older builds; the "A->V" column
    // separates real rows from the legend.
    const m = /^ [A-Z.|]{2,3} (\S+)\s+[AVN|]*->[AVN|]*\s/.exec(line);
    if (m) names.push(m[1] as string);
  }
  return names;
}

/** The subset of {@link FILTERS_OF_INTEREST} present in a filter list, in that constant's order. */
export function filtersOfInterest(all: readonly string[]): string[] {
  const have = new Set(all);
  return FILTERS_OF_INTEREST.filter((f) => have.has(f));
}

/** Option names of one filter from `-h filter=<name>` (its "<name> AVOptions:" section only). */
export function parseFilterOptions(text: string, filter: string): string[] {
  const lines = text.split(/\r?\n/);
  const start = lines.findIndex((l) => l.trim() === `${filter} AVOptions:`);
  if (start < 0) return [];
  const names: string[] = [];
  for (const line of lines.slice(start + 1)) {
    // The section ends at a blank line or at the next class ("framesync AVOptions:").
    if (!line.trim() || /^\S/.test(line)) break;
    // Option rows are "  name   <type> flags…"; enum values below them have no <type>.
    const m = /^ {2,3}(\S+)\s+<[^>]+>/.exec(line);
    if (m) names.push(m[1] as string);
  }
  return names;
}

/**
 * libvmaf API generation from the filter's options: `model` exists only in the filter ported to
 * libvmaf 2 (ffmpeg ≥ 5.1); a filter with just `model_path` is the libvmaf 1.x one.
 */
export function libvmafApiFromOptions(options: readonly string[]): 1 | 2 | null {
  if (options.includes('model')) return 2;
  if (options.includes('model_path')) return 1;
  return null;
}
