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
 * 3. one title across workers: one 720p rung of a 40 s title with scene cuts in 2 s chunks, on two
 *    workers × 1 thread against one worker × 1 thread (and against the whole title on one), and a
 *    projection to 16 workers from the chunk times measured in BullMQ (see projectMakespan).
 *
 * Worker start-up is outside the timings (workers are started and seen taking jobs first).
 * Medians of VQ_BENCH_ENCODE_RUNS runs (default 3), variants alternating.
 */
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { detectSceneCuts } from '../electron/core/encode/chunks/sceneCuts';
import { JOIN_LANE, QUEUE_PREFIX, encodeLane } from '../electron/core/cluster/encodeTask';
import { bullConnection } from '../electron/core/cluster/sharedQueue';
import { parseRedisUrl } from '../electron/core/cluster/redisUrl';
import { startRedis, type TestRedis } from '../electron/testing/redis';
import { makeSceneClip } from '../electron/testing/sceneClip';
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

    await chunkedTitle(root, one, two);
  } finally {
    for (const p of pools) {
      await stopWorkers(p.workers);
      await p.redis.stop();
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Seconds each finished task of a lane took on its worker (BullMQ's processedOn → finishedOn). */
async function taskSeconds(redis: TestRedis, lane: string): Promise<Map<string, number>> {
  const connection = bullConnection(parseRedisUrl(redis.url));
  const q = new Queue(lane, { connection, prefix: QUEUE_PREFIX });
  try {
    const jobs = await q.getJobs(['completed'], 0, 10_000);
    return new Map(
      jobs
        .filter((j) => j.processedOn && j.finishedOn)
        .map((j) => [j.id!, (j.finishedOn! - j.processedOn!) / 1000]),
    );
  } finally {
    await q.close();
    connection.disconnect();
  }
}

/**
 * The time W identical workers would take for the chunks, each taken in queue order by the first
 * worker free (BullMQ's order), each paying `perTask` seconds of queue overhead.
 */
export function projectMakespan(
  chunks: readonly number[],
  workers: number,
  perTask: number,
): number {
  const free = new Array<number>(workers).fill(0);
  for (const d of chunks) {
    let w = 0;
    for (let i = 1; i < workers; i++) if (free[i]! < free[w]!) w = i;
    free[w]! += d + perTask;
  }
  return Math.max(...free);
}

async function chunkedTitle(root: string, one: Pool, two: Pool): Promise<void> {
  // 40 s at 25 fps, four scenes (cuts at frames 260, 560 and 760).
  const clip = makeSceneClip(root, {
    scenes: [260, 300, 200, 240],
    width: 1280,
    height: 720,
    name: 'title.mp4',
  });
  const ladderFile = path.join(root, 'chunked.json');
  fs.writeFileSync(
    ladderFile,
    JSON.stringify(ladder('bench-chunked', [rung('r720', 720, 'medium')])),
  );
  const chunked = ['--chunk-seconds', '2'];
  console.log(
    'cluster 3: one 720p rung of a 40 s title in 2 s chunks, two workers × 1 thread vs one worker × 1 thread',
  );
  const t = await compare({
    whole: () => encode(root, clip.path, ladderFile, { VQ_REDIS_URL: one.redis.url }),
    oneChunked: () => encode(root, clip.path, ladderFile, { VQ_REDIS_URL: one.redis.url }, chunked),
    twoChunked: () => encode(root, clip.path, ladderFile, { VQ_REDIS_URL: two.redis.url }, chunked),
  });
  console.log(`  whole title, one worker   ${fmt(t.whole)}`);
  console.log(`  chunked, one worker       ${fmt(t.oneChunked)}`);
  console.log(`  chunked, two workers      ${fmt(t.twoChunked)}`);
  console.log(
    `  two vs one worker ×${(t.oneChunked.median / t.twoChunked.median).toFixed(2)}; chunking's own cost ×${(t.oneChunked.median / t.whole.median).toFixed(3)}`,
  );

  // The projection: chunk and join times of one-worker runs, as BullMQ recorded them.
  const ran = await taskSeconds(one.redis, encodeLane(['libx264']));
  const joins = await taskSeconds(one.redis, JOIN_LANE);
  const runs = [...joins.keys()].map((id) => id.replace(/-join$/, ''));
  const last = runs[runs.length - 1]!;
  const chunkTimes = [...ran.entries()]
    .filter(([id]) => id.startsWith(`${last}-c`))
    .sort(([a], [b]) => Number(a.split('-c').pop()) - Number(b.split('-c').pop()))
    .map(([, s]) => s);
  const join = joins.get(`${last}-join`) ?? 0;
  const t0 = performance.now();
  await detectSceneCuts({ ffmpeg: 'ffmpeg', input: clip.path });
  const scenes = (performance.now() - t0) / 1000;
  const busy = chunkTimes.reduce((a, b) => a + b, 0);
  // Everything the one-worker run spent outside chunk work, the join and scene detection: the
  // queue's own cost (dispatch, polling, probing), shared out per task.
  const perTask = Math.max(
    0,
    (t.oneChunked.median - busy - join - scenes) / (chunkTimes.length + 1),
  );
  console.log(
    `  measured: ${chunkTimes.length} chunks, ${busy.toFixed(1)} s of chunk work (median chunk ${mid(chunkTimes).toFixed(2)} s), join ${join.toFixed(2)} s, scene detection ${scenes.toFixed(2)} s, queue overhead ${perTask.toFixed(2)} s per task`,
  );
  for (const w of [1, 2, 4, 8, 16]) {
    const total = scenes + projectMakespan(chunkTimes, w, perTask) + join + perTask;
    console.log(
      `  projected ${String(w).padStart(2)} workers: ${total.toFixed(1)} s, ×${(t.oneChunked.median / total).toFixed(2)} of one worker`,
    );
  }
  console.log(
    '  assumptions: identical workers, each as fast per chunk as this machine with one thread; the title and chunks on storage every worker reads and writes at full speed; Redis as near as loopback; scene detection on the app alone; chunks taken in queue order by the first free worker',
  );
}

function mid(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}
