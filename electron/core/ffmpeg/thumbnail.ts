/**
 * Library thumbnails. This is the one use of fluent-ffmpeg (archived upstream, see
 * https://github.com/fluent-ffmpeg/node-fluent-ffmpeg/issues/1324): it builds the command, and the
 * process is registered with our process registry so quit and cancel still kill it.
 */
import ffmpeg from 'fluent-ffmpeg';
import fs from 'node:fs/promises';
import type { RawVideoSpec } from '../../../shared/media';
import { trackExternal } from './process';

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
    if (opts.raw) {
      cmd.input(opts.input).inputOptions([
        '-f', 'rawvideo',
        '-video_size', `${opts.raw.width}x${opts.raw.height}`,
        '-pixel_format', opts.raw.pixFmt,
        '-framerate', String(opts.raw.fps),
      ]);
    } else {
      cmd.input(opts.input);
    }
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
    let untrack: (() => void) | null = null;
    const timer = setTimeout(() => cmd.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    cmd.on('start', (line: string) => {
      untrack = trackExternal(line.split(' '), () => cmd.kill('SIGKILL'));
    });
    cmd.on('end', () => {
      clearTimeout(timer);
      untrack?.();
      resolve();
    });
    cmd.on('error', (err: Error) => {
      clearTimeout(timer);
      untrack?.();
      reject(err);
    });
    cmd.run();
  });
  const stat = await fs.stat(tmp).catch(() => null);
  if (!stat || stat.size === 0) throw new Error('ffmpeg wrote no thumbnail frame');
  await fs.rename(tmp, opts.output);
}
