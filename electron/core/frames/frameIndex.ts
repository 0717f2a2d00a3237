/**
 * The frame index of a file: the timestamp and keyframe flag of every frame in presentation order,
 * as ffmpeg itself sees them. Built with one full decode through `showinfo`, so the timestamps are
 * exactly the ones a later `select` filter in the same binary compares against (ffprobe's
 * best-effort timestamps can differ from ffmpeg's for streams without timestamps, e.g. raw .264).
 */
import { VqError } from '../../../shared/errors';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { lastLines, runTool } from '../ffmpeg/process';

/** One decoded frame as the index records it. */
export interface IndexedFrame {
  /** Presentation timestamp in the filter graph's time base (stream time base); null when unset. */
  pts: number | null;
  /** True for frames the decoder marks as keyframes (IDR, or open-GOP recovery points). */
  key: boolean;
  /** Picture type as the decoder reports it: 'I', 'P', 'B', or '?' (other or not reported). */
  type: string;
}

/** Every frame of a file's first video stream, in presentation (decoder output) order. */
export interface FrameIndex {
  frames: IndexedFrame[];
  /** Seconds per pts tick (stream time base), from showinfo's pts_time. Null if not derivable. */
  secondsPerTick: number | null;
  /** True when every pts is set and strictly increasing, so a pts names exactly one frame. */
  seekable: boolean;
  /** Size of the first decoded frame (after autorotate), or null when showinfo did not say. */
  width: number | null;
  height: number | null;
}

/** Decoder input arguments shared by the index and the extractor, so both decode alike. */
export function inputArgs(input: string, raw?: RawVideoSpec | null): string[] {
  // -copyts keeps the stream's own timestamps in the filter graph, so the pts recorded here is the
  // pts a later seek-and-select run compares against.
  return ['-copyts', ...fileInputArgs(input, { raw })];
}

/**
 * Everything of a frame extractor's command before its filter graph: a seek to the keyframe a
 * plan names (-noaccurate_seek: no trim at the seek point; a select on the exact pts does the
 * choosing), the input decoded as the index decoded it, and its first video stream with its own
 * timestamps. `loglevel` is `info` where showinfo's lines are read.
 */
export function seekedInputArgs(
  input: string,
  raw: RawVideoSpec | null | undefined,
  seekSeconds: number | null,
  loglevel: 'error' | 'info',
): string[] {
  const seek = seekSeconds === null ? [] : ['-noaccurate_seek', '-ss', seekSeconds.toFixed(6)];
  return [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    loglevel,
    ...seek,
    ...inputArgs(input, raw),
    '-map',
    '0:v:0',
    '-vsync',
    'passthrough',
  ];
}

const SHOWINFO_LINE =
  /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:\s*(\S+).*?\biskey:(\d)(?:\s+type:(\S))?/;
const SHOWINFO_SIZE = /\bs:(\d+)x(\d+)\b/;
// [Parsed_showinfo_0 @ 0x…] config in time_base: 1/30000, frame_rate: 30000/1001
const SHOWINFO_TIME_BASE = /\bconfig in time_base:\s*(\d+)\/(\d+)/;

/** Parses showinfo's per-frame lines into an index (pure; exported for tests). */
export function parseShowinfo(text: string): FrameIndex {
  const frames: IndexedFrame[] = [];
  let secondsPerTick: number | null = null;
  let width: number | null = null;
  let height: number | null = null;
  // The filter's time base, exact; pts_time is printed with 6 significant digits only, which
  // would put an hour-long file's later frames milliseconds off.
  let timeBase: number | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = SHOWINFO_LINE.exec(line);
    if (!m) {
      const tb: RegExpExecArray | null = timeBase === null ? SHOWINFO_TIME_BASE.exec(line) : null;
      if (tb && Number(tb[1]) > 0 && Number(tb[2]) > 0) timeBase = Number(tb[1]) / Number(tb[2]);
      continue;
    }
    const n = Number(m[1]);
    if (n !== frames.length) continue; // a repeated or foreign line; n counts output frames
    const pts = m[2] === 'NOPTS' ? null : Number(m[2]);
    const type = m[5] === 'I' || m[5] === 'P' || m[5] === 'B' ? m[5] : '?';
    frames.push({ pts, key: m[4] === '1', type });
    if (n === 0) {
      const size = SHOWINFO_SIZE.exec(line);
      if (size) [width, height] = [Number(size[1]), Number(size[2])];
    }
    const t = Number(m[3]);
    if (secondsPerTick === null && pts !== null && pts !== 0 && Number.isFinite(t)) {
      secondsPerTick = t / pts;
    }
  }
  return {
    frames,
    secondsPerTick: timeBase ?? secondsPerTick,
    seekable: isSeekable(frames),
    width,
    height,
  };
}

/** True when every pts is set and strictly increasing. */
function isSeekable(frames: readonly IndexedFrame[]): boolean {
  for (let i = 0; i < frames.length; i++) {
    const pts = frames[i]!.pts;
    const prev = i > 0 ? frames[i - 1]!.pts : null;
    if (pts === null || (i > 0 && (prev === null || pts <= prev))) return false;
  }
  return frames.length > 0;
}

