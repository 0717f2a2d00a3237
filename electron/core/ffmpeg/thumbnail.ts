/**
 * Library thumbnails. This is the one use of fluent-ffmpeg (archived upstream, see
 * https://github.com/fluent-ffmpeg/node-fluent-ffmpeg/issues/1324): it builds the command, and the
 * process is registered with our process registry so quit and cancel still kill it and the command
 * log shows it. (fluent-ffmpeg's own one-time `ffmpeg -encoders` lookup is not seen there.)
 */
import ffmpeg from 'fluent-ffmpeg';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ffmpegInputUrl, rawInputArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { trackChild, type TrackedChild } from './process';

/** Options for {@link makeThumbnail}. */
export interface ThumbnailOptions {
  ffmpeg: string;
  input: string;
  output: string;
  /** Where to take the frame from, in seconds (clamped to the clip). */
  atSeconds: number;
  raw?: RawVideoSpec | null;
  /** Width in pixels; height keeps the display aspect. */
  width?: number;
  timeoutMs?: number;
}

/**
 * Writes a JPEG thumbnail of one frame, honouring rotation and SAR, and tone-mapped to 8-bit for
 * display. Writes to a temporary name and renames, so a half-written file is never used.
 */
export async function makeThumbnail(opts: ThumbnailOptions): Promise<void> {
  // Unique per process, so two imports of one file never write the same temporary file.
  const tmp = `${opts.output}.${process.pid}.part.jpg`;
  try {
    await writeThumbnail(opts, tmp);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

async function writeThumbnail(opts: ThumbnailOptions, tmp: string): Promise<void> {
  const width = opts.width ?? 320;
  await new Promise<void>((resolve, reject) => {
    const cmd = ffmpeg().setFfmpegPath(opts.ffmpeg);
    // Opened as every input is (shared/ffmpegInput.ts); fluent-ffmpeg writes the -i.
    cmd.input(ffmpegInputUrl(opts.input));
    if (opts.raw) cmd.inputOptions(rawInputArgs(opts.raw));
    if (opts.atSeconds > 0) cmd.seekInput(opts.atSeconds.toFixed(3));
    cmd
      .outputOptions([
        '-map', '0:v:0',
        '-frames:v', '1',
        '-vf', `scale=${width}:-2:flags=bicubic,setsar=1,format=yuvj420p`,
        '-q:v', '4',
        '-f', 'image2',
        '-y',
      ])
      .output(tmp);
    let tracked: TrackedChild | null = null;
    const timer = setTimeout(() => {
      tracked?.markTimedOut();
      cmd.kill('SIGKILL');
    }, opts.timeoutMs ?? 30_000);
    cmd.on('start', () => {
      // fluent-ffmpeg keeps the child it started as `ffmpegProc` (set before 'start'; not in its
      // typings). Its 'start' line joins the arguments with spaces, which loses a path's spaces.
      const child = (cmd as unknown as { ffmpegProc?: ChildProcess }).ffmpegProc;
      if (child) tracked = trackChild('thumbnail', child);
    });
    cmd.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    cmd.on('error', (err: Error) => {
      clearTimeout(timer);
      reject(err);
    });
    cmd.run();
  });
  const stat = await fs.stat(tmp).catch(() => null);
  if (!stat || stat.size === 0) throw new Error('ffmpeg wrote no thumbnail frame');
  await fs.rename(tmp, opts.output);
}

/** Where library thumbnails go, and the toolchain whose decoding ffmpeg makes them. */
export interface ItemThumbnailDeps {
  /** The thumbnail cache folder (`<data>/cache/thumbs`). */
  thumbsDir: string;
  toolchain: { binaryFor(task: 'decode'): Promise<string> };
}

/**
 * Makes and stores the thumbnail of library item `id`: `<thumbsDir>/<id>.jpg`, the frame a quarter
 * into the clip (at most 10 s in; the first frame of a clip of 2 s or less). Resolves to its path,
 * or to null when it could not be made: a thumbnail is a convenience (a cache), so an import never
 * fails because of it; the reason is logged.
 */
export async function storeItemThumbnail(
  deps: ItemThumbnailDeps,
  item: { id: string; file: string; durationSeconds: number | null; raw: RawVideoSpec | null },
): Promise<string | null> {
  try {
    const ffmpeg = await deps.toolchain.binaryFor('decode');
    await fs.mkdir(deps.thumbsDir, { recursive: true });
    const output = path.join(deps.thumbsDir, `${item.id}.jpg`);
    const duration = item.durationSeconds;
    const at = duration && duration > 2 ? Math.min(duration * 0.25, 10) : 0;
    await makeThumbnail({ ffmpeg, input: item.file, output, atSeconds: at, raw: item.raw });
    return output;
  } catch (err) {
    console.warn(`thumbnail for ${item.file} failed:`, err instanceof Error ? err.message : err);
    return null;
  }
}
