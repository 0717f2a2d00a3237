/**
 * Exact frames: frame N (0-based, presentation order) of a file, decoded by ffmpeg and returned
 * losslessly as PNG (rgb24) or raw RGBA, at native size or scaled with the scorer's scaler
 * (`scale=W:H:flags=bicubic`). Rotation follows ffmpeg's default autorotate, so a phone clip comes
 * out upright, as every other decode in the app shows it. An HDR file is tone-mapped for display
 * after the scale where the build can (hdrDisplay.ts).
 *
 * How N is found: a per-file frame index (every frame's pts and keyframe flag, see frameIndex.ts)
 * is built once and cached in memory; a request then seeks the input to a keyframe before N and
 * selects the frame whose pts equals N's. Timestamps, never frame rate × index, so VFR files work.
 * Files whose timestamps do not name one frame each fall back to decoding from the start and
 * selecting by output frame number.
 */
import { VqError } from '../../../shared/errors';
import type { HdrDisplay } from '../../../shared/frames';
import type { HdrKind, RawVideoSpec } from '../../../shared/media';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekedInputArgs, type FrameIndex } from './frameIndex';
import { loadOrBuildFrameIndex, sourceIdentity } from './frameIndexStore';
import { DecodeSession } from './decodeSession';
import { displayFilters, hdrDisplayOf } from './hdrDisplay';
import { encodePng } from './png';

/** Output pixel layout of a served frame. */
export type FrameFormat = 'png' | 'rgba';

/** Options of {@link extractFrame}. */
export interface ExtractFrameOptions {
  /** The ffmpeg binary (the toolchain's `decode` choice). */
  ffmpeg: string;
  /** Path of the file to read. */
  input: string;
  /** How to read headerless raw video. */
  raw?: RawVideoSpec | null;
  /** The file's HDR transfer as probed: tone-mapped for display where `ffmpeg` can (hdrDisplay.ts). */
  hdr?: HdrKind;
  /** The filters `ffmpeg` has, as the toolchain report lists them: zscale tone-maps HDR. */
  filters?: readonly string[];
  /** 0-based frame number in presentation order. */
  index: number;
  /** Output size; native (after autorotate) when omitted. */
  size?: { width: number; height: number };
  format: FrameFormat;
  signal?: AbortSignal;
  /** Where frame indexes are stored on disk (the data dir's cache); memory only when omitted. */
  cacheDir?: string | null;
  /** The file's index (or the part listed so far) when the caller has it. */
  frameIndex?: FrameIndex;
}

const MAX_CACHED_INDEXES = 64;
const indexCache = new Map<string, Promise<FrameIndex>>();

/**
 * The frame index of a file, built on first use (or read from the disk cache) and kept in memory,
 * keyed by the file's identity (path, size, mtime, raw spec, ffmpeg binary).
 */
export async function frameIndexOf(o: {
  ffmpeg: string;
  input: string;
  raw?: RawVideoSpec | null;
  /** Where indexes are stored on disk (the data dir's cache); memory only when omitted. */
  cacheDir?: string | null;
  /** The file's identity if the caller has it already (see {@link sourceIdentity}). */
  identity?: string;
}): Promise<FrameIndex> {
  const key = o.identity ?? (await sourceIdentity(o));
  let entry = indexCache.get(key);
  if (!entry) {
    // Not tied to the caller's signal: the index outlives one request.
    entry = loadOrBuildFrameIndex({
      ffmpeg: o.ffmpeg,
      input: o.input,
      raw: o.raw,
      cacheDir: o.cacheDir,
      identity: key,
    });
    indexCache.set(key, entry);
    entry.catch(() => indexCache.delete(key));
    while (indexCache.size > MAX_CACHED_INDEXES) {
      indexCache.delete(indexCache.keys().next().value as string);
    }
  } else {
    // Refresh recency so the bound drops the least recently used file.
    indexCache.delete(key);
    indexCache.set(key, entry);
  }
  return entry;
}

/** How a frame is located: a seek time (seconds, or null for none) and the `select` expression. */
export interface FramePlan {
  seekSeconds: number | null;
  select: string;
}

/**
 * Where to start decoding for frame `n` (pure). Seeks to the keyframe one before the last keyframe
 * at or before `n`: the demuxer seeks by decode timestamps, and landing one GOP late on an open-GOP
 * keyframe would output its leading B-frames decoded without their references — with the right
 * pts. One spare GOP of decoding buys that certainty.
 */
export function planFrame(index: FrameIndex, n: number): FramePlan {
  const target = index.frames[n]!;
  if (!index.seekable || index.secondsPerTick === null || target.pts === null) {
    return { seekSeconds: null, select: `eq(n\\,${n})` };
  }
  const select = `eq(pts\\,${target.pts})`;
  let keysSeen = 0;
  let k = -1;
  for (let i = n; i >= 0; i--) {
    if (index.frames[i]!.key && ++keysSeen === 2) {
      k = i;
      break;
    }
  }
  if (k <= 0) return { seekSeconds: null, select };
  const t = index.frames[k]!.pts! * index.secondsPerTick;
  // Slightly early, floored to microseconds: ffmpeg parses the time in microseconds, and rounding
  // up past the keyframe would land on the next one.
  const seekSeconds = Math.floor((t - 0.001) * 1e6) / 1e6;
  return { seekSeconds: seekSeconds > 0 ? seekSeconds : null, select };
}

