import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FrameService,
  SAMPLE_BLOCK,
  blockOrigin,
  decodeSampleBlock,
  frameBytes,
  pixelLayout,
  planFrame,
} from '.';

// Decoded values are the decoder's own codes: checked against ffmpeg's rawvideo output of the same
// frame, read here by hand (plane offsets written out, not taken from the module under test).
let dir: string;
let h264: string;
let ffv1Ten: string;
let ffv1Rgb: string;
let rgbH264: string;
let bigTen: string;
let fourOneOne: string;
const service = new FrameService({ cacheDir: null });

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** Frame `n` of `file` as ffmpeg's rawvideo in `pixFmt` (the decoder's own format). */
function rawFrame(file: string, n: number, pixFmt: string): Buffer {
  return ffmpeg([
    '-i',
    file,
    '-vf',
    `select=eq(n\\,${n})`,
    '-frames:v',
    '1',
    '-pix_fmt',
    pixFmt,
    '-f',
    'rawvideo',
    '-',
  ]);
}

/** Writes `name` in the temp folder from testsrc2 with `source` ("s=…:r=…:d=…") and `args`. */
function testsrc(name: string, source: string, args: string[]): string {
  const file = path.join(dir, name);
  ffmpeg(['-f', 'lavfi', '-i', `testsrc2=${source}`, ...args, file]);
  return file;
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-samples-'));
  h264 = testsrc('h264.mp4', 's=64x36:r=25:d=1', [
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-g',
    '10',
    '-pix_fmt',
    'yuv420p',
  ]);
  // Odd size and 10 bits: chroma planes round up (32×18 for 63×35), samples are 16-bit LE.
  ffv1Ten = testsrc('ten.mkv', 's=64x36:r=25:d=0.4', [
    '-vf',
    'scale=63:35,format=yuv420p10le',
    '-c:v',
    'ffv1',
  ]);
  // Lossless RGB H.264 decodes to planar gbrp; 8-bit RGB FFV1 to packed bgr0.
  rgbH264 = testsrc('rgb.mkv', 's=40x30:r=25:d=0.4', ['-c:v', 'libx264rgb', '-qp', '0']);
  // Larger than one block, odd-sized, 10 bits: blocks at the right and bottom edges are partial.
  bigTen = testsrc('big-ten.mkv', 's=352x288:r=25:d=0.2', [
    '-vf',
    'scale=341:291,format=yuv420p10le',
    '-c:v',
    'ffv1',
  ]);
  // 4:1:1: a chroma sample covers 4 columns, so a block must start on a multiple of 4.
  fourOneOne = testsrc('411.mkv', 's=328x20:r=25:d=0.2', ['-vf', 'format=yuv411p', '-c:v', 'ffv1']);
  ffv1Rgb = testsrc('bgr0.mkv', 's=40x30:r=25:d=0.4', ['-c:v', 'ffv1', '-pix_fmt', 'bgr0']);
});

