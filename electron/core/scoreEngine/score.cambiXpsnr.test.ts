// CAMBI and XPSNR (issue 12), for real, on FFmpeg 7.1.5 + libvmaf 3.2.0 from ../shared/toolchain
// (sharedVmaf3Build, chosen with VQ_FFMPEG/VQ_FFPROBE) and on the FFmpeg 4.1 + libvmaf 1.3.7 npm
// build. CAMBI equals libvmaf's own `vmaf` tool on y4m of the same frames (1e-4 per frame); XPSNR
// equals the xpsnr filter's own stats on the unmodified pair, exactly, per frame, also trimmed,
// subsampled, 10-bit and at 30000/1001. FAILS (never skips) when a build is missing.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { DistortedScore, ScoreMetric } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import { probeFile } from '../probe';
import { parseXpsnrStats, type XpsnrStatsLine } from './logs';
import { planScore } from './plan';
import { scoreRun } from './run';
import {
  ffmpeg,
  machineToolchain,
  makeDistorted,
  makeReference,
  readText,
  requireLibvmafBuild,
  scoreEnv,
} from '../../testing/scoreFixtures';
import { logSeries, runVmaf3, vmafToolLog } from '../../testing/vmafTool';

const tempDir = useTempDirs('vq-score-cx-');
let b: Vmaf3Build;
let toolchain: Toolchain;
let media: string;
/** 352x288, 25 fps, 25 frames: lossless reference and an x264 CRF 35 encode of it. */
let ref: string;
let dist: string;
const savedLdPath = process.env.LD_LIBRARY_PATH;

