/**
 * How every ffmpeg and ffprobe command of the app opens a local file: the demuxer options of
 * headerless raw video, an optional forced rate or seek, then `-i` and the file as a `file:` URL. One
 * builder, so the frame server, the score engine, the encoder, probes and thumbnails read an input
 * alike. Pure (the paths are already absolute and resolved).
 */
import type { RawVideoSpec } from './media';

/**
 * The input argument for ffmpeg. The path is absolute, so a name starting with "-" is never taken
 * for an option, and the `file:` prefix stops ffmpeg from reading "name:..." as a protocol.
 */
export function ffmpegInputUrl(realPath: string): string {
  return `file:${realPath}`;
}

/** Demuxer options for headerless raw video (its size, pixel format and rate), placed before `-i`. */
export function rawInputArgs(raw: RawVideoSpec): string[] {
  return [
    '-f',
    'rawvideo',
    '-video_size',
    `${raw.width}x${raw.height}`,
    '-pixel_format',
    raw.pixFmt,
    '-framerate',
    String(raw.fps),
  ];
}

/** Options of {@link fileInputArgs}. */
export interface FileInputOptions {
  /** The geometry of headerless raw video; null or absent for a file that says its own. */
  raw?: RawVideoSpec | null;
  /** A constant rate to read the input at (`-r` before `-i`, "N/D"); null keeps its timestamps. */
  rate?: string | null;
  /**
   * Where to start reading, in seconds from the file's start (`-ss` before `-i`: ffmpeg seeks to
   * the keyframe before it and drops the frames before it by their timestamps, so not with `rate`).
   */
  seekSeconds?: number | null;
}

/**
 * Everything that opens one local file as an input, `-i` included: the raw-video options, the
 * forced rate, then `-i file:<path>`.
 */
export function fileInputArgs(realPath: string, opts: FileInputOptions = {}): string[] {
  if (opts.rate && opts.seekSeconds) throw new Error('a forced rate would defeat the seek');
  return [
    ...(opts.raw ? rawInputArgs(opts.raw) : []),
    ...(opts.rate ? ['-r', opts.rate] : []),
    ...(opts.seekSeconds ? ['-ss', opts.seekSeconds.toFixed(6)] : []),
    '-i',
    ffmpegInputUrl(realPath),
  ];
}

/**
 * The start of an ffmpeg command that reads only the video stream of one file, quietly (errors
 * only, no prompt): the options, the input, and the first video stream mapped, other streams off.
 */
export function videoStreamArgs(realPath: string, raw?: RawVideoSpec | null): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...fileInputArgs(realPath, { raw }),
    '-map',
    '0:v:0',
    '-an',
    '-sn',
    '-dn',
  ];
}