afterAll(() => {
  service.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const source = (input: string) => ({ ffmpeg: 'ffmpeg', input, raw: null });

describe('frames.samples: decoded values of one pixel', () => {
  it('reads 8-bit 4:2:0 Y, U and V of H.264 at the subsampled chroma position', async () => {
    const n = 17; // past a keyframe (GOP 10): the frame is found by seeking
    const raw = rawFrame(h264, n, 'yuv420p');
    const w = 64;
    const h = 36;
    expect(raw.length).toBe(w * h * 1.5);
    for (const [x, y] of [
      [0, 0],
      [13, 7],
      [63, 35],
      [40, 21],
    ] as const) {
      const got = await service.samples({ ...source(h264), index: n, x, y });
      const cw = w / 2;
      const ch = h / 2;
      const yv = raw[y * w + x]!;
      const uv = raw[w * h + Math.floor(y / 2) * cw + Math.floor(x / 2)]!;
      const vv = raw[w * h + cw * ch + Math.floor(y / 2) * cw + Math.floor(x / 2)]!;
      expect(got).toMatchObject({
        index: n,
        x,
        y,
        pixFmt: 'yuv420p',
        bitDepth: 8,
        width: w,
        height: h,
      });
      expect(got.samples).toEqual([
        { name: 'Y', value: yv },
        { name: 'U', value: uv },
        { name: 'V', value: vv },
      ]);
    }
  });

  it('reads 10-bit samples of an odd-sized frame (chroma rounded up), not 8-bit RGB', async () => {
    const n = 6;
    const raw = rawFrame(ffv1Ten, n, 'yuv420p10le');
    const w = 63;
    const h = 35;
    const cw = 32;
    const ch = 18;
    expect(raw.length).toBe((w * h + 2 * cw * ch) * 2);
    const x = 62;
    const y = 34;
    const got = await service.samples({ ...source(ffv1Ten), index: n, x, y });
    const at = (sample: number): number => raw.readUInt16LE(sample * 2);
    expect(got.pixFmt).toBe('yuv420p10le');
    expect(got.bitDepth).toBe(10);
    expect(got.samples).toEqual([
      { name: 'Y', value: at(y * w + x) },
      { name: 'U', value: at(w * h + 17 * cw + 31) },
      { name: 'V', value: at(w * h + cw * ch + 17 * cw + 31) },
    ]);
    // 10-bit codes: testsrc2's white and colours use the top of the range, beyond 8 bits.
    const all = await Promise.all(
      [0, 10, 20, 30, 40, 50, 60].map((px) =>
        service.samples({ ...source(ffv1Ten), index: n, x: px, y: 20 }),
      ),
    );
    expect(Math.max(...all.map((s) => s.samples[0]!.value))).toBeGreaterThan(255);
  });

  it('names planar RGB planes G, B, R as ffmpeg stores them', async () => {
    const raw = rawFrame(rgbH264, 3, 'gbrp');
    const w = 40;
    const h = 30;
    const got = await service.samples({ ...source(rgbH264), index: 3, x: 5, y: 9 });
    const i = 9 * w + 5;
    expect(got.pixFmt).toBe('gbrp');
    expect(got.samples).toEqual([
      { name: 'G', value: raw[i] },
      { name: 'B', value: raw[w * h + i] },
      { name: 'R', value: raw[2 * w * h + i] },
    ]);
  });

  it('reads packed RGB (bgr0) pixel by pixel, skipping the padding byte', async () => {
    const raw = rawFrame(ffv1Rgb, 2, 'bgr0');
    const i = (11 * 40 + 33) * 4;
    const got = await service.samples({ ...source(ffv1Rgb), index: 2, x: 33, y: 11 });
    expect(got.pixFmt).toBe('bgr0');
    expect(got.samples).toEqual([
      { name: 'B', value: raw[i] },
      { name: 'G', value: raw[i + 1] },
      { name: 'R', value: raw[i + 2] },
    ]);
  });

  it('refuses a pixel outside the frame and a frame past the end, saying what is valid', async () => {
    await expect(service.samples({ ...source(h264), index: 2, x: 64, y: 0 })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGS',
        message: 'Pixel 64,0 is outside frame 2, which is 64×36.',
      },
    );
    await expect(service.samples({ ...source(h264), index: 25, x: 0, y: 0 })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGS',
        message: expect.stringMatching(/^Frame 25 does not exist: .* has 25 frames \(0–24\)\.$/),
      },
    );
    await expect(service.samples({ ...source(h264), index: -1, x: 0, y: 0 })).rejects.toMatchObject(
      {
        code: 'INVALID_ARGS',
      },
    );
  });
});

/** The Y, U, V samples of (x, y) read by hand from a whole planar 4:2:0 / 4:1:1 raw frame. */
function planarAt(
  raw: Buffer,
  w: number,
  h: number,
  shift: [number, number],
  bytes: 1 | 2,
  x: number,
  y: number,
): number[] {
  const cw = Math.ceil(w / (1 << shift[0]));
  const ch = Math.ceil(h / (1 << shift[1]));
  const read = (i: number): number => (bytes === 1 ? raw[i]! : raw.readUInt16LE(i * 2));
  const c = (y >> shift[1]) * cw + (x >> shift[0]);
  return [read(y * w + x), read(w * h + c), read(w * h + cw * ch + c)];
}

