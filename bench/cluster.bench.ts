/**
 * Shared-queue benchmarks (issue 14), all through the real `vq encode` against a redis-server
 * started here on a free loopback port and real `vq worker` processes on this machine:
 *
 * 1. scale-out: a 4-rung x264 ladder (one process per rung) with two workers × 1 thread against
 *    one worker × 1 thread; goal ≥ 1.8× throughput. On one machine both workers share its cores,
 *    so this holds only where the machine has a core per worker thread to spare.
 * 2. overhead: the same ladder through Redis with one worker against the embedded SQLite queue
 *    (`vq encode --concurrency 1`), both at each encoder's default threads; goal ≤ 1.05×.
 *
 * Worker start-up is outside the timings (workers are started and seen taking jobs first).
 * Medians of VQ_BENCH_ENCODE_RUNS runs (default 3), variants alternating.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, type TestRedis } from '../electron/testing/redis';
import { VQ_BIN, startVq } from '../electron/testing/vqProcess';
import { compare, fmt, ladder, makeSource, rung } from './encode';

/** A set of running workers, stopped with Ctrl+C (their jobs go back to the queue). */
async function startWorkers(
  redis: TestRedis,
  root: string,
  names: string[],
  args: string[],
): Promise<ChildProcess[]> {
  const children: ChildProcess[] = [];
  const started = names.map((name) =>
    startVq(
      ['worker', '--name', name, ...args],
      { ...process.env, VQ_REDIS_URL: redis.url, VQ_DATA_DIR: path.join(root, `data-${name}`) },
      children,
    ),
  );
  await Promise.all(started.map((w) => w.waitFor(/Taking jobs/)));
  return children;
}

async function stopWorkers(children: ChildProcess[]): Promise<void> {
  await Promise.all(
    children.map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGINT');
        }),
    ),
  );
}

/** `vq encode` of the ladder file into a fresh folder; throws with its output when it fails. */
function encode(
  root: string,
  source: string,
  ladderFile: string,
  env: NodeJS.ProcessEnv,
  extra: string[] = [],
): void {
  const out = path.join(root, 'out');
  fs.rmSync(out, { recursive: true, force: true });
  const r = spawnSync(
    process.execPath,
    [VQ_BIN, 'encode', source, '--ladder', ladderFile, '--out', out, '--no-decode-once', ...extra],
    { env: { ...process.env, VQ_DATA_DIR: path.join(root, 'app-data'), ...env }, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`vq encode failed (${r.status}): ${r.stderr}`);
}

/** A Redis with its own workers, idle until a `vq encode` sends it jobs. */
interface Pool {
  redis: TestRedis;
  workers: ChildProcess[];
}

async function startPool(root: string, names: string[], args: string[]): Promise<Pool> {
  const redis = await startRedis();
  return { redis, workers: await startWorkers(redis, root, names, args) };
}

/** Runs the shared-queue benchmarks in a scratch folder that is removed afterwards. */
export async function runClusterBenchmarks(): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-bench-cluster-'));
  const pools: Pool[] = [];
  try {
    console.log(
      `cluster: load average ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}, ${os.availableParallelism()} cores`,
    );
    const source = makeSource(root, 1920, 1080, 5);
    const ladderFile = path.join(root, 'ladder.json');
    fs.writeFileSync(
      ladderFile,
      JSON.stringify(
        ladder('bench-4', [
          rung('r1080', 1080, 'veryfast'),
          rung('r720', 720, 'fast'),
          rung('r540', 540, 'medium'),
          rung('r360', 360, 'slow'),
        ]),
      ),
    );
    // Each variant has its own Redis and workers, started before any timing; the others idle
    // meanwhile (a look for work every 250 ms).
    const one = await startPool(root, ['solo'], ['--threads', '1']);
    const two = await startPool(root, ['left', 'right'], ['--threads', '1']);
    const plain = await startPool(root, ['plain'], []);
    pools.push(one, two, plain);
    const via = (p: Pool) => ({ VQ_REDIS_URL: p.redis.url });

    console.log('cluster 1: 4-rung x264 ladder, two workers × 1 thread vs one worker × 1 thread');
    const scale = await compare({
      one: () => encode(root, source, ladderFile, via(one)),
      two: () => encode(root, source, ladderFile, via(two)),
    });
    console.log(`  one worker   ${fmt(scale.one)}`);
    console.log(`  two workers  ${fmt(scale.two)}`);
    console.log(`  throughput ×${(scale.one.median / scale.two.median).toFixed(2)} (goal ≥ 1.8×)`);

    console.log(
      'cluster 2: the same ladder through Redis with one worker vs the embedded SQLite queue (concurrency 1)',
    );
    const overhead = await compare({
      sqlite: () => encode(root, source, ladderFile, { VQ_REDIS_URL: '' }, ['--concurrency', '1']),
      redis: () => encode(root, source, ladderFile, via(plain)),
    });
    console.log(`  SQLite queue  ${fmt(overhead.sqlite)}`);
    console.log(`  Redis queue   ${fmt(overhead.redis)}`);
    console.log(
      `  ratio ${(overhead.redis.median / overhead.sqlite.median).toFixed(3)}× (goal ≤ 1.05×)`,
    );
  } finally {
    for (const p of pools) {
      await stopWorkers(p.workers);
      await p.redis.stop();
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}
