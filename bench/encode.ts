/**
 * Encoding benchmarks (issue 3): the queue's overhead against the same ffmpeg commands run by
 * hand, decode once against one process per rung, and concurrency 1 against 2. Each prints the
 * median of VQ_BENCH_ENCODE_RUNS runs (default 3) and the ratio.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Ladder, Rung } from '../shared/ladder';
import { createCore, type Core } from '../electron/core/core';

const RUNS = Number(process.env.VQ_BENCH_ENCODE_RUNS ?? 3);

export function rung(id: string, height: number, preset: string, crf = 23): Rung {
  return {
    id,
    width: null,
    height,
    encoder: 'libx264',
    rateControl: { mode: 'crf', crf },
    preset,
    gopSeconds: 2,
    fixedGop: true,
    pixFmt: 'yuv420p',
    fpsCap: null,
    audio: { mode: 'none' },
    container: 'mp4',
  };
}

export function ladder(id: string, rungs: Rung[]): Ladder {
  return { id, name: id, rungs };
}

export function makeSource(dir: string, width: number, height: number, seconds: number): string {
  const file = path.join(dir, `src-${height}p-${seconds}s.mp4`);
  execFileSync('ffmpeg', [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:r=30:d=${seconds}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p', file,
  ]);
  return file;
}

export interface Timing {
  /** Median wall time, seconds. */
  median: number;
  all: number[];
  /** Median CPU time (user + system) of this process and every process it waited for, seconds. */
  cpu: number;
}

/**
 * CPU seconds used so far by this process and its waited-for children (ffmpeg, `vq encode` and
 * its ffmpeg): /proc/self/stat cutime + cstime, which Linux adds up when a child is reaped. CPU
 * time hardly changes when other work shares the machine, so it backs up noisy wall times.
 */
function cpuSeconds(): number {
  const own = process.cpuUsage();
  let children: number;
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields after "(comm)": state is index 0, so cutime (field 16) and cstime (17) are 13 and 14.
    children = (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS;
  } catch {
    children = Number.NaN; // not Linux
  }
  return (own.user + own.system) / 1e6 + children;
}

/** USER_HZ: the unit of cutime/cstime; 100 on every Linux build that matters. */
const CLOCK_TICKS = 100;

/**
 * Runs each variant `RUNS` times, round-robin (a, b, c, a, b, c, …), so a change in machine load
 * during the benchmark hits every variant alike; returns the median wall and CPU time of each.
 * No warm-up run: encodes dwarf cache effects, and the source was just written.
 */
