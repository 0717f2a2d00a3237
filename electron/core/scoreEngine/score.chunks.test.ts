// Chunked scoring on FFmpeg 7.1.5 + libvmaf 3.2.0 (sharedVmaf3Build): a video scored in three
// chunks (ScoreRequest.frameRange) and joined (mergeScoreRunChunks) equals the one-pass run
// frame by frame — VMAF, every libvmaf feature (integer_motion2 included), PSNR, SSIM, MS-SSIM,
// CAMBI, XPSNR — and in every pooled figure; the same for a VMAF v1 high-frame-rate model at
// 60 fps, whose motion reads four frames back. Without the overlap the frames at the chunk edges
// differ (the control that shows the overlap matters). FAILS (never skips) without the build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistortedScore, ScoreMetric, ScoreRunResult } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { ffmpeg, makeDistorted, scoreEnv } from '../../testing/scoreFixtures';
import { Toolchain } from '../toolchain';
import { mergeScoreRunChunks } from './chunkMerge';
import { planScoreChunks, type FrameRange } from './chunkRange';
import { parseModelArg } from './model';
import { planScore, type ScoreRequest } from './plan';
import { scoreRun } from './run';

const tempDir = useTempDirs('vq-score-chunks-');
let b: Vmaf3Build;
let toolchain: Toolchain;
let media: string;
let ref24: string;
let dist24: string;
let ref60: string;
let dist60: string;
let onePass24: DistortedScore;
const savedLdPath = process.env.LD_LIBRARY_PATH;
/** The largest per-frame difference seen per series (printed at the end: the measured figure). */
const worst: Record<string, number> = {};

const ALL_METRICS: ScoreMetric[] = ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi', 'xpsnr'];

/**
 * A lossless reference with motion everywhere except frames 64–71, which repeat frame 63: motion
 * drops to 0 right after a chunk edge (64), so leaving out the frame after a chunk changes its
 * last frame's motion2 for sure, as leaving out the frame before changes its first frame's.
 */
function makeReference(dir: string, fps: number, seconds: number, name: string): string {
  const file = path.join(dir, name);
  ffmpeg([
    ...['-f', 'lavfi', '-i', `testsrc2=s=640x360:r=${fps}:d=${seconds}`],
    // freezeframes takes the frames to repeat from its second input: the same video.
    ...['-filter_complex', '[0:v]split[a][b];[a][b]freezeframes=first=64:last=71:replace=63'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', file],
  ]);
  return file;
}

beforeAll(async () => {
  b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-chunks-media-'));
  toolchain = new Toolchain({
    cacheDir: path.join(media, 'cache'),
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
  ref24 = makeReference(media, 24, 4, 'ref24.mkv');
  dist24 = makeDistorted(media, ref24, { crf: 35, name: 'dist24.mp4' });
  ref60 = makeReference(media, 60, 1.5, 'ref60.mkv');
  dist60 = makeDistorted(media, ref60, { crf: 33, name: 'dist60.mp4' });
  onePass24 = (await score(ref24, dist24, ALL_METRICS)).results[0]!;
}, 60_000);

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
  console.log(`max per-frame |chunked − one pass| on libvmaf 3.2: ${JSON.stringify(worst)}`);
});

function request(
  ref: string,
  dist: string,
  metrics: ScoreMetric[],
  extra: Partial<ScoreRequest> = {},
): ScoreRequest {
  return { reference: { path: ref }, distorted: [{ path: dist }], metrics, threads: 2, ...extra };
}

function score(
  ref: string,
  dist: string,
  metrics: ScoreMetric[],
  extra: Partial<ScoreRequest> = {},
): Promise<ScoreRunResult> {
  return scoreRun(request(ref, dist, metrics, extra), { toolchain, tmpDir: tempDir() });
}

/** Scores each range on its own (as workers would) and joins the runs. */
async function chunked(
  ref: string,
  dist: string,
  metrics: ScoreMetric[],
  ranges: FrameRange[],
  extra: Partial<ScoreRequest> = {},
): Promise<{ chunks: ScoreRunResult[]; merged: DistortedScore }> {
  const chunks: ScoreRunResult[] = [];
  for (const frameRange of ranges)
    chunks.push(await score(ref, dist, metrics, { ...extra, frameRange }));
  const frameCount = ranges.at(-1)!.end;
  // Joined in another order than scored: workers finish in any order.
  const merged = mergeScoreRunChunks([...chunks].reverse(), { frameCount }).results[0]!;
  return { chunks, merged };
}

/** Every value equal (Object.is: NaN equals NaN, +0 and −0 differ); the largest gap recorded. */
function expectSameSeries(
  ours: readonly number[] | undefined,
  theirs: readonly number[] | undefined,
  what: string,
): void {
  expect(theirs, what).toBeDefined();
  expect(ours, what).toBeDefined();
  expect(ours!.length, what).toBe(theirs!.length);
  let largest = 0;
  theirs!.forEach((v, i) => {
    expect(ours![i], `${what} frame ${i}`).toBe(v);
    if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(ours![i]! - v));
  });
  worst[what] = Math.max(worst[what] ?? 0, largest);
}

