/**
 * What the CRF search and per-shot encoding share: the one-rung plan of an encode at a CRF (the
 * queue's own command builder, so their encodes are the library's), an encode run that throws
 * with ffmpeg's words, the video packets of a file by frame, and a move that works across disks.
 */
import fs from 'node:fs';
import path from 'node:path';
import fsp from 'node:fs/promises';
import { displaySize, planLadder, type PlannedRung } from '../../../shared/encodePlan';
import { VqError } from '../../../shared/errors';
import { ffmpegInputUrl } from '../../../shared/ffmpegInput';
import { ENCODERS, type Rung, type SoftwareEncoder } from '../../../shared/ladder';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { sourceGeometry } from '../encode/planBatch';
import { lastLines, runTool } from '../ffmpeg/process';
import { ProgressParser, progressFraction } from '../ffmpeg/progress';

/** An encode at a CRF of a title: the source's display height, no audio, Matroska. */
export interface CrfEncode {
  encoder: SoftwareEncoder;
  preset: string | null;
  crf: number;
  pixFmt?: Rung['pixFmt'];
  audio?: Rung['audio'];
  container?: Rung['container'];
}

/**
 * The planned rung of `e` for a title of `media` (and `raw`), scaled to `height` (default: the
 * title's display height, so nothing is scaled). Throws INVALID_ARGS with the plan's reason when
 * the title cannot be encoded so.
 */
export function planCrfRung(
  e: CrfEncode,
  media: MediaInfo,
  raw: RawVideoSpec | null,
  height?: number,
): PlannedRung {
  const geometry = sourceGeometry(media, raw);
  const rung = crfRung(e, media, raw, height);
  const plan = planLadder({ id: 'crf-encode', name: 'CRF encode', rungs: [rung] }, geometry);
  const planned = plan.rungs[0];
  if (!planned) {
    const why = [...plan.refused, ...plan.skipped][0]?.reason ?? 'the plan has no rung';
    throw new VqError('INVALID_ARGS', `This source cannot be encoded so: ${why}.`);
  }
  return planned;
}

/** The ladder rung of `e` (what {@link planCrfRung} plans), with its own id, e.g. `crf-22_5`. */
export function crfRung(
  e: CrfEncode,
  media: MediaInfo,
  raw: RawVideoSpec | null,
  height?: number,
  id = `crf-${String(e.crf).replace('.', '_')}`,
): Rung {
  const geometry = sourceGeometry(media, raw);
  return {
    id,
    width: null,
    height: height ?? displaySize(geometry).height,
    encoder: e.encoder,
    rateControl: { mode: 'crf', crf: e.crf },
    preset: e.preset,
    gopSeconds: null,
    fixedGop: false,
    pixFmt: e.pixFmt ?? (media.video.bitDepth > 8 ? 'yuv420p10le' : 'yuv420p'),
    fpsCap: null,
    audio: e.audio ?? { mode: 'none' },
    container: e.container ?? 'mkv',
  };
}

/**
 * What a target-quality run checks before any work: the preset is the encoder's, the title has a
 * constant frame rate (samples and shots are cut by frame times), and each output is a new file of
 * a container the encoder can go in (not the title itself, not one file twice; an existing file only
 * with `overwrite`). Throws INVALID_ARGS / OUTPUT_EXISTS saying what to do.
 */
