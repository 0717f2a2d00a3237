// The sample reel holds exactly the sample frames of the title, in order: every frame's picture
// hash equals the title's frame of that number (an H.264 title with B-frames, seeks mid-GOP).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { makeSampleReel } from './sampleReel';

const tempDir = useTempDirs('vq-reel-');
const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });

/** The MD5 of each decoded frame's pixels, in presentation order. */
function frameHashes(file: string): string[] {
  const out = execFileSync(
    ffmpeg,
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

describe('makeSampleReel', () => {
  it.each(['x264', 'ffv1'] as const)(
    'joins exactly the sample frames, losslessly (%s)',
    async (codec) => {
      const dir = tempDir();
      const title = makeClip(dir, { width: 320, height: 180, fps: 30, seconds: 6 });
      const spans = [
        { start: 7, frames: 20 },
        { start: 61, frames: 15 },
        { start: 150, frames: 30 },
      ];
      const out = path.join(dir, 'reel.mkv');
      await makeSampleReel({
        ffmpeg,
        input: { path: title, raw: null },
        spans,
        rate: { num: 30, den: 1 },
        out,
        codec,
      });
      const whole = frameHashes(title);
      const reel = frameHashes(out);
      expect(reel).toEqual(spans.flatMap((s) => whole.slice(s.start, s.start + s.frames)));
      // It says its rate (the scorer reads the frame count from it).
      const rate = execFileSync(
        'ffprobe',
        [
          '-v',
          'error',
          '-show_entries',
          'stream=r_frame_rate,avg_frame_rate',
          '-of',
          'csv=p=0',
          out,
        ],
        { encoding: 'utf8' },
      );
      expect(rate.trim()).toBe('30/1,30/1');
    },
  );

  it('names the title when it cannot be read', async () => {
    const dir = tempDir();
    await expect(
      makeSampleReel({
        ffmpeg,
        input: { path: path.join(dir, 'missing.mp4'), raw: null },
        spans: [{ start: 0, frames: 5 }],
        rate: { num: 25, den: 1 },
        out: path.join(dir, 'reel.mkv'),
        codec: 'ffv1',
      }),
    ).rejects.toMatchObject({
      code: 'FFMPEG_FAILED',
      message: expect.stringContaining('missing.mp4') as unknown,
    });
  });
});
