/**
 * Runs one ffmpeg or ffprobe a few times (`-version`, `-encoders`, `-filters`, `-h filter=libvmaf`)
 * to learn what it can do. Parsing lives in ./parse so it can be tested on captured text.
 */
import { KNOWN_VIDEO_ENCODERS } from '../../../shared/toolchain';
import { runTool, runToolChecked } from '../ffmpeg/process';
import type { BinaryKind } from './discover';
import { probeLibvmafBuild, type LibvmafBuildFacts } from './libvmafProbe';
import { describeLoaderFailure } from './loaderError';
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
  /**
   * For a libvmaf ≥ 2 filter, what one-frame runs proved: libvmaf's version, built-in models,
   * features. Null for libvmaf 1.x (no version in its log, no built-ins) and without libvmaf.
   */
  libvmafBuild: LibvmafBuildFacts | null;
  /**
   * Hardware encoders compiled in, by name: null when a one-frame test encode worked, else why
   * it did not (no such GPU, no driver, no device). Compiled in is not usable.
   */
  hardware: Record<string, string | null>;
}

/** Hardware encoder families, and what each needs, in a person's words. */
const HARDWARE_FAMILIES: readonly { suffix: string; needs: string }[] = [
  { suffix: '_nvenc', needs: 'needs an NVIDIA GPU and its driver' },
  { suffix: '_qsv', needs: 'needs an Intel GPU with Quick Sync Video' },
  { suffix: '_vaapi', needs: 'needs a VAAPI device (/dev/dri/renderD128)' },
  { suffix: '_amf', needs: 'needs an AMD GPU and its driver' },
  { suffix: '_videotoolbox', needs: 'needs macOS VideoToolbox' },
];

/** What a hardware encoder needs, or null for a software encoder. */
export function hardwareNeeds(encoder: string): string | null {
  return HARDWARE_FAMILIES.find((f) => encoder.endsWith(f.suffix))?.needs ?? null;
}

/**
 * The first thing ffmpeg said, which names the cause ("Cannot load libcuda.so.1", "No VA display
 * found for device …"); the lines after it only say that opening the encoder failed.
 */
export function firstCause(stderr: string): string {
  const line = stderr.split(/\r?\n/).find((l) => l.trim() !== '') ?? '';
  return line
    .replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '')
    .trim()
    .slice(0, 200);
}

/** A test encode of a hardware encoder ends well within this (it fails in milliseconds without one). */
export const HARDWARE_TEST_TIMEOUT_MS = 8000;

/** Per hardware family (encoder suffix), the end of its last test encode in this process. */
const hardwareTurns = new Map<string, Promise<unknown>>();

/**
 * Runs `test` after every test encode of the same hardware family started before it: one test at
 * a time per driver (several builds are probed at once), so none waits on another's session and
 * times out; families (NVENC, QSV, VAAPI, …) test side by side.
 */
function inTurn<T>(family: string, test: () => Promise<T>): Promise<T> {
  const run = (hardwareTurns.get(family) ?? Promise.resolve()).then(test);
  hardwareTurns.set(
    family,
    run.catch(() => undefined),
  );
  return run;
}

function familyOf(encoder: string): string {
  return HARDWARE_FAMILIES.find((f) => encoder.endsWith(f.suffix))?.suffix ?? encoder;
}

/** What the hardware test encodes found. */
interface HardwareFindings {
  /** Per encoder: null when its test encode worked, else why not (see {@link ProbeData}). */
  hardware: Record<string, string | null>;
  /**
   * True when every test gave an answer of its own: the encode worked, or ffmpeg said why not. A
   * test that timed out or could not start says nothing about the machine for later.
   */
  settled: boolean;
}

/**
 * Encodes one black frame to nothing with each hardware encoder the ladders know that the build
 * has, one test at a time: the only way to learn whether the GPU, driver and device are there.
 * VAAPI needs its device and frames uploaded to it. Null per encoder when it worked, else the
 * reason and ffmpeg's word.
 */