export function checkTargetRun(o: {
  encoder: SoftwareEncoder;
  preset: string | null;
  media: MediaInfo;
  raw: RawVideoSpec | null;
  source: string;
  outputs?: readonly string[];
  overwrite?: boolean;
}): void {
  const info = ENCODERS[o.encoder];
  if (o.preset !== null && !(info.presets as readonly string[]).includes(o.preset)) {
    throw new VqError(
      'INVALID_ARGS',
      `${info.label} has no preset "${o.preset}".`,
      `Its presets are ${info.presets.join(', ')}.`,
    );
  }
  if (!o.raw && o.media.video.vfr) {
    throw new VqError(
      'INVALID_ARGS',
      `${path.basename(o.source)} has a variable frame rate; samples and shots are cut by frame times, which it does not keep steady.`,
      'Make a constant-rate copy first (ffmpeg -i IN -fps_mode cfr -r RATE …) and search on that.',
    );
  }
  const seen = new Set<string>();
  for (const out of o.outputs ?? []) {
    const file = path.resolve(out);
    const container = path.extname(file).slice(1).toLowerCase();
    if (!(info.containers as readonly string[]).includes(container)) {
      throw new VqError(
        'INVALID_ARGS',
        `${info.label} cannot go in .${container || '(no extension)'}: ${path.basename(file)}.`,
        `Name a .${info.containers.join(', .')} file.`,
      );
    }
    if (container === 'webm' && o.media.audio.length) {
      throw new VqError(
        'INVALID_ARGS',
        `${path.basename(file)}: the title's audio is encoded as AAC, which WebM cannot carry.`,
        'Name a .mkv or .mp4 file.',
      );
    }
    if (file === path.resolve(o.source)) {
      throw new VqError(
        'INVALID_ARGS',
        `The output ${file} is the title itself.`,
        'Name another file.',
      );
    }
    if (seen.has(file))
      throw new VqError(
        'INVALID_ARGS',
        `Two outputs would be ${file}.`,
        'Give each target its own file.',
      );
    seen.add(file);
    if (!o.overwrite && fs.existsSync(file)) {
      throw new VqError(
        'OUTPUT_EXISTS',
        `${file} exists already.`,
        'Give --overwrite to replace it, or name another file.',
      );
    }
  }
}

/** Runs one encode; throws with ffmpeg's words when it fails, CANCELED when stopped. */
export async function encodeOrThrow(
  bin: string,
  args: string[],
  o: {
    signal?: AbortSignal;
    /** What is encoded, for the error ("CRF 23 of the samples"). */
    what: string;
    onFraction?: (f: number | null) => void;
    totals?: { durationSeconds: number | null; frames: number | null };
  },
): Promise<void> {
  const parser = new ProgressParser((b) =>
    o.onFraction?.(o.totals ? progressFraction(b, o.totals) : null),
  );
  const r = await runTool(bin, args, {
    purpose: 'encode',
    signal: o.signal,
    collectStdout: false,
    onStdoutLine: (line) => parser.push(line),
  });
  if (r.canceled) throw new VqError('CANCELED', `Encoding ${o.what} was canceled.`);
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Encoding ${o.what} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      'The command is in the Activity panel (vq --verbose prints it).',
    );
  }
}

/** One video packet: the frame it shows (its time × the rate), its size, a keyframe or not. */
export interface VideoPacket {
  frame: number;
  bytes: number;
  key: boolean;
}

/** The video packets of `file` in its (decode) order, from ffprobe (no decoding). */
export async function videoPackets(
  ffprobe: string,
  file: string,
  fps: number,
  signal?: AbortSignal,
): Promise<VideoPacket[]> {
  const packets: VideoPacket[] = [];
  const r = await runTool(
    ffprobe,
    [
      ...['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,size,flags'],
      ...['-of', 'csv=p=0', ffmpegInputUrl(file)],
    ],
    {
      purpose: 'probe',
      signal,
      collectStdout: false,
      onStdoutLine: (line) => {
        const [pts, size, flags] = line.split(',');
        const t = Number(pts);
        const bytes = Number(size);
        if (!Number.isFinite(t) || !Number.isFinite(bytes)) return;
        packets.push({ frame: Math.round(t * fps), bytes, key: (flags ?? '').includes('K') });
      },
    },
  );
  if (r.canceled) throw new VqError('CANCELED', 'Reading the packets was canceled.');
  if (r.code !== 0 || packets.length === 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Reading the packets of ${file} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
    );
  }
  return packets;
}

/** Which of consecutive ranges (given by their ends) frame `f` is in; past the last: the last. */
export function rangeOf(ends: readonly number[], f: number): number {
  let lo = 0;
  let hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (f < ends[mid]!) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Renames, or copies then removes across file systems. */
export async function moveFile(from: string, to: string): Promise<void> {
  const tmp = `${to}.${process.pid}.part`;
  try {
    await fsp.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    try {
      await fsp.copyFile(from, tmp);
      await fsp.rename(tmp, to);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
    await fsp.rm(from, { force: true });
  }
}
