/**
 * `vq worker` and `vq workers`: a machine joins the shared queue's Redis, says what it can run and
 * takes the encode jobs its ffmpeg can run (WorkerRunner); any machine lists who is there.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import {
  workerEncoders,
  workerLibvmafText,
  workerNameProblem,
  type ListedWorker,
} from '../../shared/workers';
import { workerBuilds } from '../core/cluster/capabilities';
import { parsePathMap, type PathMapEntry } from '../core/cluster/pathMap';
import { bullConnection } from '../core/cluster/sharedQueue';
import { LOCK_MS, WorkerRunner } from '../core/cluster/workerRunner';
import { connectRedis } from '../core/cluster/redisClient';
import { parseRedisUrl, type RedisTarget } from '../core/cluster/redisUrl';
import {
  HEARTBEAT_MS,
  WorkerRegistration,
  listWorkers,
  newWorkerId,
} from '../core/cluster/workerRegistry';
import { dataLayout, defaultDataDir } from '../core/paths';
import { Toolchain } from '../core/toolchain';
import { renderTable } from './table';
import { UsageError } from './usageError';

/** The Redis of `--redis`, else VQ_REDIS_URL; a usage error naming both when neither is set. */
function redisTarget(flag: string | undefined): RedisTarget {
  const text = flag ?? process.env.VQ_REDIS_URL;
  if (!text) throw new UsageError('no Redis: pass --redis redis://HOST:PORT or set VQ_REDIS_URL');
  return parseRedisUrl(text);
}

function positiveInt(name: string, text: string | undefined, max: number): number | null {
  if (text === undefined) return null;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`${name} must be a whole number from 1 to ${max}`);
  return n;
}

/** `vq worker [--redis URL] [--name NAME] [--concurrency N] [--threads N]`: runs until Ctrl+C. */
export async function workerCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      redis: { type: 'string' },
      name: { type: 'string' },
      concurrency: { type: 'string' },
      threads: { type: 'string' },
      map: { type: 'string', multiple: true },
    },
    strict: true,
  });
  const target = redisTarget(values.redis);
  let pathMap: PathMapEntry[];
  try {
    pathMap = parsePathMap(values.map ?? []);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const name =
    values.name ??
    os
      .hostname()
      .replace(/[^A-Za-z0-9_.-]/g, '-')
      .slice(0, 64);
  const nameProblem = workerNameProblem(name);
  if (nameProblem) throw new UsageError(`--name: ${nameProblem}`);
  const concurrency = positiveInt('--concurrency', values.concurrency, 64) ?? 1;
  const threads = positiveInt('--threads', values.threads, 1024);
  const heartbeatMs =
    positiveInt('VQ_WORKER_HEARTBEAT_MS', process.env.VQ_WORKER_HEARTBEAT_MS, 600_000) ??
    HEARTBEAT_MS;
  // How long a job's lock lasts unrenewed: a killed worker's job goes to another after about this.
  const lockMs = positiveInt('VQ_WORKER_LOCK_MS', process.env.VQ_WORKER_LOCK_MS, 600_000) ?? LOCK_MS;

  const toolchain = new Toolchain({ cacheDir: dataLayout(defaultDataDir()).cache });
  const builds = workerBuilds(await toolchain.report());
  const redis = await connectRedis(target, { reconnect: true });
  let away = false;
  redis.on('close', () => {
    if (!away)
      console.error(`vq: lost the connection to Redis at ${target.display}; reconnecting…`);
    away = true;
  });
  redis.on('ready', () => {
    if (away) console.error(`vq: connected to Redis at ${target.display} again.`);
    away = false;
  });
  const now = Date.now();
  let lost: string | null = null;
  let wake: () => void = () => {};
  const stopped = new Promise<void>((resolve) => (wake = resolve));
  const registration = await WorkerRegistration.register(
    redis,
    {
      id: newWorkerId(),
      name,
      host: os.hostname().slice(0, 255),
      pid: process.pid,
      startedAt: now,
      lastHeartbeat: now,
      concurrency,
      threads,
      cores: Math.max(1, os.availableParallelism()),
      builds,
      currentJob: null,
      jobsDone: 0,
    },
    {
      heartbeatMs,
      onLost: (why) => {
        lost = why;
        wake();
      },
    },
  ).catch((err: unknown) => {
    redis.disconnect();
    throw err;
  });
  const encoders = workerEncoders(builds);
  console.log(
    `vq worker ${name} registered on ${target.display}: ${builds.length} ffmpeg build(s), ${encoders.length} encoders, ` +
      `${builds.some((b) => b.libvmaf) ? 'libvmaf' : 'no libvmaf'}, ${os.availableParallelism()} cores.`,
  );
  const bull = bullConnection(target);
  const runner: WorkerRunner = new WorkerRunner({
    redis: bull,
    name,
    builds,
    concurrency,
    threads,
    pathMap,
    toolchain,
    lockMs,
    onJob: ({ taskId, event, detail }) => {
      console.log(`${new Date().toISOString()} ${taskId} ${event}${detail ? `: ${detail}` : ''}`);
      void registration
        .update({
          currentJob: runner.current.join(', ').slice(0, 200) || null,
          jobsDone: runner.jobsDone,
        })
        .catch(() => {});
    },
  });
  runner.start();
  console.log(`Taking jobs (${concurrency} at once). Ctrl+C stops it; running jobs go back to the queue.`);
  const onSignal = (): void => wake();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await stopped;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runner.stop().catch(() => {});
    await registration.stop().catch(() => {});
    bull.disconnect();
    redis.disconnect();
  }
  if (lost) {
    console.error(`vq: worker ${name} stopped: ${lost}.`);
    return 1;
  }
  console.log(`vq worker ${name} stopped.`);
  return 0;
}

/** `vq workers [--redis URL] [--json]`: the workers registered now. */
export async function workersCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { redis: { type: 'string' }, json: { type: 'boolean' } },
    strict: true,
  });
  const target = redisTarget(values.redis);
  const redis = await connectRedis(target);
  try {
    const listing = await listWorkers(redis);
    if (values.json) {
      console.log(JSON.stringify(listing, null, 2));
    } else if (listing.workers.length === 0) {
      console.log(
        `No worker is registered on ${target.display}. Start one with: vq worker --redis URL`,
      );
    } else {
      console.log(
        renderTable(
          [
            'name',
            'host',
            'cores',
            'jobs',
            'encoders',
            'libvmaf',
            'current job',
            'done',
            'last heard',
          ],
          listing.workers.map(row),
        ),
      );
    }
    if (listing.invalid > 0)
      console.error(
        `vq: ${listing.invalid} record(s) under vq:worker:* are not valid worker records and were left out.`,
      );
    return 0;
  } finally {
    redis.disconnect();
  }
}

function row(w: ListedWorker): string[] {
  return [
    w.name,
    w.host,
    String(w.cores),
    String(w.concurrency),
    String(workerEncoders(w.builds).length),
    workerLibvmafText(w.builds),
    w.currentJob ?? '–',
    String(w.jobsDone),
    `${(w.silentMs / 1000).toFixed(1)} s ago`,
  ];
}
