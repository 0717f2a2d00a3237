// Equivalence: for generated pairs, the engine's per-frame values equal those of the hand-written
// ffmpeg command an expert would type (Netflix's form: -r before -i, bicubic upscale,
// settb/setpts) to 1e-6, and several distorted videos in one process equal separate runs.
// Real ffmpeg; FAILS (not skips) without the libvmaf build and the models.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ScoreMetric, ScoreRunResult, ScoreSeries } from '../../../shared/score';
import type { BinaryInfo } from '../../../shared/toolchain';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import type { Toolchain } from '../toolchain';
import { parseLibvmafJson, parsePsnrStats, parseSsimStats } from './logs';
import { planScoreProcesses, scoreRun } from './run';
import {
  MODEL_DIR,
  ffmpeg,
  machineToolchain,
  makeDistorted,
  makeReference,
  noLibvmafToolchain,
  readText,
  requireLibvmafBuild,
} from '../../testing/scoreFixtures';

const tempDir = useTempDirs('vq-score-eq-');
const MODEL = path.join(MODEL_DIR, 'vmaf_v0.6.1.pkl');

let toolchain: Toolchain;
let build: BinaryInfo;
let media: string; // a folder kept for the whole file (useTempDirs cleans after each test)
let ref: string;
let crf35: string;
let small: string;

beforeAll(async () => {
  media = fs.mkdtempSync('/tmp/vq-score-eq-media-');
  toolchain = machineToolchain(path.join(media, 'cache'));
  build = requireLibvmafBuild(await toolchain.report());
  ref = makeReference(media, { width: 640, height: 360, fps: 24, seconds: 2 });
  crf35 = makeDistorted(media, ref, { crf: 35 });
  small = makeDistorted(media, ref, { crf: 28, width: 320, height: 180 });
  return () => fs.rmSync(media, { recursive: true, force: true });
});

/** What a person types for VMAF + MS-SSIM (libvmaf 1.x), psnr and ssim: three commands. */
function handWritten(
  dist: string,
  dir: string,
  extraVmaf = '',
): {
  vmaf: number[];
  msSsim: number[];
  psnrY: number[];
  psnr: number[];
  ssimY: number[];
  ssim: number[];
} {
  const inputs = ['-r', '24', '-i', dist, '-r', '24', '-i', ref];
  const legs =
    '[0:v]scale=640:360:flags=bicubic,settb=AVTB,setpts=PTS-STARTPTS[d];' +
    '[1:v]settb=AVTB,setpts=PTS-STARTPTS[r];';
  const v = path.join(dir, 'hand-vmaf.json');
  const p = path.join(dir, 'hand-psnr.log');
  const s = path.join(dir, 'hand-ssim.log');
  ffmpeg(
    [
      ...inputs,
      '-lavfi',
      `${legs}[d][r]libvmaf=model_path=${MODEL}:log_fmt=json:log_path=${v}:ms_ssim=1${extraVmaf}`,
      '-f',
      'null',
      '-',
    ],
    build.path,
  );
  ffmpeg([...inputs, '-lavfi', `${legs}[d][r]psnr=stats_file=${p}`, '-f', 'null', '-'], build.path);
  ffmpeg([...inputs, '-lavfi', `${legs}[d][r]ssim=stats_file=${s}`, '-f', 'null', '-'], build.path);
  const log = parseLibvmafJson(readText(v));
  const psnr = parsePsnrStats(readText(p));
  const ssim = parseSsimStats(readText(s));
  return {
    vmaf: log.frames.map((f) => f.metrics.vmaf!),
    msSsim: log.frames.map((f) => f.metrics.ms_ssim!),
    psnrY: psnr.map((l) => l.psnrY),
    psnr: psnr.map((l) => l.psnrAvg),
    ssimY: ssim.map((l) => l.ssimY),
    ssim: ssim.map((l) => l.ssimAll),
  };
}

function expectSame(
  ours: readonly number[] | undefined,
  theirs: readonly number[],
  what: string,
): void {
  expect(ours, what).toBeDefined();
  expect(ours!.length, what).toBe(theirs.length);
  ours!.forEach((v, i) =>
    expect(Math.abs(v - theirs[i]!), `${what} frame ${i}`).toBeLessThanOrEqual(1e-6),
  );
}

