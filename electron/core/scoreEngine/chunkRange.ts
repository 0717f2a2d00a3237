/**
 * Scoring a frame range of a video (a chunk) so that its per-frame results equal those of one
 * pass over the whole video, frame by frame: the chunks of a long title can then be scored apart
 * (on other machines) and joined (chunkMerge.ts) into the one-pass result.
 *
 * Most metrics see one frame pair at a time, but some read neighbouring frames, so a chunk
 * [start, end) decodes and scores [start − before, end + after) and keeps only [start, end).
 * What reads neighbours (Netflix/vmaf v3.2.0 and v1.3.7, FFmpeg 7.1 vf_xpsnr.c):
 *
 * - VMAF's motion (libvmaf ≥ 2 integer_motion.c / float_motion.c, 1.3.7 wrapper/src/combo.c):
 *   motion(i) is the SAD of the blurred luma of reference frames i−1 and i (frame 0: 0), and
 *   `motion2`, what the models read, is min(motion(i), motion(i+1)), except on the LAST frame of the
 *   run, which keeps motion(i). So a chunk needs one frame before and one after: with them the
 *   frame before `start` plays "frame 0" and the frame `end` keeps `end − 1` from being "the last";
 *   the true last frame of the video is the last of the last chunk, as in one pass.
 * - libvmaf ≥ 3's `motion_five_frame_window` (motion of frames i−2 and i, motion2 from motion(i−1)
 *   and motion(i+1)) with `motion_moving_average` (motion3(i) averages the processed motion2 of
 *   frames i and i−1), which the VMAF v1 high-frame-rate models set: frame i reads back to i−4.
 *   Every other motion option reads no further, so 4 is the most any libvmaf 3.2 model needs.
 * - XPSNR's temporal activity: the previous reference frame below 32 fps, the two previous at
 *   32 fps and above (integer frame rate, as the filter computes it); nothing after. Its memory
 *   starts as zeros, so the frames before `start` must really be there.
 * - PSNR, SSIM, MS-SSIM, CAMBI, ADM, VIF, SpEED chroma: one frame pair at a time.
 *
 * Where the chunk starts reading (chunkSeeks): the engine reads every input at the reference's
 * constant rate (`-r` before `-i`, graph.ts), and with `-r` ffmpeg stamps frames from the keyframe
 * it seeked to, so `-ss` with `-r` starts at that keyframe instead of the asked frame (measured on
 * FFmpeg 7.1.5, Debian's 5.1.9 and @ffmpeg-installer's 4.1: `-ss 1.5 -r 24` gave frames 0, 1, 2 of
 * a clip whose only keyframe is frame 0, not frames 36, 37, 38). So a chunk that can seek does so
 * without `-r`: `-ss` a quarter frame before its first frame on each file's own clock (its video
 * stream's start plus frames ÷ its rate, so an audio track that starts first or Matroska's
 * millisecond timestamps cannot move it a frame), ffmpeg decodes from the keyframe before and
 * drops every earlier frame by its timestamp, and the graph then stamps frames by count at the
 * reference's rate (timing 'seeked'), as `-r` would have. Where an input cannot be placed exactly
 * (raw, a variable rate, a converted rate, a clock the probe did not give) every input is read from
 * the start instead and the range is cut with `trim=start_frame:end_frame`, which counts decoded
 * frames: right, but each chunk then decodes both videos from the start of the title.
 */
import { VqError } from '../../../shared/errors';
import { pool, type PooledStats } from '../../../shared/pooling';
import type { MediaInfo } from '../../../shared/media';
import { parseFrameRate, seekBeforeFrame } from '../media/frameSeek';
import type { DistortedScore, ModelUsed, ScoreSeries } from '../../../shared/score';
import { withInfiniteWarnings } from './seriesWarnings';

/** Frames [start, end) of the reference: 0-based, counted at the reference's frame rate. */
export interface FrameRange {
  start: number;
  end: number;
}

/** Frames a chunk scores before and after its range so each metric sees its neighbours. */
export interface ChunkOverlap {
  before: number;
  after: number;
}