/**
 * Decodes exactly frame `index` (presentation order) and returns it as PNG bytes or raw RGBA.
 * Where timestamps name frames and the picture size is known, one running decoder seeks to the
 * keyframe at or before the frame and checks where it landed (decodeSession.ts): about one GOP of
 * decoding, however long the file. Otherwise one ffmpeg with a spare GOP before the frame.
 */
export async function extractFrame(o: ExtractFrameOptions): Promise<Buffer> {
  checkFrameArgs(o);
  const index = o.frameIndex ?? (await frameIndexOf(o));
  checkFrameInRange(o, index);
  const display = hdrDisplayOf(o);
  const size =
    o.size ??
    (index.width !== null && index.height !== null
      ? { width: index.width, height: index.height }
      : null);
  if (index.seekable && index.secondsPerTick !== null && size) {
    const pixFmt = o.format === 'png' ? 'rgb24' : 'rgba';
    const session = new DecodeSession({
      source: { ffmpeg: o.ffmpeg, input: o.input, raw: o.raw },
      index,
      width: size.width,
      height: size.height,
      scaled: o.size !== undefined,
      pixFmt,
      display,
      ringBytes: 0,
    });
    try {
      const pixels = await session.get(o.index, o.signal);
      return o.format === 'png' ? await encodePng(pixels, size.width, size.height, 3) : pixels;
    } finally {
      session.close();
    }
  }
  const plan = planFrame(index, o.index);
  const frame = await decodeOne(o, plan, display);
  if (frame.length > 0 || plan.seekSeconds === null) return nonEmpty(frame, o);
  // The seek landed past the frame (a demuxer that seeks imprecisely): decode from the start.
  return nonEmpty(await decodeOne(o, { seekSeconds: null, select: plan.select }, display), o);
}

/** Refuses a frame number that is not a whole number ≥ 0 and a size that is not a picture size. */
export function checkFrameArgs(o: {
  index: number;
  size?: { width: number; height: number };
}): void {
  if (!Number.isInteger(o.index) || o.index < 0) {
    throw new VqError('INVALID_ARGS', `Frame number must be a whole number ≥ 0, not ${o.index}.`);
  }
  if (o.size && !(isDimension(o.size.width) && isDimension(o.size.height))) {
    throw new VqError('INVALID_ARGS', `Frame size ${o.size.width}x${o.size.height} is not valid.`);
  }
}

/** Refuses a frame number past the last frame, saying how many frames the file has. */
export function checkFrameInRange(o: { index: number; input: string }, index: FrameIndex): void {
  const count = index.frames.length;
  if (o.index >= count) {
    throw new VqError(
      'INVALID_ARGS',
      `Frame ${o.index} does not exist: ${o.input} has ${count} frame${count === 1 ? '' : 's'} (0–${count - 1}).`,
    );
  }
}

/**
 * The ffmpeg arguments that decode one planned frame to stdout, shown as `display` says (pure;
 * exported for tests).
 */
export function frameArgs(
  o: ExtractFrameOptions,
  plan: FramePlan,
  display: HdrDisplay | null = null,
): string[] {
  const pixFmt = o.format === 'png' ? 'rgb24' : 'rgba';
  const filters = [`select=${plan.select}`];
  if (o.size) filters.push(`scale=${o.size.width}:${o.size.height}:flags=bicubic`);
  filters.push(...displayFilters(display, pixFmt));
  const output =
    o.format === 'png'
      ? ['-pix_fmt', pixFmt, '-f', 'image2pipe', '-vcodec', 'png']
      : ['-pix_fmt', pixFmt, '-f', 'rawvideo'];
  return [
    ...seekedInputArgs(o.input, o.raw, plan.seekSeconds, 'error'),
    '-vf',
    filters.join(','),
    '-frames:v',
    '1',
    ...output,
    '-',
  ];
}

async function decodeOne(
  o: ExtractFrameOptions,
  plan: FramePlan,
  display: HdrDisplay | null,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const r = await runTool(o.ffmpeg, frameArgs(o, plan, display), {
    purpose: 'frame decode',
    signal: o.signal,
    onStdoutData: (c) => chunks.push(c),
  });
  if (r.canceled) throw new VqError('CANCELED', `Decoding frame ${o.index} was canceled.`);
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode frame ${o.index} of ${o.input}: ${lastLines(r.stderrTail, 3)}`,
    );
  }
  return Buffer.concat(chunks);
}

function nonEmpty(frame: Buffer, o: ExtractFrameOptions): Buffer {
  if (frame.length === 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg returned no picture for frame ${o.index} of ${o.input}.`,
    );
  }
  return frame;
}

function isDimension(v: number): boolean {
  return Number.isInteger(v) && v > 0 && v <= 16384;
}
