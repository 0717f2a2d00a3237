/**
 * `vq align --ref REF --dist DIST [--json] [--max-offset N] [--shift] [--ref-raw SPEC] [--dist-raw SPEC]`:
 * finds which reference frame each distorted frame shows, from the pictures (core/align): the
 * start offset, dropped and repeated frames, extra frames at either end, the two frame rates, a
 * confidence, the mapping as runs, and what scoring on it does. Exit codes: 0 found (aligned or
 * not), 1 failed (a file missing or not decodable), 2 usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { RawVideoSpec } from '../../shared/media';
import { parseRawSpec } from '../../shared/rawSpec';
import { alignVideos, frameList, type AlignmentReport } from '../core/align/alignVideos';
import { createCore } from '../core/core';
import { dataLayout, defaultDataDir } from '../core/paths';
import { checkInputFile, probeFile } from '../core/probe';
import { UsageError } from './usageError';

/** Runs `vq align`; resolves to the exit code. */
export async function alignCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      ref: { type: 'string' },
      dist: { type: 'string' },
      json: { type: 'boolean' },
      'max-offset': { type: 'string' },
      'ref-raw': { type: 'string' },
      'dist-raw': { type: 'string' },
      shift: { type: 'boolean' },
    },
    allowPositionals: false,
    strict: true,
  });
  if (!values.ref || !values.dist) throw new UsageError('align needs --ref FILE and --dist FILE');
  const text = values['max-offset'];
  if (text !== undefined && !/^\d{1,6}$/.test(text)) {
    throw new UsageError(`--max-offset ${text}: a whole number of frames, 0 to 999999`);
  }
  const maxOffset = text === undefined ? undefined : Number(text);
  const refRaw = rawOption('--ref-raw', values['ref-raw']);
  const distRaw = rawOption('--dist-raw', values['dist-raw']);
  const dataDir = defaultDataDir();
  const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
  try {
    const ffprobe = await core.toolchain.binaryFor('probe');
    const ffmpeg = await core.toolchain.binaryFor('decode');
    const open = async (file: string, raw: RawVideoSpec | undefined) => {
      const checked = await checkInputFile(path.resolve(file), { raw });
      // The rates, sizes and rotation are what aligning needs: no packet count (the decode
      // counts the frames), which for a long title would read the whole file once more.
      const media = await probeFile(checked.realPath, { ffprobe, raw, countFrames: false });
      return { path: checked.realPath, media, raw: raw ?? null };
    };
    const [reference, distorted] = await Promise.all([
      open(values.ref, refRaw),
      open(values.dist, distRaw),
    ]);
    const report = await alignVideos(reference, distorted, {
      ffmpeg,
      maxOffset,
      cacheDir: dataLayout(dataDir).cache,
      findShift: values.shift === true,
    });
    console.log(
      values.json
        ? JSON.stringify(report, null, 2)
        : describeAlignment(report, reference.path, distorted.path),
    );
    return 0;
  } finally {
    core.close();
  }
}

/** The report for a person: what was found and what scoring does about it. */
export function describeAlignment(r: AlignmentReport, ref: string, dist: string): string {
  const rate = (fps: number | null): string => (fps === null ? '? fps' : `${fps} fps`);
  const lines = [
    `reference ${path.basename(ref)}: ${r.frames.reference} frames, ${rate(r.frameRate.reference)}`,
    `distorted ${path.basename(dist)}: ${r.frames.distorted} frames, ${rate(r.frameRate.distorted)}`,
    r.aligned
      ? 'aligned: every distorted frame shows the reference frame of the same number'
      : `offset   ${r.offsetFrames >= 0 ? '+' : ''}${r.offsetFrames} frame(s)`,
  ];
  if (r.dropped.length) lines.push(`dropped  ${r.dropped.length}: ${frameList(r.dropped)}`);
  if (r.repeated.length) lines.push(`repeated ${r.repeated.length}: ${frameList(r.repeated)}`);
  if (r.unmatched.leading || r.unmatched.trailing) {
    lines.push(`no match ${r.unmatched.leading} at the start, ${r.unmatched.trailing} at the end`);
  }
  if (r.speedChange) lines.push('speed    the frames are kept one for one at the other rate');
  const box = (b: NonNullable<AlignmentReport['crop']>): string =>
    `${b.width}×${b.height} at (${b.x}, ${b.y})`;
  if (r.crop) lines.push(`bars     the distorted picture is ${box(r.crop)}`);
  if (r.referenceCrop) lines.push(`bars     the reference picture is ${box(r.referenceCrop)}`);
  if (r.shift)
    lines.push(`shift    the distorted picture is moved by (${r.shift.x}, ${r.shift.y})`);
  else if (r.shiftChecked) lines.push('shift    none');
  lines.push(
    `confidence ${r.confidence.toFixed(2)} (mean distance ${r.meanDistance.toFixed(4)} of matched frames)`,
  );
  for (const f of r.fixes) lines.push(`- ${f}`);
  return lines.join('\n');
}

function rawOption(flag: string, text: string | undefined): RawVideoSpec | undefined {
  if (text === undefined) return undefined;
  const parsed = parseRawSpec(text);
  if (!parsed.ok) throw new UsageError(`${flag}: ${parsed.message}`);
  return parsed.spec;
}