export async function compare<K extends string>(variants: Record<K, () => Promise<void> | void>): Promise<Record<K, Timing>> {
  const keys = Object.keys(variants) as K[];
  const wall = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  const cpu = Object.fromEntries(keys.map((k) => [k, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < RUNS; i++) {
    for (const k of keys) {
      const t0 = performance.now();
      const c0 = cpuSeconds();
      await variants[k]();
      wall[k].push((performance.now() - t0) / 1000);
      cpu[k].push(cpuSeconds() - c0);
    }
  }
  const out = {} as Record<K, Timing>;
  for (const k of keys) out[k] = { median: mid(wall[k]), all: wall[k], cpu: mid(cpu[k]) };
  return out;
}

function mid(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export function fmt(r: Timing): string {
  return `${r.median.toFixed(2)} s wall (runs ${r.all.map((t) => t.toFixed(2)).join(', ')}), ${r.cpu.toFixed(2)} s CPU`;
}

/** Runs a batch in-process and waits for it to finish. */
async function runBatch(core: Core, sourceId: string, l: Ladder, outDir: string, decodeOnce: boolean): Promise<void> {
  fs.rmSync(outDir, { recursive: true, force: true });
  const finished = new Set<string>();
  let wake = (): void => {};
  const off = core.events.subscribe((e) => {
    if (e.type === 'batch.finished') {
      finished.add(e.batchId);
      wake();
    }
  });
  try {
    const { batch } = await core.api['encode.start']({ sourceId, ladder: l, outDir, decodeOnce });
    await new Promise<void>((resolve) => {
      wake = () => {
        if (finished.has(batch.id)) resolve();
      };
      wake();
    });
    await core.queue.whenIdle();
    const failed = (await core.api['queue.snapshot']({})).jobs.filter((j) => j.batchId === batch.id && j.status !== 'done');
    if (failed.length) throw new Error(`bench batch failed: ${failed.map((j) => j.error).join('; ')}`);
  } finally {
    off();
  }
}

/** Runs every encode benchmark in a scratch folder that is removed afterwards. */
export async function runEncodeBenchmarks(): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-encode-'));
  const dataDir = path.join(work, 'data');
  try {
    console.log(
      `\nencode benchmarks (median of ${RUNS} runs each, variants alternating; ${os.availableParallelism()} cores, ` +
        `load average at start ${os.loadavg()[0]!.toFixed(2)})`,
    );

    // 1. Queue overhead: `vq encode` against the same commands by hand, one after another.
    const src720 = makeSource(work, 1280, 720, 10);
    const four = ladder('bench-four', [rung('720p', 720, 'slow'), rung('540p', 540, 'slow'), rung('360p', 360, 'slow'), rung('234p', 234, 'slow')]);
    const ladderFile = path.join(work, 'four.json');
    fs.writeFileSync(ladderFile, JSON.stringify(four));
    const core = createCore({ dataDir, host: { mode: 'web' }, queue: 'own' });
    let commands: string[][];
    let sourceId: string;
    try {
      const imported = await core.api['library.import']({ paths: [src720] });
      sourceId = (imported.imported[0] ?? imported.existing[0])!.id;
      const plan = await core.api['encode.plan']({ sourceId, ladder: four, decodeOnce: false, outDir: path.join(work, 'hand') });
      commands = plan.jobs.flatMap((j) => j.commands);
    } finally {
      core.close();
    }
    console.log('1. queue overhead: 4-rung x264 ladder (slow preset, 720p 10 s source, decode once off)');
    console.log(`   by hand: ${commands.length} commands from encode.plan, run one after another`);
    const t1 = await withCore(dataDir, 1, (c) =>
      compare({
        hand: () => {
          fs.rmSync(path.join(work, 'hand'), { recursive: true, force: true });
          fs.mkdirSync(path.join(work, 'hand'));
          for (const cmd of commands) execFileSync(cmd[0]!, cmd.slice(1), { stdio: 'ignore' });
        },
        cli: () => {
          fs.rmSync(path.join(work, 'cli'), { recursive: true, force: true });
          const r = spawnSync(process.execPath, ['bin/vq.mjs', 'encode', src720, '--ladder', ladderFile, '--out', path.join(work, 'cli'), '--no-decode-once'], {
            env: { ...process.env, VQ_DATA_DIR: dataDir },
            stdio: 'ignore',
          });
          if (r.status !== 0) throw new Error(`vq encode exited ${r.status}`);
        },
        inProcess: () => runBatch(c, sourceId, four, path.join(work, 'inproc'), false),
      }),
    );
    const { hand, cli, inProcess } = t1;
    console.log(`   ffmpeg by hand      ${fmt(hand)}`);
    const ratios = (t: Timing): string =>
      `ratio ${(t.median / hand.median).toFixed(3)}× wall, ${(t.cpu / hand.cpu).toFixed(3)}× CPU`;
    console.log(`   vq encode (CLI)     ${fmt(cli)}  ${ratios(cli)}`);
    console.log(`   queue in-process    ${fmt(inProcess)}  ${ratios(inProcess)}`);

    // 2. Decode once, encode many against one process per rung, from a 1080p source.
    const src1080 = makeSource(work, 1920, 1080, 8);
    const fast4 = ladder('bench-decode-once', [rung('720p', 720, 'veryfast'), rung('540p', 540, 'veryfast'), rung('360p', 360, 'veryfast'), rung('234p', 234, 'veryfast')]);
    await withCore(dataDir, 1, async (c) => {
      const imported = await c.api['library.import']({ paths: [src1080] });
      const id = (imported.imported[0] ?? imported.existing[0])!.id;
      console.log('2. decode once vs one process per rung: 4 x264 veryfast rungs (720p…234p) from a 1080p 8 s source');
      const { separate, once } = await compare({
        separate: () => runBatch(c, id, fast4, path.join(work, 'sep'), false),
        once: () => runBatch(c, id, fast4, path.join(work, 'once'), true),
      });
      console.log(`   one process per rung  ${fmt(separate)}`);
      console.log(
        `   decode once           ${fmt(once)}  ${(separate.median / once.median).toFixed(2)}× faster, ` +
          `${(separate.cpu / once.cpu).toFixed(2)}× less CPU`,
      );
    });

    // 3. Concurrency 1 against 2 for fast x264 rungs (one process per rung).
    const quick = ladder('bench-concurrency', ['720p', '540p', '432p', '360p', '288p', '234p'].map((h) => rung(h, Number(h.replace('p', '')), 'ultrafast')));
    console.log('3. concurrency: 6 x264 ultrafast rungs (720p…234p) from the 720p 10 s source, one process per rung');
    // One core per setting, both open at once, so the runs can alternate.
    const one = createCore({ dataDir, host: { mode: 'web' }, queue: 'own', concurrency: 1 });
    const two = createCore({ dataDir, host: { mode: 'web' }, queue: 'own', concurrency: 2 });
    try {
      const imported = await one.api['library.import']({ paths: [src720] });
      const id = (imported.imported[0] ?? imported.existing[0])!.id;
      const t3 = await compare({
        one: () => runBatch(one, id, quick, path.join(work, 'conc1'), false),
        two: () => runBatch(two, id, quick, path.join(work, 'conc2'), false),
      });
      console.log(`   concurrency 1  ${fmt(t3.one)}`);
      console.log(`   concurrency 2  ${fmt(t3.two)}  ${(t3.one.median / t3.two.median).toFixed(2)}× faster than 1`);
    } finally {
      one.close();
      two.close();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

async function withCore<T>(dataDir: string, concurrency: number, fn: (c: Core) => Promise<T>): Promise<T> {
  const c = createCore({ dataDir, host: { mode: 'web' }, queue: 'own', concurrency });
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
