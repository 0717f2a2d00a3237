/**
 * The reference every frame-server test compares against: all frames of one sequential decode
 * by hand-written ffmpeg (Debian's `ffmpeg` on PATH).
 */
import { execFileSync } from 'node:child_process';

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 1 << 30,
  });
}

/**
 * All frames of one sequential decode. Passthrough, because the rawvideo muxer would otherwise
 * resample VFR input to a constant rate (duplicating or dropping frames); frame N is decoded frame N.
 */
export function sequentialFrames(
  file: string,
  width: number,
  height: number,
  size?: string,
  pixFmt: 'rgba' | 'rgb24' = 'rgba',
): Buffer[] {
  const vf = size ? ['-vf', `scale=${size.replace('x', ':')}:flags=bicubic`] : [];
  const all = ffmpeg([
    '-i',
    file,
    '-map',
    '0:v:0',
    '-vsync',
    'passthrough',
    ...vf,
    '-f',
    'rawvideo',
    '-pix_fmt',
    pixFmt,
    '-',
  ]);
  const frameBytes = width * height * (pixFmt === 'rgba' ? 4 : 3);
  if (all.length % frameBytes !== 0) {
    throw new Error(
      `${file}: ${all.length} bytes is not a whole number of ${width}x${height} frames`,
    );
  }
  const frames: Buffer[] = [];
  for (let off = 0; off < all.length; off += frameBytes)
    frames.push(all.subarray(off, off + frameBytes));
  return frames;
}
