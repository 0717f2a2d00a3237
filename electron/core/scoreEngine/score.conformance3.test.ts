// Conformance on FFmpeg 7.1.5 + libvmaf 3.2.0 (../shared/toolchain, sharedVmaf3Build): the
// published values of ../shared/testmedia that apply to this build and that score.vmaf3.test.ts
// does not already check (it checks the 2021-03 libvmaf 2 VMAF/MS-SSIM/feature vector of the
// ffmpeg-quality-metrics pair and Netflix's libvmaf 3 VMAF and MS-SSIM of the src01 10-bit pair).
// Tolerances are upstream's unless stated. FAILS (never skips) when the shared build is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DistortedScore, ScoreOptions } from '../../../shared/score';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import { scoreRun } from './run';
import { readText, scoreEnv } from '../../testing/scoreFixtures';

const tempDir = useTempDirs('vq-score-conf3-');
let toolchain: Toolchain;
let cache: string;
const savedLdPath = process.env.LD_LIBRARY_PATH;

beforeAll(() => {
  const b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  cache = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-conf3-cache-'));
  toolchain = new Toolchain({
    cacheDir: cache,
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (cache) fs.rmSync(cache, { recursive: true, force: true });
});

async function scoreOne(
  reference: { path: string; raw?: { width: number; height: number; pixFmt: string; fps: number } },
  distorted: typeof reference,
  options: ScoreOptions = {},
): Promise<DistortedScore> {
  const run = await scoreRun(
    { reference, distorted: [distorted], threads: 2, ...options },
    { toolchain, tmpDir: tempDir() },
  );
  expect(run.ffmpeg.path).toBe(sharedVmaf3Build().ffmpeg);
  const r = run.results[0]!;
  if (options.metrics?.includes('vmaf')) expect(r.ffmpeg.libvmafVersion).toBe('3.2.0');
  return r;
}

const mean = (v: readonly number[] | undefined): number => {
  if (!v || v.length === 0) throw new Error('no values');
  return v.reduce((a, x) => a + x, 0) / v.length;
};

function expectWithin(
  ours: readonly number[] | undefined,
  theirs: readonly number[],
  tolerance: number,
  what: string,
): void {
  expect(ours, what).toBeDefined();
  expect(ours!.length, what).toBe(theirs.length);
  ours!.forEach((v, i) =>
    expect(Math.abs(v - theirs[i]!), `${what} frame ${i}`).toBeLessThanOrEqual(tolerance),
  );
}

describe('ffmpeg-quality-metrics pair on FFmpeg 7.1 + libvmaf 3.2', () => {
  const dir = 'ffmpeg-quality-metrics';
  const ref = { path: testMedia(`${dir}/ref-1280x720.mkv`) };
  const dist = { path: testMedia(`${dir}/dist-854x480.mkv`) };
  const expected = <T>(file: string): T =>
    JSON.parse(readText(testMedia(`${dir}/expected/${file}`))) as T;

  it('psnr and ssim filter values of the 2021-03 vector: exact as printed', async () => {
    const want = expected<{
      test_psnr: { psnr_y: number; psnr_avg: number }[];
      test_ssim: { ssim_y: number; ssim_avg: number }[];
    }>('test-2021-03-06_libvmaf2.json');
    const r = await scoreOne(ref, dist, { metrics: ['psnr', 'ssim'] });
    // The psnr filter prints 2 decimals: equal as printed.
    expect(r.perFrame.psnrY).toEqual(want.test_psnr.map((f) => f.psnr_y));
    expect(r.perFrame.psnr).toEqual(want.test_psnr.map((f) => f.psnr_avg));
    // The tool rounded SSIM to 3 decimals.
    expectWithin(
      r.perFrame.ssimY,
      want.test_ssim.map((f) => f.ssim_y),
      5e-4,
      'ssim_y',
    );
    expectWithin(
      r.perFrame.ssim,
      want.test_ssim.map((f) => f.ssim_avg),
      5e-4,
      'ssim_avg',
    );
  });

  it('tests/response.json (FFmpeg 8 + libvmaf ≥ 3.2, upstream tolerance 0.25)', async () => {
    const want = expected<{
      vmaf: Record<string, number>[];
      psnr: { psnr_y: number; psnr_avg: number }[];
      ssim: { ssim_y: number; ssim_avg: number }[];
    }>('response.json');
    const r = await scoreOne(ref, dist, { metrics: ['vmaf', 'psnr', 'ssim'] });
    const col = (k: string): number[] => want.vmaf.map((f) => f[k]!);
    expectWithin(r.perFrame.vmaf, col('vmaf'), 0.25, 'vmaf');
    for (const k of ['integer_adm2', 'integer_adm3', 'integer_aim', 'integer_vif_scale0']) {
      expectWithin(r.libvmafFeatures[k], col(k), 0.25, k);
    }
    // Motion reads only the reference, which no scaler touches: equal to the printed 6 decimals.
    // (The other values differ by up to 0.017 VMAF: FFmpeg 8 upscaled the distorted video.)
    for (const k of [
      'integer_motion2',
      'integer_motion3',
      'VMAF_integer_feature_motion_sad_score',
    ]) {
      expectWithin(r.libvmafFeatures[k], col(k), 5e-7, k);
    }
    expectWithin(
      r.perFrame.psnrY,
      want.psnr.map((f) => f.psnr_y),
      0.25,
      'psnr_y',
    );
    expectWithin(
      r.perFrame.psnr,
      want.psnr.map((f) => f.psnr_avg),
      0.25,
      'psnr_avg',
    );
    expectWithin(
      r.perFrame.ssimY,
      want.ssim.map((f) => f.ssim_y),
      0.25,
      'ssim_y',
    );
  });

  it('the swapped-arguments vector (reference scaled down to 854x480): PSNR exact', async () => {
    const want = expected<{ test_psnr: { psnr_y: number; psnr_avg: number }[] }>(
      'test-2020-07-13_swapped-args_psnr-ssim.json',
    );
    const r = await scoreOne(ref, dist, {
      metrics: ['psnr'],
      scale: { width: 854, height: 480 },
    });
    expect(r.perFrame.psnrY).toEqual(want.test_psnr.map((f) => f.psnr_y));
    expect(r.perFrame.psnr).toEqual(want.test_psnr.map((f) => f.psnr_avg));
  });
});

interface NetflixExpected {
  pairs: {
    id: string;
    expected: {
      engine?: string;
      source: string;
      values: Record<string, number>;
      ref_vs_ref?: Record<string, number>;
    }[];
  }[];
}
const netflix = (): NetflixExpected =>
  JSON.parse(
    readText(testMedia('vmaf_resource/expected/netflix-vmaf-expected-values.json')),
  ) as NetflixExpected;

describe('Netflix vmaf_resource pairs on libvmaf 3.2', () => {
  const raw10 = { width: 576, height: 324, pixFmt: 'yuv420p10le', fps: 24 };
  const ref10 = {
    path: testMedia('vmaf_resource/yuv/src01_hrc00_576x324.yuv420p10le.yuv'),
    raw: raw10,
  };
  const dis10 = {
    path: testMedia('vmaf_resource/yuv/src01_hrc01_576x324.yuv420p10le.yuv'),
    raw: raw10,
  };

  it('src01 10-bit: luma PSNR equals libvmaf 3 float_psnr (as the psnr filter prints)', async () => {
    const want = netflix()
      .pairs.find((p) => p.id === 'src01_10bit_3frames')!
      .expected.find((e) => e.engine?.startsWith('libvmaf 3'))!.values;
    const r = await scoreOne(ref10, dis10, { metrics: ['psnr'] });
    // libvmaf's float_psnr is luma PSNR at 10 bits, as is the psnr filter's psnr_y; the filter
    // prints 2 decimals, so the mean of three frames is within 0.005.
    expect(Math.abs(mean(r.perFrame.psnrY) - want.float_psnr!)).toBeLessThan(0.005);
  });

  it('src01 10-bit reference against itself: VMAF 99.142826 (places=4)', async () => {
    const want = netflix().pairs.find((p) => p.id === 'src01_10bit_3frames')!.expected[0]!;
    const r = await scoreOne(ref10, ref10, { metrics: ['vmaf'] });
    expect(Math.abs(r.metrics.vmaf!.mean - want.ref_vs_ref!.vmaf!)).toBeLessThan(0.5e-4);
  });

  it('160x90 pair: integer features of upstream HEAD (places=4)', async () => {
    const raw = { width: 160, height: 90, pixFmt: 'yuv420p', fps: 24 };
    const name = 'src01_hrc00_576x324_576x324_vs_src01_hrc01_576x324_576x324_q_160x90.yuv';
    const r = await scoreOne(
      { path: testMedia(`vmaf_resource/yuv/ref_test_0_1_${name}`), raw },
      { path: testMedia(`vmaf_resource/yuv/dis_test_0_1_${name}`), raw },
      { metrics: ['vmaf'] },
    );
    expect(r.frames).toBe(48);
    const want = netflix()
      .pairs.find((p) => p.id === 'src01_160x90')!
      .expected.find((e) => e.source.includes('integer'))!.values;
    expect(Object.keys(want)).toHaveLength(6);
    for (const [k, v] of Object.entries(want)) {
      expect(Math.abs(mean(r.libvmafFeatures[k]) - v), k).toBeLessThan(0.5e-4);
    }
  });
});
