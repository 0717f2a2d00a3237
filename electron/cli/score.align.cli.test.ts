// `vq score` on frames matched by their pictures, in a child process on FFmpeg 7.1.5 + libvmaf
// 3.2.0: for each generated case whose truth is known (a late start, a slate before the start,
// frames dropped in the middle, a repeated frame, a 25 fps encode of a 50 fps reference) the
// scores after `--align auto` equal those of the correctly aligned pair — the same distorted
// pictures and reference frames, cut losslessly by hand and scored with `--align off` — within
// 0.5 VMAF (the bar; they come out equal here); an aligned pair is left alone.
// FAILS (never skips) without the build.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreJson } from '../core/scoreEngine';
import { useTempDirs } from '../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../testing/vmaf3Build';
import { runVq, type VqRun } from '../testing/vqProcess';

const tempDir = useTempDirs('vq-score-align-cli-');
let b: Vmaf3Build;
let dir: string;
let ref: string;

/** The clips are made with Debian's ffmpeg (as the other alignment tests make theirs). */
function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args]);
}

/** A rendition: `input` through `filter`, re-encoded smaller and worse. */
function rendition(name: string, filter: string, input = ref): string {
  const out = path.join(dir, name);
  ffmpeg([
    ...['-i', input, '-vf', `${filter},scale=192:108`, '-fps_mode', 'passthrough'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '32', '-pix_fmt', 'yuv420p', out],
  ]);
  return out;
}

/** Lossless H.264 (x264 at qp 0 keeps 8-bit 4:2:0 pictures exactly). */
const LOSSLESS = ['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p'];

/** `input` through `filter`, losslessly: the hand-made half of a correctly aligned pair. */
function lossless(name: string, input: string, filter: string): string {
  const out = path.join(dir, name);
  ffmpeg(['-i', input, '-vf', filter, '-fps_mode', 'passthrough', ...LOSSLESS, out]);
  return out;
}

interface Scored {
  json: ScoreJson['results'][number];
  frames: number[];
  vmaf: number[];
  stderr: string;
}

/**
 * `vq score ARGS` on FFmpeg 7.1 + libvmaf 3.2, or on what `env` picks (empty VQ_FFMPEG and
 * VQ_FFPROBE: the toolchain's own choice, FFmpeg 4.1 with libvmaf 1.3.7 from npm).
 */
function vqScore(args: string[], env: NodeJS.ProcessEnv = {}): VqRun {
  return runVq(['score', ...args], {
    ...b.env,
    VQ_DATA_DIR: tempDir(),
    VQ_FFMPEG: b.ffmpeg,
    VQ_FFPROBE: b.ffprobe,
    ...env,
  });
}

function score(
  reference: string,
  distorted: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
): Scored {
  const csv = path.join(tempDir(), 'frames.csv');
  const r = vqScore(
    [
      ...['--ref', reference, '--dist', distorted, '--metrics', 'vmaf,psnr'],
      ...['--json', '--per-frame', csv, ...extra],
    ],
    env,
  );
  expect(r.code, r.stderr).toBe(0);
  const rows = fs.readFileSync(csv, 'utf8').trim().split('\n').slice(1);
  const cells = rows.map((l) => l.split(','));
  return {
    json: (JSON.parse(r.stdout) as ScoreJson).results[0]!,
    frames: cells.map((c) => Number(c[1])),
    vmaf: cells.map((c) => Number(c[2])),
    stderr: r.stderr,
  };
}

/** The checksum of every decoded frame. */
function frameSums(file: string): string[] {
  const out = execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'framemd5', '-'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .filter((l) => l && !l.startsWith('#'))
    .map((l) => l.split(',').at(-1)!.trim());
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, x) => a + x, 0) / xs.length;
}

/** The auto-aligned run against the correctly aligned pair: same scores, frame for frame. */
function expectSameScores(auto: Scored, truth: Scored): void {
  expect(Math.abs(vmafMean(auto) - vmafMean(truth))).toBeLessThan(0.5);
  expect(auto.vmaf.length).toBe(truth.vmaf.length);
  auto.vmaf.forEach((v, i) => expect(v).toBeCloseTo(truth.vmaf[i]!, 4));
  expect(mean(auto.vmaf)).toBeCloseTo(vmafMean(auto), 6);
}

function vmafMean(s: Scored): number {
  const m = s.json.metrics.vmaf?.mean;
  if (typeof m !== 'number') throw new Error('no VMAF mean in the result');
  return m;
}

beforeAll(() => {
  b = sharedVmaf3Build();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-align-clips-'));
  ref = path.join(dir, 'ref.mp4');
  // Lossless, so a reference cut by hand has exactly the pictures the scoring run decodes.
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=8', ...LOSSLESS, ref]);
});

afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe('vq score --align', () => {
  it('leaves an aligned pair alone, even when asked to look (--align on)', () => {
    const dist = rendition('same.mp4', 'null');
    const on = score(ref, dist, ['--align', 'on']);
    const off = score(ref, dist, ['--align', 'off']);
    expect(on.json.alignment.distortedTiming).toBe('index');
    expect(on.json.alignment.frameMatch).toBeNull();
    expect(on.json.fixes).toEqual([]);
    expect(on.stderr).toMatch(/The pictures match frame for frame/);
    expect(on.vmaf).toEqual(off.vmaf);
    expect(on.frames).toEqual([...Array(200).keys()]);
  });

  it('scores a late start on the frames it shows, as the pair cut by hand', () => {
    const dist = rendition('late.mp4', 'trim=start_frame=7,setpts=PTS-STARTPTS');
    const auto = score(ref, dist);
    expect(auto.json.fixes).toContain('align-frames');
    expect(auto.json.alignment.distortedTiming).toBe('matched');
    expect(auto.json.alignment.frameMatch).toMatchObject({
      offsetFrames: 7,
      mapping: [{ distStart: 0, refStart: 7, length: 193 }],
      droppedFrames: 'exclude',
    });
    expect(auto.json.alignment.frameMatch!.confidence).toBeGreaterThan(0.4);
    // Frame numbers are the reference's frames: 7 … 199.
    expect(auto.frames).toEqual([...Array(193).keys()].map((k) => k + 7));
    const truthRef = lossless('ref-from-7.mp4', ref, 'trim=start_frame=7,setpts=PTS-STARTPTS');
    const truth = score(truthRef, dist, ['--align', 'off']);
    expectSameScores(auto, truth);
    // Scored by position instead, every frame compares pictures 7 frames apart.
    const off = score(ref, dist, ['--align', 'off', '--fix', 'trim-to-shortest']);
    expect(vmafMean(off)).toBeLessThan(vmafMean(auto) - 10);
  });

  it('leaves out a slate the distorted video has before the reference starts', () => {
    // Five frames of colour bars, then the reference from its first frame.
    const slate = path.join(dir, 'slate.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'smptebars=s=320x180:r=25:d=0.2', '-i', ref],
      ...['-filter_complex', '[0:v]format=yuv420p[s];[s][1:v]concat=n=2:v=1', ...LOSSLESS, slate],
    ]);
    const dist = rendition('early.mp4', 'null', slate);
    const auto = score(ref, dist);
    expect(auto.json.alignment.frameMatch!.mapping[0]).toMatchObject({
      distStart: 5,
      refStart: 0,
      length: 200,
    });
    expect(auto.frames).toEqual([...Array(200).keys()]);
    const truthDist = lossless('early-from-5.mp4', dist, 'trim=start_frame=5,setpts=PTS-STARTPTS');
    expectSameScores(auto, score(ref, truthDist, ['--align', 'off']));
  });

  it('leaves out dropped frames, or scores them against the frame held in their place', () => {
    const dist = rendition('drop.mp4', "select='not(between(n,40,42))',setpts=N/25/TB");
    const exclude = score(ref, dist);
    expect(exclude.json.alignment.frameMatch).toMatchObject({ dropped: [40, 41, 42] });
    expect(exclude.frames).toEqual([...Array(200).keys()].filter((f) => f < 40 || f > 42));
    const refWithout = lossless(
      'ref-without.mp4',
      ref,
      "select='not(between(n,40,42))',setpts=N/25/TB",
    );
    expectSameScores(exclude, score(refWithout, dist, ['--align', 'off']));

    const hold = score(ref, dist, ['--dropped', 'hold']);
    expect(hold.json.alignment.frameMatch!.droppedFrames).toBe('hold');
    expect(hold.frames).toEqual([...Array(200).keys()]);
    // What a player shows: frame 39 of the encode held three more times. (FFmpeg 5.1's loop
    // filter loops the frame before `start`: the checksums check the clip is what it should be.)
    const held = lossless('drop-held.mp4', dist, 'loop=loop=3:size=1:start=40,setpts=N/25/TB');
    const [heldSums, distSums] = [frameSums(held), frameSums(dist)];
    expect(heldSums.slice(39, 43)).toEqual(Array(4).fill(distSums[39]));
    expect(heldSums.slice(43)).toEqual(distSums.slice(40));
    expectSameScores(hold, score(ref, held, ['--align', 'off']));
    expect(Math.min(...hold.vmaf)).toBeLessThan(Math.min(...exclude.vmaf) - 10);
  });

  it('scores a repeated frame once', () => {
    const dist = rendition('repeat.mp4', 'loop=loop=1:size=1:start=117,setpts=N/25/TB');
    const auto = score(ref, dist);
    expect(auto.json.alignment.frameMatch).toMatchObject({ repeated: [117], dropped: [] });
    expect(auto.frames).toEqual([...Array(200).keys()]);
    // The repeat (encoded again, so not quite the same pictures) is the frame left out.
    const once = lossless('repeat-once.mp4', dist, "select='not(eq(n,117))',setpts=N/25/TB");
    expect(frameSums(once)).toHaveLength(200);
    expectSameScores(auto, score(ref, once, ['--align', 'off']));
  });

  it('scores a 25 fps encode of a 50 fps reference on the frames it shows', () => {
    const ref50 = path.join(dir, 'ref50.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=50:d=6', ...LOSSLESS, ref50]);
    const dist = rendition('half.mp4', 'fps=25', ref50);
    const auto = score(ref50, dist);
    expect(auto.json.alignment.frameMatch!.mapping).toMatchObject([
      { distStart: 0, refStart: 0, length: 150, refStep: 2 },
    ]);
    expect(auto.frames).toEqual([...Array(150).keys()].map((k) => 2 * k));
    const even = lossless('ref50-even.mp4', ref50, "select='not(mod(n,2))',setpts=N/25/TB,fps=25");
    expectSameScores(auto, score(even, dist, ['--align', 'off']));
  });

  it('scores a 25 fps encode of a 30 fps reference on the frames it shows (a non-whole ratio)', () => {
    const ref30 = path.join(dir, 'ref30.mp4');
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=30:d=6', ...LOSSLESS, ref30]);
    const dist = rendition('to25.mp4', 'fps=25', ref30);
    const auto = score(ref30, dist);
    const m = auto.json.alignment.frameMatch!;
    expect(m).toMatchObject({ dropped: [], repeated: [] });
    // Every distorted frame once, each against the reference frame it shows: 150 of 180.
    expect(auto.frames).toHaveLength(150);
    expect(new Set(auto.frames).size).toBe(150);
    // The pictures line up: the encode's own quality, not frames a fifth of a frame apart.
    expect(Math.min(...auto.vmaf)).toBeGreaterThan(50);
    expect(auto.json.command.join(' ')).toMatch(/select=between\(n\\,0\\,\d+\)\*not\(/);
  });

  it('scores a speed change (every frame kept, played at 24 fps) frame for frame', () => {
    const slower = rendition('slower.mp4', 'setpts=N/24/TB');
    const auto = score(ref, slower);
    expect(auto.json.alignment.frameMatch!.mapping).toMatchObject([
      { distStart: 0, refStart: 0, length: 200 },
    ]);
    expect(auto.stderr).toMatch(/one for one at 24(\.\d+)? fps instead of 25 fps/);
    const retimed = lossless('ref-at-24.mp4', ref, 'setpts=N/24/TB');
    expectSameScores(auto, score(retimed, slower, ['--align', 'off']));
  });

  it('scores on a match with FFmpeg 4.1 and libvmaf 1.3.7 too, and says why it cannot hold frames there', () => {
    const dist = rendition('drop41.mp4', "select='not(between(n,40,42))',setpts=N/25/TB");
    const env = {
      VQ_FFMPEG: '',
      VQ_FFPROBE: '',
      VQ_VMAF_MODEL_DIR: path.resolve('../shared/vmaf-models'),
    };
    const on41 = score(ref, dist, [], env);
    expect(on41.json.alignment.frameMatch).toMatchObject({ dropped: [40, 41, 42] });
    expect(on41.json.ffmpeg.libvmafVersion).toMatch(/^1\./);
    expect(on41.frames).toEqual([...Array(200).keys()].filter((f) => f < 40 || f > 42));
    const refWithout = lossless(
      'ref-without41.mp4',
      ref,
      "select='not(between(n,40,42))',setpts=N/25/TB",
    );
    expectSameScores(on41, score(refWithout, dist, ['--align', 'off'], env));
    const hold = vqScore(['--ref', ref, '--dist', dist, '--dropped', 'hold'], env);
    expect(hold.code).toBe(1);
    expect(hold.stderr).toMatch(/needs FFmpeg 5 or later[\s\S]*--dropped exclude/);
  });

  it('finds letterbox bars, blocks, and scores the picture alone with crop-distorted', () => {
    // The whole reference squeezed into 320×136 between bars, then encoded.
    const dist = rendition('letterbox.mp4', 'scale=320:136,pad=320:180:0:22');
    const r = vqScore(['--ref', ref, '--dist', dist, '--json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/The distorted video has black bars/);
    expect(r.stderr).toMatch(/matches the whole reference picture[\s\S]*crop-distorted/);
    const auto = score(ref, dist, ['--fix', 'crop-distorted']);
    const crop = auto.json.alignment.crop!;
    expect(crop.reference).toBeNull();
    // The bars scaled down with the picture (22 of 180 rows, 136 of them picture: 13.2 and 81.6
    // of 108); cropdetect leaves out the edge rows the scaling darkened, at even rows.
    const box = crop.distorted!;
    expect(box).toMatchObject({ x: 0, width: 192 });
    expect(Math.abs(box.y - 13.2)).toBeLessThanOrEqual(2);
    expect(Math.abs(box.height - 81.6)).toBeLessThanOrEqual(3);
    expect(auto.json.alignment).toMatchObject({ width: 320, height: 180 });
    const picture = lossless('letterbox-picture.mp4', dist, `crop=192:${box.height}:0:${box.y}`);
    expectSameScores(auto, score(ref, picture, ['--align', 'off']));
    expect(vmafMean(auto)).toBeGreaterThan(vmafMean(score(ref, dist, ['--align', 'off'])) + 20);
  });

  it('looks, but matches nothing with --align off, even when a crop fix needs the pictures', () => {
    const dist = rendition(
      'late-letterbox.mp4',
      'trim=start_frame=7,setpts=PTS-STARTPTS,scale=320:136,pad=320:180:0:22',
    );
    const both = score(ref, dist, ['--fix', 'crop-distorted']);
    expect(both.json.alignment.frameMatch).toMatchObject({ offsetFrames: 7 });
    expect(both.json.alignment.crop!.distorted).not.toBeNull();
    const off = score(ref, dist, [
      ...['--align', 'off', '--fix', 'crop-distorted', '--fix', 'trim-to-shortest'],
    ]);
    expect(off.json.alignment.frameMatch).toBeNull();
    expect(off.json.alignment.distortedTiming).toBe('index');
    expect(off.json.alignment.crop!.distorted).not.toBeNull();
    expect(vmafMean(off)).toBeLessThan(vmafMean(both) - 10);
  });

  it('finds the reference’s own bars (an encode that cropped them) and crops it with crop-reference', () => {
    const barred = lossless('ref-pillarbox.mp4', ref, 'scale=240:180,pad=320:180:40:0');
    // The encode kept the picture alone.
    const dist = rendition('no-bars.mp4', 'crop=240:180:40:0', barred);
    const auto = score(barred, dist, ['--fix', 'crop-reference']);
    expect(auto.json.alignment.crop).toEqual({
      distorted: null,
      reference: { x: 40, y: 0, width: 240, height: 180 },
    });
    expect(auto.json.alignment).toMatchObject({ width: 240, height: 180 });
    const refPicture = lossless('ref-pillarbox-picture.mp4', barred, 'crop=240:180:40:0');
    expectSameScores(auto, score(refPicture, dist, ['--align', 'off']));
  });

  it('finds a small shift when looking closely (--align on) and compares where the pictures overlap', () => {
    // The picture moved 4 pixels right (grey on the left: no black bar), encoded at full size.
    const dist = path.join(dir, 'shifted.mp4');
    ffmpeg([
      ...['-i', ref, '-vf', 'crop=316:180:0:0,pad=320:180:4:0:color=0x808080'],
      ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20', '-pix_fmt', 'yuv420p', dist],
    ]);
    const blocked = vqScore(['--ref', ref, '--dist', dist, '--align', 'on']);
    expect(blocked.code).toBe(1);
    expect(blocked.stderr).toMatch(/moved 4 pixel\(s\) right[\s\S]*shift-distorted/);
    const fixed = score(ref, dist, ['--align', 'on', '--fix', 'shift-distorted']);
    expect(fixed.json.alignment).toMatchObject({ shift: { x: 4, y: 0 }, width: 316, height: 180 });
    const refPart = lossless('ref-overlap.mp4', ref, 'crop=316:180:0:0');
    const distPart = lossless('shifted-overlap.mp4', dist, 'crop=316:180:4:0');
    expectSameScores(fixed, score(refPart, distPart, ['--align', 'off']));
    expect(vmafMean(fixed)).toBeGreaterThan(vmafMean(score(ref, dist, ['--align', 'off'])) + 10);
  });

  it('refuses --align and --dropped values it does not know (exit 2)', () => {
    const r = vqScore(['--ref', ref, '--dist', ref, '--align', 'maybe']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--align maybe: give one of auto, on, off/);
    const d = vqScore(['--ref', ref, '--dist', ref, '--dropped', 'skip']);
    expect(d.code).toBe(2);
    expect(d.stderr).toMatch(/--dropped skip: give one of exclude, hold/);
  });
});
