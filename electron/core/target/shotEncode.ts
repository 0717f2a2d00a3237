/**
 * Per-shot encoding (issue 16; shared/shotEncode.ts has the method):
 * 1. The title's shots (core/shots), here at least 1 s and at most 10 s long by default.
 * 2. Every shot is encoded at each CRF of a grid, and at each picture height asked for (default:
 *    the title's own), as its own chunk (the chunk encoder of chunked encoding: exact frames, a
 *    keyframe at the shot's start), and the chunks of each height and CRF are joined without
 *    re-encoding into one stream of the whole title.
 * 3. Those streams are scored against the title in one scoring run (smaller pictures scaled up to
 *    the title's size, as a player shows them); each shot's quality is the mean of its frames, its
 *    bits the sum of its packets.
 * 4. Each shot's hull, one slope for all shots, and for each target the point of the title's
 *    curve that meets it: a CRF per shot, at the height whose curve does best there (an output
 *    keeps one picture size: shared/shotEncode.ts pickOutput).
 * 5. The chosen chunks are joined (stream copy) into the output, checked (frame count, a keyframe
 *    at every shot start, timestamps, a clean decode) and scored against the title.
 * Work files go to a folder that is removed at the end; an output is written under a temporary
 * name and renamed only once checked.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { displaySize, type PlannedRung } from '../../../shared/encodePlan';
import { ffmpegInputUrl } from '../../../shared/ffmpegInput';
import { VqError } from '../../../shared/errors';
import { ENCODERS, type Rung, type SoftwareEncoder } from '../../../shared/ladder';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { mean } from '../../../shared/pooling';
import {
  curvesByHeight,
  heightCurves,
  MAX_SHOT_HEIGHTS,
  pickOutput,
  SHOT_CRFS,
  type ShotCandidates,
  type ShotChoice,
  type ShotTarget,
} from '../../../shared/shotEncode';
import type { Shot } from '../../../shared/shots';
import { chooseEncodeBinary } from '../encode/chooseBinary';
import { chunkEncodeArgs } from '../encode/chunks/chunkCommand';
import { joinChunks } from '../encode/chunks/joinChunks';
import { verifyJoined } from '../encode/chunks/verifyJoined';
import { sourceGeometry } from '../encode/planBatch';
import { parseFrameRate, type FrameRate } from '../media/frameSeek';
import { scoreRun } from '../scoreEngine';
import { findShots } from '../shots/findShots';
import type { Toolchain } from '../toolchain';
import type { QueueEncodes } from './queueEncodes';
import {
  checkTargetRun,
  crfRung,
  moveFile,
  planCrfRung,
  rangeOf,
  encodeOrThrow,
  videoPackets,
} from './encodeTools';

/** What a per-shot encode reports as it goes. */
export type ShotEncodeEvent =
  | { type: 'shots'; shots: Shot[] }
  | { type: 'encoded'; crf: number; height: number; shot: number; done: number; total: number }
  /** On the shared queue's workers: shot encodes of the jobs that have ended, of all. */
  | { type: 'workers'; done: number; total: number }
  | { type: 'scoring'; streams: number }
  | { type: 'joining'; target: ShotTarget }
  | { type: 'output'; target: ShotTarget; file: string };

/** What to encode. */
export interface ShotEncodeOptions {
  /** The title; its library id too when the shared queue's workers may encode it. */
  source: { path: string; raw: RawVideoSpec | null; media: MediaInfo; id?: string };
  encoder: SoftwareEncoder;
  preset?: string | null;
  crfs?: number[];
  /** Picture heights to encode each shot at (default: the title's own); none above the title's. */
  heights?: number[];
  /** One output per target, in the same order as `outputs`. */
  targets: ShotTarget[];
  outputs: string[];
  minShotSeconds?: number;
  maxShotSeconds?: number;
  /** Replace outputs that exist. */
  overwrite?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: ShotEncodeEvent) => void;
}

/** One output: the target, what the curve predicted, what the joined file measured. */
export interface ShotEncodeOutput {
  target: ShotTarget;
  met: boolean;
  why: string | null;
  /** The output's picture height. */
  height: number;
  shots: ShotChoice[];
  predicted: { vmaf: number; bitrateKbps: number };
  result: { vmaf: number; bitrateKbps: number; sizeBytes: number; file: string };
}

