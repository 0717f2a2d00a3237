// Four renditions against one reference in one request equal four separate runs frame by frame,
// on FFmpeg 7.1.5 + libvmaf 3.2 (every metric in one process: a filtergraph per rendition, the
// reference decoded once) and on the machine's FFmpeg 4.1 + libvmaf 1.3.7 (VMAF in a process per
// rendition, PSNR/SSIM in one). Real ffmpeg; FAILS (never skips) without either build.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScoreMetric, ScoreRunResult } from '../../../shared/score';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { Toolchain } from '../toolchain';
import { libvmafThreads } from './plan';
import { planScoreProcesses, scoreRun } from './run';
import {
  machineToolchain,
  makeDistorted,
  makeReference,
  requireLibvmafBuild,
  scoreEnv,
} from '../../testing/scoreFixtures';

const tempDir = useTempDirs('vq-score-4r-');
const FRAMES = 48; // 2 s at 24 fps
let b: Vmaf3Build;
let media: string; // kept for the whole file (useTempDirs cleans after each test)
let ref: string;
let renditions: string[];
const savedLdPath = process.env.LD_LIBRARY_PATH;

beforeAll(() => {
  b = sharedVmaf3Build();
  // Probes and scoring runs spawn with process.env: give them the library path the build needs.
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-score-4r-media-'));
  ref = makeReference(media, { width: 640, height: 360, fps: 24, seconds: 2 });
  renditions = [
    makeDistorted(media, ref, { crf: 35 }),
    makeDistorted(media, ref, { crf: 30, width: 480, height: 270 }),
    makeDistorted(media, ref, { crf: 28, width: 320, height: 180 }),
    makeDistorted(media, ref, { crf: 40 }),
  ];
});

afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

/** The -filter_complex graphs of a command. */
const graphsOf = (cmd: readonly string[]): string[] =>
  cmd.flatMap((a, i) => (cmd[i - 1] === '-filter_complex' ? [a] : []));

/**
 * Frames ffmpeg decoded per input when the exact command runs again at `-loglevel verbose` (its
 * closing "Input stream #k:0 (video): … N frames decoded" lines).
 */
function decodedFrames(cmd: readonly string[], env: NodeJS.ProcessEnv): Map<number, number> {
  const args = cmd.slice(1).map((a, i, all) => (all[i - 1] === '-loglevel' ? 'verbose' : a));
  const r = spawnSync(cmd[0]!, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  expect(r.status, r.stderr.slice(-2000)).toBe(0);
  const decoded = new Map<number, number>();
  for (const m of r.stderr.matchAll(
    /Input stream #(\d+):\d+ \(video\): \d+ packets read \(\d+ bytes\); (\d+) frames decoded/g,
  )) {
    decoded.set(Number(m[1]), Number(m[2]));
  }
  return decoded;
}

/** Scores each rendition alone and expects the request's results to equal them, every series. */
async function expectEqualToSingleRuns(
  together: ScoreRunResult,
  req: { metrics: ScoreMetric[] },
  toolchain: Toolchain,
): Promise<void> {
  expect(together.results.map((r) => r.distorted)).toEqual(renditions);
  for (const [i, d] of renditions.entries()) {
    const alone = await scoreRun(
      { ...req, reference: { path: ref }, distorted: [{ path: d }] },
      { toolchain, tmpDir: tempDir() },
    );
    const mine = together.results[i]!;
    const theirs = alone.results[0]!;
    expect(mine.frames, d).toBe(FRAMES);
    expect(Object.keys(mine.perFrame).sort(), d).toEqual(Object.keys(theirs.perFrame).sort());
    expect(mine.perFrame, d).toEqual(theirs.perFrame);
    expect(mine.libvmafFeatures, d).toEqual(theirs.libvmafFeatures);
  }
}

describe('four renditions on FFmpeg 7.1 + libvmaf 3.2: one process, a graph each', () => {
  it('reads the reference once, shares the cores, and equals four single runs', async () => {
    const toolchain = new Toolchain({
      cacheDir: path.join(tempDir(), 'cache'),
      env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
    });
    const metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim', 'ms_ssim', 'cambi', 'xpsnr'];
    const req = {
      reference: { path: ref },
      distorted: renditions.map((p) => ({ path: p })),
      metrics,
    };
    const { processes } = await planScoreProcesses(req, { toolchain, tmpDir: tempDir() });
    expect(processes).toHaveLength(1);
    const logDir = tempDir();
    const together = await scoreRun(req, { toolchain, logDir });
    const cmd = together.command;
    expect(cmd.filter((a) => a === '-i')).toHaveLength(5);
    const threads = libvmafThreads(os.availableParallelism(), 4, 7);
    graphsOf(cmd).forEach((g, i) => {
      // Each graph reads the reference input (4) and its rendition (i) itself.
      expect(g.startsWith('[4:0]settb=AVTB'), g).toBe(true);
      expect(g).toContain(`[${i}:0]settb=AVTB`);
      expect(g.match(/libvmaf=/g)).toHaveLength(1);
      expect(g).toContain(`:n_threads=${threads}:`);
    });
    expect(graphsOf(cmd)).toHaveLength(4);
    // ffmpeg decodes the reference once and feeds it to the four graphs.
    const decoded = decodedFrames(cmd, b.env);
    expect([...decoded.values()]).toEqual([FRAMES, FRAMES, FRAMES, FRAMES, FRAMES]);
    await expectEqualToSingleRuns(together, req, toolchain);
  });
});

describe('four renditions on FFmpeg 4.1 + libvmaf 1.3.7', () => {
  it('VMAF: a process per rendition (1.x crashes with several), all cores each; equal to single runs', async () => {
    const toolchain = machineToolchain(path.join(tempDir(), 'cache'));
    const build = requireLibvmafBuild(await toolchain.report());
    expect(build.libvmaf?.api).toBe(1);
    const metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim'];
    const req = {
      reference: { path: ref },
      distorted: renditions.map((p) => ({ path: p })),
      metrics,
    };
    const { plan, processes } = await planScoreProcesses(req, { toolchain, tmpDir: tempDir() });
    expect(processes).toHaveLength(4);
    const cores = os.availableParallelism();
    for (const p of [plan, ...processes]) {
      expect(p.threads).toBe(cores);
      for (const g of graphsOf(p.command)) expect(g).toContain(`:n_threads=${cores}:`);
    }
    const together = await scoreRun(req, { toolchain, tmpDir: tempDir() });
    await expectEqualToSingleRuns(together, req, toolchain);
  });

  it('PSNR/SSIM: one process, a graph each, the reference decoded once; equal to single runs', async () => {
    const toolchain = machineToolchain(path.join(tempDir(), 'cache'));
    const metrics: ScoreMetric[] = ['psnr', 'ssim'];
    const req = {
      reference: { path: ref },
      distorted: renditions.map((p) => ({ path: p })),
      metrics,
    };
    const { processes } = await planScoreProcesses(req, { toolchain, tmpDir: tempDir() });
    expect(processes).toHaveLength(1);
    const together = await scoreRun(req, { toolchain, logDir: tempDir() });
    const graphs = graphsOf(together.command);
    expect(graphs).toHaveLength(4);
    for (const g of graphs) expect(g.startsWith('[4:0]settb=AVTB'), g).toBe(true);
    expect([...decodedFrames(together.command, process.env).values()]).toEqual([
      FRAMES,
      FRAMES,
      FRAMES,
      FRAMES,
      FRAMES,
    ]);
    await expectEqualToSingleRuns(together, req, toolchain);
  });
});
