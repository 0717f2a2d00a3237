/**
 * The app's side of the shared queue over a real core, a real redis-server and a real `vq worker`
 * process: a running job shows the worker that took it and its progress; canceling it stops the
 * worker's ffmpeg and lists nothing; a Redis that restarts empty (no persistence) loses the queued
 * job, and the app sends it again once Redis is back, so it still finishes — the app shows the true
 * state throughout; an app closed while a worker encodes takes that run up at its next start.
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Job } from '../../../shared/queue';
import { createCore, type Core } from '../core';
import { LANES_KEY } from './encodeTask';
import { parseRedisUrl } from './redisUrl';
import { bullConnection } from './sharedQueue';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { startRedis, type TestRedis } from '../../testing/redis';
import { useTempDirs } from '../../testing/tempDir';
import { startVq } from '../../testing/vqProcess';

const tempDir = useTempDirs('vq-shared-');
let redis: TestRedis;
const children: ChildProcess[] = [];
const cores: Core[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: 'shared-api' });
});
afterEach(async () => {
  for (const c of cores.splice(0)) c.close();
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGINT');
      await new Promise((r) => c.once('exit', r));
    }
  }
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
});

function core(dataDir = tempDir()): Core {
  const c = createCore({
    dataDir,
    host: { mode: 'web' },
    env: { ...process.env, VQ_REDIS_URL: redis.url },
  });
  cores.push(c);
  return c;
}

function worker(name: string) {
  return startVq(
    ['worker', '--name', name, '--threads', '1'],
    {
      ...process.env,
      VQ_REDIS_URL: redis.url,
      VQ_DATA_DIR: tempDir(),
      VQ_WORKER_HEARTBEAT_MS: '1000',
      VQ_WORKER_LOCK_MS: '2000',
    },
    children,
  );
}

async function startOne(c: Core, seconds: number, preset: string) {
  const dir = tempDir();
  const src = makeClip(dir, { width: 1280, height: 720, seconds });
  const imported = await c.api['library.import']({ paths: [src] });
  const sourceId = (imported.imported[0] ?? imported.existing[0])!.id;
  const outDir = path.join(dir, 'out');
  const started = await c.api['encode.start']({
    sourceId,
    ladder: quickLadder('one', [quickRung({ id: 'r720', height: 720, preset })]),
    outDir,
  });
  return { job: started.jobs[0]!, outDir };
}

function until<T>(c: Core, test: (e: VqEvent) => T | null, timeoutMs = 60_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for an event'));
    }, timeoutMs);
    const off = c.events.subscribe((e) => {
      const v = test(e);
      if (v === null) return;
      clearTimeout(timer);
      off();
      resolve(v);
    });
  });
}

/** The lanes jobs were sent to, as workers read them. */
async function lanes(): Promise<string[]> {
  const connection = bullConnection(parseRedisUrl(redis.url));
  try {
    return await connection.smembers(LANES_KEY);
  } finally {
    connection.disconnect();
  }
}

const finished =
  (jobId: string) =>
  (e: VqEvent): Job | null =>
    e.type === 'job.updated' &&
    e.job.id === jobId &&
    e.job.status !== 'queued' &&
    e.job.status !== 'running'
      ? e.job
      : null;