async function testHardwareEncoders(
  binary: string,
  encoders: readonly string[],
  timeoutMs: number,
): Promise<HardwareFindings> {
  const known = new Set<string>(KNOWN_VIDEO_ENCODERS);
  const hardware = encoders.filter((e) => known.has(e) && hardwareNeeds(e) !== null);
  let settled = true;
  // A family whose test did not finish (a hung driver) is not tested again for its other
  // encoders: that would only wait out the same timeout once per encoder.
  const hung = new Set<string>();
  const results = await Promise.all(
    hardware.map(async (encoder): Promise<[string, string | null]> => {
      const vaapi = encoder.endsWith('_vaapi');
      const args = [
        '-hide_banner',
        '-nostdin',
        '-loglevel',
        'error',
        ...(vaapi
          ? ['-init_hw_device', 'vaapi=va:/dev/dri/renderD128', '-filter_hw_device', 'va']
          : []),
        '-f',
        'lavfi',
        '-i',
        'color=black:s=256x256:r=25:d=0.04',
        ...(vaapi ? ['-vf', 'format=nv12,hwupload'] : []),
        '-frames:v',
        '1',
        '-c:v',
        encoder,
        '-f',
        'null',
        '-',
      ];
      const family = familyOf(encoder);
      try {
        const r = await inTurn(family, async () =>
          hung.has(family)
            ? null
            : runTool(binary, args, {
                purpose: 'toolchain check',
                timeoutMs,
                collectStdout: false,
                stderrTailBytes: 2048,
              }),
        );
        if (r === null) {
          return [
            encoder,
            `${hardwareNeeds(encoder)} — not tested: another ${family.slice(1)} test did not finish`,
          ];
        }
        if (r.code === 0) return [encoder, null];
        if (r.timedOut) {
          settled = false;
          hung.add(family);
        }
        const said = firstCause(r.stderrTail);
        const found = r.timedOut ? 'the test encode did not finish' : 'none found';
        return [encoder, `${hardwareNeeds(encoder)} — ${found}${said ? ` (ffmpeg: ${said})` : ''}`];
      } catch (err) {
        settled = false;
        return [
          encoder,
          `${hardwareNeeds(encoder)} — the test encode could not run (${err instanceof Error ? err.message : String(err)})`,
        ];
      }
    }),
  );
  return { hardware: Object.fromEntries(results), settled };
}

/**
 * Result of {@link probeBinary}: data when it worked, else an error a person can read.
 * `cacheable`: false when a hardware test timed out or could not run (its answer is not the
 * machine's, so it is asked again next time rather than kept until the binary changes).
 */
export type ProbeOutcome =
  { data: ProbeData; error: null; cacheable: boolean } | { data: null; error: string };

/** Default limit for each probe run: a healthy ffmpeg answers these in well under a second. */
export const DEFAULT_PROBE_TIMEOUT_MS = 15_000;

/** Probes one binary expected to be `kind`; a broken binary is reported, never thrown. */
export async function probeBinary(
  binary: string,
  kind: BinaryKind,
  opts: { timeoutMs?: number; hardwareTimeoutMs?: number } = {},
): Promise<ProbeOutcome> {
  const run = async (args: string[]): Promise<string> =>
    (
      await runToolChecked(binary, ['-hide_banner', ...args], {
        purpose: 'toolchain check',
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
          libvmafBuild: null,
          hardware: {},
        },
        error: null,
        cacheable: true,
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
    const encoders = parseEncoders(encText);
    const [{ hardware, settled }, libvmafBuild] = await Promise.all([
      testHardwareEncoders(binary, encoders, opts.hardwareTimeoutMs ?? HARDWARE_TEST_TIMEOUT_MS),
      libvmafApi === 2
        ? probeLibvmafBuild(binary, { timeoutMs: opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS })
        : Promise.resolve(null),
    ]);
    return {
      data: {
        program: kind,
        version: v.version,
        major,
        encoders,
        filters,
        libvmafApi,
        libvmafBuild,
        hardware,
      },
      error: null,
      // A libvmaf run cut short says nothing lasting about the build: ask again next time.
      cacheable: settled && libvmafBuild?.transient !== true,
    };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { data: null, error: describeLoaderFailure(binary, message) ?? message };
  }
}