/** A chunk as planned: its range, the overlap, and the frames the graph keeps. */
export interface PlannedFrameRange extends FrameRange {
  overlap: ChunkOverlap;
  /** First frame decoded and scored: max(0, start − overlap.before). */
  first: number;
  /** Frames kept from `first`: end + overlap.after − first (trim stops at the video's end). */
  decoded: number;
}

/** The most any libvmaf 3.2 motion option reads back (five-frame window + moving average). */
export const LIBVMAF_MAX_LOOKBACK = 4;

/**
 * Built-in models of libvmaf ≥ 2 whose motion reads only the previous frame (no five-frame window,
 * no moving average; Netflix/vmaf v3.2.0 model/*.json). Any other model, a model file included,
 * gets {@link LIBVMAF_MAX_LOOKBACK}: a few more frames decoded are cheap, a wrong score is not.
 */
const ONE_FRAME_MOTION: ReadonlySet<string> = new Set([
  'vmaf_v0.6.1',
  'vmaf_v0.6.1neg',
  'vmaf_4k_v0.6.1',
  'vmaf_float_v0.6.1',
  'vmaf_v1.0.16_3d0h',
  'vmaf_v1.0.16_5d0h',
  'vmaf_v1.0.16_3d0h_2160',
  'vmaf_v1.0.16_1d5h_2160',
]);

/** What the overlap depends on: libvmaf (when it runs) and XPSNR's frame rate (when it runs). */
export interface OverlapInputs {
  libvmaf: { api: 1 | 2; model: ModelUsed } | null;
  /** The reference's frame rate in frames per second when XPSNR runs, else null. */
  xpsnrFps: number | null;
}

/** The overlap a chunk needs for the metrics of a run (see the file comment for the sources). */
export function chunkOverlap(o: OverlapInputs): ChunkOverlap {
  let before = 0;
  let after = 0;
  if (o.libvmaf) {
    const oneFrame =
      o.libvmaf.api === 1 ||
      (o.libvmaf.model.path === null && ONE_FRAME_MOTION.has(o.libvmaf.model.name));
    before = oneFrame ? 1 : LIBVMAF_MAX_LOOKBACK;
    after = 1;
  }
  // vf_xpsnr.c: `frame_rate = num / den` (integer), first-order difference below 32.
  if (o.xpsnrFps !== null) before = Math.max(before, Math.trunc(o.xpsnrFps) < 32 ? 1 : 2);
  return { before, after };
}

/** An input of a chunk run, as far as seeking it goes. */
export interface SeekableInput {
  media: MediaInfo;
  /** How its frames are timed in the run: only inputs read by frame index ('index') can seek. */
  timing: string;
}

/**
 * Where each input of a chunk whose first decoded frame is `first` starts reading (`-ss` before
 * `-i`, seconds from the file's start): a quarter frame before frame `first` on the file's clock,
 * frame i of a constant-rate video being shown at its stream's start + i ÷ its rate. Null when
 * `first` is 0 or any input cannot be placed exactly: not read by frame index, raw, a variable
 * or unknown rate, or a stream or file start the probe did not give.
 */
export function chunkSeeks(first: number, inputs: readonly SeekableInput[]): number[] | null {
  if (first <= 0) return null;
  const seeks: number[] = [];
  for (const { media, timing } of inputs) {
    const v = media.video;
    const rate = parseFrameRate(v.rFrameRate);
    const avg = parseFrameRate(v.avgFrameRate);
    const constant = rate && avg && rate.num * avg.den === avg.num * rate.den && !v.vfr;
    const streamStart = v.startTimeSeconds;
    const fileStart = media.startTimeSeconds;
    if (timing !== 'index' || media.raw || !constant || streamStart == null || fileStart == null) {
      return null;
    }
    const seek = seekBeforeFrame(first, rate, streamStart - fileStart);
    if (!(seek > 0)) return null;
    seeks.push(seek);
  }
  return seeks;
}

/** Refuses a range that is not whole frames with 0 ≤ start < end. */
export function checkFrameRange(range: FrameRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end <= start) {
    throw new VqError(
      'INVALID_ARGS',
      `A frame range must be whole frames with 0 ≤ start < end, not [${String(start)}, ${String(end)}).`,
      'Plan the ranges with planScoreChunks(frameCount, targetFrames).',
    );
  }
}