describe('our scores equal the hand-written command, frame by frame (1e-6)', () => {
  it('x264 CRF 35 at the reference size', async () => {
    const dir = tempDir();
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }] },
      { toolchain, tmpDir: dir },
    );
    const hand = handWritten(crf35, dir);
    const r = run.results[0]!;
    expect(r.frames).toBe(48);
    for (const k of ['vmaf', 'msSsim', 'psnrY', 'psnr', 'ssimY', 'ssim'] as const)
      expectSame(r.perFrame[k], hand[k], k);
    // `psnr` is the psnr filter's psnr_avg: the PSNR of the plane-size-weighted MSE (4:2:0: Y
    // counts 4/6), not the mean of the plane PSNRs. Checked on ffmpeg's own output:
    for (const l of parsePsnrStats(readText(path.join(dir, 'hand-psnr.log')))) {
      const v = l.values;
      const mse = (4 * v.mse_y! + v.mse_u! + v.mse_v!) / 6;
      expect(Math.abs(l.psnrAvg - 10 * Math.log10((255 * 255) / mse))).toBeLessThan(0.006);
      expect(Math.abs(l.psnrAvg - (v.psnr_y! + v.psnr_u! + v.psnr_v!) / 3)).toBeGreaterThan(0.05);
    }
    // Sanity: a CRF 35 encode of testsrc2 is visibly worse than the source, not a pairing error.
    expect(r.metrics.vmaf!.mean).toBeGreaterThan(50);
    expect(r.metrics.vmaf!.mean).toBeLessThan(95);
    expect(r.metrics.psnrY!.min).toBeGreaterThan(25);
  });

  it('320x180 CRF 28 upscaled with bicubic', async () => {
    const dir = tempDir();
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: small }] },
      { toolchain, tmpDir: dir },
    );
    const hand = handWritten(small, dir);
    const r = run.results[0]!;
    for (const k of ['vmaf', 'msSsim', 'psnrY', 'psnr', 'ssimY', 'ssim'] as const)
      expectSame(r.perFrame[k], hand[k], k);
    expect(r.preflight.map((f) => f.id)).toEqual(['upscale']);
  });

  it('subsampling scores every n-th frame with the same values as a full run', async () => {
    const dir = tempDir();
    const full = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }] },
      { toolchain, tmpDir: dir },
    );
    const sub = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }], subsample: 5 },
      { toolchain, tmpDir: dir },
    );
    const f = full.results[0]!;
    const s = sub.results[0]!;
    expect(s.frameNumbers).toEqual([0, 5, 10, 15, 20, 25, 30, 35, 40, 45]);
    for (const k of ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim'] as const) {
      expectSame(
        s.perFrame[k],
        s.frameNumbers.map((n) => f.perFrame[k]![n]!),
        `subsampled ${k}`,
      );
    }
    expect(s.alignment.subsample).toBe(5);
    // And libvmaf's own n_subsample, hand-written, agrees.
    const hand = handWritten(crf35, dir, ':n_subsample=5');
    expectSame(s.perFrame.vmaf, hand.vmaf, 'n_subsample vmaf');
  });

  it('a frame range (start, frames) scores exactly those frames of the full run', async () => {
    const dir = tempDir();
    const full = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }], metrics: ['psnr', 'ssim'] },
      { toolchain, tmpDir: dir },
    );
    const part = await scoreRun(
      {
        reference: { path: ref },
        distorted: [{ path: crf35 }],
        metrics: ['psnr', 'ssim'],
        startSeconds: 0.5,
        frames: 10,
      },
      { toolchain, tmpDir: dir },
    );
    const p = part.results[0]!;
    expect(p.frames).toBe(10);
    expect(p.alignment.startFrame).toBe(12);
    for (const k of ['psnrY', 'psnr', 'ssimY', 'ssim'] as const) {
      expectSame(p.perFrame[k], full.results[0]!.perFrame[k]!.slice(12, 22), `range ${k}`);
    }
  });
});

describe('several distorted videos against one reference: one process, the same numbers', () => {
  it('equals separate runs for every series, and the reference is decoded once', async () => {
    const dir = tempDir();
    const together = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }, { path: small }] },
      { toolchain, tmpDir: dir },
    );
    const alone: ScoreRunResult[] = [];
    for (const d of [crf35, small]) {
      alone.push(
        await scoreRun(
          { reference: { path: ref }, distorted: [{ path: d }] },
          { toolchain, tmpDir: dir },
        ),
      );
    }
    const keys: ScoreSeries[] = ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim', 'msSsim'];
    together.results.forEach((r, i) => {
      expect(r.distorted).toBe([crf35, small][i]);
      for (const k of keys)
        expect(r.perFrame[k], `${i} ${k}`).toEqual(alone[i]!.results[0]!.perFrame[k]);
      expect(r.libvmafFeatures).toEqual(alone[i]!.results[0]!.libvmafFeatures);
    });
    // libvmaf 1.x crashes with several libvmaf filters in one process: one process per video.
    const { processes } = await planScoreProcesses(
      { reference: { path: ref }, distorted: [{ path: crf35 }, { path: small }] },
      { toolchain, tmpDir: dir },
    );
    expect(processes).toHaveLength(2);
    // Each video ran in its own process: one distorted input plus the reference.
    for (const r of together.results) expect(r.command.filter((a) => a === '-i')).toHaveLength(2);
  });

  it('PSNR/SSIM runs decode the reference once for every distorted video', async () => {
    const dir = tempDir();
    const req = {
      reference: { path: ref },
      distorted: [{ path: crf35 }, { path: small }],
      metrics: ['psnr', 'ssim'] as ScoreMetric[],
    };
    const { processes } = await planScoreProcesses(req, { toolchain, tmpDir: dir });
    expect(processes).toHaveLength(1);
    const together = await scoreRun(req, { toolchain, tmpDir: dir });
    // One -i of the reference (the last input), read by the graph of each pair.
    const cmd = together.command;
    expect(cmd.filter((a) => a === '-i')).toHaveLength(3);
    const graphs = cmd.filter((_, i) => cmd[i - 1] === '-filter_complex');
    expect(graphs).toHaveLength(2);
    for (const g of graphs) expect(g).toMatch(/^\[2:0\]settb=AVTB/);
    for (const [i, d] of [crf35, small].entries()) {
      const alone = await scoreRun(
        { ...req, distorted: [{ path: d }] },
        { toolchain, tmpDir: dir },
      );
      expect(together.results[i]!.perFrame.psnrY).toEqual(alone.results[0]!.perFrame.psnrY);
      expect(together.results[i]!.perFrame.ssim).toEqual(alone.results[0]!.perFrame.ssim);
    }
  });
});