/** The merged result equals the one-pass result in every per-frame value and pooled figure. */
function expectEqualToOnePass(merged: DistortedScore, one: DistortedScore, tag: string): void {
  expect(merged.frameNumbers).toEqual(one.frameNumbers);
  expect(merged.frames).toBe(one.frames);
  expect(Object.keys(merged.perFrame).sort()).toEqual(Object.keys(one.perFrame).sort());
  for (const [k, v] of Object.entries(one.perFrame)) {
    expectSameSeries(merged.perFrame[k as keyof typeof one.perFrame], v, `${tag} ${k}`);
  }
  expect(Object.keys(merged.libvmafFeatures).sort()).toEqual(
    Object.keys(one.libvmafFeatures).sort(),
  );
  for (const [k, v] of Object.entries(one.libvmafFeatures)) {
    expectSameSeries(merged.libvmafFeatures[k], v, `${tag} ${k}`);
  }
  // Pooled from the joined frames: the same numbers to the last bit, not a mean of chunk means.
  expect(merged.metrics).toEqual(one.metrics);
  expect(merged.alignment).toEqual(one.alignment);
  expect(merged.fixes).toEqual(one.fixes);
  expect(merged.model).toEqual(one.model);
  expect(merged.warnings.filter((w) => w.id !== 'scored-in-chunks')).toEqual(one.warnings);
}