/** The whole run. */
export interface ShotEncodeResult {
  source: string;
  encoder: SoftwareEncoder;
  preset: string | null;
  crfs: number[];
  heights: number[];
  shots: Shot[];
  /**
   * The title's rate–quality curve from the shots' hulls (what any target can have): the best
   * across heights, each point saying its height.
   */
  curve: { height: number; bitrateKbps: number; vmaf: number }[];
  /** The curve at each height. */
  curves: { height: number; points: { bitrateKbps: number; vmaf: number }[] }[];
  /** Each shot at each height and CRF (rows: shots; columns: heights, then CRFs within each). */
  grid: { height: number; crf: number; kbps: number; vmaf: number }[][];
  outputs: ShotEncodeOutput[];
  seconds: number;
}

/** Runs a per-shot encode (see the file comment). */
export async function runShotEncode(
  o: ShotEncodeOptions,
  deps: {
    toolchain: Pick<Toolchain, 'binaryFor' | 'report'>;
    cacheDir: string | null;
    tmpDir?: string;
    /**
     * The shared queue's workers, when this app has them: the streams are encoded there, as one
     * batch written to `streamsDir` (a folder the workers can write), and stay listed.
     */
    workers?: QueueEncodes | null;
    streamsDir?: string;
  },
): Promise<ShotEncodeResult> {
  if (o.targets.length === 0 || o.targets.length !== o.outputs.length)
    throw new VqError('INVALID_ARGS', 'Give one output file for each target.');
  checkTargetRun({
    encoder: o.encoder,
    preset: o.preset ?? null,
    media: o.source.media,
    raw: o.source.raw,
    source: o.source.path,
    outputs: o.outputs,
    overwrite: o.overwrite,
  });
  const crfs = [...new Set(o.crfs ?? SHOT_CRFS[o.encoder])].sort((a, b) => a - b);
  if (crfs.length < 2)
    throw new VqError('INVALID_ARGS', 'A per-shot encode needs at least two CRFs.');
  const geometry = sourceGeometry(o.source.media, o.source.raw);
  const heights = shotHeights(o.heights, o.source.media, o.source.raw);
  const rate = parseFrameRate(String(geometry.frameRate ?? ''));
  if (!rate)
    throw new VqError(
      'INVALID_ARGS',
      `${o.source.path} has no constant frame rate to cut shots by.`,
    );
  const fps = rate.num / rate.den;
  const started = Date.now();
  const report = await deps.toolchain.report();
  const encodeBin = chooseEncodeBinary(report, [o.encoder]);
  const decodeBin = await deps.toolchain.binaryFor('decode');
  const ffprobe = await deps.toolchain.binaryFor('probe');
  const preset = o.preset ?? null;
  const work = await fsp.mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'vq-shot-encode-'));
  try {
    const found = await findShots({
      ffmpeg: decodeBin,
      input: o.source.path,
      raw: o.source.raw,
      fps,
      cacheDir: deps.cacheDir,
      signal: o.signal,
      minSeconds: o.minShotSeconds ?? 1,
      maxSeconds: o.maxShotSeconds ?? 10,
    });
    const shots = found.shots;
    o.onEvent?.({ type: 'shots', shots });
    const total = found.frames;
    const ends = shots.map((s) => s.end);
    const input = { path: o.source.path, raw: o.source.raw };

    // Every shot at every height and CRF, each height's and CRF's chunks joined into one stream
    // of the title. Every rung is planned before any encode, so a height the title cannot have
    // is refused up front.
    const streamName = (p: { height: number; crf: number }): string =>
      `h${p.height}-crf${String(p.crf).replace('.', '_')}`;
    const encodes: StreamEncode[] = heights.flatMap((height) =>
      crfs.map((crf) => {
        const name = streamName({ height, crf });
        const e = { encoder: o.encoder, preset, crf };
        return {
          height,
          crf,
          name,
          rung: crfRung(e, o.source.media, o.source.raw, height, name),
          planned: planCrfRung(e, o.source.media, o.source.raw, height),
        };
      }),
    );
    const chunkOf = (p: { height: number; crf: number }, i: number): string =>
      path.join(work, streamName(p), `shot-${i}.mkv`);
    // On the workers the title is split at these shots by the library's frame count, so it must
    // be the one the shots were found in; else the shots are encoded here.
    const splittable = o.source.media.video.frameCount === total;
    const onWorkers =
      deps.workers && o.source.id && deps.streamsDir && splittable ? deps.workers : null;
    const streams = onWorkers
      ? await encodeOnWorkers({
          workers: onWorkers,
          sourceId: o.source.id!,
          encodes,
          shots,
          outDir: deps.streamsDir!,
          overwrite: o.overwrite === true,
          name: `Per-shot: ${ENCODERS[o.encoder].label}${preset ? ` ${preset}` : ''}, CRF ${crfs.join('/')}`,
          signal: o.signal,
          onJobs: (ended, total) =>
            o.onEvent?.({
              type: 'workers',
              done: ended * shots.length,
              total: total * shots.length,
            }),
        })
      : await encodeHere({ encodes, shots, input, rate, encodeBin, chunkOf, work, o });
    const packets = await Promise.all(
      streams.map((file) => videoPackets(ffprobe, file, fps, o.signal)),
    );
    if (onWorkers) {
      // The chosen shots are copied out of the workers' streams (each starts a GOP at every shot).
      for (const [c, e] of encodes.entries()) {
        const keys = new Set(packets[c]!.filter((p) => p.key).map((p) => p.frame));
        const missing = shots.findIndex((s) => !keys.has(s.start));
        if (missing >= 0) {
          throw new VqError(
            'FFMPEG_FAILED',
            `The workers' CRF ${e.crf}, ${e.height}p stream has no keyframe at shot ${missing + 1}'s first frame (${shots[missing]!.start}).`,
          );
        }
        await splitAtShots({
          ffmpeg: encodeBin,
          stream: streams[c]!,
          shots,
          dir: path.dirname(chunkOf(e, 0)),
          signal: o.signal,
        });
      }
    }

    // One scoring run for every stream; then each shot's quality and bits per height and CRF.
    o.onEvent?.({ type: 'scoring', streams: streams.length });
    const run = await scoreRun(
      {
        reference: { path: o.source.path, raw: o.source.raw, media: o.source.media },
        distorted: streams.map((p) => ({ path: p })),
        metrics: ['vmaf'],
        align: 'off',
      },
      { toolchain: deps.toolchain, tmpDir: work, cacheDir: deps.cacheDir },
      { signal: o.signal },
    );
    const grid: { height: number; crf: number; bits: number; vmaf: number }[][] = shots.map(
      () => [],
    );
    for (let c = 0; c < encodes.length; c++) {
      const e = encodes[c]!;
      const vmaf = run.results[c]?.perFrame.vmaf;
      if (!vmaf || vmaf.length !== total) {
        throw new VqError(
          'FFMPEG_FAILED',
          `Scoring the CRF ${e.crf}, ${e.height}p stream gave ${vmaf?.length ?? 0} VMAF values for ${total} frames.`,
        );
      }
      const bits = shots.map(() => 0);
      for (const p of packets[c]!) bits[rangeOf(ends, p.frame)]! += p.bytes * 8;
      shots.forEach((s, i) =>
        grid[i]!.push({
          height: e.height,
          crf: e.crf,
          bits: bits[i]!,
          vmaf: mean(vmaf.slice(s.start, s.end)),
        }),
      );
    }
    const candidates: ShotCandidates[] = shots.map((s, i) => ({
      frames: s.end - s.start,
      points: grid[i]!.map((g) => ({
        crf: g.crf,
        height: g.height,
        bits: g.bits,
        quality: g.vmaf,
      })),
    }));
    const seconds = total / fps;
    const curves = heightCurves(candidates);

    // Each target's choices joined, checked and scored.
    const outputs: ShotEncodeOutput[] = [];
    for (let t = 0; t < o.targets.length; t++) {
      const target = o.targets[t]!;
      const picked = pickOutput(curves, target, seconds);
      const chosen = picked.points;
      const final = path.resolve(o.outputs[t]!);
      const ext = path.extname(final).toLowerCase();
      const container = ext === '.mp4' ? 'mp4' : ext === '.webm' ? 'webm' : 'mkv';
      const outRung = planCrfRung(
        {
          encoder: o.encoder,
          preset,
          crf: chosen[0]!.crf,
          container,
          audio: o.source.media.audio.length ? { mode: 'aac', bitrateKbps: 128 } : { mode: 'none' },
        },
        o.source.media,
        o.source.raw,
        picked.height,
      );
      o.onEvent?.({ type: 'joining', target });
      const joined = path.join(work, `output-${t}${ext || '.mkv'}`);
      await joinChunks({
        ffmpeg: encodeBin,
        chunks: chosen.map((p, i) => chunkOf(p, i)),
        source: input,
        rung: outRung,
        output: joined,
        signal: o.signal,
      });
      const check = await verifyJoined({
        ffprobe,
        ffmpeg: decodeBin,
        file: joined,
        expectedFrames: total,
        boundaries: shots.map((s) => s.start),
        signal: o.signal,
      });
      if (!check.ok) {
        throw new VqError(
          'FFMPEG_FAILED',
          `The joined shots do not make a whole title: ${check.problems.join('; ')}.`,
        );
      }
      const scored = await scoreRun(
        {
          reference: { path: o.source.path, raw: o.source.raw, media: o.source.media },
          distorted: [{ path: joined }],
          metrics: ['vmaf'],
          align: 'off',
        },
        { toolchain: deps.toolchain, tmpDir: work, cacheDir: deps.cacheDir },
        { signal: o.signal },
      );
      const videoBits = (await videoPackets(ffprobe, joined, fps, o.signal)).reduce(
        (n, p) => n + p.bytes * 8,
        0,
      );
      const sizeBytes = (await fsp.stat(joined)).size;
      await fsp.mkdir(path.dirname(final), { recursive: true });
      await moveFile(joined, final);
      o.onEvent?.({ type: 'output', target, file: final });
      outputs.push({
        target,
        met: picked.met,
        why: picked.why,
        height: picked.height,
        shots: shots.map((s, i) => ({
          start: s.start,
          end: s.end,
          crf: chosen[i]!.crf,
          height: chosen[i]!.height,
          kbps: chosen[i]!.bits / ((s.end - s.start) / fps) / 1000,
          vmaf: chosen[i]!.quality,
        })),
        predicted: { vmaf: picked.point.quality, bitrateKbps: picked.point.bits / seconds / 1000 },
        result: {
          vmaf: scored.results[0]!.metrics.vmaf!.mean,
          bitrateKbps: videoBits / seconds / 1000,
          sizeBytes,
          file: final,
        },
      });
    }
    const byHeight = curvesByHeight(curves, seconds);
    return {
      source: o.source.path,
      encoder: o.encoder,
      preset,
      crfs,
      heights,
      shots,
      curve: byHeight.envelope,
      curves: byHeight.curves,
      grid: grid.map((row, i) =>
        row.map((g) => ({
          height: g.height,
          crf: g.crf,
          kbps: g.bits / ((shots[i]!.end - shots[i]!.start) / fps) / 1000,
          vmaf: g.vmaf,
        })),
      ),
      outputs,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}

/** One stream of a per-shot encode: every shot at one height and CRF. */
interface StreamEncode {
  height: number;
  crf: number;
  /** Its rung id and folder name, e.g. `h720-crf26`. */
  name: string;
  rung: Rung;
  planned: PlannedRung;
}

/** Each shot of each stream encoded here, one chunk at a time, and each stream joined. */
async function encodeHere(a: {
  encodes: readonly StreamEncode[];
  shots: readonly Shot[];
  input: { path: string; raw: RawVideoSpec | null };
  rate: FrameRate;
  encodeBin: string;
  chunkOf: (e: StreamEncode, i: number) => string;
  work: string;
  o: ShotEncodeOptions;
}): Promise<string[]> {
  const streams: string[] = [];
  let done = 0;
  for (const e of a.encodes) {
    await fsp.mkdir(path.join(a.work, e.name), { recursive: true });
    for (let i = 0; i < a.shots.length; i++) {
      const s = a.shots[i]!;
      const args = chunkEncodeArgs(
        a.input,
        e.planned,
        { index: i, start: s.start, end: s.end },
        a.rate,
        a.chunkOf(e, i),
      );
      await encodeOrThrow(a.encodeBin, args, {
        signal: a.o.signal,
        what: `shot ${i + 1} at CRF ${e.crf}, ${e.height}p`,
      });
      a.o.onEvent?.({
        type: 'encoded',
        crf: e.crf,
        height: e.height,
        shot: i,
        done: ++done,
        total: a.encodes.length * a.shots.length,
      });
    }
    const stream = path.join(a.work, `${e.name}.mkv`);
    await joinChunks({
      ffmpeg: a.encodeBin,
      chunks: a.shots.map((_, i) => a.chunkOf(e, i)),
      source: a.input,
      rung: e.planned,
      output: stream,
      signal: a.o.signal,
    });
    streams.push(stream);
  }
  return streams;
}

/**
 * Each stream as a job of the shared queue, its title split at the shots, so the workers encode
 * the shots in parallel and join each stream (queueEncodes.ts). The streams, in `encodes` order.
 */
async function encodeOnWorkers(a: {
  workers: QueueEncodes;
  sourceId: string;
  encodes: readonly StreamEncode[];
  shots: readonly Shot[];
  outDir: string;
  overwrite: boolean;
  name: string;
  signal?: AbortSignal;
  onJobs: (ended: number, total: number) => void;
}): Promise<string[]> {
  const files = await a.workers.encode({
    sourceId: a.sourceId,
    ladder: { id: 'per-shot', name: a.name, rungs: a.encodes.map((e) => e.rung) },
    chunkStarts: a.shots.map((s) => s.start),
    outDir: a.outDir,
    overwrite: a.overwrite,
    signal: a.signal,
    onJobs: a.onJobs,
  });
  return a.encodes.map((e) => {
    const file = files.get(e.name);
    if (!file) throw new VqError('FFMPEG_FAILED', `The workers made no ${e.name} stream.`);
    return file;
  });
}

/**
 * Copies each shot of `stream` (a GOP starts at every shot) into `dir/shot-<i>.mkv`, without
 * re-encoding: ffmpeg's segment muxer cuts at the first keyframe at or after each shot's first
 * frame (counted in decode order, which a closed GOP makes the same), which is that frame. A title
 * of one shot is the stream itself.
 */
async function splitAtShots(o: {
  ffmpeg: string;
  stream: string;
  shots: readonly Shot[];
  dir: string;
  signal?: AbortSignal;
}): Promise<void> {
  await fsp.mkdir(o.dir, { recursive: true });
  const at = o.shots.slice(1).map((s) => s.start);
  if (at.length === 0) {
    await fsp.copyFile(o.stream, path.join(o.dir, 'shot-0.mkv'));
    return;
  }
  const args = [
    ...['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'],
    ...['-i', ffmpegInputUrl(o.stream), '-map', '0:v:0', '-c', 'copy'],
    ...['-f', 'segment', '-segment_frames', at.join(','), '-reset_timestamps', '1'],
    ...['-segment_format', 'matroska', path.join(o.dir, 'shot-%d.mkv')],
  ];
  await encodeOrThrow(o.ffmpeg, args, { signal: o.signal, what: 'the shots of a stream' });
  for (let i = 0; i < o.shots.length; i++) {
    try {
      await fsp.access(path.join(o.dir, `shot-${i}.mkv`));
    } catch {
      throw new VqError('FFMPEG_FAILED', `Cutting ${o.stream} at its shots gave no shot ${i + 1}.`);
    }
  }
}

/**
 * The picture heights a per-shot encode of this title tries, tallest first: `asked` (default: the
 * title's own), each a whole height from 64 up to the title's own, at most {@link MAX_SHOT_HEIGHTS}.
 * Throws INVALID_ARGS saying which height cannot be.
 */
export function shotHeights(
  asked: readonly number[] | undefined,
  media: MediaInfo,
  raw: RawVideoSpec | null,
): number[] {
  const own = displaySize(sourceGeometry(media, raw)).height;
  const heights = [...new Set(asked ?? [own])].sort((a, b) => b - a);
  if (heights.length > MAX_SHOT_HEIGHTS)
    throw new VqError(
      'INVALID_ARGS',
      `Give at most ${MAX_SHOT_HEIGHTS} picture heights, not ${heights.length}: each is every shot at every CRF again.`,
    );
  const tooTall = heights.find((h) => !(Number.isInteger(h) && h >= 64 && h <= own));
  if (tooTall !== undefined)
    throw new VqError(
      'INVALID_ARGS',
      `${tooTall}p is not a height this title can be encoded at: give whole heights from 64 up to its own ${own}p.`,
    );
  return heights;
}