describe('the shared queue from the app', () => {
  it('shows the worker and progress of a running job; a cancel stops it there and lists nothing', async () => {
    const c = core();
    const w = worker('canceler');
    await w.waitFor(/Taking jobs/);
    const { job, outDir } = await startOne(c, 6, 'slower');
    const taken = await until(c, (e) =>
      e.type === 'job.updated' && e.job.id === job.id && e.job.worker ? e.job : null,
    );
    expect(taken).toMatchObject({ status: 'running', worker: 'canceler' });
    await until(c, (e) =>
      e.type === 'job.progress' && e.jobId === job.id && (e.fraction ?? 0) > 0 ? e : null,
    );
    const canceled = await c.api['queue.cancel']({ jobId: job.id });
    expect(canceled.status).toBe('canceled');
    await w.waitFor(/-a1 canceled/, 15_000);
    expect((await c.api['queue.snapshot']({})).renditions).toEqual([]);
    expect(fs.readdirSync(outDir)).toEqual([]);
  });

  it('sends a queued job again when Redis restarts empty, and it still finishes', async () => {
    const c = core();
    const { job } = await startOne(c, 1, 'ultrafast');
    // No worker yet: the job waits in Redis. Redis restarts without saving: the job is gone there.
    await new Promise((r) => setTimeout(r, 500));
    const port = redis.port;
    await redis.stop();
    redis = await startRedis({ password: 'shared-api', port });
    const w = worker('after-restart');
    const done = await until(c, finished(job.id));
    expect(done).toMatchObject({ status: 'done', worker: 'after-restart' });
    const snap = await c.api['queue.snapshot']({});
    expect(snap.renditions).toHaveLength(1);
    expect(snap.renditions[0]).toMatchObject({ rungId: 'r720', worker: 'after-restart' });
    await w.waitFor(/-a1 done/);
  });

  it('a job that tone-maps HDR waits in the lane that names zscale, and a worker that has it runs it', async () => {
    const c = core();
    const w = worker('tone-mapper');
    await w.waitFor(/Taking jobs/);
    const dir = tempDir();
    const src = makeClip(dir, { width: 640, height: 360, hdr: 'pq' });
    const imported = await c.api['library.import']({ paths: [src] });
    const sourceId = (imported.imported[0] ?? imported.existing[0])!.id;
    const started = await c.api['encode.start']({
      sourceId,
      ladder: quickLadder('sdr', [quickRung({ id: 'r180', height: 180 })]),
      outDir: path.join(dir, 'out'),
      hdr: 'tonemap',
    });
    const done = await until(c, finished(started.jobs[0]!.id));
    expect(done).toMatchObject({ status: 'done', worker: 'tone-mapper' });
    expect(await lanes()).toContain('encode.libx264~zscale');
    const [rendition] = (await c.api['queue.snapshot']({})).renditions;
    expect(rendition!.media.video).toMatchObject({ pixFmt: 'yuv420p', hdr: null });
  });

  it('an app closed while a worker encodes takes the run up at its next start: encoded once, listed once', async () => {
    const dataDir = tempDir();
    const first = core(dataDir);
    const w = worker('goes-on');
    await w.waitFor(/Taking jobs/);
    const { job, outDir } = await startOne(first, 3, 'slower');
    await w.waitFor(/-a1 started/);
    first.close();
    cores.splice(cores.indexOf(first), 1);
    // The worker goes on without the app, and the next start follows its run rather than
    // sending the job again.
    await w.waitFor(/-a1 done/, 60_000);
    const next = core(dataDir);
    const end = Date.now() + 60_000;
    let done: Job | undefined;
    while (Date.now() < end) {
      done = (await next.api['queue.snapshot']({})).jobs.find((j) => j.id === job.id);
      if (done && !['queued', 'running'].includes(done.status)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(done).toMatchObject({ status: 'done', worker: 'goes-on', attempts: 2 });
    expect(w.out()).not.toMatch(/-a2 started/);
    expect((await next.api['queue.snapshot']({})).renditions).toHaveLength(1);
    expect(fs.readdirSync(outDir)).toEqual(['r720.mp4']);
  });

  it('a Redis that restarts empty while a worker runs the job: the worker stops, the app sends it again, it finishes once', async () => {
    const c = core();
    const w = worker('through-restart');
    await w.waitFor(/Taking jobs/);
    const { job, outDir } = await startOne(c, 4, 'slower');
    await w.waitFor(/-a1 started/);
    const port = redis.port;
    await redis.stop();
    redis = await startRedis({ password: 'shared-api', port });
    // The worker finds its hold gone and stops; the app finds the job gone and sends it again.
    await w.waitFor(/-a1 lost/, 30_000);
    const done = await until(c, finished(job.id), 120_000);
    expect(done).toMatchObject({ status: 'done', worker: 'through-restart' });
    expect((await c.api['queue.snapshot']({})).renditions).toHaveLength(1);
    expect(fs.readdirSync(outDir)).toEqual(['r720.mp4']);
  });
});
