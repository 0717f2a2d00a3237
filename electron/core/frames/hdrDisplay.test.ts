import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hdrOf } from '../probe/facts';
import { filtersOfInterest, parseFilters } from '../toolchain/parse';
import { requiredTool } from '../../testing/tools';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { FrameService, displayFilters, displayKey, extractFrame, hdrDisplayOf } from '.';

// An HDR (PQ) clip's frames are tone-mapped for display where the ffmpeg serving them has zscale,
// exactly as a hand-written command with the encoder's chain does it, and served as stored, with a
// note saying so, where it has none.
const W = 320;
const H = 180;
const SMALL = { width: 160, height: 90 };
/** The encoder's tone map (shared/encodePlan.ts toneMapFilters), written out by hand, in RGB. */
const TONE_MAP_PQ =
  'zscale=tin=smpte2084:pin=bt2020:min=bt2020nc:rin=tv:t=linear:npl=100,format=gbrpf32le,' +
  'zscale=p=bt709,tonemap=tonemap=hable:desat=0,zscale=t=bt709:m=bt709:r=tv';

let dir: string;
let pq: string;
/** Debian's ffmpeg (5.1): has zscale. */
let ffmpeg: string;
/** Its filters, as the toolchain report lists them. */
let filters: string[];

beforeAll(() => {
  ffmpeg = requiredTool('ffmpeg', { pathOnly: true });
  filters = reportFilters(ffmpeg);
  expect(filters, `${ffmpeg} must have zscale for this test`).toContain('zscale');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-hdr-frames-'));
  pq = path.join(dir, 'pq.mp4');
  run(ffmpeg, [
    '-f',
    'lavfi',
    '-i',
    `testsrc2=s=${W}x${H}:r=25:d=1`,
    '-vf',
    'format=yuv420p10le',
    '-c:v',
    'libx265',
    '-preset',
    'ultrafast',
    '-x265-params',
    'keyint=10:colorprim=bt2020:transfer=smpte2084:colormatrix=bt2020nc:log-level=error',
    '-color_primaries',
    'bt2020',
    '-color_trc',
    'smpte2084',
    '-colorspace',
    'bt2020nc',
    pq,
  ]);
  // It probes as PQ, the way the library decides MediaInfo.video.hdr.
  const probed = execFileSync(
    requiredTool('ffprobe', { pathOnly: true }),
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=color_transfer',
      '-of',
      'csv=p=0',
      pq,
    ],
    { encoding: 'utf8' },
  ).trim();
  expect(hdrOf(probed)).toBe('pq');
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(bin: string, args: string[], env?: NodeJS.ProcessEnv): Buffer {
  return execFileSync(bin, ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 1 << 30,
    env,
  });
}

/** The filters of a build as the toolchain report lists them (read as its probe reads them). */
function reportFilters(bin: string, env?: NodeJS.ProcessEnv): string[] {
  const text = execFileSync(bin, ['-hide_banner', '-filters'], { encoding: 'utf8', env });
  return filtersOfInterest(parseFilters(text));
}

/** Every frame of one sequential decode of the clip through `vf`, as raw pixels. */
function sequential(
  bin: string,
  vf: string,
  size: { width: number; height: number },
  pixFmt: 'rgb24' | 'rgba' = 'rgb24',
  env?: NodeJS.ProcessEnv,
): Buffer[] {
  const all = run(
    bin,
    [
      '-i',
      pq,
      '-map',
      '0:v:0',
      '-vsync',
      'passthrough',
      '-vf',
      vf,
      '-f',
      'rawvideo',
      '-pix_fmt',
      pixFmt,
      '-',
    ],
    env,
  );
  const frameBytes = size.width * size.height * (pixFmt === 'rgba' ? 4 : 3);
  expect(all.length % frameBytes).toBe(0);
  const frames: Buffer[] = [];
  for (let off = 0; off < all.length; off += frameBytes)
    frames.push(all.subarray(off, off + frameBytes));
  return frames;
}

