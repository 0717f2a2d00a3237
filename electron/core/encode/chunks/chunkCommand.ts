/**
 * The ffmpeg arguments that encode one chunk of a title: exactly frames [start, end) of its video,
 * with the same filter chain and encoder arguments as the one-pass command (buildEncodeCommand),
 * so a chunk is encoded like the same frames of the whole. No audio: the join adds it once.
 *
 * Seeking: `-ss` before `-i` jumps to the keyframe before the chunk and, because the video is
 * transcoded, decodes from there and drops every frame before the seek time (ffmpeg's accurate
 * seek), so decoding starts near the chunk instead of at frame 0; the seek lands a quarter frame
 * early (media/frameSeek.ts). The first kept frame then starts the output at a quarter frame,
 * which ffmpeg's frame-rate sync rounds back to 0. `-frames:v` ends the chunk after exactly its length. Both assume a constant
 * frame rate; the integration test checks every frame of the joined file against a one-pass encode.
 */
import {
  buildEncodeCommand,
  type CommandInput,
  type PlannedRung,
} from '../../../../shared/encodePlan';
import { VqError } from '../../../../shared/errors';
import { parseFrameRate, seekBeforeFrame, type FrameRate } from '../../media/frameSeek';
import type { ChunkRange } from './chunkPlan';

/** Options of {@link chunkEncodeArgs}. */
export interface ChunkEncodeOptions {
  /** A worker's --threads for the encoder. */
  threads?: number;
  /** A two-pass rung encodes each chunk in two passes: which one this is, and its log file. */
  pass?: 1 | 2;
  passLogFile?: string;
}

/**
 * The arguments (no binary) that encode frames [range.start, range.end) of `input`'s video with
 * `rung` into `output`. Frames count at the rung's output rate (see {@link chunkFrameRate}).
 */
export function chunkEncodeArgs(
  input: CommandInput,
  rung: PlannedRung,
  range: ChunkRange,
  sourceRate: FrameRate,
  output: string,
  opts: ChunkEncodeOptions = {},
): string[] {
  if (
    !Number.isInteger(range.start) ||
    !Number.isInteger(range.end) ||
    range.start < 0 ||
    range.end <= range.start
  ) {
    throw new VqError(
      'INVALID_ARGS',
      `Chunk ${range.index} has no frames to encode (${range.start}–${range.end}).`,
    );
  }
  const rate = chunkFrameRate(rung, sourceRate);
  return buildEncodeCommand(input, [rung], [output], {
    threads: opts.threads,
    pass: opts.pass,
    passLogFiles: opts.passLogFile !== undefined ? [opts.passLogFile] : undefined,
    seekSeconds: chunkSeekSeconds(range.start, rate),
    frames: range.end - range.start,
    noAudio: true,
  });
}

/** The input seek for a chunk starting at `start`, or undefined for the first (no seek). */
export function chunkSeekSeconds(start: number, rate: FrameRate): number | undefined {
  return start === 0 ? undefined : seekBeforeFrame(start, rate);
}

/**
 * The frame rate chunks are counted at: the rung's capped rate when it lowers the source's, else
 * the source's. A rung at 30 of a 60 fps source has chunk frames at 30 fps.
 */
export function chunkFrameRate(rung: Pick<PlannedRung, 'fps'>, sourceRate: FrameRate): FrameRate {
  const rate = rung.fps === null ? sourceRate : parseFrameRate(rung.fps);
  if (!rate || !(rate.num > 0 && rate.den > 0)) {
    throw new VqError(
      'INVALID_ARGS',
      `A chunked encode needs the frame rate of the source; ${JSON.stringify(rung.fps ?? sourceRate)} is not one.`,
      'Probe the source again; a file without a frame rate cannot be encoded in chunks.',
    );
  }
  return rate;
}