describe('frames.samples: only a small block around the pixel is decoded out', () => {
  it('writes a block of at most SAMPLE_BLOCK square, cut exactly at odd right and bottom edges', async () => {
    const { index } = await service.index(source(bigTen));
    const layout = pixelLayout('yuv420p10le')!;
    const plan = planFrame(index, 2);
    const inner = await decodeSampleBlock(source(bigTen), plan, 2, { x0: 0, y0: 0 });
    expect(inner).toMatchObject({ pixFmt: 'yuv420p10le', width: 341, height: 291, x0: 0, y0: 0 });
    expect(inner.raw.length).toBe(frameBytes(layout, SAMPLE_BLOCK, SAMPLE_BLOCK));
    // The corner block: 341 − 256 = 85 columns and 291 − 256 = 35 rows, odd both ways.
    const corner = await decodeSampleBlock(source(bigTen), plan, 2, blockOrigin(340, 290));
    expect(corner.raw.length).toBe(frameBytes(layout, 85, 35));
    expect(corner.raw.length).toBeLessThan(frameBytes(layout, 341, 291) / 4);
  });

  it('gives the whole frame’s values at block edges, odd edges and the last pixel (10-bit 4:2:0)', async () => {
    const n = 3;
    const raw = rawFrame(bigTen, n, 'yuv420p10le');
    const points = [
      [0, 0],
      [255, 255],
      [256, 255],
      [255, 256],
      [256, 256],
      [319, 1],
      [320, 289],
      [340, 290],
      [339, 257],
      [257, 290],
    ] as const;
    for (const [x, y] of points) {
      const got = await service.samples({ ...source(bigTen), index: n, x, y });
      expect(got).toMatchObject({ width: 341, height: 291, bitDepth: 10, x, y });
      expect(
        got.samples.map((s) => s.value),
        `${x},${y}`,
      ).toEqual(planarAt(raw, 341, 291, [1, 1], 2, x, y));
    }
  });

  it('starts each block on a chroma sample of 4:1:1 (4 columns per chroma sample)', async () => {
    const raw = rawFrame(fourOneOne, 1, 'yuv411p');
    for (const [x, y] of [
      [255, 0],
      [256, 5],
      [258, 19],
      [323, 7],
      [327, 19],
    ] as const) {
      const got = await service.samples({ ...source(fourOneOne), index: 1, x, y });
      expect(got.pixFmt).toBe('yuv411p');
      expect(
        got.samples.map((s) => s.value),
        `${x},${y}`,
      ).toEqual(planarAt(raw, 328, 20, [2, 0], 1, x, y));
    }
  });

  it('refuses a pixel past a frame larger than one block by the frame’s own size', async () => {
    await expect(
      service.samples({ ...source(bigTen), index: 0, x: 341, y: 10 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGS',
      message: 'Pixel 341,10 is outside frame 0, which is 341×291.',
    });
    await expect(
      service.samples({ ...source(bigTen), index: 0, x: 500, y: 400 }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGS' });
  });

  it('decodes one block of a file at a time: a newer request pushes the oldest waiting one out', async () => {
    const own = new FrameService({ cacheDir: null });
    try {
      await own.index(source(bigTen));
      // Four blocks at once: one decodes, two wait, the oldest waiting gives way to the fourth.
      const asks = [
        [0, 0],
        [256, 0],
        [0, 256],
        [256, 256],
      ].map(([x, y]) => own.samples({ ...source(bigTen), index: 4, x: x!, y: y! }));
      const settled = await Promise.allSettled(asks);
      const canceled = settled.filter(
        (r) => r.status === 'rejected' && (r.reason as { code?: string }).code === 'CANCELED',
      );
      expect(canceled).toHaveLength(1);
      expect(settled.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
      // Asked again, the same block comes from memory with the same values.
      const again = await own.samples({ ...source(bigTen), index: 4, x: 256, y: 256 });
      expect(again.samples.map((s) => s.value)).toEqual(
        planarAt(rawFrame(bigTen, 4, 'yuv420p10le'), 341, 291, [1, 1], 2, 256, 256),
      );
    } finally {
      own.close();
    }
  });

  it('stops waiting when the asker’s signal aborts, and close() stops a decode under way', async () => {
    const own = new FrameService({ cacheDir: null });
    const gone = new AbortController();
    gone.abort();
    await expect(
      own.samples({ ...source(bigTen), index: 1, x: 0, y: 0, signal: gone.signal }),
    ).rejects.toMatchObject({ code: 'CANCELED' });
    const running = own.samples({ ...source(bigTen), index: 1, x: 0, y: 0 });
    own.close();
    await expect(running).rejects.toMatchObject({ code: 'CANCELED' });
  });
});

describe('pixelLayout', () => {
  it('knows planar YUV, RGB and grey formats and their sample sizes', () => {
    expect(pixelLayout('yuv422p10le')).toMatchObject({
      bitDepth: 10,
      bytes: 2,
      littleEndian: true,
    });
    expect(pixelLayout('yuv422p10le')!.planes.map((p) => [p.name, p.shiftX, p.shiftY])).toEqual([
      ['Y', 0, 0],
      ['U', 1, 0],
      ['V', 1, 0],
    ]);
    expect(pixelLayout('yuvj444p')).toMatchObject({ bitDepth: 8, bytes: 1 });
    expect(pixelLayout('yuva420p')!.planes.map((p) => p.name)).toEqual(['Y', 'U', 'V', 'A']);
    expect(pixelLayout('gray12be')).toMatchObject({ bitDepth: 12, bytes: 2, littleEndian: false });
    expect(frameBytes(pixelLayout('yuv420p')!, 5, 3)).toBe(15 + 2 * 3 * 2);
  });

  it('refuses semi-planar and packed YUV formats rather than misreading them', () => {
    for (const f of ['nv12', 'p010le', 'yuyv422', 'uyvy422', 'rgb48le'])
      expect(pixelLayout(f)).toBeNull();
  });
});
