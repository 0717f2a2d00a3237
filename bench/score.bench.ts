/**
 * Scoring benchmarks (issue 4). Standalone: `node --import tsx bench/score.bench.ts`, or call
 * {@link runScoreBenchmarks} from bench/run.ts. Needs the libvmaf build (npm @ffmpeg-installer)
 * and the models (VQ_VMAF_MODEL_DIR, default ../shared/vmaf-models); sources are generated with
 * the PATH ffmpeg (x264). Figures, never assertions:
 *
 *   1. overhead: `scoreRun` (probe both files, pre-flight, plan, run, parse, pool) against the very
 *      same ffmpeg command run by hand — 1080p, 10 s, VMAF + PSNR + SSIM; goal ≤ 1.03×.
 *   2. decode once: four renditions against one reference in one process (reference decoded
 *      once, one filtergraph per rendition reading it) against four processes one after another.
 *   3. libvmaf threads: n_threads=1 against all cores.
 *
 * Runs per variant: VQ_BENCH_SCORE_RUNS (default 3) after one warm-up run of each, alternating
 * variants so that a change in machine load hits them alike; the median wall time and the median
 * CPU time (this process and its ffmpeg/ffprobe children, Linux only) are printed. On a shared
 * machine wall times swing by tens of percent while CPU times hold within a few, so both ratios
 * are shown. VQ_BENCH_SCORE_RENDITION_SECONDS (default 1) sets the length of benchmark 2's
 * reference: at 1 s the per-process start-up is a large share, so that ratio flatters one
 * process against what a title of minutes sees. About 7 minutes on a 2-core machine.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ScoreMetric } from '../shared/score';
import { executeScorePlan, planScore, scoreRun } from '../electron/core/scoreEngine';
import { makeDistorted, makeReference } from '../electron/testing/scoreFixtures';
import { Toolchain } from '../electron/core/toolchain';

const RUNS = Number(process.env.VQ_BENCH_SCORE_RUNS ?? 3);
const RENDITION_SECONDS = Number(process.env.VQ_BENCH_SCORE_RENDITION_SECONDS ?? 1);
if (!Number.isInteger(RENDITION_SECONDS) || RENDITION_SECONDS < 1) {
  throw new Error(
    `VQ_BENCH_SCORE_RENDITION_SECONDS=${process.env.VQ_BENCH_SCORE_RENDITION_SECONDS}: give whole seconds, 1 or more`,
  );
}

/** Clock ticks per second of /proc's CPU times (getconf CLK_TCK; 100 where it cannot be read). */
const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds used so far by this process and its finished children (ffmpeg, ffprobe), or null
 * off Linux. Children count once reaped, which every run here waits for.
 */
function cpuSeconds(): number | null {
  let stat: string;
  try {
    stat = fs.readFileSync('/proc/self/stat', 'utf8');
  } catch {
    return null;
  }
  // Fields after the command name (which may hold spaces) start at field 3 (state).
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const children = (Number(f[13]) + Number(f[14])) / CLOCK_TICKS; // cutime, cstime
  const self = process.cpuUsage();
  return children + (self.user + self.system) / 1e6;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Seconds of one run: wall clock, and CPU (null off Linux). */
interface Timing {
  wall: number;
  cpu: number | null;
}

async function timed(fn: () => Promise<unknown>): Promise<Timing> {
  const c0 = cpuSeconds();
  const t0 = performance.now();
  await fn();
  const wall = (performance.now() - t0) / 1000;
  const c1 = cpuSeconds();
  return { wall, cpu: c0 === null || c1 === null ? null : c1 - c0 };
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

/** Alternates the variants `runs` times after one warm-up of each; each one's median seconds. */
async function alternate(
  variants: Record<string, () => Promise<unknown>>,
  runs = RUNS,
): Promise<Record<string, Timing>> {
  // Warm-up: page cache, JIT and the first libvmaf model load are not what is compared.
  for (const fn of Object.values(variants)) await fn();
  const times: Record<string, Timing[]> = Object.fromEntries(
    Object.keys(variants).map((k) => [k, []]),
  );
  for (let i = 0; i < runs; i++) {
    for (const [name, fn] of Object.entries(variants)) times[name]!.push(await timed(fn));
  }
  return Object.fromEntries(
    Object.entries(times).map(([k, v]) => {
      const cpu = v.map((t) => t.cpu);
      return [
        k,
        {
          wall: median(v.map((t) => t.wall)),
          cpu: cpu.every((c) => c !== null) ? median(cpu as number[]) : null,
        },
      ];
    }),
  );
}

function line(label: string, t: Timing): string {
  const cpu = t.cpu === null ? '' : `  cpu ${t.cpu.toFixed(2).padStart(7)} s`;
  return `  ${label.padEnd(58)} ${t.wall.toFixed(2).padStart(8)} s${cpu}`;
}

/** "ratio 0.812x wall, 0.845x cpu" of a against b. */
function ratio(label: string, a: Timing, b: Timing): string {
  const cpu = a.cpu !== null && b.cpu !== null ? `, ${(a.cpu / b.cpu).toFixed(3)}x cpu` : '';
  return `  ${label} ${(a.wall / b.wall).toFixed(3)}x wall${cpu}`;
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
        `median of ${RUNS} alternating runs after a warm-up`,
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
      seconds: RENDITION_SECONDS,
      name: `ref-1080p-${RENDITION_SECONDS}s.mkv`,
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
    console.log(`${ratio('ratio', t1.vq!, t1.hand!)} (goal <= 1.03)`);

    // 2. Four renditions: one process against four.
    console.log(
      `\n2. four renditions (1080p/720p/540p/360p) against one 1080p ${RENDITION_SECONDS} s reference:`,
    );
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
      console.log(ratio('ratio one/four', t2.one!, t2.four!));
    }

    // 3. libvmaf threads.
    console.log(
      `\n3. libvmaf n_threads, VMAF only, 1080p ${RENDITION_SECONDS} s reference vs its 720p rendition:`,
    );
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
    console.log(`  speed-up ${(t3.one!.wall / t3.all!.wall).toFixed(2)}x wall`);
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