beforeAll(() => {
  b = sharedVmaf3Build();
  // Probes and scoring runs spawn with process.env: give them the library path the build needs.
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-cx-media-'));
  toolchain = new Toolchain({
    cacheDir: path.join(media, 'cache'),
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
  ref = makeReference(media, { width: 352, height: 288, fps: 25, seconds: 1 });
  dist = makeDistorted(media, ref, { crf: 35 });
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

async function score(
  reference: string,
  distorted: string,
  metrics: ScoreMetric[],
  extra: { startSeconds?: number; frames?: number; subsample?: number } = {},
): Promise<DistortedScore> {
  const run = await scoreRun(
    {
      reference: { path: reference },
      distorted: [{ path: distorted }],
      metrics,
      threads: 2,
      ...extra,
    },
    { toolchain, tmpDir: tempDir() },
  );
  return run.results[0]!;
}

/**
 * The xpsnr filter's own stats: the documented command, reference first ("the first input is
 * considered a (usually not distorted) reference source", ffmpeg-filters(1) xpsnr). `legs`
 * filters both inputs the same way before the filter (empty: the unmodified pair).
 */
function xpsnrFilter(reference: string, distorted: string, legs = ''): XpsnrStatsLine[] {
  const log = path.join(tempDir(), 'xpsnr.log');
  const graph = legs
    ? `[0:v]${legs}[r];[1:v]${legs}[d];[r][d]xpsnr=stats_file=${log}`
    : `[0:v][1:v]xpsnr=stats_file=${log}`;
  runVmaf3(b, b.ffmpeg, [
    ...['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', '-i', reference, '-i', distorted],
    ...['-lavfi', graph, '-f', 'null', '-'],
  ]);
  return parseXpsnrStats(readText(log));
}

/** Our three XPSNR series equal the filter's lines, exactly. */
function expectXpsnr(r: DistortedScore, lines: readonly XpsnrStatsLine[]): void {
  expect(lines.length).toBeGreaterThan(0);
  expect(r.perFrame.xpsnr).toEqual(lines.map((l) => l.y));
  expect(r.perFrame.xpsnrU).toEqual(lines.map((l) => l.u));
  expect(r.perFrame.xpsnrV).toEqual(lines.map((l) => l.v));
  expect(r.frames).toBe(lines.length);
}

describe("CAMBI equals libvmaf's own vmaf tool on y4m of the same frames (1e-4 per frame)", () => {
  it('with VMAF and MS-SSIM in one libvmaf filter (features joined with "|")', async () => {
    const r = await score(ref, dist, ['vmaf', 'ms_ssim', 'cambi']);
    expect(r.command.join(' ')).toContain('feature=name=float_ms_ssim|name=cambi:');
    const tool = vmafToolLog(b, {
      reference: ref,
      distorted: dist,
      dir: tempDir(),
      width: 352,
      height: 288,
      args: ['-m', 'version=vmaf_v0.6.1', '--feature', 'float_ms_ssim', '--feature', 'cambi'],
    });
    const want = logSeries(tool, 'cambi');
    expect(r.perFrame.cambi).toHaveLength(25);
    r.perFrame.cambi!.forEach((v, i) => expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-4));
    // A banding index, not a constant: this encode bands somewhat on testsrc2's gradients.
    expect(Math.max(...r.perFrame.cambi!)).toBeGreaterThan(0);
    const vmaf = logSeries(tool, 'vmaf');
    r.perFrame.vmaf!.forEach((v, i) => expect(Math.abs(v - vmaf[i]!)).toBeLessThanOrEqual(1e-4));
    // CAMBI is a series, not an elementary feature; pooled like the others.
    expect(r.libvmafFeatures.cambi).toBeUndefined();
    expect(r.metrics.cambi!.count).toBe(25);
    expect(r.metrics.cambi!.below).toBeNull();
  });

  it('with a VMAF v1 model: its own cambi_hrs_… inputs stay features, `cambi` is the series', async () => {
    const run = await scoreRun(
      {
        reference: { path: ref },
        distorted: [{ path: dist }],
        metrics: ['vmaf', 'cambi'],
        model: { name: 'vmaf_v1.0.16_3d0h' },
        threads: 2,
      },
      { toolchain, tmpDir: tempDir() },
    );
    const r = run.results[0]!;
    const own = Object.keys(r.libvmafFeatures).filter((k) => k.startsWith('cambi'));
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((k) => k.startsWith('cambi_hrs'))).toBe(true);
    // The same CAMBI as beside the default model: the series does not depend on the model.
    const plain = await score(ref, dist, ['cambi']);
    expect(r.perFrame.cambi!.length).toBeGreaterThan(0);
    expect(r.perFrame.cambi).toEqual(plain.perFrame.cambi);
  });

  it('CAMBI alone: libvmaf runs for it, VMAF and MS-SSIM are not reported', async () => {
    const r = await score(ref, dist, ['cambi']);
    expect(Object.keys(r.perFrame)).toEqual(['cambi']);
    expect(r.command.join(' ')).toContain('feature=name=cambi:');
  });
});

describe("XPSNR equals the xpsnr filter's own stats file, exactly, per frame", () => {
  it("a plain pair (and the reference is the filter's first input)", async () => {
    const r = await score(ref, dist, ['xpsnr']);
    expectXpsnr(r, xpsnrFilter(ref, dist));
    expect(r.frameNumbers).toEqual([...Array(25).keys()]);
    // The other order weights the error by the distorted video's activity: another number.
    const swapped = xpsnrFilter(dist, ref);
    expect(swapped.map((l) => l.y)).not.toEqual(r.perFrame.xpsnr);
    expect(r.command.join(' ')).toMatch(/\[r0xf\]\[d0xf\]xpsnr=/);
  });

  it('identical frames: the filter prints inf, the mean is infinite, a note says why', async () => {
    const r = await score(ref, ref, ['xpsnr']);
    expectXpsnr(r, xpsnrFilter(ref, ref));
    expect(r.perFrame.xpsnr!.every((v) => v === Infinity)).toBe(true);
    expect(r.metrics.xpsnr!.mean).toBe(Infinity);
    expect(r.warnings.map((w) => w.id)).toEqual(['xpsnr-infinite']);
  });

  it('--start/--frames: the filter on the same range cut by hand (trim keeps the rate)', async () => {
    const r = await score(ref, dist, ['xpsnr'], { startSeconds: 0.2, frames: 10 });
    expectXpsnr(r, xpsnrFilter(ref, dist, 'trim=start_frame=5:end_frame=15'));
  });

  it('subsample 2: every 2nd frame of the full run, not XPSNR of every 2nd frame', async () => {
    const r = await score(ref, dist, ['xpsnr'], { subsample: 2 });
    const full = xpsnrFilter(ref, dist);
    expectXpsnr(
      r,
      full.filter((_, i) => i % 2 === 0),
    );
    expect(r.frameNumbers).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24]);
    // A select before the filter would break its temporal term: the numbers would differ.
    expect(xpsnrFilter(ref, dist, 'select=not(mod(n\\,2))').map((l) => l.y)).not.toEqual(
      r.perFrame.xpsnr,
    );
  });

  it('a 10-bit pair', async () => {
    const dir = tempDir();
    const ref10 = path.join(dir, 'ref10.mkv');
    const dist10 = path.join(dir, 'dist10.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=352x288:r=25:d=0.4'],
      ...['-c:v', 'ffv1', '-pix_fmt', 'yuv420p10le', ref10],
    ]);
    ffmpeg(['-i', ref10, '-c:v', 'libx264', '-crf', '35', '-pix_fmt', 'yuv420p10le', dist10]);
    const r = await score(ref10, dist10, ['xpsnr', 'psnr']);
    expect(r.alignment.pixFmt).toBe('yuv420p10le');
    expectXpsnr(r, xpsnrFilter(ref10, dist10));
  });

  it('an NTSC-rate pair (30000/1001)', async () => {
    const dir = tempDir();
    // MP4 for both: Matroska's millisecond timestamps would make the plain command pair frames
    // by rounded times (graph.ts), and at 30000/1001 that pairs some frames wrongly.
    const ntsc = path.join(dir, 'ntsc.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=30000/1001:d=0.7'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', ntsc],
    ]);
    const ntscDist = makeDistorted(dir, ntsc, { crf: 35 });
    const r = await score(ntsc, ntscDist, ['xpsnr']);
    expect(r.alignment.frameRate).toBe('30000/1001');
    expect(r.command.join(' ')).toContain('fps=30000/1001');
    expectXpsnr(r, xpsnrFilter(ntsc, ntscDist));
  });
});