describe('without libvmaf (Debian ffmpeg 5.1): PSNR/SSIM equal its hand-written command', () => {
  it('psnr and ssim per frame; VMAF and MS-SSIM unavailable with the doctor hint', async () => {
    const dir = tempDir();
    const tc = noLibvmafToolchain(path.join(dir, 'cache'));
    const debian = requiredTool('ffmpeg');
    const report = await tc.report();
    expect(report.selected.score).toBe(debian);
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: small }] },
      { toolchain: tc, tmpDir: dir },
    );
    const r = run.results[0]!;
    expect(run.ffmpeg).toMatchObject({ path: debian, libvmafApi: null });
    expect(r.perFrame.vmaf).toBeUndefined();
    expect(r.unavailable.map((u) => u.metric)).toEqual(['vmaf', 'ms_ssim']);
    expect(r.unavailable[0]!.hint).toContain('@ffmpeg-installer/ffmpeg');
    const p = path.join(dir, 'p.log');
    const s = path.join(dir, 's.log');
    const legs =
      '[0:v]scale=640:360:flags=bicubic,settb=AVTB,setpts=PTS-STARTPTS[d];[1:v]settb=AVTB,setpts=PTS-STARTPTS[r];';
    const inputs = ['-r', '24', '-i', small, '-r', '24', '-i', ref];
    ffmpeg([...inputs, '-lavfi', `${legs}[d][r]psnr=stats_file=${p}`, '-f', 'null', '-'], debian);
    ffmpeg([...inputs, '-lavfi', `${legs}[d][r]ssim=stats_file=${s}`, '-f', 'null', '-'], debian);
    expectSame(
      r.perFrame.psnrY,
      parsePsnrStats(readText(p)).map((l) => l.psnrY),
      'psnrY',
    );
    expectSame(
      r.perFrame.psnr,
      parsePsnrStats(readText(p)).map((l) => l.psnrAvg),
      'psnr',
    );
    expectSame(
      r.perFrame.ssimY,
      parseSsimStats(readText(s)).map((l) => l.ssimY),
      'ssimY',
    );
    expectSame(
      r.perFrame.ssim,
      parseSsimStats(readText(s)).map((l) => l.ssimAll),
      'ssim',
    );
  });
});

describe('why frames are paired by position (-r) and not by timestamps alone', () => {
  it('pairing an MKV (millisecond timestamps) by timestamps compares wrong frames', async () => {
    // The same hand-written command without -r: framesync pairs distorted frame n (MP4,
    // t = n/24 exactly) with the latest reference frame not after it (MKV, t rounded to ms).
    const dir = tempDir();
    const p = path.join(dir, 'p.log');
    ffmpeg(
      [
        '-i',
        crf35,
        '-i',
        ref,
        '-lavfi',
        '[0:v]settb=AVTB,setpts=PTS-STARTPTS[d];[1:v]settb=AVTB,setpts=PTS-STARTPTS[r];' +
          `[d][r]psnr=stats_file=${p}`,
        '-f',
        'null',
        '-',
      ],
      build.path,
    );
    const byTime = parsePsnrStats(readText(p)).map((l) => l.psnrY);
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: crf35 }], metrics: ['psnr'] },
      { toolchain, tmpDir: dir },
    );
    const byPosition = run.results[0]!.perFrame.psnrY!;
    const mispaired = byTime.filter((v, i) => byPosition[i]! - v > 5).length;
    expect(mispaired).toBeGreaterThan(5);
    // Ours is uniformly good: no frame compared against its neighbour.
    expect(Math.min(...byPosition)).toBeGreaterThan(Math.min(...byTime) + 5);
  });
});
