/**
 * `vq shots SOURCE [--json] [--threshold T] [--min-seconds S] [--max-seconds S] [--raw SPEC]`: the
 * shots of a title (core/shots): frame ranges [start, end) between scene cuts, with the shortest
 * and longest shot applied. The scene scores are kept in the data folder's cache, so asking again
 * with other rules does not decode the title again. Exit codes: 0 found, 1 failed, 2 usage error.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { formatDuration } from '../../shared/format';
import { parseRawSpec } from '../../shared/rawSpec';
import type { TitleShots } from '../../shared/shots';
import { createCore } from '../core/core';
import { dataLayout, defaultDataDir } from '../core/paths';
import { checkInputFile, probeFile } from '../core/probe';
import { findShots } from '../core/shots/findShots';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** Runs `vq shots`; resolves to the exit code. */
export async function shotsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      json: { type: 'boolean' },
      threshold: { type: 'string' },
      'min-seconds': { type: 'string' },
      'max-seconds': { type: 'string' },
      raw: { type: 'string' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new UsageError('shots takes exactly one SOURCE file');
  const threshold = numberOption('--threshold', values.threshold);
  const minSeconds = numberOption('--min-seconds', values['min-seconds']);
  const maxSeconds = numberOption('--max-seconds', values['max-seconds']);
  let raw;
  if (values.raw !== undefined) {
    const parsed = parseRawSpec(values.raw);
    if (!parsed.ok) throw new UsageError(`--raw: ${parsed.message}`);
    raw = parsed.spec;
  }
  const dataDir = defaultDataDir();
  const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'off' });
  try {
    const checked = await checkInputFile(path.resolve(positionals[0]!), { raw });
    const ffprobe = await core.toolchain.binaryFor('probe');
    const ffmpeg = await core.toolchain.binaryFor('decode');
    // The decode counts the frames; the probe is for the frame rate only.
    const media = await probeFile(checked.realPath, { ffprobe, raw, countFrames: false });
    const found = await findShots({
      ffmpeg,
      input: checked.realPath,
      raw: raw ?? null,
      fps: media.video.frameRate,
      cacheDir: dataLayout(dataDir).cache,
      threshold,
      minSeconds,
      maxSeconds,
    });
    console.log(
      values.json
        ? JSON.stringify({ file: checked.realPath, ...found }, null, 2)
        : describeShots(found, checked.realPath),
    );
    return 0;
  } finally {
    core.close();
  }
}

function numberOption(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < 0)
    throw new UsageError(`${flag} ${text}: give a number, 0 or more`);
  return v;
}

/** The shots for a person: one line each with times, and the rules that made them. */
export function describeShots(t: TitleShots, file: string): string {
  const at = (frame: number): string => formatDuration(frame / t.fps);
  const rows = t.shots.map((s, i) => [
    String(i + 1),
    String(s.start),
    String(s.end),
    String(s.end - s.start),
    at(s.start),
    `${((s.end - s.start) / t.fps).toFixed(2)} s`,
    s.by,
  ]);
  const longest = t.rules.maxFrames === null ? 'none' : `${t.rules.maxFrames} frames`;
  return [
    `${path.basename(file)}: ${t.frames} frames at ${t.fps} fps, ${t.shots.length} shot(s)`,
    `scene cuts by ${t.method} at ${t.rules.threshold}; shortest shot ${t.rules.minFrames} frames, longest ${longest}` +
      (t.cached ? ' (scene scores from the cache)' : ''),
    '',
    renderTable(['#', 'start', 'end', 'frames', 'at', 'length', 'begins with'], rows),
  ].join('\n');
}