describe('every metric in one run covers the same frames', () => {
  it('subsample 2 with a frame range: VMAF, PSNR, SSIM, MS-SSIM, CAMBI and XPSNR agree', async () => {
    const r = await score(ref, dist, ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi', 'xpsnr'], {
      startSeconds: 0.12,
      frames: 19,
      subsample: 2,
    });
    expect(r.frames).toBe(10);
    expect(r.frameNumbers).toEqual([0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
    for (const s of ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim', 'msSsim', 'cambi'] as const)
      expect(r.perFrame[s], s).toHaveLength(10);
    expectXpsnr(
      r,
      xpsnrFilter(ref, dist, 'trim=start_frame=3:end_frame=22').filter((_, i) => i % 2 === 0),
    );
    expect(r.warnings.map((w) => w.id)).toEqual([]);
  });
});

describe('CAMBI below the size libvmaf 3.2 takes is skipped with a note', () => {
  /** The hand-written libvmaf command with CAMBI on a generated pair of this size. */
  function cambiByHand(width: number, height: number): void {
    // Scaled to the size: testsrc2 itself rounds odd sizes down to even ones.
    const src = `testsrc2=s=320x240:r=25:d=0.08,scale=${width}:${height},format=yuv420p`;
    runVmaf3(b, b.ffmpeg, [
      ...['-hide_banner', '-loglevel', 'error', '-nostdin'],
      ...['-f', 'lavfi', '-i', src, '-f', 'lavfi', '-i', src],
      ...['-lavfi', '[0:v][1:v]libvmaf=model=version=vmaf_v0.6.1:feature=name=cambi'],
      ...['-f', 'null', '-'],
    ]);
  }

  it('160x120: the hand-written command fails; vq skips CAMBI and computes the rest', async () => {
    expect(() => cambiByHand(160, 120)).toThrow(/vmaf_read_pictures/);
    const dir = tempDir();
    const small = makeReference(dir, { width: 160, height: 120, fps: 25, seconds: 0.2 });
    const smallDist = makeDistorted(dir, small, { crf: 35 });
    const r = await score(small, smallDist, ['cambi', 'psnr', 'xpsnr']);
    expect(r.perFrame.cambi).toBeUndefined();
    expect(r.perFrame.psnr).toHaveLength(5);
    expectXpsnr(r, xpsnrFilter(small, smallDist));
    const note = r.warnings.find((w) => w.id === 'cambi-skipped')!;
    expect(note.message).toContain('216');
    expect(note.message).toContain('160x120');
    expect(r.command.join(' ')).not.toContain('libvmaf');
  });

  it('216 pixels on the longer side is enough: 216x162 runs by hand and in vq', async () => {
    cambiByHand(216, 162);
    cambiByHand(121, 216);
    expect(() => cambiByHand(215, 215)).toThrow(/vmaf_read_pictures/);
    const dir = tempDir();
    const edge = makeReference(dir, { width: 216, height: 162, fps: 25, seconds: 0.12 });
    const r = await score(edge, makeDistorted(dir, edge, { crf: 35 }), ['cambi']);
    expect(r.perFrame.cambi).toHaveLength(3);
  });

  it("a picture too flat for CAMBI's window: libvmaf crashes by hand, vq skips it", async () => {
    // 1280x96: the window is 15 pixels, the smallest of the five scales 80x6.
    expect(() => cambiByHand(1280, 96)).toThrow();
    cambiByHand(1280, 112);
    const dir = tempDir();
    const flat = makeReference(dir, { width: 1280, height: 96, fps: 25, seconds: 0.08 });
    const r = await score(flat, flat, ['cambi', 'ssim']);
    expect(r.perFrame.ssim).toHaveLength(2);
    expect(r.warnings.find((w) => w.id === 'cambi-skipped')!.message).toContain('window');
    // Only skipped metrics asked for: refused, saying why.
    await expect(score(flat, flat, ['cambi'])).rejects.toThrow(/CAMBI was skipped/);
  });
});

describe('a request naming no metrics', () => {
  it('computes the four defaults, not CAMBI or XPSNR, even where the build has them', async () => {
    const plan = await planScore(
      { reference: { path: ref }, distorted: [{ path: dist }] },
      { toolchain, tmpDir: tempDir() },
    );
    expect(plan.metrics).toEqual(['vmaf', 'psnr', 'ssim', 'ms_ssim']);
    expect(plan.computed).toMatchObject({ cambi: false, xpsnr: false });
    expect(plan.command.join(' ')).not.toMatch(/xpsnr|cambi/);
  });
});

describe('XPSNR needs a known frame rate', () => {
  it('a video whose rate the probe could not read: XPSNR unavailable, the rest planned', async () => {
    // The probe of a real file with its rates cleared: no real container lacks them all here.
    const probed = await probeFile(ref, { ffprobe: b.ffprobe });
    const noRate = {
      ...probed,
      video: { ...probed.video, rFrameRate: null, avgFrameRate: null, frameRate: null },
    };
    const plan = await planScore(
      {
        reference: { path: ref, media: noRate },
        distorted: [{ path: dist }],
        metrics: ['xpsnr', 'psnr'],
      },
      { toolchain, tmpDir: tempDir() },
    );
    expect(plan.computed).toMatchObject({ xpsnr: false, psnr: true });
    expect(plan.unavailable).toEqual([
      expect.objectContaining({ metric: 'xpsnr', reason: expect.stringContaining('frame rate') }),
    ]);
    expect(plan.command.join(' ')).not.toContain('xpsnr');
  });
});

describe('on FFmpeg 4.1 + libvmaf 1.3.7 (the npm build)', () => {
  it('CAMBI and XPSNR are unavailable with reasons; the other metrics still compute', async () => {
    const dir = tempDir();
    const tc = machineToolchain(path.join(dir, 'cache'));
    const build = requireLibvmafBuild(await tc.report());
    expect(build.libvmaf!.api).toBe(1);
    const run = await scoreRun(
      {
        reference: { path: ref },
        distorted: [{ path: dist }],
        metrics: ['vmaf', 'cambi', 'psnr', 'xpsnr'],
      },
      { toolchain: tc, tmpDir: dir },
    );
    const r = run.results[0]!;
    expect(Object.keys(r.perFrame).sort()).toEqual(['psnr', 'psnrY', 'vmaf']);
    expect(r.perFrame.vmaf).toHaveLength(25);
    expect(r.unavailable.map((u) => u.metric)).toEqual(['cambi', 'xpsnr']);
    expect(r.unavailable[0]!.reason).toMatch(/CAMBI needs libvmaf 2 or later.*1\.x/);
    expect(r.unavailable[1]!.reason).toMatch(/XPSNR needs FFmpeg 7\.1.*no xpsnr filter/);
    for (const u of r.unavailable) expect(u.hint).toContain('FFmpeg 8.1 or later with libvmaf 3.2');
  });

  it('asking only for CAMBI and XPSNR is refused with both reasons', async () => {
    const dir = tempDir();
    const e = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: dist }], metrics: ['cambi', 'xpsnr'] },
      { toolchain: machineToolchain(path.join(dir, 'cache')), tmpDir: dir },
    ).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VqError);
    expect((e as VqError).code).toBe('UNSUPPORTED');
    expect((e as VqError).message).toMatch(/CAMBI needs.*XPSNR needs/);
  });
});
