/**
 * Shared-queue benchmarks (issue 14), all through the real `vq encode` against a redis-server
 * started here on a free loopback port and real `vq worker` processes on this machine:
 *
 * 1. overhead: a 4-rung x264 ladder through Redis with one worker against the embedded SQLite
 *    queue (`vq encode --concurrency 1`), both at each encoder's default threads; goal ≤ 1.05×.
 * 2. scale-out: the same ladder (one process per rung) with two workers × 1 thread against one
 *    worker × 1 thread; goal ≥ 1.8× throughput. Reported end to end (`vq encode`'s wall time) and
 *    as the workers' own span in BullMQ (first job taken to last job done).
 * 3. one title across workers: one 720p rung of a 40 s title with scene cuts in 2 s chunks, on two
 *    workers × 1 thread against one worker × 1 thread (and against the whole title on one), and a
 *    projection to 16 workers from the chunk times measured in BullMQ (see projectMakespan).
 * 4. chunked scoring: VMAF + PSNR + SSIM of a 10 s 1080p rendition against its source in four
 *    2.5 s chunks on two workers × 1 thread against one, from score.start to the stored result
 *    (the app open and both videos imported before); goal ≥ 1.8×.
 *
 * Workers "× 1 thread" are pinned to one core each with taskset, so on a 2-core machine one worker
 * stands for a 1-core machine and two for two of them. From 2 on, the app (this process and each
 * `vq encode`) runs at nice 19: it stands for an app on another machine, taking only the CPU the
 * workers leave, instead of taking turns with them on their two cores. The workers of the pools
 * not being timed are stopped (SIGSTOP) meanwhile, so their looks for work take nothing either.
 *
 * Worker start-up is outside the timings (workers are started and seen taking jobs first).
 * Medians of VQ_BENCH_ENCODE_RUNS runs (default 3), variants alternating.
 */
import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Queue } from 'bullmq';
import { detectSceneCuts } from '../electron/core/shots/sceneScores';
import { EncodeDoneSchema, QUEUE_PREFIX, encodeLane } from '../electron/core/cluster/encodeTask';
import { bullConnection } from '../electron/core/cluster/sharedQueue';
import { parseRedisUrl } from '../electron/core/cluster/redisUrl';
import { startRedis, type TestRedis } from '../electron/testing/redis';
import { makeSceneClip } from '../electron/testing/sceneClip';
import { scoreEnv } from '../electron/testing/scoreFixtures';
import { sharedVmaf3Build } from '../electron/testing/vmaf3Build';
import { createCore, type Core } from '../electron/core/core';
import { VQ_BIN, startVq } from '../electron/testing/vqProcess';
import { compare, fmt, ladder, makeSource, rung, type Timing } from './encode';

/** One worker of a pool: its name and the CPUs it is pinned to (none: all of this machine's). */
interface WorkerSpec {
  name: string;
  cores?: string;
}

/**
 * A set of running workers, stopped with Ctrl+C (their jobs go back to the queue). Each sees the
 * FFmpeg 7.1 + libvmaf 3.2 build beside the project (for scoring), as users with FFmpeg 7 would.
 */
