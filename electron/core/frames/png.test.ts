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

  it('quick: stores a frame that deflates poorly, deflates one that packs well, same pixels', async () => {
    const width = 64;
    const height = 48;
    const noise = Buffer.alloc(width * height * 3);
    let x = 12345;
    for (let i = 0; i < noise.length; i++) {
      x = (x * 1103515245 + 12345) >>> 0;
      noise[i] = 100 + (x >>> 27); // 5 bits of noise: deflate packs it to ~65 %
    }
    const flat = Buffer.alloc(width * height * 3, 40);
    const raw = (width * 3 + 1) * height;
    const storedPng = await encodePng(noise, width, height, 3, { quick: true });
    expect((await encodePng(noise, width, height, 3)).readUInt32BE(33)).toBeLessThan(0.8 * raw);
    const flatPng = await encodePng(flat, width, height, 3, { quick: true });
    // Stored: the IDAT holds every row byte plus deflate's framing.
    expect(storedPng.readUInt32BE(33)).toBeGreaterThan(raw);
    expect(flatPng.readUInt32BE(33)).toBeLessThan(raw / 10);
    for (const [png, pixels] of [
      [storedPng, noise],
      [flatPng, flat],
    ] as const) {
      const decoded = execFileSync(
        'ffmpeg',
        ['-v', 'error', '-f', 'png_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
        { input: png },
      );
      expect(decoded.equals(pixels)).toBe(true);
    }
  });

  it('refuses pixels that do not match the size', async () => {
    await expect(encodePng(Buffer.alloc(10), 2, 2, 3)).rejects.toThrow(/not 2x2x3/);
  });
});
