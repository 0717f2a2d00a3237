// VMAF v1 (the vmaf_v1.0.16_* built-ins of libvmaf 3.2.0), for real, on FFmpeg 7.1.5 + libvmaf
// 3.2.0 from ../shared/toolchain (sharedVmaf3Build): each model's size limit as real runs show it
// (and as vmafV1.ts predicts it), every model through vq equal to libvmaf's own `vmaf` tool on y4m
// of the same frames (1e-4 per frame), the 0..110 range of the 4K-at-3H models, the refusal before
// ffmpeg runs, and Netflix's recipe (10 bits, CAMBI told the encode) as vq applies it: equal to
// the hand-written FFmpeg command (1e-6 per frame) and to the `vmaf` tool on the same 10-bit
// frames (1e-4), PSNR and SSIM unchanged. FAILS (never skips) when the shared build is missing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { VMAF_V1_MODELS, type DistortedScore, type ScoreMetric } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import {
  parseLibvmafJson,
  parsePsnrStats,
  parseSsimStats,
  type LibvmafLog,
  type PsnrStatsLine,
  type SsimStatsLine,
} from './logs';
import { parseModelArg } from './model';
import { planScore } from './plan';
import { scoreRun } from './run';
import {
  machineToolchain,
  makeDistorted,
  makeReference,
  readText,
  scoreEnv,
} from '../../testing/scoreFixtures';
import { cambiSizeProblem } from './cambiSize';
import { frameComparer, logSeries, runVmaf3, vmafToolLog } from '../../testing/vmafTool';
import {
  V1_CAMBI_HIGH_RES_SPEEDUP,
  fitsV1MinimumSize,
  hfrTwin,
  v1MinimumSize,
  type VmafV1Model,
} from './vmafV1';

const tempDir = useTempDirs('vq-score-v1-');
let b: Vmaf3Build;
let toolchain: Toolchain;
let media: string;
const savedLdPath = process.env.LD_LIBRARY_PATH;
/** Frame-by-frame equality within a tolerance; the largest differences, printed at the end. */
const { expectClose, worst: maxDiff } = frameComparer();

/** 10 frames at 24 fps of a moving pattern and its x264 CRF 35 encode, at one size. */
interface Clip {
  ref: string;
  dist: string;
  width: number;
  height: number;
}
/** 240x160: the smallest comfortable size of the models without chroma prescaling. */
let small: Clip;
/** 320x320: 5d0h (prescale 0.6) needs 266 and 3d0h_2160 (prescale 0.5) 318 on both sides. */
let square: Clip;
/** 640x360 and a rendition of it encoded at 320x180 (the v1 recipe's upscaled case). */
let hd: Clip;
let low: string;

function clip(width: number, height: number): Clip {
  const ref = makeReference(media, { width, height, fps: 24, seconds: 10 / 24 });
  const dist = makeDistorted(media, ref, { crf: 35, name: `dist-${width}x${height}.mp4` });
  return { ref, dist, width, height };
}

