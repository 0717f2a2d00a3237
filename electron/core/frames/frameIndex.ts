/**
 * The frame index of a file: the timestamp and keyframe flag of every frame in presentation order,
 * as ffmpeg itself sees them. Built with one full decode through `showinfo`, so the timestamps are
 * exactly the ones a later `select` filter in the same binary compares against (ffprobe's
 * best-effort timestamps can differ from ffmpeg's for streams without timestamps, e.g. raw .264).
 */
import { VqError } from '../../../shared/errors';
import type { RawVideoSpec } from '../../../shared/media';
import { lastLines, runTool } from '../ffmpeg/process';
import { ffmpegInputUrl, rawInputArgs } from '../probe';

/** One decoded frame as the index records it. */
export interface IndexedFrame {
  /** Presentation timestamp in the filter graph's time base (stream time base); null when unset. */
  pts: number | null;
  /** True for frames the decoder marks as keyframes (IDR, or open-GOP recovery points). */
  key: boolean;
}

/** Every frame of a file's first video stream, in presentation (decoder output) order. */
export interface FrameIndex {
  frames: IndexedFrame[];
  /** Seconds per pts tick (stream time base), from showinfo's pts_time. Null if not derivable. */
  secondsPerTick: number | null;
  /** True when every pts is set and strictly increasing, so a pts names exactly one frame. */
  seekable: boolean;
}

/** Decoder input arguments shared by the index and the extractor, so both decode alike. */
export function inputArgs(input: string, raw?: RawVideoSpec | null): string[] {
  // -copyts keeps the stream's own timestamps in the filter graph, so the pts recorded here is the
  // pts a later seek-and-select run compares against.
  return ['-copyts', ...(raw ? rawInputArgs(raw) : []), '-i', ffmpegInputUrl(input)];
}

const SHOWINFO_LINE = /\bn:\s*(\d+)\s+pts:\s*(-?\d+|NOPTS)\s+pts_time:\s*(\S+).*?\biskey:(\d)/;

/** Parses showinfo's per-frame lines into an index (pure; exported for tests). */
export function parseShowinfo(text: string): FrameIndex {
  const frames: IndexedFrame[] = [];
  let secondsPerTick: number | null = null;
  for (const line of text.split(/\r?\n/)) {
    const m = SHOWINFO_LINE.exec(line);
    if (!m) continue;
    const n = Number(m[1]);
    if (n !== frames.length) continue; // a repeated or foreign line; n counts output frames
    const pts = m[2] === 'NOPTS' ? null : Number(m[2]);
    frames.push({ pts, key: m[4] === '1' });
    const t = Number(m[3]);
    if (secondsPerTick === null && pts !== null && pts !== 0 && Number.isFinite(t)) {
      secondsPerTick = t / pts;
    }
  }
  let seekable = frames.length > 0;
  for (let i = 0; i < frames.length && seekable; i++) {
    const pts = frames[i]!.pts;
    const prev = i > 0 ? frames[i - 1]!.pts : null;
    if (pts === null || (i > 0 && (prev === null || pts <= prev))) seekable = false;
  }
  return { frames, secondsPerTick, seekable };
}

/** Options of {@link buildFrameIndex}. */
export interface FrameIndexOptions {
  ffmpeg: string;
  input: string;
  raw?: RawVideoSpec | null;
  signal?: AbortSignal;
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
    '-vf',
    'showinfo',
    '-f',
    'null',
    '-',
  ];
  // showinfo writes about 300 bytes per frame to stderr; keep all of it.
  const r = await runTool(o.ffmpeg, args, { signal: o.signal, stderrTailBytes: 512 * 1024 * 1024 });
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
