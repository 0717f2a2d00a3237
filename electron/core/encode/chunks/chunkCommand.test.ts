import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildEncodeCommand, planLadder, type PlannedRung } from '../../../../shared/encodePlan';
import type { Rung } from '../../../../shared/ladder';
import { makeClip, quickLadder, quickRung } from '../../../testing/clips';
import { makeSceneClip } from '../../../testing/sceneClip';
import { useTempDirs } from '../../../testing/tempDir';
import { requiredTool } from '../../../testing/tools';
import { parseFrameRate } from '../../media/frameSeek';
import { chunkEncodeArgs, chunkFrameRate, chunkSeekSeconds } from './chunkCommand';

const tempDir = useTempDirs('vq-chunkcmd-');
const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });

function planned(rung: Rung, src: { width: number; height: number; fps: string }): PlannedRung {
  const plan = planLadder(quickLadder('t', [rung]), {
    width: src.width,
    height: src.height,
    sar: null,
    rotation: 0,
    frameRate: src.fps,
    hasAudio: true,
  });
  return plan.rungs[0]!;
}

/** MD5 of every decoded frame, in order. */
function frameMd5s(file: string): string[] {
  const out = execFileSync(
    ffmpeg,
    ['-v', 'error', '-i', file, '-map', '0:v:0', '-f', 'framemd5', '-'],
    {
      encoding: 'utf8',
    },
  );
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

function run(args: string[]): void {
  execFileSync(ffmpeg, args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

const input = { path: '/src/a.mp4', raw: null };
const src = { width: 640, height: 360, fps: '25/1' };

describe('chunkEncodeArgs', () => {
  it('is the one-pass command plus a seek, a frame count and no audio', () => {
    const p = planned(
      quickRung({ id: 'r', height: 360, audio: { mode: 'aac', bitrateKbps: 96 } }),
      src,
    );
    const whole = buildEncodeCommand(input, [p], ['/o.mp4']);
    const args = chunkEncodeArgs(
      input,
      p,
      { index: 1, start: 50, end: 100 },
      { num: 25, den: 1 },
      '/o.mp4',
      {
        threads: 2,
      },
    );
    // (50 − ¼) frames at 25 fps, before -i.
    expect(args.slice(args.indexOf('-ss'), args.indexOf('-ss') + 2)).toEqual(['-ss', '1.990000']);
    expect(args.indexOf('-ss')).toBeLessThan(args.indexOf('-i'));
    expect(args.slice(args.indexOf('-frames:v'), args.indexOf('-frames:v') + 2)).toEqual([
      '-frames:v',
      '50',
    ]);
    expect(args).toContain('-an');
    expect(args).not.toContain('0:a:0?');
    expect(args).not.toContain('-c:a');
    expect(args.slice(args.indexOf('-threads'), args.indexOf('-threads') + 2)).toEqual([
      '-threads',
      '2',
    ]);
    // Same filter graph and video settings as the whole.
    const after = (a: string[], flag: string): string => a[a.indexOf(flag) + 1]!;
    expect(after(args, '-filter_complex')).toBe(after(whole, '-filter_complex'));
    for (const flag of [
      '-c:v',
      '-preset',
      '-crf',
      '-g',
      '-keyint_min',
      '-sc_threshold',
      '-pix_fmt',
      '-movflags',
      '-f',
    ]) {
      expect(after(args, flag)).toBe(after(whole, flag));
    }
    expect(args.at(-1)).toBe('/o.mp4');
  });

  it('does not seek for the first chunk', () => {
    const p = planned(quickRung({ id: 'r' }), src);
    const args = chunkEncodeArgs(
      input,
      p,
      { index: 0, start: 0, end: 30 },
      { num: 25, den: 1 },
      '/o.mp4',
    );
    expect(args).not.toContain('-ss');
  });

  it('rounds the seek down to microseconds, never past the frame', () => {
    expect(chunkSeekSeconds(0, { num: 30000, den: 1001 })).toBeUndefined();
    const p = planned(quickRung({ id: 'r' }), { ...src, fps: '30000/1001' });
    const args = chunkEncodeArgs(
      input,
      p,
      { index: 3, start: 7, end: 9 },
      { num: 30000, den: 1001 },
      '/o.mp4',
    );
    // 6.75 × 1001 / 30000 = 0.225225 s
    expect(args[args.indexOf('-ss') + 1]).toBe('0.225225');
  });

  it('counts frames at the rung capped rate', () => {
    const p = planned(quickRung({ id: 'r', fpsCap: 30 }), { ...src, fps: '60/1' });
    expect(chunkFrameRate(p, { num: 60, den: 1 })).toEqual({ num: 60, den: 2 });
    const args = chunkEncodeArgs(
      input,
      p,
      { index: 1, start: 30, end: 60 },
      { num: 60, den: 1 },
      '/o.mp4',
    );
    expect(args[args.indexOf('-ss') + 1]).toBe('0.991666');
  });

  it('passes two-pass settings through', () => {
    const p = planned(
      quickRung({ id: 'r', rateControl: { mode: 'abr', bitrateKbps: 500, twoPass: true } }),
      src,
    );
    const args = chunkEncodeArgs(
      input,
      p,
      { index: 0, start: 0, end: 30 },
      { num: 25, den: 1 },
      '-',
      {
        pass: 1,
        passLogFile: '/tmp/log-0',
      },
    );
    expect(args).toEqual(
      expect.arrayContaining(['-pass', '1', '-passlogfile', '/tmp/log-0', '-f', 'null']),
    );
  });

  it('refuses an empty range and a source without a frame rate', () => {
    const p = planned(quickRung({ id: 'r' }), src);
    expect(() =>
      chunkEncodeArgs(input, p, { index: 2, start: 5, end: 5 }, { num: 25, den: 1 }, '/o'),
    ).toThrow(/Chunk 2 has no frames/);
    expect(() =>
      chunkEncodeArgs(input, p, { index: 0, start: 0, end: 5 }, { num: 0, den: 1 }, '/o'),
    ).toThrow(/frame rate/);
    expect(parseFrameRate('30000/1001')).toEqual({ num: 30000, den: 1001 });
    expect(parseFrameRate('25')).toEqual({ num: 25, den: 1 });
    expect(parseFrameRate('0/0')).toBeNull();
  });
});

describe('chunkEncodeArgs with real ffmpeg', () => {
  // A lossless rung (x264 CRF 0, same size and pixel format) makes every decoded chunk frame
  // comparable bit for bit with the frame of the source it should be.
  const lossless = (p: Partial<Rung> = {}): Rung =>
    quickRung({ id: 'll', height: 360, rateControl: { mode: 'crf', crf: 0 }, ...p });

  it('encodes exactly frames [start, end) of an MP4 source', () => {
    const dir = tempDir();
    const clip = makeSceneClip(dir, { ffmpeg, scenes: [60, 70, 55, 65] });
    const want = frameMd5s(clip.path);
    const p = planned(lossless(), src);
    for (const range of [
      { index: 0, start: 0, end: 60 },
      { index: 1, start: 60, end: 130 },
      { index: 2, start: 137, end: 185 },
      { index: 3, start: 185, end: 250 },
    ]) {
      const out = path.join(dir, `c${range.index}.mp4`);
      run(chunkEncodeArgs({ path: clip.path, raw: null }, p, range, { num: 25, den: 1 }, out));
      expect(frameMd5s(out), `chunk ${range.start}-${range.end}`).toEqual(
        want.slice(range.start, range.end),
      );
    }
  });

  it('is exact on a Matroska source at 30000/1001 (timestamps rounded to milliseconds)', () => {
    const dir = tempDir();
    const mkv = path.join(dir, 'ntsc.mkv');
    run([
      '-v',
      'error',
      '-f',
      'lavfi',
      '-i',
      'testsrc2=s=320x180:r=30000/1001:d=3',
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '18',
      mkv,
    ]);
    const want = frameMd5s(mkv);
    const p = planned(lossless({ height: 180 }), { width: 320, height: 180, fps: '30000/1001' });
    for (const [start, end] of [
      [1, 31],
      [31, 62],
      [62, 89],
    ] as const) {
      const out = path.join(dir, `c${start}.mkv`);
      run(
        chunkEncodeArgs(
          { path: mkv, raw: null },
          p,
          { index: 0, start, end },
          { num: 30000, den: 1001 },
          out,
        ),
      );
      expect(frameMd5s(out), `chunk ${start}-${end}`).toEqual(want.slice(start, end));
    }
  });

  it('with a frame-rate cap, a chunk is the same frames as the one-pass encode', () => {
    const dir = tempDir();
    const clip = makeClip(dir, { width: 320, height: 180, fps: 50, seconds: 3 });
    const p = planned(lossless({ height: 180, fpsCap: 25 }), {
      width: 320,
      height: 180,
      fps: '50/1',
    });
    const whole = path.join(dir, 'whole.mp4');
    run(buildEncodeCommand({ path: clip, raw: null }, [p], [whole]));
    const want = frameMd5s(whole);
    expect(want).toHaveLength(75);
    const out = path.join(dir, 'c.mp4');
    run(
      chunkEncodeArgs(
        { path: clip, raw: null },
        p,
        { index: 1, start: 25, end: 50 },
        { num: 50, den: 1 },
        out,
      ),
    );
    expect(frameMd5s(out)).toEqual(want.slice(25, 50));
  });
});