beforeAll(() => {
  b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-v1-media-'));
  toolchain = new Toolchain({
    cacheDir: path.join(media, 'cache'),
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
  small = clip(240, 160);
  square = clip(320, 320);
  hd = clip(640, 360);
  low = makeDistorted(media, hd.ref, { crf: 30, width: 320, height: 180 });
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
  console.log(`VMAF v1 max per-frame differences: ${JSON.stringify(maxDiff)}`);
});

/** How a two-frame libvmaf run of `model` at a size ended. */
type Outcome = 'scores' | 'crash' | 'no log' | 'error';

function tryModel(model: string, width: number, height: number, pixFmt = 'yuv420p'): Outcome {
  const log = path.join(tempDir(), 'probe.json');
  const src = `testsrc2=s=${width}x${height}:r=25:d=0.08,format=${pixFmt}`;
  const r = spawnSync(
    b.ffmpeg,
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
      ...['-f', 'lavfi', '-i', src, '-f', 'lavfi', '-i', `${src},boxblur=1`],
      '-lavfi',
      `[1:v][0:v]libvmaf=model=version=${model}:log_fmt=json:log_path=${log}:n_threads=2`,
      ...['-f', 'null', '-'],
    ],
    { env: b.env, encoding: 'utf8', timeout: 60_000 },
  );
  // SIGSEGV (SpEED's ignored error, CAMBI's window) or SIGABRT (CAMBI's window, glibc's checks).
  if (r.signal === 'SIGSEGV' || r.signal === 'SIGABRT') return 'crash';
  if (r.status !== 0) return 'error';
  if (!fs.existsSync(log)) return 'no log';
  const frames = parseLibvmafJson(readText(log)).frames;
  return frames.length === 2 && frames.every((f) => f.metrics.vmaf !== undefined)
    ? 'scores'
    : 'no log';
}

describe('the smallest picture of each v1 model on libvmaf 3.2.0, as real runs show it', () => {
  const bases = VMAF_V1_MODELS.filter((m) => !m.includes('_hfr_'));
  for (const model of bases) {
    it(`${model} and ${hfrTwin(model)}: scores at the minimum, fails one pixel below`, () => {
      for (const name of [model, hfrTwin(model)]) {
        const min = v1MinimumSize(name, 'yuv420p')!;
        const long = Math.max(min.width, min.longerSide);
        const cases: [number, number][] = [
          [long, min.height],
          [long, min.height - 1],
          [min.width - 1, long],
        ];
        for (const [w, h] of cases) {
          const fits = fitsV1MinimumSize({ width: w, height: h }, min);
          // SpEED's "image too small" is ignored by libvmaf 3.2's init_chroma: ffmpeg segfaults.
          expect(tryModel(name, w, h), `${name} at ${w}x${h}`).toBe(fits ? 'scores' : 'crash');
        }
      }
    });
  }

  it('CAMBI inside every v1 model needs one side of 216: below, ffmpeg exits 0 with no log', () => {
    const min = v1MinimumSize('vmaf_v1.0.16_3d0h', 'yuv420p')!;
    expect(fitsV1MinimumSize({ width: 215, height: 215 }, min)).toBe(false);
    expect(tryModel('vmaf_v1.0.16_3d0h', 215, 215)).toBe('no log');
    expect(tryModel('vmaf_v1.0.16_3d0h', 216, 160)).toBe('scores');
    expect(tryModel('vmaf_v1.0.16_1d5h_2160', 160, 216)).toBe('scores');
  });

  it("CAMBI's window must fit: too wide a picture crashes every v1 model", () => {
    // [width, height, fits]; 4800x… is above 1920x1080 pixels, where the v1 models' CAMBI speedup
    // halves its window.
    const cases: [number, number, boolean][] = [
      [1600, 160, true],
      [1920, 160, false],
      [4800, 432, true],
      [4800, 430, false],
    ];
    for (const [w, h, fits] of cases) {
      expect(cambiSizeProblem(w, h, V1_CAMBI_HIGH_RES_SPEEDUP) === null, `${w}x${h}`).toBe(fits);
      expect(tryModel('vmaf_v1.0.16_3d0h', w, h), `${w}x${h}`).toBe(fits ? 'scores' : 'crash');
    }
  });

  it('the chroma layout decides (4:2:2 and 4:4:4 need half where chroma is not halved)', () => {
    const cases: [string, number, number, boolean][] = [
      ['yuv444p', 216, 133, true],
      ['yuv444p', 216, 132, false],
      ['yuv422p', 266, 133, true],
      ['yuv422p', 265, 216, false],
      ['yuv422p', 266, 132, false],
      ['yuv420p10le', 266, 266, true],
      ['yuv420p10le', 266, 265, false],
    ];
    for (const [pixFmt, w, h, fits] of cases) {
      const min = v1MinimumSize('vmaf_v1.0.16_5d0h', pixFmt)!;
      expect(fitsV1MinimumSize({ width: w, height: h }, min), `${pixFmt} ${w}x${h}`).toBe(fits);
      expect(tryModel('vmaf_v1.0.16_5d0h', w, h, pixFmt), `${pixFmt} ${w}x${h}`).toBe(
        fits ? 'scores' : 'crash',
      );
    }
  });
});

const run3 = (program: string, args: readonly string[]): void => runVmaf3(b, program, args);

/** libvmaf's own tool on y4m that the 3.2 ffmpeg wrote from the same frames of a clip. */
const vmafTool = (c: Clip, args: readonly string[], pixFmt = 'yuv420p'): LibvmafLog =>
  vmafToolLog(b, {
    reference: c.ref,
    distorted: c.dist,
    dir: tempDir(),
    width: c.width,
    height: c.height,
    pixFmt,
    args: ['--threads', '2', ...args],
  });

const series = logSeries;
const mean = (v: readonly number[]): number => v.reduce((a, x) => a + x, 0) / v.length;

async function score(c: Clip, model: string, dist = c.dist): Promise<DistortedScore> {
  const request = parseModelArg(model);
  if (!request) throw new Error(`not a model name: ${model}`);
  const run = await scoreRun(
    {
      reference: { path: c.ref },
      distorted: [{ path: dist }],
      model: request,
      metrics: ['vmaf'],
      threads: 2,
    },
    { toolchain, tmpDir: tempDir() },
  );
  return run.results[0]!;
}

/** The smallest clip each model runs on. */
const clipFor = (model: VmafV1Model): Clip => (/5d0h|3d0h_2160/.test(model) ? square : small);

describe("every v1 model through vq equals libvmaf's own vmaf tool (1e-4 per frame)", () => {
  // vq measures v1 at 10 bits and tells CAMBI the 8-bit encode (the recipe below); the tool is
  // fed 10-bit y4m and told the same. At its own size that is the 8-bit score, exactly.
  for (const model of VMAF_V1_MODELS) {
    it(model, async () => {
      const c = clipFor(model);
      const r = await score(c, model);
      expect(r.model).toEqual({
        name: model,
        path: null,
        format: 'builtin',
        transform: false,
        reason: 'requested',
        maxScore: model.endsWith('3d0h_2160') ? 110 : 100,
      });
      expect(r.frames).toBe(10);
      expect(r.command.join(' ')).toContain(
        `libvmaf=model=version=${model}\\\\:name=vmaf\\\\:cambi.enc_bitdepth=8:`,
      );
      const tool = vmafTool(c, ['-m', `version=${model}:cambi.enc_bitdepth=8`], 'yuv420p10le');
      expect(tool.version).toBe('3.2.0');
      const key = Object.keys(tool.frames[0]!.metrics).find((k) => k.startsWith('vmaf'))!;
      expectClose(r.perFrame.vmaf, series(tool, key), 1e-4, `${model} vs vmaf tool`);
      const eightBit = vmafTool(c, ['-m', `version=${model}`]);
      expectClose(r.perFrame.vmaf, series(eightBit, key), 1e-4, `${model} vs 8-bit vmaf tool`);
      // The v1 features (CAMBI, chroma SpEED, ADM3/AIM, motion3) are kept, equal too.
      const features = Object.keys(tool.frames[0]!.metrics).filter((k) => k !== key);
      expect(features.some((k) => k.startsWith('cambi_'))).toBe(true);
      expect(features.some((k) => k.startsWith('speed_chroma_uv'))).toBe(true);
      expect(Object.keys(r.libvmafFeatures).sort()).toEqual(features.sort());
      for (const k of features) {
        expectClose(r.libvmafFeatures[k], series(tool, k), 1e-4, `${model} features vs tool`);
      }
    });
  }
});

describe('the score range: 0..110 only for the 4K-at-3H models', () => {
  it('a perfect copy scores above 100 with 3d0h_2160, 100 (clipped) with 3d0h', async () => {
    const k3 = await score(square, 'vmaf_v1.0.16_3d0h_2160', square.ref);
    expect(k3.model?.maxScore).toBe(110);
    expect(k3.metrics.vmaf!.min).toBeGreaterThan(100);
    expect(k3.metrics.vmaf!.max).toBeLessThanOrEqual(110);
    const hd = await score(square, 'vmaf_v1.0.16_3d0h', square.ref);
    expect(hd.model?.maxScore).toBe(100);
    expect(hd.perFrame.vmaf).toEqual(Array(10).fill(100));
  });
});

describe('the plan checks a v1 model against how the videos are really compared', () => {
  /** A y4m clip straight from the 3.2 ffmpeg (testsrc: any size, where testsrc2 makes it even). */
  function y4m(name: string, size: string, pixFmt: string, fps: number): string {
    const file = path.join(media, name);
    run3(b.ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-f', 'lavfi'],
      ...['-i', `testsrc=s=${size}:r=${fps}:d=0.2`, '-pix_fmt', pixFmt, file],
    ]);
    return file;
  }

  it("the reference's chroma layout: 4:4:4 at 216x133 fits 5d0h (4:2:0 would need 266x266)", async () => {
    const ref = y4m('ref444.y4m', '216x133', 'yuv444p', 25);
    const request = {
      reference: { path: ref },
      distorted: [{ path: ref }],
      model: { name: 'vmaf_v1.0.16_5d0h' },
      metrics: ['vmaf'] as ScoreMetric[],
    };
    const plan = await planScore(request, { toolchain, tmpDir: tempDir() });
    expect(plan.pixFmt).toBe('yuv444p');
    expect(plan.vmafPixFmt).toBe('yuv444p10le');
    const run = await scoreRun({ ...request, threads: 2 }, { toolchain, tmpDir: tempDir() });
    expect(run.results[0]!.perFrame.vmaf).toHaveLength(5);
    const err = await planScore(
      { ...request, reference: { path: y4m('ref420.y4m', '216x134', 'yuv420p', 25) } },
      { toolchain, tmpDir: tempDir() },
    ).catch((e: unknown) => e);
    expect((err as VqError).message).toContain('at least 266x266 pixels (yuv420p)');
  });

  it('the frame rate: 50 fps content with a 24/30 fps model gets the note naming its hfr twin', async () => {
    const ref = y4m('ref50.y4m', '240x160', 'yuv420p', 50);
    const plan = await planScore(
      {
        reference: { path: ref },
        distorted: [{ path: ref }],
        model: { name: 'vmaf_v1.0.16_3d0h' },
      },
      { toolchain, tmpDir: tempDir() },
    );
    const note = plan.warnings.find((w) => w.id === 'vmaf-v1-frame-rate');
    expect(note?.message).toContain('vmaf_v1.0.16_hfr_3d0h is the VMAF v1 model');
  });
});