/** The frames a chunk decodes and scores for its range and overlap. */
export function planFrameRange(range: FrameRange, overlap: ChunkOverlap): PlannedFrameRange {
  checkFrameRange(range);
  const first = Math.max(0, range.start - overlap.before);
  return {
    start: range.start,
    end: range.end,
    overlap,
    first,
    decoded: range.end + overlap.after - first,
  };
}

/**
 * Splits frames [0, frameCount) into consecutive ranges of about `targetFrames` each: as many
 * ranges as `targetFrames` needs, their lengths differing by at most one (longer ones first).
 */
export function planScoreChunks(frameCount: number, targetFrames: number): FrameRange[] {
  if (!Number.isSafeInteger(frameCount) || frameCount < 1) {
    throw new VqError(
      'INVALID_ARGS',
      `A video to split needs at least one frame, not ${String(frameCount)}.`,
    );
  }
  if (!Number.isSafeInteger(targetFrames) || targetFrames < 1) {
    throw new VqError(
      'INVALID_ARGS',
      `Frames per chunk must be a whole number ≥ 1, not ${String(targetFrames)}.`,
    );
  }
  const count = Math.ceil(frameCount / targetFrames);
  const base = Math.floor(frameCount / count);
  const longer = frameCount % count;
  const out: FrameRange[] = [];
  let start = 0;
  for (let i = 0; i < count; i++) {
    const end = start + base + (i < longer ? 1 : 0);
    out.push({ start, end });
    start = end;
  }
  return out;
}

/** Pools one series again, with the "share below" threshold its pooled figures were made with. */
export function repool(
  values: readonly number[],
  before: DistortedScore['metrics'][ScoreSeries],
): PooledStats {
  return pool(values, before?.below?.threshold ?? null);
}

/**
 * Keeps the frames [start, end) of a chunk's score (scored from `first`), numbered in the whole
 * video, and pools them (and counts their infinite frames) again. Throws when the run did not
 * score every frame of the range (the videos end before `end`): a chunk must cover its range
 * exactly or the joined result would not be the one-pass result.
 */
export function cropToRange(score: DistortedScore, range: PlannedFrameRange): DistortedScore {
  const keep: number[] = [];
  score.frameNumbers.forEach((n, i) => {
    const frame = range.first + n;
    if (frame >= range.start && frame < range.end) keep.push(i);
  });
  const wanted = range.end - range.start;
  const numbers = keep.map((i) => range.first + score.frameNumbers[i]!);
  const exact = numbers.length === wanted && numbers.every((f, k) => f === range.start + k);
  if (!exact) {
    const last = score.frameNumbers.length > 0 ? range.first + score.frameNumbers.at(-1)! : null;
    throw new VqError(
      'FFMPEG_FAILED',
      `Frames ${range.start}–${range.end - 1} of ${score.distorted} were asked for, but ` +
        (last === null
          ? 'no frame was scored.'
          : `${numbers.length} of them were scored (the run scored frames ${range.first}–${last}).`),
      'The range runs past the end of the videos, or a frame did not decode; plan chunks from the frame count both videos have.',
    );
  }
  const pick = (values: readonly number[]): number[] => keep.map((i) => values[i]!);
  const perFrame: DistortedScore['perFrame'] = {};
  const metrics: DistortedScore['metrics'] = {};
  for (const [k, values] of Object.entries(score.perFrame) as [ScoreSeries, number[]][]) {
    perFrame[k] = pick(values);
    metrics[k] = repool(perFrame[k], score.metrics[k]);
  }
  const libvmafFeatures: Record<string, number[]> = {};
  for (const [k, values] of Object.entries(score.libvmafFeatures))
    libvmafFeatures[k] = pick(values);
  return {
    ...score,
    frames: numbers.length,
    frameNumbers: numbers,
    perFrame,
    metrics,
    libvmafFeatures,
    warnings: withInfiniteWarnings(score.warnings, perFrame),
  };
}