describe('three chunks joined equal one pass (FFmpeg 7.1 + libvmaf 3.2, vmaf_v0.6.1)', () => {
  it('plans the overlap VMAF and XPSNR need and decodes only up to the chunk', async () => {
    const plan = await planScore(
      request(ref24, dist24, ALL_METRICS, { frameRange: { start: 32, end: 64 } }),
      {
        toolchain,
        tmpDir: tempDir(),
      },
    );
    expect(plan.frameRange).toEqual({
      start: 32,
      end: 64,
      overlap: { before: 1, after: 1 },
      first: 31,
      decoded: 34,
    });
    // Both videos read from a seek a quarter frame before frame 31 (no frame decoded from the
    // start of the title), stamped by count at the reference's rate and cut to the chunk's frames.
    const seeks = plan.command.flatMap((a, i) => (a === '-ss' ? [plan.command[i + 1]] : []));
    expect(seeks).toEqual([((31 - 0.25) / 24).toFixed(6), ((31 - 0.25) / 24).toFixed(6)]);
    expect(plan.command).not.toContain('-r');
    const graph = plan.command[plan.command.indexOf('-filter_complex') + 1]!;
    expect(graph.match(/setpts=N\/\(24\/1\)\/TB/g)).toHaveLength(2);
    expect(graph.match(/trim=start_frame=0:end_frame=34/g)).toHaveLength(2);
    // The whole run's alignment, as the one-pass result records it.
    expect([plan.startFrame, plan.frames]).toEqual([0, null]);
  });

  it('VMAF, every feature, PSNR, SSIM, MS-SSIM, CAMBI and XPSNR per frame; pooled the same', async () => {
    expect(onePass24.frames).toBe(96);
    expect(onePass24.libvmafFeatures.integer_motion2).toBeDefined();
    for (const k of ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim', 'msSsim', 'cambi', 'xpsnr'] as const)
      expect(onePass24.perFrame[k], k).toHaveLength(96);
    const ranges = planScoreChunks(96, 32);
    expect(ranges).toEqual([
      { start: 0, end: 32 },
      { start: 32, end: 64 },
      { start: 64, end: 96 },
    ]);
    const { chunks, merged } = await chunked(ref24, dist24, ALL_METRICS, ranges);
    // Each chunk reports exactly its frames, numbered in the whole video.
    chunks.forEach((c, i) => {
      const r = c.results[0]!;
      expect(r.frameNumbers[0]).toBe(ranges[i]!.start);
      expect(r.frames).toBe(32);
    });
    expectEqualToOnePass(merged, onePass24, 'v0.6.1');
    expect(merged.warnings.map((w) => w.id)).toContain('scored-in-chunks');
  });

  it('without the overlap the frames at the chunk edges differ (motion2, VMAF, XPSNR)', async () => {
    const one = onePass24;
    const motion = one.libvmafFeatures.integer_motion2!;
    // The clip: motion everywhere but 64–71, so motion(64) = 0 and motion2(63) = 0 in one pass.
    expect(motion[63]).toBe(0);
    expect(Math.min(motion[32]!, motion[62]!)).toBeGreaterThan(1);
    // Each range scored plainly, without overlap (the request's start and frame count), stitched.
    const plain: DistortedScore[] = [];
    for (const r of planScoreChunks(96, 32)) {
      const run = await score(ref24, dist24, ['vmaf', 'psnr', 'ssim', 'xpsnr'], {
        startSeconds: r.start / 24,
        frames: r.end - r.start,
      });
      plain.push(run.results[0]!);
    }
    const stitched = (get: (s: DistortedScore) => number[]): number[] => plain.flatMap(get);
    const differing = (ours: number[], theirs: number[]): number[] =>
      theirs.flatMap((v, i) => (ours[i] === v ? [] : [i]));
    const m2 = stitched((s) => s.libvmafFeatures.integer_motion2!);
    const vmaf = stitched((s) => s.perFrame.vmaf!);
    // Frame 32 plays the first frame of a video (motion 0), frame 63 the last (motion2 =
    // motion(63), not min(motion(63), motion(64)) = 0). Frame 31 does not change here only
    // because motion(31) ≤ motion(32), nor 64, whose motion is 0 anyway.
    expect(differing(m2, motion)).toEqual([32, 63]);
    expect(differing(vmaf, one.perFrame.vmaf!)).toEqual([32, 63]);
    expect(m2[32]).toBe(0);
    expect(m2[63]).toBeGreaterThan(1);
    for (const f of [32, 63]) {
      expect(Math.abs(vmaf[f]! - one.perFrame.vmaf![f]!), `VMAF of frame ${f}`).toBeGreaterThan(
        0.5,
      );
    }
    // XPSNR's temporal term compares each frame with the previous one (zeros before the first):
    // the first frame of every chunk but the first changes (64 too: it repeats 63).
    expect(
      differing(
        stitched((s) => s.perFrame.xpsnr!),
        one.perFrame.xpsnr!,
      ),
    ).toEqual([32, 64]);
    // PSNR and SSIM read no neighbour: equal everywhere even without the overlap.
    for (const k of ['psnr', 'psnrY', 'ssim', 'ssimY'] as const) {
      expect(
        differing(
          stitched((s) => s.perFrame[k]!),
          one.perFrame[k]!,
        ),
        k,
      ).toEqual([]);
    }
  });

  it('refuses a range past the last frame, and one combined with a start time', async () => {
    await expect(
      score(ref24, dist24, ['psnr'], { frameRange: { start: 90, end: 97 } }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGS',
      message: expect.stringContaining('96 frames'),
    });
    await expect(
      score(ref24, dist24, ['psnr'], { frameRange: { start: 0, end: 10 }, startSeconds: 1 }),
    ).rejects.toMatchObject({
      code: 'INVALID_ARGS',
      message: expect.stringContaining('start time'),
    });
  });
});

describe('chunks read from a seek land on their first frame, whatever the files', () => {
  it('short GOPs with B-frames, x265 open GOPs in Matroska, a video that starts after its audio: equal one pass', async () => {
    const dir = tempDir();
    // A reference with a keyframe every 12 frames and B-frames: chunk seeks land mid-title.
    const ref = path.join(dir, 'ref-gop12.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-g', '12', '-bf', '3'],
      ...['-pix_fmt', 'yuv420p', ref],
    ]);
    // x265's open GOPs (CRA keyframes whose leading frames need the GOP before) in Matroska.
    const openGop = path.join(dir, 'dist-open-gop.mkv');
    ffmpeg([
      ...['-i', ref, '-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '30'],
      ...['-x265-params', 'log-level=error:keyint=12:min-keyint=12:open-gop=1:bframes=3'],
      ...['-pix_fmt', 'yuv420p', openGop],
    ]);
    // Audio from 0 s, the video from 0.48 s: the file's clock starts before the video's.
    const late = path.join(dir, 'dist-late-video.mp4');
    ffmpeg([
      ...['-itsoffset', '0.48', '-i', ref, '-f', 'lavfi', '-i', 'sine=f=440:d=4.5'],
      ...['-map', '0:v', '-map', '1:a', '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '32'],
      ...['-g', '10', '-fps_mode', 'passthrough', '-c:a', 'aac', '-pix_fmt', 'yuv420p', late],
    ]);
    const metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim'];
    const ranges = planScoreChunks(100, 34);
    for (const dist of [openGop, late]) {
      const one = (await score(ref, dist, metrics)).results[0]!;
      expect(one.frames, dist).toBe(100);
      const plan = await planScore(request(ref, dist, metrics, { frameRange: ranges[2]! }), {
        toolchain,
        tmpDir: tempDir(),
      });
      expect(plan.command, dist).toContain('-ss');
      const { merged } = await chunked(ref, dist, metrics, ranges);
      expectEqualToOnePass(merged, one, path.basename(dist));
    }
  }, 120_000);
});

describe('a VMAF v1 high-frame-rate model at 60 fps: motion reads four frames back', () => {
  it('three chunks with the overlap it needs equal one pass; one frame before is not enough', async () => {
    const model = parseModelArg('vmaf_v1.0.16_hfr_3d0h')!;
    const metrics: ScoreMetric[] = ['vmaf', 'xpsnr'];
    const one = (await score(ref60, dist60, metrics, { model })).results[0]!;
    expect(one.frames).toBe(90);
    // libvmaf names a feature after its options: integer_motion3_mffw_mmxv_18_mma here.
    const motion3Key = Object.keys(one.libvmafFeatures).find((k) =>
      k.startsWith('integer_motion3'),
    );
    expect(motion3Key).toMatch(/_mffw_.*_mma$/);
    const ranges = planScoreChunks(90, 30);
    const plan = await planScore(
      request(ref60, dist60, metrics, { model, frameRange: ranges[1]! }),
      {
        toolchain,
        tmpDir: tempDir(),
      },
    );
    // Five-frame window + moving average (4 back), XPSNR's second-order difference at 60 fps (2).
    expect(plan.frameRange?.overlap).toEqual({ before: 4, after: 1 });
    const { merged } = await chunked(ref60, dist60, metrics, ranges, { model });
    expectEqualToOnePass(merged, one, 'v1 hfr');

    // The control: the middle chunk scored with one frame before and one after (the plain range
    // 29–60 through the request's start and frame count), cut to 30–59 by hand.
    const loose = (
      await score(ref60, dist60, metrics, { model, startSeconds: 29 / 60, frames: 32 })
    ).results[0]!;
    const motion3 = loose.libvmafFeatures[motion3Key!]!.slice(1, 31);
    const wrong = motion3.filter((v, i) => v !== one.libvmafFeatures[motion3Key!]![30 + i]);
    expect(wrong.length).toBeGreaterThan(0);
    expect(loose.perFrame.vmaf![1]).not.toBe(one.perFrame.vmaf![30]);
    // XPSNR at 60 fps reads two frames back: one before is not enough for it either.
    expect(loose.perFrame.xpsnr![1]).not.toBe(one.perFrame.xpsnr![30]);
    expect(loose.perFrame.xpsnr![2]).toBe(one.perFrame.xpsnr![31]);
  });
});