describe('refused before ffmpeg runs', () => {
  it('a v1 model on too small a picture: UNSUPPORTED, the minimum and a --scale', async () => {
    const tmp = tempDir();
    const err = await scoreRun(
      {
        reference: { path: small.ref },
        distorted: [{ path: small.dist }],
        model: { name: 'vmaf_v1.0.16_hfr_5d0h' },
      },
      { toolchain, tmpDir: tmp },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('UNSUPPORTED');
    expect((err as VqError).message).toContain('at least 266x266 pixels');
    expect((err as VqError).hint).toContain('--scale 400x266');
    // No log folder: nothing ran.
    expect(fs.readdirSync(tmp)).toEqual([]);
    // The suggested size works.
    const ok = await scoreRun(
      {
        reference: { path: small.ref },
        distorted: [{ path: small.dist }],
        model: { name: 'vmaf_v1.0.16_hfr_5d0h' },
        metrics: ['vmaf'],
        scale: { width: 400, height: 266 },
        threads: 2,
      },
      { toolchain, tmpDir: tempDir() },
    );
    expect(ok.results[0]!.perFrame.vmaf).toHaveLength(10);
  });

  it('a v1 model on the libvmaf 1.3.7 build: UNSUPPORTED, it needs libvmaf 3.2.0', async () => {
    const old = machineToolchain(tempDir());
    const err = await scoreRun(
      {
        reference: { path: small.ref },
        distorted: [{ path: small.dist }],
        model: { name: 'vmaf_v1.0.16_3d0h' },
      },
      { toolchain: old, tmpDir: tempDir() },
    ).catch((e: unknown) => e);
    expect((err as VqError).code).toBe('UNSUPPORTED');
    expect((err as VqError).message).toMatch(/needs libvmaf 3\.2\.0 or later; .* is 1\.x\.$/);
  });
});

describe("Netflix's v1 recipe (10 bits, CAMBI told the encode): vq equals it by hand", () => {
  /**
   * The hand-written FFmpeg 7.1 command of models_v1.md for one pair: both videos scaled straight
   * into yuv420p10le, the encode told to CAMBI through the model dict (`options`, as typed), the
   * libvmaf `feature` option as typed (if any), and PSNR and SSIM as before on the 8-bit scale.
   */
  function byHand(
    ref: string,
    dist: string,
    size: { width: number; height: number },
    options: readonly string[],
    feature = '',
  ): { vmaf: LibvmafLog; psnr: PsnrStatsLine[]; ssim: SsimStatsLine[] } {
    const dir = tempDir();
    const [log, psnr, ssim] = ['recipe.json', 'psnr.log', 'ssim.log'].map((f) => path.join(dir, f));
    const dict = ['version=vmaf_v1.0.16_3d0h', 'name=vmaf', ...options].join('\\\\:');
    const scale = `scale=${size.width}:${size.height}:flags=bicubic`;
    const align = 'settb=AVTB,setpts=PTS-STARTPTS';
    run3(b.ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y'],
      ...['-r', '24', '-i', dist, '-r', '24', '-i', ref],
      '-lavfi',
      `[0:v]${align},split=2[d0][d1];[1:v]${align},split=2[r0][r1];` +
        `[d0]${scale},format=yuv420p10le[d10];[r0]${scale},format=yuv420p10le[r10];` +
        `[d10][r10]libvmaf=model=${dict}${feature}:log_fmt=json:log_path=${log}:n_threads=2;` +
        `[d1]${scale},format=yuv420p,split=2[dp][ds];[r1]${scale},format=yuv420p,split=2[rp][rs];` +
        `[dp][rp]psnr=stats_file=${psnr};[ds][rs]ssim=stats_file=${ssim}`,
      ...['-f', 'null', '-'],
    ]);
    return {
      vmaf: parseLibvmafJson(readText(log!)),
      psnr: parsePsnrStats(readText(psnr!)),
      ssim: parseSsimStats(readText(ssim!)),
    };
  }

  async function scoreV1(
    c: Clip,
    dist: string,
    scale?: { width: number; height: number },
    metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim'],
  ): Promise<DistortedScore> {
    const run = await scoreRun(
      {
        reference: { path: c.ref },
        distorted: [{ path: dist }],
        model: { name: 'vmaf_v1.0.16_3d0h' },
        metrics,
        scale,
        threads: 2,
      },
      { toolchain, tmpDir: tempDir() },
    );
    return run.results[0]!;
  }

  /** vq's VMAF and every libvmaf feature against a libvmaf log, frame by frame. */
  function expectSameLibvmaf(r: DistortedScore, log: LibvmafLog, tol: number, what: string): void {
    const key = Object.keys(log.frames[0]!.metrics).find((k) => k.startsWith('vmaf'))!;
    expectClose(r.perFrame.vmaf, series(log, key), tol, `${what} vmaf`);
    // MS-SSIM and CAMBI asked for are series of their own, not features.
    const series_ = new Set([key, 'float_ms_ssim', 'cambi', 'cambi_encbd_8']);
    const features = Object.keys(log.frames[0]!.metrics).filter((k) => !series_.has(k));
    expect(Object.keys(r.libvmafFeatures).sort()).toEqual(features.sort());
    for (const k of features) {
      expectClose(r.libvmafFeatures[k], series(log, k), tol, `${what} ${k}`, `${what} features`);
    }
  }

  it('an 8-bit rendition at its own size: 10 bits and the 8-bit encode told, equal by hand', async () => {
    const r = await scoreV1(small, small.dist);
    expectSameLibvmaf(
      r,
      byHand(small.ref, small.dist, small, ['cambi.enc_bitdepth=8']).vmaf,
      1e-6,
      'own size',
    );
    // Nothing differs: one scale per video, the VMAF legs converted after it (exact, x << 2).
    expect(r.command.join(' ')).not.toContain('split=2[d0a][d0b]');
    expect(r.command.join(' ')).toContain('[d0v]format=yuv420p10le[d0vc]');
  });

  // 320x180 shown at 640x360 (the reference's size) and at 480x270 (--scale: the reference is
  // scaled too, so its VMAF leg is scaled straight into 10 bits as well).
  for (const compared of [
    { width: 640, height: 360 },
    { width: 480, height: 270 },
  ]) {
    it(`a 320x180 rendition compared at ${compared.width}x${compared.height}`, async () => {
      const scale = compared.width === 640 ? undefined : compared;
      const r = await scoreV1(hd, low, scale, ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi']);
      const told = ['cambi.enc_width=320', 'cambi.enc_height=180', 'cambi.enc_bitdepth=8'];
      const feature = ':feature=name=float_ms_ssim|name=cambi\\\\:enc_bitdepth=8';
      const hand = byHand(hd.ref, low, compared, told, feature);
      // The recipe by hand, to 1e-6 per frame (VMAF and every feature, CAMBI told the encode).
      expectSameLibvmaf(r, hand.vmaf, 1e-6, `recipe ${compared.width}`);
      // MS-SSIM and CAMBI saw the same 10-bit frames; CAMBI told it measures 8-bit video.
      expectClose(r.perFrame.msSsim, series(hand.vmaf, 'float_ms_ssim'), 1e-6, 'recipe ms-ssim');
      expectClose(r.perFrame.cambi, series(hand.vmaf, 'cambi_encbd_8'), 1e-6, 'recipe cambi');
      expect(Object.keys(r.libvmafFeatures)).toContain(
        'cambi_hrs_1080_cmxv_17_vlt_0.06_encbd_8_ench_180_encw_320',
      );
      // PSNR and SSIM are what the plain 8-bit commands give, exactly.
      expect(r.perFrame.psnrY).toEqual(hand.psnr.map((l) => l.psnrY));
      expect(r.perFrame.psnr).toEqual(hand.psnr.map((l) => l.psnrAvg));
      expect(r.perFrame.ssimY).toEqual(hand.ssim.map((l) => l.ssimY));
      expect(r.perFrame.ssim).toEqual(hand.ssim.map((l) => l.ssimAll));
      // libvmaf's own tool on y4m scaled straight into 10 bits, told the same: 1e-4 per frame.
      const tool = vmafToolLog(b, {
        reference: hd.ref,
        distorted: low,
        dir: tempDir(),
        ...compared,
        pixFmt: 'yuv420p10le',
        args: ['--threads', '2', '-m', ['version=vmaf_v1.0.16_3d0h', ...told].join(':')],
      });
      expectSameLibvmaf(r, tool, 1e-4, `tool ${compared.width}`);
      // What was applied is recorded with the result.
      expect(r.alignment).toMatchObject({
        ...compared,
        pixFmt: 'yuv420p',
        vmafPixFmt: 'yuv420p10le',
      });
      expect(r.warnings.find((w) => w.id === 'vmaf-v1-recipe')?.message).toContain(
        'measured at 10 bits (yuv420p10le, each video scaled straight into it) as Netflix ' +
          'recommends; its CAMBI was told the encode size 320x180 and its bit depth (8).',
      );
      // The recipe is not a no-op here: the 8-bit scale gives another number.
      const eight = vmafTool({ ...hd, dist: low, ...compared }, [
        '-m',
        'version=vmaf_v1.0.16_3d0h',
      ]);
      const gap = Math.abs(
        mean(
          series(
            eight,
            Object.keys(eight.frames[0]!.metrics).find((k) => k.startsWith('vmaf'))!,
          ),
        ) - r.metrics.vmaf!.mean,
      );
      console.log(`VMAF v1 recipe minus 8 bits, 320x180 at ${compared.width}: ${gap.toFixed(4)}`);
      expect(gap).toBeGreaterThan(0.01);
      // Only the VMAF leg of the rendition is split off before the scale; the reference's is
      // converted at its own size, scaled on a leg of its own for --scale.
      const graph = r.command[r.command.indexOf('-filter_complex') + 1]!;
      expect(graph).toContain('split=2[d0a][d0b]');
      expect(graph).toContain('[d0b]scale=' + `${compared.width}:${compared.height}`);
      if (compared.width === 640) expect(graph).toContain('[r0v]format=yuv420p10le[r0vc]');
      else expect(graph).toContain('split=2[ra][rb]');
    });
  }
});
