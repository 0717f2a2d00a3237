/**
 * `vq package MANIFEST.json --out DIR [--hls] [--dash] [--segment-seconds S] [--align] [--json]`: packages
 * an encoded ladder (the manifest.json of `vq encode`) for streaming, as CMAF segments with an HLS
 * master playlist and a DASH MPD over them (both unless one is asked for), without re-encoding
 * (electron/core/package). Exit codes: 0 written, 1 failed (keyframes that do not line up, a
 * missing rendition, an ffmpeg error), 2 usage error.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { VqError, toApiError } from '../../shared/errors';
import type { PackageSummary } from '../../shared/packaging';
import { createCore } from '../core/core';
import {
  MAX_SEGMENT_SECONDS,
  MIN_SEGMENT_SECONDS,
  packageLadder,
  type PackageInput,
} from '../core/package/packager';
import { defaultDataDir } from '../core/paths';
import { UsageError } from './usageError';

/** What is read from a manifest: the renditions' rungs and files (the rest is measured again). */
const ManifestInput = z
  .object({
    source: z
      .object({ path: z.string().max(4096) })
      .passthrough()
      .optional(),
    renditions: z
      .array(
        z
          .object({ rungId: z.string().min(1).max(200), path: z.string().min(1).max(4096) })
          .passthrough(),
      )
      .max(100),
  })
  .passthrough();

/** Runs `vq package`; resolves to the exit code. */
export async function packageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      hls: { type: 'boolean' },
      dash: { type: 'boolean' },
      'segment-seconds': { type: 'string' },
      align: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1)
    throw new UsageError('package takes exactly one MANIFEST.json (of `vq encode`)');
  if (!values.out) throw new UsageError('package needs --out DIR (a new or empty folder)');
  let segmentSeconds: number | undefined;
  if (values['segment-seconds'] !== undefined) {
    segmentSeconds = Number(values['segment-seconds']);
    if (!(segmentSeconds >= MIN_SEGMENT_SECONDS && segmentSeconds <= MAX_SEGMENT_SECONDS)) {
      throw new UsageError(
        `--segment-seconds ${values['segment-seconds']}: expected seconds between ${MIN_SEGMENT_SECONDS} and ${MAX_SEGMENT_SECONDS}`,
      );
    }
  }
  // Both formats unless one is asked for.
  const hls = values.hls || !values.dash;
  const dash = values.dash || !values.hls;
  try {
    const manifestFile = path.resolve(positionals[0]!);
    const renditions = readManifest(manifestFile);
    const core = createCore({ dataDir: defaultDataDir(), host: { mode: 'web' }, queue: 'off' });
    try {
      const [ffmpeg, ffprobe] = await Promise.all([
        core.toolchain.binaryFor('encode'),
        core.toolchain.binaryFor('probe'),
      ]);
      const showProgress = process.stderr.isTTY && !values.json;
      const summary = await packageLadder({
        ffmpeg,
        ffprobe,
        renditions: renditions.list,
        sourcePath: renditions.sourcePath,
        outDir: values.out,
        hls,
        dash,
        segmentSeconds,
        align: values.align
          ? (problems, seg, dir) =>
              core.playback.alignRungs(
                problems,
                seg,
                dir,
                new Map(renditions.list.map((r) => [r.rungId, r.path])),
              )
          : undefined,
        onProgress: showProgress
          ? (p) => process.stderr.write(`\rvq: packaging ${p.done}/${p.total} ${p.step.padEnd(30)}`)
          : undefined,
      });
      if (showProgress) process.stderr.write('\n');
      // Listed in the app's Play view (and its reports) from now on.
      core.playback.register(path.resolve(values.out), summary);
      if (values.json) console.log(JSON.stringify(summary, null, 2));
      else console.log(describe(summary, path.resolve(values.out)));
      return 0;
    } finally {
      core.close();
    }
  } catch (err) {
    if (values.json) console.log(JSON.stringify({ error: toApiError(err) }, null, 2));
    throw err;
  }
}

/** The renditions of a manifest, paths made absolute against the manifest's folder. */
function readManifest(file: string): { list: PackageInput[]; sourcePath: string | null } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new VqError(
      'NOT_FOUND',
      `Cannot read ${file}: ${(err as Error).message}.`,
      'Pass the manifest.json that `vq encode` wrote.',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new VqError(
      'INVALID_ARGS',
      `${file} is not JSON.`,
      'Pass the manifest.json that `vq encode` wrote.',
    );
  }
  const parsed = ManifestInput.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new VqError(
      'INVALID_ARGS',
      `${file} is not an encode manifest: ${issue.path.join('.') || 'the document'}: ${issue.message}.`,
      'Pass the manifest.json that `vq encode` wrote (it lists renditions with rungId and path).',
    );
  }
  const base = path.dirname(file);
  return {
    list: parsed.data.renditions.map((r) => ({
      rungId: r.rungId,
      path: path.resolve(base, r.path),
    })),
    sourcePath: parsed.data.source?.path ?? null,
  };
}

function describe(s: PackageSummary, dir: string): string {
  const kbps = (bps: number): string => `${Math.round(bps / 1000)} kb/s`;
  const lines = [
    `packaged ${s.variants.length} rendition${s.variants.length === 1 ? '' : 's'}${s.audio ? ' and audio' : ''} in ${s.segmentSeconds} s segments to ${dir}`,
    ...(s.hls ? [`  HLS:  ${path.join(dir, 'master.m3u8')}`] : []),
    ...(s.dash ? [`  DASH: ${path.join(dir, 'manifest.mpd')}`] : []),
    ...s.variants.map(
      (v) =>
        `  ${v.rungId.padEnd(16)} ${`${v.width}x${v.height}`.padEnd(10)} ${v.codecs.padEnd(18)} peak ${kbps(v.peakBps).padStart(11)}  average ${kbps(v.averageBps).padStart(11)}  ${v.segments.length} segments`,
    ),
    ...(s.audio
      ? [
          `  audio            ${s.audio.codecs.padEnd(29)} average ${kbps(s.audio.averageBps).padStart(11)}`,
        ]
      : []),
  ];
  return lines.join('\n');
}
