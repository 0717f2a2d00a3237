/**
 * Scoring benchmarks (issue 4). Standalone: `node --import tsx bench/score.bench.ts`, or call
 * {@link runScoreBenchmarks} from bench/run.ts. Needs the libvmaf build (npm @ffmpeg-installer)
 * and the models (VQ_VMAF_MODEL_DIR, default ../shared/vmaf-models); sources are generated with
 * the PATH ffmpeg (x264). Figures, never assertions:
 *
 *   1. overhead: `scoreRun` (probe both files, pre-flight, plan, run, parse, pool) against the very
 *      same ffmpeg command run by hand — 1080p, 10 s, VMAF + PSNR + SSIM; goal ≤ 1.03×.
 *   2. decode once: four renditions against one reference in one process (reference decoded
 *      once, split) against four processes one after another.
 *   3. libvmaf threads: n_threads=1 against all cores.
 *
 * Runs per variant: VQ_BENCH_SCORE_RUNS (default 3), alternating variants so that a change in
 * machine load hits them alike; the median is printed. About 7 minutes on a 2-core machine.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScoreMetric } from '../shared/score';
import { executeScorePlan, planScore, scoreRun } from '../electron/core/score';
import { makeDistorted, makeReference } from '../electron/core/score/scoreFixtures';
import { Toolchain } from '../electron/core/toolchain';

const RUNS = Number(process.env.VQ_BENCH_SCORE_RUNS ?? 3);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return (performance.now() - t0) / 1000;
}

/** Runs a command as a person would paste it (no progress parsing, output ignored). */
function runByHand(command: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: 'ignore' });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve() : reject(new Error(`${command[0]} exited with ${code}`)),
    );
  });
}

/** Alternates the variants `runs` times and returns each one's median seconds. */
async function alternate(
  variants: Record<string, () => Promise<unknown>>,
  runs = RUNS,
): Promise<Record<string, number>> {
  const times: Record<string, number[]> = Object.fromEntries(
    Object.keys(variants).map((k) => [k, []]),
  );
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(variants)) times[name]!.push(await timed(fn));
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
}

function line(label: string, seconds: number): string {
  return `  ${label.padEnd(58)} ${seconds.toFixed(2).padStart(8)} s`;
}

/** Runs the three scoring benchmarks and prints their figures. */
export async function runScoreBenchmarks(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-score-'));
  const env = { ...process.env };
  env.VQ_VMAF_MODEL_DIR ??= path.resolve('../shared/vmaf-models');
  const toolchain = new Toolchain({ cacheDir: path.join(work, 'cache'), env });
  try {
    const report = await toolchain.report();
    const scorer = report.binaries.find((b) => b.path === report.selected.score);
    if (!scorer?.libvmaf)
      throw new Error('no ffmpeg with libvmaf: install @ffmpeg-installer/ffmpeg');
    const cores = os.availableParallelism();
    console.log(
      `score benchmarks: ${scorer.path} (ffmpeg ${scorer.version}, libvmaf api ${scorer.libvmaf.api}), ` +
        `${cores} cores, load ${os
          .loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}, ` +
        `median of ${RUNS} alternating runs`,
    );

    console.log('  generating sources (testsrc2, x264) …');
    const ref10 = makeReference(work, {
      width: 1920,
      height: 1080,
      fps: 24,
      seconds: 10,
      name: 'ref-1080p-10s.mkv',
    });
    const dist10 = makeDistorted(work, ref10, {
      crf: 30,
      width: 1280,
      height: 720,
      name: 'dist-720p.mp4',
    });
    const ref2 = makeReference(work, {
      width: 1920,
      height: 1080,
      fps: 24,
      seconds: 1,
      name: 'ref-1080p-1s.mkv',
    });
    const renditions = [
      [1920, 1080],
      [1280, 720],
      [960, 540],
      [640, 360],
    ].map(([w, h]) =>
      makeDistorted(work, ref2, { crf: 28, width: w, height: h, name: `r${h}.mp4` }),
    );
    // MS-SSIM is left out of the timed runs: libvmaf 1.3.7's MS-SSIM costs ~0.35 s per 1080p
    // frame here (5x the rest together) and would hide everything else.
    const metrics: ScoreMetric[] = ['vmaf', 'psnr', 'ssim'];

    // 1. Overhead against the same command by hand.
    const req = { reference: { path: ref10 }, distorted: [{ path: dist10 }], metrics };
    const plan = await planScore(req, { toolchain });
    console.log(`\n1. vq score vs the same command by hand (1080p 10 s, ${metrics.join('+')}):`);
    console.log(`   ${plan.command.slice(1).join(' ').slice(0, 160)} …`);
    const logDir = path.join(work, 'hand-logs');
    fs.mkdirSync(logDir);
    // The hand-written run writes to the same file names, in a folder that exists.
    const handCommand = plan.command.map((a) => a.split(plan.workDir).join(logDir));
    const t1 = await alternate({
      vq: () => scoreRun(req, { toolchain, tmpDir: work }),
      hand: () => runByHand(handCommand),
    });
    console.log(line('vq score (probe, pre-flight, run, parse, pool)', t1.vq!));
    console.log(line('hand-written ffmpeg command', t1.hand!));
    console.log(`  ratio ${(t1.vq! / t1.hand!).toFixed(3)}x (goal <= 1.03)`);

    // 2. Four renditions: one process against four.
    console.log('\n2. four renditions (1080p/720p/540p/360p) against one 1080p 1 s reference:');
    for (const m of [metrics, ['psnr', 'ssim'] as ScoreMetric[]]) {
      const all = {
        reference: { path: ref2 },
        distorted: renditions.map((p) => ({ path: p })),
        metrics: m,
      };
      const t2 = await alternate({
        one: () => scoreRun(all, { toolchain, tmpDir: work }),
        four: async () => {
          for (const d of renditions) {
            await scoreRun({ ...all, distorted: [{ path: d }] }, { toolchain, tmpDir: work });
          }
        },
      });
      // On a libvmaf 1.x build a VMAF request runs one process per video anyway (such builds crash
      // with several libvmaf filters in one process), so only the PSNR+SSIM row compares sharing.
      console.log(
        line(
          `${m.join('+')}: one request (reference decoded once where the build allows)`,
          t2.one!,
        ),
      );
      console.log(line(`${m.join('+')}: four processes, one after another`, t2.four!));
      console.log(`  ratio one/four ${(t2.one! / t2.four!).toFixed(3)}x`);
    }

    // 3. libvmaf threads.
    console.log(`\n3. libvmaf n_threads, VMAF only, 1080p 1 s reference vs its 720p rendition:`);
    const vmafOnly = {
      reference: { path: ref2 },
      distorted: [{ path: renditions[1]! }],
      metrics: ['vmaf'] as ScoreMetric[],
    };
    const p1 = await planScore({ ...vmafOnly, threads: 1 }, { toolchain, tmpDir: work });
    const pN = await planScore({ ...vmafOnly, threads: cores }, { toolchain, tmpDir: work });
    const t3 = await alternate({
      one: () => executeScorePlan(p1),
      all: () => executeScorePlan(pN),
    });
    console.log(line('n_threads=1', t3.one!));
    console.log(line(`n_threads=${cores} (default: all cores)`, t3.all!));
    console.log(`  speed-up ${(t3.one! / t3.all!).toFixed(2)}x`);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

// Standalone run; importing this module (bench/run.ts) does not start it.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  runScoreBenchmarks().catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });
}
