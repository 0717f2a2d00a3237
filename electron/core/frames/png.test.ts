import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng } from './png';

describe('encodePng', () => {
  it('computes the PNG CRC-32', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('writes RGB and RGBA PNGs that ffmpeg decodes to the same pixels', async () => {
    const width = 7;
    const height = 5;
    for (const channels of [3, 4] as const) {
      const pixels = Buffer.alloc(width * height * channels);
      for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 37 + 11) % 256;
      const png = await encodePng(pixels, width, height, channels);
      expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
      const decoded = execFileSync(
        'ffmpeg',
        [
          '-v',
          'error',
          '-f',
          'png_pipe',
          '-i',
          '-',
          '-f',
          'rawvideo',
          '-pix_fmt',
          channels === 4 ? 'rgba' : 'rgb24',
          '-',
        ],
        { input: png },
      );
      expect(decoded.equals(pixels)).toBe(true);
    }
  });

  it('refuses pixels that do not match the size', async () => {
    await expect(encodePng(Buffer.alloc(10), 2, 2, 3)).rejects.toThrow(/not 2x2x3/);
  });
});
