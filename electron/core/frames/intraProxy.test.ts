import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sequentialFrames } from '../../testing/sequentialFrames';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { runningProcesses } from '../ffmpeg/process';
import type { FrameIndex } from './frameIndex';
import { sourceIdentity, storedIndexPath } from './frameIndexStore';
import { FrameService } from './frameService';
import { chunkFramesFor, parseStreamPicture, planChunks } from './intraProxy';
import { clusterOf, readElement } from './matroska';

// Frames served from the intra proxy must equal frames of a full sequential decode, byte for
// byte, on every ffmpeg the app meets: Debian's 5.1, the npm 4.1 build, and the 7.1 build
// (libvmaf 3.2) users have.
const tempDir = useTempDirs('vq-proxy-');

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** A 176x144 x264 clip with 3 B-frames and 60-frame GOPs (long enough for a proxy). */
function x264Clip(name: string, extra: string[], pixFmt = 'yuv420p', frames = 150): string {
  const file = path.join(tempDir(), name);
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=s=176x144:r=25:d=${frames / 25}`],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '3', '-g', '60', '-keyint_min', '60'],
    ...['-sc_threshold', '0', '-pix_fmt', pixFmt, ...extra, file],
  ]);
  return file;
}

afterAll(async () => {
  // Closed services stop their decoders: none may outlive them.
  for (let i = 0; i < 50 && runningProcesses().length > 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(runningProcesses()).toHaveLength(0);
});

const CASES: { name: string; file: () => string; pixFmt: string; scaled?: string }[] = [
  {
    name: '8-bit 4:2:0, BT.709 tags (Ut Video)',
    file: () =>
      x264Clip('bt709.mp4', [
        ...['-color_primaries', 'bt709', '-color_trc', 'bt709', '-colorspace', 'bt709'],
        ...['-color_range', 'tv'],
      ]),
    pixFmt: 'yuv420p',
  },
  {
    name: '8-bit 4:2:0, untagged, scaled to 320x240 (bicubic)',
    file: () => x264Clip('plain.mp4', []),
    pixFmt: 'yuv420p',
    scaled: '320x240',
  },
  {
    name: '8-bit 4:4:4 (Ut Video)',
    file: () => x264Clip('444.mp4', [], 'yuv444p'),
    pixFmt: 'yuv444p',
  },
  {
    name: '10-bit 4:2:0, BT.2020 tags (FFV1)',
    file: () =>
      x264Clip(
        'ten.mkv',
        ['-color_primaries', 'bt2020', '-color_trc', 'bt709', '-colorspace', 'bt2020nc'],
        'yuv420p10le',
      ),
    pixFmt: 'yuv420p10le',
  },
  {
    name: 'open GOP (leading B-frames of each keyframe)',
    file: () => x264Clip('open.mp4', ['-x264-params', 'open-gop=1']),
    pixFmt: 'yuv420p',
  },
];

/** Serves frames cold (caches and file decoders cleared before each) and checks them. */
async function checkServed(binary: string): Promise<void> {
  for (const c of CASES) {
    const file = c.file();
    const cacheDir = path.join(tempDir(), 'cache');
    const service = new FrameService({ cacheDir });
    const source = { ffmpeg: binary, input: file };
    try {
      await service.index(source); // whole, however slow the machine: info then opens the proxy
      const info = await service.info(source);
      expect(info.count, c.name).toBe(150);
      await service.proxies!.whenIdle();
      expect(service.proxies!.builtChunks, c.name).toBeGreaterThan(0);
      // The builds decoded every frame: the picture types are all named now.
      const named = await service.info(source);
      expect(named.types, c.name).toMatch(/^I[IPB]{149}$/);
      expect(named.typesPending, c.name).toBe(false);
      const [w, h] = (c.scaled ?? '176x144').split('x').map(Number) as [number, number];
      const reference = sequentialFrames(file, w, h, c.scaled);
      const size = c.scaled ? { width: w, height: h } : undefined;
      // Random jumps (each cold), then steps forward and back.
      const visits = [149, 0, 77, 59, 60, 61, 120, 3, 4, 5, 100, 99, 98];
      for (const n of visits) {
        if (n === 149 || n === 77 || n === 120 || n === 100 || n === 3) await service.clearCaches();
        const got = await service.frame({ ...source, index: n, format: 'rgba', size });
        expect(got.equals(reference[n]!), `${c.name}: frame ${n}`).toBe(true);
      }
      expect(service.served.proxy, c.name).toBeGreaterThanOrEqual(5);
    } finally {
      service.close();
    }
  }
}

describe('intra proxy', () => {
  it('serves frames equal to a sequential decode (FFmpeg 5.1)', async () => {
    await checkServed('ffmpeg');
  });

  it('serves frames equal to a sequential decode (FFmpeg 4.1, the npm build)', async () => {
    const npm = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    await checkServed(npm.path);
  });

  it('serves frames equal to a sequential decode (FFmpeg 7.1)', async () => {
    const build = sharedVmaf3Build();
    const saved = process.env.LD_LIBRARY_PATH;
    if (build.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = build.env.LD_LIBRARY_PATH;
    try {
      await checkServed(build.ffmpeg);
    } finally {
      if (saved === undefined) delete process.env.LD_LIBRARY_PATH;
      else process.env.LD_LIBRARY_PATH = saved;
    }
  });

  it('is reused after a restart, rebuilds a damaged chunk, drops half-written ones, and keeps to its bound', async () => {
    const file = x264Clip('reuse.mp4', [], 'yuv420p', 300);
    const cacheDir = path.join(tempDir(), 'cache');
    const source = { ffmpeg: 'ffmpeg', input: file };
    const first = new FrameService({ cacheDir });
    await first.index(source);
    await first.info(source);
    await first.proxies!.whenIdle();
    const chunks = first.proxies!.builtChunks;
    expect(chunks).toBe(2); // 300 frames in 60-frame GOPs: two chunks of 120 and 180
    first.close();
    const dir = path.join(cacheDir, 'proxy');
    const files = fs.readdirSync(dir, { recursive: true }).map(String);
    const mkvs = files.filter((f) => f.endsWith('.mkv')).map((f) => path.join(dir, f));
    expect(mkvs).toHaveLength(2);

    // A new server finds them: frames come from the proxy with nothing built.
    const reference = sequentialFrames(file, 176, 144);
    const again = new FrameService({ cacheDir });
    await again.index(source);
    await again.info(source);
    const got = await again.frame({ ...source, index: 250, format: 'rgba' });
    expect(got.equals(reference[250]!)).toBe(true);
    expect(again.served.proxy).toBe(1);
    // A PNG the proxy gave stays in memory only: the proxy is its copy on disk.
    await again.frame({ ...source, index: 100, format: 'png' });
    expect(again.served.proxy).toBe(2);
    await new Promise((r) => setTimeout(r, 500)); // a write would land meanwhile
    const pngDir = path.join(cacheDir, 'frames');
    expect(fs.existsSync(pngDir) ? fs.readdirSync(pngDir) : []).toEqual([]);
    await again.proxies!.whenIdle();
    again.close();

    // A chunk cut short (a crash while copying, a full disk) is not served but rebuilt; a
    // half-written one from a crash is removed.
    const [damaged] = mkvs.sort();
    fs.truncateSync(damaged!, Math.floor(fs.statSync(damaged!).size / 2));
    const stray = path.join(path.dirname(damaged!), '0.123.456.part.mkv');
    fs.writeFileSync(stray, 'half');
    const third = new FrameService({ cacheDir });
    await third.index(source);
    await third.info(source);
    await third.proxies!.whenIdle();
    expect(fs.existsSync(stray)).toBe(false);
    expect(fs.statSync(damaged!).size).toBeGreaterThan(fs.statSync(mkvs[1]!).size / 2);
    for (const n of [10, 130, 299]) {
      await third.clearCaches();
      const frame = await third.frame({ ...source, index: n, format: 'rgba' });
      expect(frame.equals(reference[n]!), `frame ${n}`).toBe(true);
    }
    expect(third.served.proxy).toBe(3);
    third.close();

    // A bound of about one chunk: chunks are cut smaller, the file's proxy does not fit half the
    // bound so only what is viewed is built, and the least recently used chunks go.
    const smallDir = path.join(tempDir(), 'cache');
    const bound = Math.ceil(fs.statSync(mkvs[1]!).size * 1.2);
    const small = new FrameService({ cacheDir: smallDir, proxyBytes: bound });
    await small.index(source);
    await small.info(source);
    await small.proxies!.whenIdle();
    expect(small.proxies!.builtChunks).toBe(1);
    for (const n of [299, 150, 60, 299]) {
      await small.clearCaches();
      const frame = await small.frame({ ...source, index: n, format: 'rgba' });
      expect(frame.equals(reference[n]!), `frame ${n}`).toBe(true);
      await small.proxies!.whenIdle();
      const largest = Math.max(
        ...fs
          .readdirSync(path.join(smallDir, 'proxy'), { recursive: true })
          .map(String)
          .filter((f) => f.endsWith('.mkv'))
          .map((f) => fs.statSync(path.join(smallDir, 'proxy', f)).size),
      );
      expect(small.proxies!.store.bytes).toBeLessThanOrEqual(bound + largest);
    }
    expect(small.served.proxy).toBeGreaterThan(0);
    small.close();
  });

  it('names every picture type in the background where no proxy is built (short GOPs)', async () => {
    const file = path.join(tempDir(), 'short-gop.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=176x144:r=25:d=4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-bf', '2', '-g', '12', '-pix_fmt', 'yuv420p'],
      file,
    ]);
    const cacheDir = path.join(tempDir(), 'cache');
    const service = new FrameService({ cacheDir });
    const source = { ffmpeg: 'ffmpeg', input: file };
    try {
      await service.index(source);
      const first = await service.info(source);
      expect(first.types.slice(40)).toMatch(/\?/); // past the frames checked when listing
      await service.proxies!.whenIdle();
      expect(service.proxies!.builtChunks).toBe(0);
      const named = await service.info(source);
      expect(named.typesPending).toBe(false);
      expect(named.types).toMatch(/^I[IPB]{99}$/);
      expect(named.types).toContain('B');
    } finally {
      service.close();
    }
    // Stored with the index (written in the background): a new server has them at once.
    const stored = storedIndexPath(cacheDir, await sourceIdentity(source));
    await expect
      .poll(() => (JSON.parse(fs.readFileSync(stored, 'utf8')) as { types: string }).types)
      .toMatch(/^I[IPB]{99}$/);
    const again = new FrameService({ cacheDir });
    try {
      expect((await again.info(source)).types).toMatch(/^I[IPB]{99}$/);
    } finally {
      again.close();
    }
  });

  it('gets the worst frames ready in memory when asked (frames.prefetch)', async () => {
    const file = x264Clip('worst.mp4', []);
    const service = new FrameService({ cacheDir: path.join(tempDir(), 'cache') });
    const source = { ffmpeg: 'ffmpeg', input: file };
    try {
      await service.index(source);
      expect(await service.prefetch({ ...source, frames: [140, 33, 99, 500, -1, 33] })).toBe(3);
      await service.whenPrefetched();
      expect(service.served.proxy).toBe(3); // their chunks were built first
      const before = service.served.memory;
      for (const n of [140, 33, 99]) await service.frame({ ...source, index: n, format: 'png' });
      expect(service.served.memory - before).toBe(3);
    } finally {
      service.close();
    }
  });
});

describe('intra proxy parts', () => {
  const index = (keys: number[], count: number): FrameIndex => ({
    frames: Array.from({ length: count }, (_, i) => ({
      pts: i * 512,
      key: keys.includes(i),
      type: '?',
    })),
    secondsPerTick: 1 / 12800,
    seekable: true,
    width: 16,
    height: 16,
  });

  it('plans chunks of whole GOPs, none for short GOPs', () => {
    expect(planChunks(index([0, 250], 300))).toEqual([{ start: 0, count: 300 }]);
    expect(planChunks(index([0, 60, 120, 180, 240], 300))).toEqual([
      { start: 0, count: 120 },
      { start: 120, count: 180 },
    ]);
    expect(planChunks(index([0, 10, 20, 30], 40))).toEqual([]);
    // One keyframe: pieces of at most 600 frames, each built by decoding from that keyframe.
    expect(planChunks(index([0], 1500))).toEqual([
      { start: 0, count: 600 },
      { start: 600, count: 600 },
      { start: 1200, count: 300 },
    ]);
    // A smaller most (big pictures, a small store): GOPs are cut to it.
    expect(planChunks(index([0, 250], 300), 100)).toEqual([
      { start: 0, count: 100 },
      { start: 100, count: 100 },
      { start: 200, count: 100 },
    ]);
    expect(chunkFramesFor({ width: 1920, height: 1080 }, 4 * 1024 ** 3)).toBe(172);
    expect(chunkFramesFor({ width: 176, height: 144 }, 4 * 1024 ** 3)).toBe(600);
    expect(chunkFramesFor({ width: 7680, height: 4320 }, 1024 ** 3)).toBe(24);
    expect(planChunks({ ...index([0], 300), seekable: false })).toEqual([]);
  });

  it('reads the decoded format and stream colour tags', () => {
    const line = (tags: string): string =>
      `  Stream #0:0[0x1](und): Video: h264 (High) (avc1 / 0x31637661), ${tags}, 1920x1080 [SAR 1:1 DAR 16:9], 25 fps\n` +
      '[Parsed_showinfo_0 @ 0x55] n:   0 pts:      0 pts_time:0       pos:       48 fmt:yuv420p sar:1/1 s:1920x1080 i:P iskey:1 type:I\n';
    expect(parseStreamPicture(line('yuv420p(tv, bt709, progressive)'))).toEqual({
      pixFmt: 'yuv420p',
      colour: 'setparams=range=tv:colorspace=bt709:color_primaries=bt709:color_trc=bt709',
    });
    expect(parseStreamPicture(line('yuv420p(progressive)'))).toEqual({
      pixFmt: 'yuv420p',
      colour: '',
    });
    expect(parseStreamPicture(line('yuv420p'))).toEqual({ pixFmt: 'yuv420p', colour: '' });
    expect(
      parseStreamPicture(line('yuv420p(tv, bt2020nc/bt2020/smpte2084, progressive, left)')),
    ).toEqual({
      pixFmt: 'yuv420p',
      colour: 'setparams=range=tv:colorspace=bt2020nc:color_primaries=bt2020:color_trc=smpte2084',
    });
    expect(parseStreamPicture(line('yuv420p(pc, unknown/bt709/unknown)'))).toEqual({
      pixFmt: 'yuv420p',
      colour: 'setparams=range=pc:color_primaries=bt709',
    });
    expect(parseStreamPicture('no video here')).toBeNull();
  });

  it('writes a cluster per frame with the block timestamp cleared, and reads element sizes', () => {
    // SimpleBlock: track 1, relative timestamp 7, keyframe flag, 3 bytes of frame.
    const block = Buffer.from([0xa3, 0x87, 0x81, 0x00, 0x07, 0x80, 1, 2, 3]);
    const cluster = clusterOf(300_000, block);
    const c = readElement(cluster, 0)!;
    expect(c.id).toBe(0x1f43b675);
    expect(c.end).toBe(cluster.length);
    const ts = readElement(cluster, c.data - c.start)!;
    expect(ts.id).toBe(0xe7);
    expect(cluster.readUIntBE(ts.data, ts.end! - ts.data)).toBe(300_000);
    const b = cluster.subarray(ts.end!);
    expect([...b]).toEqual([0xa3, 0x87, 0x81, 0x00, 0x00, 0x80, 1, 2, 3]);
    expect(() => clusterOf(0, Buffer.from([0x1f, 0x43]))).toThrow();
    // An unknown size (all ones) reads as no end.
    expect(
      readElement(
        Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        0,
      )!.end,
    ).toBeNull();
  });
});