async function startWorkers(
  redis: TestRedis,
  root: string,
  specs: WorkerSpec[],
  args: string[],
): Promise<ChildProcess[]> {
  const build = sharedVmaf3Build();
  const children: ChildProcess[] = [];
  const started = specs.map(({ name, cores }) =>
    startVq(
      ['worker', '--name', name, ...args],
      {
        ...build.env,
        VQ_FFMPEG_DIRS: path.dirname(build.ffmpeg),
        VQ_REDIS_URL: redis.url,
        VQ_DATA_DIR: path.join(root, `data-${name}`),
      },
      children,
      { cores },
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
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`vq encode failed (${r.status}): ${r.stderr}`);
}

/** A Redis with its own workers, idle until a `vq encode` sends it jobs. */
interface Pool {
  redis: TestRedis;
  workers: ChildProcess[];
}

/**
 * Runs `fn` with the workers of every pool but `active` stopped (SIGSTOP, then SIGCONT): idle
 * workers look for work several times a second, and on a machine whose every core runs a timed
 * worker that would be taken from them, and not from one variant's run as much as the other's.
 */
async function onlyPool<T>(
  pools: readonly Pool[],
  active: Pool | null,
  fn: () => T | Promise<T>,
): Promise<T> {
  const others = pools.filter((p) => p !== active).flatMap((p) => p.workers);
  for (const w of others) w.kill('SIGSTOP');
  try {
    return await fn();
  } finally {
    for (const w of others) w.kill('SIGCONT');
  }
}

async function startPool(root: string, specs: WorkerSpec[], args: string[]): Promise<Pool> {
  const redis = await startRedis();
  return { redis, workers: await startWorkers(redis, root, specs, args) };
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
        .join(' ')}, ${os.availableParallelism()} cores; ` +
        'CPU seconds below are this process and the vq encode it waits for, not the workers',
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
    // Each variant has its own Redis and workers, started before any timing; the others are
    // stopped meanwhile (onlyPool). Workers × 1 thread are pinned to one core each
    // (taskset), so this machine stands in for one or two single-core machines.
    const one = await startPool(root, [{ name: 'solo', cores: '0' }], ['--threads', '1']);
    const two = await startPool(
      root,
      [
        { name: 'left', cores: '0' },
        { name: 'right', cores: '1' },
      ],
      ['--threads', '1'],
    );
    const plain = await startPool(root, [{ name: 'plain' }], []);
    pools.push(one, two, plain);
    const via = (p: Pool) => ({ VQ_REDIS_URL: p.redis.url });

    console.log(
      'cluster 1: a 4-rung ladder through Redis with one worker vs the embedded SQLite queue (concurrency 1)',
    );
    const overhead = await compare({
      sqlite: () =>
        onlyPool(pools, null, () =>
          encode(root, source, ladderFile, { VQ_REDIS_URL: '' }, ['--concurrency', '1']),
        ),
      redis: () => onlyPool(pools, plain, () => encode(root, source, ladderFile, via(plain))),
    });
    console.log(`  SQLite queue  ${fmt(overhead.sqlite)}`);
    console.log(`  Redis queue   ${fmt(overhead.redis)}`);
    console.log(
      `  ratio ${(overhead.redis.median / overhead.sqlite.median).toFixed(3)}× (goal ≤ 1.05×)`,
    );

    // From here the app (this process, and every vq encode it starts) runs at the lowest CPU
    // priority: the pinned workers stand for machines of their own, and the app for one elsewhere
    // (on this machine it shares their two cores; niced, it takes what they leave).
    os.setPriority(19);
    console.log(
      'cluster 2: 4-rung x264 ladder, two workers × 1 thread vs one worker × 1 thread (the app at nice 19)',
    );
    const lane = encodeLane(['libx264']);
    const spans: Record<'one' | 'two', number[]> = { one: [], two: [] };
    const run = async (k: 'one' | 'two', p: Pool) => {
      await onlyPool(pools, p, () => encode(root, source, ladderFile, via(p)));
      spans[k].push(await poolSpan(p.redis, lane, 4));
    };
    const scale = await compare({ one: () => run('one', one), two: () => run('two', two) });
    console.log(`  one worker   ${fmt(scale.one)}`);
    console.log(`  two workers  ${fmt(scale.two)}`);
    console.log(
      `  throughput ×${(scale.one.median / scale.two.median).toFixed(2)} end to end (goal ≥ 1.8×)`,
    );
    console.log(
      `  the workers' own span (first job taken to last job done, BullMQ's times): one ${mid(spans.one).toFixed(2)} s (${spans.one.map((t) => t.toFixed(2)).join(', ')}), two ${mid(spans.two).toFixed(2)} s (${spans.two.map((t) => t.toFixed(2)).join(', ')}): ×${(mid(spans.one) / mid(spans.two)).toFixed(2)}`,
    );
    // This machine's own ceiling: the same four commands by hand, serial on one core against
    // shared out in queue order on two (two cores of one machine share its caches and memory).
    const hand = await onlyPool(pools, null, () =>
      handWritten(one.redis, lane, 4, path.join(root, 'hand')),
    );
    console.log(
      `  by hand, the workers' four ffmpeg commands: one core ${fmt(hand.serial)}; two cores ${fmt(hand.parallel)}: ×${(hand.serial.median / hand.parallel.median).toFixed(2)} — the most two cores of this machine give these jobs`,
    );
    // The rungs differ in cost: what two workers could do at best with these four jobs.
    const jobs = (await finishedTasks(one.redis, encodeLane(['libx264']))).slice(-4);
    const times = jobs.map((j) => j.seconds).sort((a, b) => b - a);
    const serial = times.reduce((a, b) => a + b, 0);
    console.log(
      `  its four jobs took ${times.map((t) => t.toFixed(2)).join(', ')} s on one worker: two workers can at best divide ${serial.toFixed(2)} s into ${projectMakespan(times, 2, 0).toFixed(2)} s (×${(serial / projectMakespan(times, 2, 0)).toFixed(2)})`,
    );

    await chunkedTitle(root, pools, one, two);
    await chunkedScore(root, pools, one, two);
  } finally {
    for (const p of pools) {
      await stopWorkers(p.workers);
      await p.redis.stop();
    }
    fs.rmSync(root, { recursive: true, force: true });
  }
}

