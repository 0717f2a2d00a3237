/**
 * Runs one ffmpeg or ffprobe a few times (`-version`, `-encoders`, `-filters`, `-h filter=libvmaf`)
 * to learn what it can do. Parsing lives in ./parse so it can be tested on captured text.
 */
import { runToolChecked } from '../ffmpeg/process';
import type { BinaryKind } from './discover';
import {
  filtersOfInterest,
  libvmafApiFromOptions,
  majorFromLibavutil,
  parseEncoders,
  parseFilterOptions,
  parseFilters,
  parseVersion,
} from './parse';

/** What probing a binary found; this is what the cache stores. */
export interface ProbeData {
  program: BinaryKind;
  version: string | null;
  /** From the version string, else from the libavutil series (git builds). */
  major: number | null;
  /** Every video encoder compiled in (hardware ones included, usable or not). */
  encoders: string[];
  /** The FILTERS_OF_INTEREST this build has. */
  filters: string[];
  /** libvmaf filter API generation, null without libvmaf (or when its options were unreadable). */
  libvmafApi: 1 | 2 | null;
}

/** Result of {@link probeBinary}: data when it worked, else an error a person can read. */
export type ProbeOutcome = { data: ProbeData; error: null } | { data: null; error: string };

/** Default limit for each probe run: a healthy ffmpeg answers these in well under a second. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

/** Probes one binary expected to be `kind`; a broken binary is reported, never thrown. */
export async function probeBinary(
  binary: string,
  kind: BinaryKind,
  opts: { timeoutMs?: number } = {},
): Promise<ProbeOutcome> {
  const run = async (args: string[]): Promise<string> =>
    (
      await runToolChecked(binary, ['-hide_banner', ...args], {
        timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
      })
    ).stdout;
  try {
    const versionText = await run(['-version']);
    const v = parseVersion(versionText);
    if (!v.program) {
      return {
        data: null,
        error: `${binary} does not look like ${kind}: its -version printed no "${kind} version".`,
      };
    }
    if (v.program !== kind) {
      return { data: null, error: `${binary} is ${v.program}, not ${kind}.` };
    }
    const major = v.major ?? majorFromLibavutil(versionText);
    if (kind === 'ffprobe') {
      return {
        data: {
          program: kind,
          version: v.version,
          major,
          encoders: [],
          filters: [],
          libvmafApi: null,
        },
        error: null,
      };
    }
    const [encText, filtText] = await Promise.all([run(['-encoders']), run(['-filters'])]);
    const filters = filtersOfInterest(parseFilters(filtText));
    let libvmafApi: 1 | 2 | null = null;
    if (filters.includes('libvmaf')) {
      libvmafApi = libvmafApiFromOptions(
        parseFilterOptions(await run(['-h', 'filter=libvmaf']), 'libvmaf'),
      );
    }
    return {
      data: {
        program: kind,
        version: v.version,
        major,
        encoders: parseEncoders(encText),
        filters,
        libvmafApi,
      },
      error: null,
    };
  } catch (err) {
    return {
      data: null,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
