// Chunked scoring on the other builds the engine supports: Debian's ffmpeg (no libvmaf: PSNR and
// SSIM, which read no neighbouring frame, so no overlap) and @ffmpeg-installer's FFmpeg 4.1 with
// libvmaf 1.3.7 (whose motion2 reads one frame each side, wrapper/src/combo.c). Three chunks
// joined equal the one-pass run frame by frame and in every pooled figure. FAILS (never skips)
// without Debian's ffmpeg or the @ffmpeg-installer build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { DistortedScore, ScoreMetric, ScoreRunResult } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import {
  ffmpeg,
  machineToolchain,
  makeDistorted,
  noLibvmafToolchain,
  requireLibvmafBuild,
} from '../../testing/scoreFixtures';
import type { Toolchain } from '../toolchain';
import { mergeScoreChunks } from './chunkMerge';
import { planScoreChunks } from './chunkRange';
import { planScore, type ScoreRequest } from './plan';
import { scoreRun } from './run';

const tempDir = useTempDirs('vq-score-chunks-builds-');
let media: string;
let ref: string;
let dist: string;

beforeAll(() => {
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-chunks-builds-media-'));
  // Motion everywhere but frames 64–71 (a repeat of 63), as in score.chunks.test.ts.
  ref = path.join(media, 'ref.mkv');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=24:d=4'],
    ...['-filter_complex', '[0:v]split[a][b];[a][b]freezeframes=first=64:last=71:replace=63'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', ref],
  ]);
  dist = makeDistorted(media, ref, { crf: 35 });
  return () => fs.rmSync(media, { recursive: true, force: true });
});

function request(metrics: ScoreMetric[], extra: Partial<ScoreRequest> = {}): ScoreRequest {
  return { reference: { path: ref }, distorted: [{ path: dist }], metrics, threads: 2, ...extra };
}

/** One pass, and three chunks scored apart and joined. */
async function bothWays(
  toolchain: Toolchain,
  metrics: ScoreMetric[],
): Promise<{ one: DistortedScore; merged: DistortedScore; chunks: ScoreRunResult[] }> {
  const run = (extra: Partial<ScoreRequest> = {}): Promise<ScoreRunResult> =>
    scoreRun(request(metrics, extra), { toolchain, tmpDir: tempDir() });
  const one = (await run()).results[0]!;
  const chunks: ScoreRunResult[] = [];
  for (const frameRange of planScoreChunks(one.frames, 32)) chunks.push(await run({ frameRange }));
  const merged = mergeScoreChunks(
    chunks.map((c) => c.results[0]!),
    { frameCount: one.frames },
  );
  return { one, merged, chunks };
}

/** Every per-frame value and pooled figure equal; returns the largest difference (0 expected). */
function expectEqualToOnePass(merged: DistortedScore, one: DistortedScore): number {
  expect(one.frames).toBe(96);
  expect(merged.frameNumbers).toEqual(one.frameNumbers);
  const columns = [
    ...Object.entries(one.perFrame).map(([k, v]) => [k, v, merged.perFrame[k as 'vmaf']] as const),
    ...Object.entries(one.libvmafFeatures).map(
      ([k, v]) => [k, v, merged.libvmafFeatures[k]] as const,
    ),
  ];
  expect(Object.keys(merged.perFrame).sort()).toEqual(Object.keys(one.perFrame).sort());
  expect(Object.keys(merged.libvmafFeatures).sort()).toEqual(
    Object.keys(one.libvmafFeatures).sort(),
  );
  let worst = 0;
  for (const [k, theirs, ours] of columns) {
    expect(ours, k).toHaveLength(theirs.length);
    theirs.forEach((v, i) => {
      expect(ours![i], `${k} frame ${i}`).toBe(v);
      if (Number.isFinite(v)) worst = Math.max(worst, Math.abs(ours![i]! - v));
    });
  }
  expect(merged.metrics).toEqual(one.metrics);
  expect(merged.alignment).toEqual(one.alignment);
  return worst;
}

describe("Debian's ffmpeg (no libvmaf): PSNR and SSIM", () => {
  it('three chunks without overlap (none is needed) equal one pass', async () => {
    const toolchain = noLibvmafToolchain(path.join(media, 'cache-debian'));
    const plan = await planScore(
      request(['psnr', 'ssim'], { frameRange: { start: 32, end: 64 } }),
      {
        toolchain,
        tmpDir: tempDir(),
      },
    );
    expect(plan.computed).toMatchObject({ vmaf: false, psnr: true, ssim: true });
    expect(plan.frameRange).toMatchObject({
      overlap: { before: 0, after: 0 },
      first: 32,
      decoded: 32,
    });
    // Read from a seek a quarter frame before frame 32, then cut to its 32 frames.
    expect(plan.command.join(' ')).toContain(`-ss ${((32 - 0.25) / 24).toFixed(6)} -i`);
    expect(plan.command.join(' ')).toContain('trim=start_frame=0:end_frame=32');

    const { one, merged } = await bothWays(toolchain, ['psnr', 'ssim']);
    expect(Object.keys(one.perFrame).sort()).toEqual(['psnr', 'psnrY', 'ssim', 'ssimY']);
    const worst = expectEqualToOnePass(merged, one);
    console.log(`max per-frame |chunked − one pass| on Debian's ffmpeg: ${worst}`);
  });
});

describe("@ffmpeg-installer's FFmpeg 4.1 + libvmaf 1.3.7", () => {
  it('VMAF, its features, MS-SSIM, PSNR and SSIM in three chunks equal one pass', async () => {
    const toolchain = machineToolchain(path.join(media, 'cache-machine'));
    const build = requireLibvmafBuild(await toolchain.report());
    expect(build.libvmaf?.api).toBe(1);
    const metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim', 'ms_ssim'];
    const { one, merged, chunks } = await bothWays(toolchain, metrics);
    expect(one.ffmpeg.libvmafVersion).toMatch(/^1\./);
    expect(one.libvmafFeatures.motion2).toBeDefined();
    expect(chunks[1]!.command.join(' ')).toContain(`-ss ${((31 - 0.25) / 24).toFixed(6)} -i`);
    expect(chunks[1]!.command.join(' ')).toContain('trim=start_frame=0:end_frame=34');
    const worst = expectEqualToOnePass(merged, one);
    console.log(`max per-frame |chunked − one pass| on libvmaf 1.3.7: ${worst}`);

    // The control: the middle range without overlap changes motion2 and VMAF at frames 32, 63.
    const plain = (
      await scoreRun(request(['vmaf'], { startSeconds: 32 / 24, frames: 32 }), {
        toolchain,
        tmpDir: tempDir(),
      })
    ).results[0]!;
    const changed = plain.perFrame.vmaf!.flatMap((v, i) =>
      v === one.perFrame.vmaf![32 + i] ? [] : [32 + i],
    );
    expect(changed).toEqual([32, 63]);
  });
});
