import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isStillImage } from '../../../shared/media';
import { makeClip } from '../testing/clips';
import { useTempDirs } from '../testing/tempDir';
import { probeFile } from './index';

// A JPEG or PNG is read by ffprobe as a one-frame video (image2 / png_pipe at 25 fps). It imports,
// with a remark; a one-second video, or a one-frame video in a video container, is no still image.
const tempDir = useTempDirs();
const FFPROBE = process.env['VQ_FFPROBE'] ?? 'ffprobe';
const FFMPEG = process.env['VQ_FFMPEG'] ?? 'ffmpeg';

function still(dir: string, name: string): string {
  const file = path.join(dir, name);
  execFileSync(FFMPEG, [
    '-v',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=320x240',
    '-frames:v',
    '1',
    file,
  ]);
  return file;
}

describe('still images', () => {
  it('tells a JPEG and a PNG from videos, as ffprobe reads them', async () => {
    const dir = tempDir();
    for (const name of ['photo.jpg', 'screen.png']) {
      const media = await probeFile(still(dir, name), { ffprobe: FFPROBE });
      expect(media.video.frameCount).toBe(1);
      expect(isStillImage(media)).toBe(true);
    }
    const video = await probeFile(makeClip(dir, { width: 320, height: 240, seconds: 1 }), {
      ffprobe: FFPROBE,
    });
    expect(isStillImage(video)).toBe(false);
    const oneFrame = path.join(dir, 'one-frame.mp4');
    execFileSync(FFMPEG, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x240',
      '-frames:v',
      '1',
      '-c:v',
      'libx264',
      oneFrame,
    ]);
    expect(isStillImage(await probeFile(oneFrame, { ffprobe: FFPROBE }))).toBe(false);
  });
});
