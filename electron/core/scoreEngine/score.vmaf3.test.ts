// The libvmaf ≥ 2 scoring path, for real: FFmpeg 7.1.5 + libvmaf 3.2.0 from ../shared/toolchain
// (sharedVmaf3Build), chosen explicitly with VQ_FFMPEG/VQ_FFPROBE. Built-in models by version
// (v0.6.1, NEG computed, 4K), native 10-bit, MS-SSIM, the several-videos-in-one-process path;
// equal to the hand-written FFmpeg 7.1 command (1e-6 per frame), to libvmaf's own `vmaf` tool on
// y4m of the same frames (1e-4 per frame) and to the published values that apply to this build.
// FAILS (never skips) when the shared build is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreRunResult } from '../../../shared/score';
import { testMedia, useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import { parseLibvmafJson, type LibvmafLog } from './logs';
import { parseModelArg } from './model';
import { planScoreProcesses, scoreRun } from './run';
import { makeDistorted, makeReference, readText, scoreEnv } from '../../testing/scoreFixtures';
import { frameComparer, logSeries, runVmaf3, vmafToolLog } from '../../testing/vmafTool';

const tempDir = useTempDirs('vq-score-v3-');
let b: Vmaf3Build;
let toolchain: Toolchain;
let media: string;
let ref: string;
let crf35: string;
let small: string;
const savedLdPath = process.env.LD_LIBRARY_PATH;
/** Frame-by-frame equality within a tolerance; the largest differences, printed at the end. */
const { expectClose, worst: maxDiff } = frameComparer();

beforeAll(async () => {
  b = sharedVmaf3Build();
  // Probes and scoring runs spawn with process.env: give them the library path the build needs.
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-v3-media-'));
  toolchain = new Toolchain({
    cacheDir: path.join(media, 'cache'),
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
  ref = makeReference(media, { width: 640, height: 360, fps: 24, seconds: 2 });
  crf35 = makeDistorted(media, ref, { crf: 35 });
  small = makeDistorted(media, ref, { crf: 28, width: 320, height: 180 });
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
  console.log(`max per-frame differences on libvmaf 3.2: ${JSON.stringify(maxDiff)}`);
});

/** Runs one of the build's programs; throws with its stderr on failure. */
const run3 = (program: string, args: readonly string[]): void => runVmaf3(b, program, args);

/** The hand-written FFmpeg 7.1 command: Netflix's form (-r before -i, bicubic, settb/setpts). */
function handWritten(dist: string, dir: string, libvmafOpts: string): LibvmafLog {
  const log = path.join(dir, `hand-${Math.random().toString(36).slice(2)}.json`);
  run3(b.ffmpeg, [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
    ...['-r', '24', '-i', dist, '-r', '24', '-i', ref],
    '-lavfi',
    '[0:v]scale=640:360:flags=bicubic,settb=AVTB,setpts=PTS-STARTPTS[d];' +
      '[1:v]settb=AVTB,setpts=PTS-STARTPTS[r];' +
      `[d][r]libvmaf=${libvmafOpts}:log_fmt=json:log_path=${log}`,
    ...['-f', 'null', '-'],
  ]);
  return parseLibvmafJson(readText(log));
}

/** libvmaf's own tool on y4m that the 3.2 ffmpeg wrote from the same frames. */
const vmafTool = (dist: string, dir: string, args: readonly string[]): LibvmafLog =>
  vmafToolLog(b, { reference: ref, distorted: dist, dir, width: 640, height: 360, args });

const series = logSeries;

async function score(
  dist: string,
  model: string,
  metrics: ('vmaf' | 'ms_ssim' | 'psnr' | 'ssim')[] = ['vmaf'],
): Promise<ScoreRunResult> {
  const request = parseModelArg(model);
  if (!request) throw new Error(`unknown model ${model}`);
  return scoreRun(
    { reference: { path: ref }, distorted: [{ path: dist }], model: request, metrics, threads: 2 },
    { toolchain, tmpDir: tempDir() },
  );
}

describe('the FFmpeg 7.1 + libvmaf 3.2 build, chosen with VQ_FFMPEG', () => {
  it('is the scoring build: libvmaf API 2, built-in models, no 1.x defects', async () => {
    const report = await toolchain.report();
    expect(report.selected.score).toBe(b.ffmpeg);
    const build = report.binaries.find((x) => x.path === b.ffmpeg)!;
    expect(build.major).toBe(7);
    expect(build.libvmaf?.api).toBe(2);
    const builtins = build.libvmaf!.models.filter((m) => m.format === 'builtin').map((m) => m.name);
    expect(builtins).toEqual(
      expect.arrayContaining(['vmaf_v0.6.1', 'vmaf_v0.6.1neg', 'vmaf_4k_v0.6.1']),
    );
    expect(build.defects).toEqual([]);
  });
});

describe('built-in models by version equal the hand-written FFmpeg 7.1 command (1e-6 per frame)', () => {
  for (const model of ['vmaf_v0.6.1', 'vmaf_v0.6.1neg', 'vmaf_4k_v0.6.1']) {
    it(`${model}: VMAF and every elementary feature, same and upscaled size`, async () => {
      for (const dist of [crf35, small]) {
        const run = await score(dist, model);
        const r = run.results[0]!;
        expect(r.model).toMatchObject({ name: model, format: 'builtin', path: null });
        expect(r.ffmpeg.libvmafVersion).toBe('3.2.0');
        expect(r.frames).toBe(48);
        const cmd = r.command.join(' ');
        // One backslash per level: the graph's, then the option's (`version=…:name=vmaf`).
        expect(cmd).toContain(`libvmaf=model=version=${model}\\\\:name=vmaf:`);
        const hand = handWritten(dist, tempDir(), `model=version=${model}:n_threads=2`);
        expectClose(r.perFrame.vmaf, series(hand, 'vmaf'), 1e-6, `${model} vs ffmpeg`);
        // Elementary features are kept, all of them, equal too (they explain the score).
        const keys = Object.keys(hand.frames[0]!.metrics).filter((k) => k !== 'vmaf');
        expect(Object.keys(r.libvmafFeatures).sort()).toEqual(keys.sort());
        for (const k of keys)
          expectClose(r.libvmafFeatures[k], series(hand, k), 1e-6, `${model} feature vs ffmpeg`);
      }
    });
  }

  it('NEG is computed on libvmaf 3.2, not refused, and differs from the regular model', async () => {
    const regular = (await score(crf35, 'vmaf_v0.6.1')).results[0]!;
    const neg = (await score(crf35, 'neg')).results[0]!;
    expect(neg.model).toMatchObject({ name: 'vmaf_v0.6.1neg', format: 'builtin' });
    expect(neg.warnings.map((w) => w.id)).toEqual([]);
    // NEG runs ADM and VIF with enhancement-gain limits: its own features, its own score.
    expect(Object.keys(neg.libvmafFeatures).some((k) => k.endsWith('_egl_1'))).toBe(true);
    const gaps = neg.perFrame.vmaf!.map((v, i) => regular.perFrame.vmaf![i]! - v);
    expect(Math.max(...gaps.map(Math.abs))).toBeGreaterThan(0.1);
    // On this clip NEG scores no frame above the regular model (it removes enhancement gain).
    expect(Math.min(...gaps)).toBeGreaterThan(-1e-6);
  });

  it('a .json model file scores exactly as the built-in of the same version', async () => {
    const file = path.resolve('../shared/vmaf-models/vmaf_v0.6.1neg.json');
    const fromFile = (await score(crf35, file)).results[0]!;
    expect(fromFile.model).toMatchObject({ name: 'vmaf_v0.6.1neg', format: 'json', path: file });
    const builtin = (await score(crf35, 'vmaf_v0.6.1neg')).results[0]!;
    expectClose(fromFile.perFrame.vmaf, builtin.perFrame.vmaf!, 1e-6, 'json file vs built-in');
  });
});

describe("equal to libvmaf's own vmaf tool on y4m of the same frames (1e-4 per frame)", () => {
  it('VMAF v0.6.1 and MS-SSIM', async () => {
    const r = (await score(crf35, 'vmaf_v0.6.1', ['vmaf', 'ms_ssim'])).results[0]!;
    const tool = vmafTool(crf35, tempDir(), [
      ...['-m', 'version=vmaf_v0.6.1', '--feature', 'float_ms_ssim'],
    ]);
    expect(tool.version).toBe('3.2.0');
    expectClose(r.perFrame.vmaf, series(tool, 'vmaf'), 1e-4, 'vmaf vs vmaf tool');
    expectClose(r.perFrame.msSsim, series(tool, 'float_ms_ssim'), 1e-4, 'ms_ssim vs vmaf tool');
  });

  it('VMAF NEG, on an upscaled rendition', async () => {
    const r = (await score(small, 'vmaf_v0.6.1neg')).results[0]!;
    const tool = vmafTool(small, tempDir(), ['-m', 'version=vmaf_v0.6.1neg']);
    const key = Object.keys(tool.frames[0]!.metrics).find((k) => k.startsWith('vmaf'))!;
    expectClose(r.perFrame.vmaf, series(tool, key), 1e-4, 'neg vs vmaf tool');
  });
});

describe('several renditions against one reference on libvmaf ≥ 2: one process', () => {
  it('decodes the reference once and equals separate runs', async () => {
    const req = {
      reference: { path: ref },
      distorted: [{ path: crf35 }, { path: small }],
      metrics: ['vmaf' as const],
      threads: 2,
    };
    const { processes } = await planScoreProcesses(req, { toolchain, tmpDir: tempDir() });
    expect(processes).toHaveLength(1);
    const together = await scoreRun(req, { toolchain, tmpDir: tempDir() });
    const cmd = together.command;
    expect(cmd.filter((a) => a === '-i')).toHaveLength(3);
    // A graph per rendition, each reading the reference input (2) itself.
    const graphs = cmd.filter((_, i) => cmd[i - 1] === '-filter_complex');
    expect(graphs.map((g) => g.match(/libvmaf=/g)?.length)).toEqual([1, 1]);
    for (const g of graphs) expect(g).toMatch(/^\[2:0\]settb=AVTB/);
    for (const [i, d] of [crf35, small].entries()) {
      const alone = (await score(d, 'vmaf_v0.6.1')).results[0]!;
      expect(together.results[i]!.perFrame.vmaf).toEqual(alone.perFrame.vmaf);
      expect(together.results[i]!.libvmafFeatures).toEqual(alone.libvmafFeatures);
    }
  });
});

interface NetflixExpected {
  pairs: { id: string; expected: { engine?: string; values: Record<string, number> }[] }[];
}

describe('published values that apply to libvmaf 3.2', () => {
  it('ffmpeg-quality-metrics pair: libvmaf 2 test vector, VMAF and MS-SSIM per frame', async () => {
    const dir = 'ffmpeg-quality-metrics';
    const expected = JSON.parse(
      readText(testMedia(`${dir}/expected/test-2021-03-06_libvmaf2.json`)),
    ) as { test_vmaf: Record<string, number>[] };
    const run = await scoreRun(
      {
        reference: { path: testMedia(`${dir}/ref-1280x720.mkv`) },
        distorted: [{ path: testMedia(`${dir}/dist-854x480.mkv`) }],
        metrics: ['vmaf', 'ms_ssim'],
      },
      { toolchain, tmpDir: tempDir() },
    );
    const r = run.results[0]!;
    expect(r.perFrame.vmaf).toEqual([14.054853, 14.464182, 14.256442]);
    // The published vector rounds to 6 decimals, as libvmaf prints.
    expectClose(
      r.perFrame.msSsim,
      expected.test_vmaf.map((f) => f.ms_ssim!),
      5e-7,
      'published ms_ssim (fqm)',
    );
    // Features: within one unit of the 6th decimal (motion2 of frame 1 is 0.359751 here, 0.359752
    // in the 2021 libvmaf 2 vector: a last-digit rounding difference between the versions).
    for (const k of ['integer_adm2', 'integer_motion2', 'integer_vif_scale0']) {
      const want = expected.test_vmaf.map((f) => f[k]!);
      expectClose(r.libvmafFeatures[k], want, 1e-6 + 1e-12, `published ${k}`);
    }
  });

  it('Netflix src01 10-bit pair scored natively in 10 bits: VMAF and MS-SSIM (places=4)', async () => {
    const netflix = JSON.parse(
      readText(testMedia('vmaf_resource/expected/netflix-vmaf-expected-values.json')),
    ) as NetflixExpected;
    const want = netflix.pairs
      .find((p) => p.id === 'src01_10bit_3frames')!
      .expected.find((e) => e.engine?.startsWith('libvmaf 3'))!.values;
    const raw = { width: 576, height: 324, pixFmt: 'yuv420p10le', fps: 24 };
    const run = await scoreRun(
      {
        reference: {
          path: testMedia('vmaf_resource/yuv/src01_hrc00_576x324.yuv420p10le.yuv'),
          raw,
        },
        distorted: [
          { path: testMedia('vmaf_resource/yuv/src01_hrc01_576x324.yuv420p10le.yuv'), raw },
        ],
        metrics: ['vmaf', 'ms_ssim'],
      },
      { toolchain, tmpDir: tempDir() },
    );
    const r = run.results[0]!;
    expect(r.frames).toBe(3);
    const mean = (v: readonly number[]): number => v.reduce((a, x) => a + x, 0) / v.length;
    expect(Math.abs(r.metrics.vmaf!.mean - want.vmaf!)).toBeLessThan(0.5e-4);
    expect(Math.abs(mean(r.perFrame.msSsim!) - want.float_ms_ssim!)).toBeLessThan(0.5e-4);
    // No 8-bit workaround: libvmaf sees the 10-bit samples.
    expect(r.alignment.vmafPixFmt).toBe('yuv420p10le');
    expect(r.warnings.map((w) => w.id)).not.toContain('libvmaf-10bit-workaround');
    expect(r.preflight.map((f) => f.id)).not.toContain('libvmaf-10bit');
    expect(r.command.join(' ')).not.toMatch(/format=yuv420p\[/);
  });
});

describe('MS-SSIM below 176 pixels fails on libvmaf 3.2 too, so it is skipped with a note', () => {
  it('the hand-written command fails; vq skips MS-SSIM and still scores VMAF', async () => {
    const raw = { width: 160, height: 90, pixFmt: 'yuv420p', fps: 24 };
    const name = 'src01_hrc00_576x324_576x324_vs_src01_hrc01_576x324_576x324_q_160x90.yuv';
    const refYuv = testMedia(`vmaf_resource/yuv/ref_test_0_1_${name}`);
    const disYuv = testMedia(`vmaf_resource/yuv/dis_test_0_1_${name}`);
    const rawArgs = ['-f', 'rawvideo', '-pix_fmt', 'yuv420p', '-s', '160x90', '-r', '24'];
    expect(() =>
      run3(b.ffmpeg, [
        ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
        ...[...rawArgs, '-i', disYuv, ...rawArgs, '-i', refYuv],
        ...['-lavfi', '[0:v][1:v]libvmaf=model=version=vmaf_v0.6.1:feature=name=float_ms_ssim'],
        ...['-f', 'null', '-'],
      ]),
    ).toThrow(/scale below 1x1|vmaf_read_pictures/);
    const run = await scoreRun(
      { reference: { path: refYuv, raw }, distorted: [{ path: disYuv, raw }] },
      { toolchain, tmpDir: tempDir() },
    );
    const r = run.results[0]!;
    expect(r.perFrame.msSsim).toBeUndefined();
    expect(r.perFrame.vmaf).toHaveLength(48);
    const note = r.warnings.find((w) => w.id === 'ms-ssim-skipped')!;
    expect(note.message).toContain('176');
    expect(note.message).not.toContain('libvmaf 1.x');
  });
});
