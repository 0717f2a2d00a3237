// The sample reel holds exactly the sample frames of the title, in order: every frame's picture
// hash equals the title's frame of that number (an H.264 title with B-frames, seeks mid-GOP).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { measureSceneScoresNear } from '../shots/sceneScores';
import type { MediaInfo } from '../../../shared/media';
import { makeSampleReel, reelCodecFor, reelFromKept, y4mFrameBytes } from './sampleReel';

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
  it.each(['x264', 'ffv1', 'y4m'] as const)(
    'joins exactly the sample frames, losslessly (%s)',
    async (codec) => {
      const dir = tempDir();
      const title = makeClip(dir, { width: 320, height: 180, fps: 30, seconds: 6 });
      const spans = [
        { start: 7, frames: 20 },
        { start: 61, frames: 15 },
        { start: 150, frames: 30 },
      ];
      const out = path.join(dir, codec === 'y4m' ? 'reel.y4m' : 'reel.mkv');
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

  it('is put together from the frames a local scene scan kept, and says when a sample is not in them', async () => {
    const dir = tempDir();
    const title = makeClip(dir, { width: 320, height: 180, fps: 30, seconds: 6 });
    const rate = { num: 30, den: 1 };
    const near = await measureSceneScoresNear({
      ffmpeg,
      input: title,
      rate,
      stretches: [
        { start: 40, frames: 40 },
        { start: 120, frames: 45 },
      ],
      keepFrames: (i) => path.join(dir, `near-${i}.y4m`),
    });
    // Each file starts two frames before its stretch (the scene score needs them).
    expect(near.kept.map((k) => k.first)).toEqual([38, 118]);
    const spans = [
      { start: 45, frames: 30, atCut: false },
      { start: 130, frames: 33, atCut: true },
    ];
    const out = path.join(dir, 'reel.y4m');
    expect(await reelFromKept(near.kept, spans, out)).toBe(true);
    const whole = frameHashes(title);
    expect(frameHashes(out)).toEqual(
      spans.flatMap((s) => whole.slice(s.start, s.start + s.frames)),
    );
    // A sample reaching past the frames kept is not made up: the caller cuts it from the title.
    const outside = [{ start: 150, frames: 30, atCut: false }];
    expect(await reelFromKept(near.kept, outside, path.join(dir, 'other.y4m'))).toBe(false);
  });

  it('is uncompressed when the frames fit and the format and range allow, else lossless', () => {
    expect(y4mFrameBytes(1280, 720, 'yuv420p')).toBe(1280 * 720 * 1.5);
    expect(y4mFrameBytes(1919, 1079, 'yuv420p10le')).toBe((1919 * 1079 + 2 * 960 * 540) * 2);
    expect(y4mFrameBytes(64, 64, 'nv12')).toBeNull();
    const media = (pixFmt: string, hdr: MediaInfo['video']['hdr'] = null): MediaInfo =>
      ({ video: { width: 1920, height: 1080, pixFmt, hdr } }) as unknown as MediaInfo;
    const opts = { hasX264: true, maxBytes: 1e9 };
    expect(reelCodecFor(media('yuv420p'), 100, opts)).toBe('y4m');
    expect(reelCodecFor(media('yuv420p'), 1000, opts)).toBe('x264'); // 3.1 GB of frames
    expect(reelCodecFor(media('yuv420p'), 1000, { ...opts, hasX264: false })).toBe('ffv1');
    expect(reelCodecFor(media('yuv420p10le', 'pq'), 10, opts)).toBe('ffv1'); // keeps its tags
    expect(reelCodecFor(media('nv12'), 10, opts)).toBe('ffv1');
  });

  it('keeps 10-bit frames exactly too (YUV4MPEG formats ffmpeg calls unofficial)', async () => {
    const dir = tempDir();
    const title = path.join(dir, 'ten-bit.mkv');
    execFileSync(ffmpeg, [
      ...['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=160x90:r=25:d=4'],
      ...['-c:v', 'ffv1', '-pix_fmt', 'yuv420p10le', title],
    ]);
    const rate = { num: 25, den: 1 };
    const spans = [
      { start: 10, frames: 12, atCut: false },
      { start: 60, frames: 8, atCut: false },
    ];
    const whole = frameHashes(title);
    const expected = spans.flatMap((s) => whole.slice(s.start, s.start + s.frames));
    const cut = path.join(dir, 'cut.y4m');
    await makeSampleReel({
      ffmpeg,
      input: { path: title, raw: null },
      spans,
      rate,
      out: cut,
      codec: 'y4m',
    });
    expect(frameHashes(cut)).toEqual(expected);
    const near = await measureSceneScoresNear({
      ffmpeg,
      input: title,
      rate,
      stretches: spans.map((s) => ({ start: s.start - 4, frames: s.frames + 8 })),
      keepFrames: (i) => path.join(dir, `near-${i}.y4m`),
    });
    const kept = path.join(dir, 'kept.y4m');
    expect(await reelFromKept(near.kept, spans, kept)).toBe(true);
    expect(frameHashes(kept)).toEqual(expected);
  });
});