/** Each finished task of a lane: its id, the seconds it took on its worker and when it ended. */
async function finishedTasks(
  redis: TestRedis,
  lane: string,
): Promise<{ id: string; seconds: number; processedOn: number; finishedOn: number }[]> {
  const connection = bullConnection(parseRedisUrl(redis.url));
  const q = new Queue(lane, { connection, prefix: QUEUE_PREFIX });
  try {
    const jobs = await q.getJobs(['completed'], 0, 10_000);
    return jobs
      .filter((j) => j.processedOn && j.finishedOn)
      .map((j) => ({
        id: j.id!,
        seconds: (j.finishedOn! - j.processedOn!) / 1000,
        processedOn: j.processedOn!,
        finishedOn: j.finishedOn!,
      }))
      .sort((a, b) => a.finishedOn - b.finishedOn);
  } finally {
    await q.close();
    connection.disconnect();
  }
}

/**
 * The exact ffmpeg commands of the last `n` finished encode tasks of a lane (as their worker
 * reported them), run by hand with their outputs in `scratch`: all on core 0 one after another,
 * and on cores 0 and 1, each core taking the next command as it frees up.
 */
async function handWritten(
  redis: TestRedis,
  lane: string,
  n: number,
  scratch: string,
): Promise<{ serial: Timing; parallel: Timing }> {
  const connection = bullConnection(parseRedisUrl(redis.url));
  const q = new Queue(lane, { connection, prefix: QUEUE_PREFIX });
  let commands: { binary: string; args: string[] }[];
  try {
    const jobs = (await q.getJobs(['completed'], 0, 10_000))
      .filter((j) => j.finishedOn)
      .sort((a, b) => a.finishedOn! - b.finishedOn!)
      .slice(-n)
      .sort((a, b) => a.processedOn! - b.processedOn!); // queue order: one worker took them in turn
    commands = jobs.map((j) => {
      const done = EncodeDoneSchema.parse(j.returnvalue);
      if (done.commands.length !== 1)
        throw new Error(`task ${j.id} ran ${done.commands.length} commands`);
      const [binary, ...args] = done.commands[0]!; // binary first, as every job records them
      return { binary: binary!, args };
    });
  } finally {
    await q.close();
    connection.disconnect();
  }
  fs.mkdirSync(scratch, { recursive: true });
  const runOn = (core: string, c: { binary: string; args: string[] }, i: number) => {
    const args = [...c.args];
    args[args.length - 1] = path.join(scratch, `${i}${path.extname(args[args.length - 1]!)}`);
    return new Promise<void>((resolve, reject) => {
      // The workers' environment: the FFmpeg 7.1 build finds its libvmaf through it.
      const child = spawn('taskset', ['-c', core, c.binary, ...args], {
        stdio: 'ignore',
        env: sharedVmaf3Build().env,
      });
      child.once('error', reject);
      child.once('exit', (code) =>
        code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}`)),
      );
    });
  };
  const serial = async () => {
    for (const [i, c] of commands.entries()) await runOn('0', c, i);
  };
  const parallel = async () => {
    let next = 0;
    const core = async (id: string) => {
      while (next < commands.length) {
        const i = next++;
        await runOn(id, commands[i]!, i);
      }
    };
    await Promise.all([core('0'), core('1')]);
  };
  const t = await compare({ serial, parallel });
  fs.rmSync(scratch, { recursive: true, force: true });
  return t;
}

/** Seconds from the first of the last `n` finished tasks of a lane taken to the last done. */
async function poolSpan(redis: TestRedis, lane: string, n: number): Promise<number> {
  const last = (await finishedTasks(redis, lane)).slice(-n);
  const start = Math.min(...last.map((t) => t.processedOn));
  const end = Math.max(...last.map((t) => t.finishedOn));
  return (end - start) / 1000;
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

async function chunkedTitle(
  root: string,
  pools: readonly Pool[],
  one: Pool,
  two: Pool,
): Promise<void> {
  // 40 s at 25 fps, four scenes (cuts at frames 260, 560 and 760).
  // A mezzanine-like source with a keyframe every 2 s: a chunk's seek decodes at most that much.
  const clip = makeSceneClip(root, {
    scenes: [260, 300, 200, 240],
    width: 1280,
    height: 720,
    name: 'title.mp4',
    gop: 50,
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
  const on =
    (p: Pool, extra: string[] = []) =>
    () =>
      onlyPool(pools, p, () =>
        encode(root, clip.path, ladderFile, { VQ_REDIS_URL: p.redis.url }, extra),
      );
  const t = await compare({
    whole: on(one),
    oneChunked: on(one, chunked),
    twoChunked: on(two, chunked),
  });
  console.log(`  whole title, one worker   ${fmt(t.whole)}`);
  console.log(`  chunked, one worker       ${fmt(t.oneChunked)}`);
  console.log(`  chunked, two workers      ${fmt(t.twoChunked)}`);
  console.log(
    `  two vs one worker ×${(t.oneChunked.median / t.twoChunked.median).toFixed(2)}; chunking's own cost ×${(t.oneChunked.median / t.whole.median).toFixed(3)}`,
  );

  // The projection: chunk and join times of one-worker runs, as BullMQ recorded them.
  const ran = await finishedTasks(one.redis, encodeLane(['libx264']));
  const joins = ran.filter((t) => t.id.endsWith('-join'));
  const lastJoin = joins[joins.length - 1]!;
  const last = lastJoin.id.replace(/-join$/, '');
  const chunkTimes = ran
    .filter((t) => t.id.startsWith(`${last}-c`))
    .sort((a, b) => Number(a.id.split('-c').pop()) - Number(b.id.split('-c').pop()))
    .map((t) => t.seconds);
  const join = lastJoin.seconds;
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

/** An app on the shared queue of a pool, with the title and its rendition in its library. */
interface ScoringApp {
  core: Core;
  referenceId: string;
  distortedId: string;
}

/**
 * Opens an app on `pool`'s shared queue that scores in 2.5 s chunks (four for the 10 s title: as
 * many for each of two workers), and imports both videos: done before any timing, as an app is
 * open before its person scores.
 */
async function scoringApp(
  root: string,
  pool: Pool,
  ref: string,
  dist: string,
): Promise<ScoringApp> {
  const core = createCore({
    dataDir: fs.mkdtempSync(path.join(root, 'score-app-')),
    host: { mode: 'web' },
    // The app plans with the same build the workers score with.
    env: scoreEnv({
      ...sharedVmaf3Build().env,
      VQ_FFMPEG_DIRS: path.dirname(sharedVmaf3Build().ffmpeg),
      VQ_REDIS_URL: pool.redis.url,
      VQ_SCORE_CHUNK_SECONDS: '2.5',
    }),
  });
  const imported = await core.api['library.import']({ paths: [ref, dist] });
  const [a, b] = [...imported.imported, ...imported.existing];
  return { core, referenceId: a!.id, distortedId: b!.id };
}

/** One score job of the rendition against the title, from start to stored results. */
async function scoreOnce(app: ScoringApp): Promise<void> {
  const { core } = app;
  let off = (): void => {};
  const done = new Promise<string | null>((resolve) => {
    off = core.events.subscribe((e) => {
      if (e.type === 'batch.finished') resolve(e.failed || e.canceled ? 'failed' : null);
    });
  });
  try {
    await core.api['score.start']({
      referenceId: app.referenceId,
      distorted: [{ kind: 'source', id: app.distortedId }],
      options: { metrics: ['vmaf', 'psnr', 'ssim'] },
    });
    const problem = await done;
    if (problem) {
      const jobs = (await core.api['queue.snapshot']({})).jobs;
      throw new Error(`bench score failed: ${jobs.map((j) => j.error).join('; ')}`);
    }
  } finally {
    off();
  }
}

async function chunkedScore(
  root: string,
  pools: readonly Pool[],
  one: Pool,
  two: Pool,
): Promise<void> {
  const ref = makeSource(root, 1920, 1080, 10);
  const dist = path.join(root, 'dist-1080p.mp4');
  execFileSync('ffmpeg', [
    '-hide_banner',
    '-loglevel',
    'error',
    '-y',
    '-i',
    ref,
    '-c:v',
    'libx264',
    '-preset',
    'veryfast',
    '-crf',
    '32',
    dist,
  ]);
  console.log(
    'cluster 4: VMAF+PSNR+SSIM of a 10 s 1080p rendition in 2.5 s chunks (4), two workers × 1 thread vs one',
  );
  const apps = [await scoringApp(root, one, ref, dist), await scoringApp(root, two, ref, dist)];
  try {
    const t = await compare({
      one: () => onlyPool(pools, one, () => scoreOnce(apps[0]!)),
      two: () => onlyPool(pools, two, () => scoreOnce(apps[1]!)),
    });
    console.log(`  one worker   ${fmt(t.one)}`);
    console.log(`  two workers  ${fmt(t.two)}`);
    console.log(`  throughput ×${(t.one.median / t.two.median).toFixed(2)} (goal ≥ 1.8×)`);
  } finally {
    for (const a of apps) a.core.close();
  }
}