/** Options of {@link buildFrameIndex}. */
export interface FrameIndexOptions {
  ffmpeg: string;
  input: string;
  raw?: RawVideoSpec | null;
  signal?: AbortSignal;
  /** Background work (picture types named after the fact): below normal CPU priority. */
  lowPriority?: boolean;
  /** Index only the first this many frames (a check of another index); all when omitted. */
  maxFrames?: number;
}

/** Decodes the whole first video stream once and returns its frame index. */
export async function buildFrameIndex(o: FrameIndexOptions): Promise<FrameIndex> {
  const args = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'info',
    ...inputArgs(o.input, o.raw),
    '-map',
    '0:v:0',
    // Passthrough: one output per decoded frame, no CFR duplication or dropping.
    '-vsync',
    'passthrough',
    ...(o.maxFrames === undefined ? [] : ['-frames:v', String(o.maxFrames)]),
    '-vf',
    'showinfo=checksum=0',
    '-f',
    'null',
    '-',
  ];
  // showinfo writes about 300 bytes per frame to stderr; keep all of it.
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'frame index',
    signal: o.signal,
    lowPriority: o.lowPriority,
    stderrTailBytes: 512 * 1024 * 1024,
  });
  if (r.canceled) throw new VqError('CANCELED', 'Indexing the frames was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode ${o.input}: ${lastLines(r.stderrTail, 3)}`,
    );
  }
  const index = parseShowinfo(r.stderrTail);
  if (index.frames.length === 0)
    throw new VqError('NO_VIDEO', `${o.input} has no decodable video frames.`);
  return index;
}

/** The frame timeline of an index: times from the first frame, picture types, keyframes (pure). */
export function timelineOf(index: FrameIndex): {
  times: number[];
  types: string;
  keyframes: number[];
} {
  const tick = index.secondsPerTick ?? 0;
  const first = index.frames.find((f) => f.pts !== null)?.pts ?? 0;
  const times: number[] = [];
  const keyframes: number[] = [];
  let types = '';
  let last = 0;
  let interval = 0;
  index.frames.forEach((f, i) => {
    // A frame without a timestamp is placed one interval after the previous one.
    const t = f.pts === null ? last + interval : Math.round((f.pts - first) * tick * 1e6) / 1e6;
    if (i > 0 && f.pts !== null) interval = Math.max(0, t - last);
    times.push(t);
    last = t;
    types += f.type;
    if (f.key) keyframes.push(i);
  });
  return { times, types, keyframes };
}

// 2: secondsPerTick from the exact time base (1 derived it from the rounded pts_time).
const STORED_VERSION = 2;

/**
 * An index as compact text for the disk cache (pure): pts as differences to the previous one,
 * keyframe flags and picture types as strings of one char per frame.
 */
export function serializeFrameIndex(index: FrameIndex, identity: string): string {
  let prev = 0;
  const pts = index.frames.map((f) => {
    if (f.pts === null) return null;
    const d = f.pts - prev;
    prev = f.pts;
    return d;
  });
  return JSON.stringify({
    v: STORED_VERSION,
    identity,
    secondsPerTick: index.secondsPerTick,
    width: index.width,
    height: index.height,
    pts,
    keys: index.frames.map((f) => (f.key ? '1' : '0')).join(''),
    types: index.frames.map((f) => f.type).join(''),
  });
}

/**
 * Reads an index written by {@link serializeFrameIndex}; null when the text is not one (corrupt,
 * another version) or was written for another identity (file, binary) (pure).
 */
export function parseStoredFrameIndex(text: string, identity: string): FrameIndex | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const s = o as Record<string, unknown>;
  const dim = (v: unknown): v is number | null =>
    v === null || (Number.isInteger(v) && (v as number) > 0);
  if (
    s.v !== STORED_VERSION ||
    s.identity !== identity ||
    !Array.isArray(s.pts) ||
    typeof s.keys !== 'string' ||
    typeof s.types !== 'string' ||
    s.keys.length !== s.pts.length ||
    s.types.length !== s.pts.length ||
    s.pts.length === 0 ||
    !(
      s.secondsPerTick === null ||
      (typeof s.secondsPerTick === 'number' && s.secondsPerTick > 0)
    ) ||
    !dim(s.width) ||
    !dim(s.height)
  ) {
    return null;
  }
  const frames: IndexedFrame[] = [];
  let prev = 0;
  for (let i = 0; i < s.pts.length; i++) {
    const d: unknown = s.pts[i];
    if (d !== null && !Number.isSafeInteger(d)) return null;
    const type = s.types[i]!;
    if (!'IPB?'.includes(type)) return null;
    let pts: number | null = null;
    if (d !== null) {
      prev += d as number;
      pts = prev;
    }
    frames.push({ pts, key: s.keys[i] === '1', type });
  }
  return {
    frames,
    secondsPerTick: s.secondsPerTick as number | null,
    seekable: isSeekable(frames),
    width: s.width as number | null,
    height: s.height as number | null,
  };
}