function decodePng(png: Buffer): Buffer {
  return execFileSync(
    ffmpeg,
    ['-v', 'error', '-f', 'png_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
    { input: png },
  );
}

describe('how an HDR file is shown (pure)', () => {
  it('tone-maps where the build has zscale, says so where it has not, and leaves SDR alone', () => {
    const withZscale = ['psnr', 'zscale'];
    expect(hdrDisplayOf({ ffmpeg: '/usr/bin/ffmpeg', hdr: null, filters: withZscale })).toBeNull();
    expect(hdrDisplayOf({ ffmpeg: '/usr/bin/ffmpeg' })).toBeNull();
    const toneMapped = hdrDisplayOf({ ffmpeg: '/usr/bin/ffmpeg', hdr: 'pq', filters: withZscale });
    expect(toneMapped).toEqual({
      transfer: 'pq',
      toneMapped: true,
      note: 'HDR (PQ) tone-mapped to SDR BT.709 for display (zscale, hable).',
    });
    const asStored = hdrDisplayOf({ ffmpeg: '/opt/ff/ffmpeg', hdr: 'hlg', filters: ['psnr'] })!;
    expect(asStored).toEqual({
      transfer: 'hlg',
      toneMapped: false,
      note:
        'HDR (HLG) shown as stored: this ffmpeg (/opt/ff/ffmpeg) has no zscale filter, so the ' +
        'picture looks washed out. Install an ffmpeg built with libzimg (`vq doctor` lists each ' +
        'build’s filters).',
    });
    // Filters not told: not known to tone-map.
    expect(hdrDisplayOf({ ffmpeg: 'ffmpeg', hdr: 'pq' })!.toneMapped).toBe(false);
    expect(displayFilters(null, 'rgb24')).toEqual([]);
    expect(displayFilters(asStored, 'rgb24')).toEqual([]);
    expect(displayFilters(toneMapped, 'rgba').join(',')).toBe(`${TONE_MAP_PQ},format=rgba`);
    expect(displayKey(null)).toBe('');
    expect(displayKey(asStored)).toBe('');
    expect(displayKey(toneMapped)).toBe('-tmpq');
  });
});

describe('HDR frames with an ffmpeg that has zscale', () => {
  it('serves every frame tone-mapped, equal to the hand-written command, one-off and streamed', async () => {
    const toneMapped = sequential(
      ffmpeg,
      `scale=${SMALL.width}:${SMALL.height}:flags=bicubic,${TONE_MAP_PQ},format=rgb24`,
      SMALL,
    );
    const asStored = sequential(
      ffmpeg,
      `scale=${SMALL.width}:${SMALL.height}:flags=bicubic`,
      SMALL,
    );
    const source = { ffmpeg, input: pq, hdr: 'pq' as const, filters };
    const service = new FrameService({ cacheDir: null });
    try {
      const info = await service.info(source);
      expect(info.count).toBe(25);
      expect(info.hdrDisplay).toEqual({
        transfer: 'pq',
        toneMapped: true,
        note: 'HDR (PQ) tone-mapped to SDR BT.709 for display (zscale, hable).',
      });
      // Streamed by a running decoder: a jump, steps forward, a step back, a jump across GOPs.
      for (const n of [12, 13, 14, 13, 3, 24]) {
        const png = await service.frame({ ...source, index: n, size: SMALL, format: 'png' });
        const rgb = decodePng(png);
        expect(rgb.equals(toneMapped[n]!), `frame ${n} equals the hand-written tone map`).toBe(
          true,
        );
        expect(rgb.equals(asStored[n]!), `frame ${n} differs from the frame as stored`).toBe(false);
      }
      // Raw RGBA from the running decoder at the native size.
      const native = sequential(
        ffmpeg,
        `${TONE_MAP_PQ},format=rgba`,
        { width: W, height: H },
        'rgba',
      );
      const rgba = await service.frame({ ...source, index: 17, format: 'rgba' });
      expect(rgba.equals(native[17]!)).toBe(true);
    } finally {
      service.close();
    }
    // One-off: one ffmpeg for the frame.
    const png = await extractFrame({ ...source, index: 7, size: SMALL, format: 'png' });
    expect(decodePng(png).equals(toneMapped[7]!)).toBe(true);
  });

  it('keeps tone-mapped and as-stored frames apart in its caches', async () => {
    const cacheDir = fs.mkdtempSync(path.join(dir, 'cache-'));
    const toneMapped = sequential(
      ffmpeg,
      `scale=${SMALL.width}:${SMALL.height}:flags=bicubic,${TONE_MAP_PQ},format=rgb24`,
      SMALL,
    );
    const asStored = sequential(
      ffmpeg,
      `scale=${SMALL.width}:${SMALL.height}:flags=bicubic`,
      SMALL,
    );
    // Served as stored (the file not known as HDR, as before tone mapping existed): cached on disk.
    const before = new FrameService({ cacheDir });
    for (const n of [4, 5]) {
      const png = await before.frame({ ffmpeg, input: pq, index: n, size: SMALL, format: 'png' });
      expect(decodePng(png).equals(asStored[n]!)).toBe(true);
    }
    before.close();
    const framesDir = path.join(cacheDir, 'frames');
    const written = (): number =>
      fs.existsSync(framesDir)
        ? fs.readdirSync(framesDir).filter((f) => f.endsWith('.png') && !f.includes('.part')).length
        : 0;
    await expect.poll(written).toBeGreaterThanOrEqual(2);
    // Known as HDR now: the PNGs on disk are not served tone-mapped; a build without zscale (or
    // an SDR file) gets frames as stored, never the tone-mapped ones cached meanwhile.
    const after = new FrameService({ cacheDir });
    try {
      const asks = [
        { hdr: 'pq', filters, want: toneMapped },
        { hdr: null, filters, want: asStored },
        { hdr: 'pq', filters: [], want: asStored },
        { hdr: 'pq', filters, want: toneMapped },
      ] as const;
      for (const [k, { hdr, filters: has, want }] of asks.entries()) {
        const png = await after.frame({
          ffmpeg,
          input: pq,
          hdr,
          filters: has,
          index: 4,
          size: SMALL,
          format: 'png',
        });
        expect(decodePng(png).equals(want[4]!), `ask ${k}`).toBe(true);
      }
    } finally {
      after.close();
    }
  });
});

describe('HDR frames with an ffmpeg that has no zscale', () => {
  // FFmpeg 7.1.5 + libvmaf 3.2 (../shared/toolchain), built without libzimg.
  let build: ReturnType<typeof sharedVmaf3Build>;
  let buildFilters: string[];
  const savedLdPath = process.env.LD_LIBRARY_PATH;
  beforeAll(() => {
    build = sharedVmaf3Build();
    if (build.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = build.env.LD_LIBRARY_PATH;
    buildFilters = reportFilters(build.ffmpeg, build.env);
    expect(buildFilters).not.toContain('zscale');
  });
  afterAll(() => {
    if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
    else process.env.LD_LIBRARY_PATH = savedLdPath;
  });

  it('serves frames as stored and says so', async () => {
    const asStored = sequential(
      build.ffmpeg,
      `scale=${SMALL.width}:${SMALL.height}:flags=bicubic`,
      SMALL,
      'rgb24',
      build.env,
    );
    const source = { ffmpeg: build.ffmpeg, input: pq, hdr: 'pq' as const, filters: buildFilters };
    const service = new FrameService({ cacheDir: null });
    try {
      const info = await service.info(source);
      expect(info.hdrDisplay).toEqual({
        transfer: 'pq',
        toneMapped: false,
        note:
          `HDR (PQ) shown as stored: this ffmpeg (${build.ffmpeg}) has no zscale filter, so the ` +
          'picture looks washed out. Install an ffmpeg built with libzimg (`vq doctor` lists each ' +
          'build’s filters).',
      });
      for (const n of [12, 13, 2]) {
        const png = await service.frame({ ...source, index: n, size: SMALL, format: 'png' });
        expect(decodePng(png).equals(asStored[n]!), `frame ${n} as stored`).toBe(true);
      }
    } finally {
      service.close();
    }
    const png = await extractFrame({ ...source, index: 20, size: SMALL, format: 'png' });
    expect(decodePng(png).equals(asStored[20]!)).toBe(true);
  });
});
