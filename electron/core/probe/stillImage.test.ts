import { describe, expect, it } from 'vitest';
import { isStillImage } from '../../../shared/media';
import { makeClip, makeStill } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { probeFile } from './index';

// A JPEG or PNG is read by ffprobe as a one-frame video (image2 / png_pipe at 25 fps). It imports,
// with a remark; a one-second video, or a one-frame video in a video container, is no still image.
const tempDir = useTempDirs();
const FFPROBE = process.env['VQ_FFPROBE'] ?? 'ffprobe';
const FFMPEG = process.env['VQ_FFMPEG'] ?? 'ffmpeg';

describe('still images', () => {
  it('tells a JPEG and a PNG from videos, as ffprobe reads them', async () => {
    const dir = tempDir();
    for (const name of ['photo.jpg', 'screen.png']) {
      const media = await probeFile(makeStill(dir, name, { ffmpeg: FFMPEG }), { ffprobe: FFPROBE });
      expect(media.video.frameCount).toBe(1);
      expect(isStillImage(media)).toBe(true);
    }
    const video = await probeFile(makeClip(dir, { width: 320, height: 240, seconds: 1 }), {
      ffprobe: FFPROBE,
    });
    expect(isStillImage(video)).toBe(false);
    const oneFrame = makeStill(dir, 'one-frame.mp4', { codec: 'libx264', ffmpeg: FFMPEG });
    expect(isStillImage(await probeFile(oneFrame, { ffprobe: FFPROBE }))).toBe(false);
  });
});
