// Score jobs on the shared queue over a real core, a real redis-server and real `vq worker`
// processes, all on FFmpeg 7.1.5 + libvmaf 3.2.0 (../shared/toolchain) except where a test says:
// (a) "score after encode" with two workers is a BullMQ flow (each score task the parent of its
//     encode task) and stores, per frame and in every metric and feature, what the same scoring
//     stores without Redis, and each result names its worker;
// (b) a title scored in chunks on two workers (VQ_SCORE_CHUNK_SECONDS) equals one pass, frame by
//     frame — VMAF (whose motion reads the frames around each chunk), PSNR, SSIM — and names both;
// (c) a worker whose ffmpeg cannot run a VMAF job (npm ffmpeg 4.1's libvmaf 1.3.7 without its
//     model files, Debian's ffmpeg without libvmaf) never takes it, while it takes a PSNR/SSIM job;
//     the VMAF job waits in its lane until a worker that can run it comes.
// FAILS (never skips) without redis-server or the libvmaf 3.2 build.
import { spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/queue';
import type { ScoreOptions } from '../../../shared/score';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import { createCore, type Core } from '../core';
import { LANES_KEY, QUEUE_PREFIX } from './encodeTask';
import { parseRedisUrl } from './redisUrl';
import { bullConnection } from './sharedQueue';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { startRedis, type TestRedis } from '../../testing/redis';
import { makeDistorted } from '../../testing/scoreFixtures';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build, type Vmaf3Build } from '../../testing/vmaf3Build';
import { startVq, type VqProcess } from '../../testing/vqProcess';

const tempDir = useTempDirs('vq-cluster-score-');
let redis: TestRedis;
let b: Vmaf3Build;
const children: ChildProcess[] = [];
const cores: Core[] = [];
const savedLdPath = process.env.LD_LIBRARY_PATH;
const PASSWORD = 'cluster-score';

/** This process's environment without a developer's ffmpeg or model choices. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of [
    'VQ_FFMPEG',
    'VQ_FFPROBE',
    'VQ_FFMPEG_DIRS',
    'VQ_VMAF_MODEL_DIR',
    'VQ_REDIS_URL',
  ])
    delete env[k];
  return env;
}

/** The FFmpeg 7.1 + libvmaf 3.2 build first, the npm and Debian builds beside it. */
function v3Env(): NodeJS.ProcessEnv {
  return { ...cleanEnv(), ...b.env, VQ_FFMPEG_DIRS: path.dirname(b.ffmpeg) };
}

beforeAll(async () => {
  b = sharedVmaf3Build();
  // The app in this process runs the build too (its libvmaf.so.3 may be a link made elsewhere).
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  redis = await startRedis({ password: PASSWORD });
});
afterEach(async () => {
  for (const c of cores.splice(0)) c.close();
});
afterAll(async () => {
  for (const c of children) c.kill('SIGKILL');
  await redis?.stop();
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
});

function core(o: { dataDir?: string; shared: boolean; env?: NodeJS.ProcessEnv }): Core {
  const c = createCore({
    dataDir: o.dataDir ?? tempDir(),
    host: { mode: 'web' },
    env: { ...v3Env(), ...(o.shared ? { VQ_REDIS_URL: redis.url } : {}), ...o.env },
  });
  cores.push(c);
  return c;
}

function worker(name: string, env: NodeJS.ProcessEnv): VqProcess {
  return startVq(
    ['worker', '--name', name],
    {
      ...env,
      VQ_REDIS_URL: redis.url,
      VQ_DATA_DIR: tempDir(),
      VQ_WORKER_HEARTBEAT_MS: '1000',
      VQ_WORKER_LOCK_MS: '2000',
    },
    children,
  );
}

async function stop(w: VqProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) {
    w.child.kill('SIGINT');
    await w.exited;
  }
}

function redisCli(...args: string[]): string {
  const r = spawnSync(
    'redis-cli',
    ['-p', String(redis.port), '-a', PASSWORD, '--no-auth-warning', ...args],
    { encoding: 'utf8' },
  );
  return r.stdout.trim();
}

/** A task of the shared queue as BullMQ keeps it: its state, worker, children and times. */
async function flowTask(taskId: string): Promise<{
  state: string;
  worker: string | undefined;
  children: string[];
  startedAfter: number;
  finishedOn: number;
} | null> {
  const connection = bullConnection(parseRedisUrl(redis.url));
  try {
    const lanes = await connection.smembers(LANES_KEY);
    for (const lane of lanes) {
      const q = new Queue(lane, { connection, prefix: QUEUE_PREFIX });
      try {
        const job = await q.getJob(taskId);
        if (!job) continue;
        const deps = await job.getDependencies();
        return {
          state: await job.getState(),
          // The worker that finished it, as its result says (BullMQ's processedBy names the
          // last to take it, which under load may be one whose hold expired).
          worker: (job.returnvalue as { worker?: string } | null)?.worker,
          children: Object.keys(deps.processed ?? {}).map((k) => k.split(':').pop()!),
          startedAfter: job.processedOn ?? 0,
          finishedOn: job.finishedOn ?? 0,
        };
      } finally {
        await q.close();
      }
    }
    return null;
  } finally {
    connection.disconnect();
  }
}

/** The job once it has ended (done, failed, canceled); its end as it is stored. */
async function ended(c: Core, jobId: string, timeoutMs = 60_000): Promise<Job> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const job = (await c.api['queue.snapshot']({})).jobs.find((j) => j.id === jobId);
    if (job && !['queued', 'running'].includes(job.status)) return job;
    if (Date.now() > end) throw new Error(`job ${jobId} did not end: ${JSON.stringify(job)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function importFile(c: Core, file: string): Promise<string> {
  const imported = await c.api['library.import']({ paths: [file] });
  return (imported.imported[0] ?? imported.existing[0])!.id;
}

/** Every stored result of a job, with its per-frame values and features. */
async function resultsOf(c: Core, sourceId: string, jobId: string): Promise<ScoreResultDetail[]> {
  const list = (await c.api['scores.list']({ sourceId })).results.filter((r) => r.jobId === jobId);
  const out: ScoreResultDetail[] = [];
  for (const r of list) out.push(await c.api['scores.get']({ resultId: r.id, features: true }));
  return out.sort((x, y) => x.label.localeCompare(y.label));
}

/** Everything a score measured: equal per frame, in every series, feature and pooled figure. */
function measured(r: ScoreResultDetail) {
  return {
    label: r.label,
    target: r.target,
    frames: r.frames,
    frameNumbers: r.frameNumbers,
    perFrame: r.perFrame,
    features: r.features,
    metrics: r.metrics,
    model: r.model,
    alignment: r.alignment,
    unavailable: r.unavailable,
    fixes: r.fixes,
  };
}

describe('score jobs on two workers', () => {
  let a: VqProcess;
  let bee: VqProcess;
  beforeAll(async () => {
    a = worker('node-a', v3Env());
    bee = worker('node-b', v3Env());
    await Promise.all([a.waitFor(/Taking jobs/), bee.waitFor(/Taking jobs/)]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([stop(a), stop(bee)]);
  });

  it('score after encode: each result equals the same scoring without Redis, and names its worker', async () => {
    const dataDir = tempDir();
    const dir = tempDir();
    const src = makeClip(dir, { width: 640, height: 360, fps: 25, seconds: 1 });
    const c = core({ dataDir, shared: true });
    const sourceId = await importFile(c, src);
    const started = await c.api['encode.start']({
      sourceId,
      ladder: quickLadder('two', [
        quickRung({ id: 'r180', height: 180 }),
        quickRung({ id: 'r270', height: 270 }),
      ]),
      outDir: path.join(dir, 'out'),
      decodeOnce: false,
      scoreAfterEncode: {},
    });
    const scoreJobs = started.jobs.filter((j) => j.kind === 'score');
    expect(scoreJobs).toHaveLength(2);
    const shared: ScoreResultDetail[] = [];
    for (const j of scoreJobs) {
      const done = await ended(c, j.id);
      expect(done.status, done.error ?? '').toBe('done');
      expect(['node-a', 'node-b']).toContain(done.worker);
      // BullMQ ran it: the score task was the parent of the encode task in a flow, started by
      // BullMQ once the encode was done, and it is the task this job followed.
      const encodeRun = `${j.dependsOn}-a1`;
      const scoreTask = await flowTask(`${encodeRun}-score`);
      expect(scoreTask).toMatchObject({ state: 'completed', worker: done.worker });
      expect(scoreTask!.children).toEqual([`${encodeRun}`]);
      // The job followed that task: it sent none of its own, so nothing was scored twice.
      expect(await flowTask(`${j.id}-a1`)).toBeNull();
      expect(scoreTask!.startedAfter).toBeGreaterThanOrEqual(
        (await flowTask(encodeRun))!.finishedOn,
      );
      const [result] = await resultsOf(c, sourceId, j.id);
      expect(result).toBeDefined();
      expect(result!.warnings).toContainEqual({
        id: 'scored-on-worker',
        message: `Scored on vq worker ${done.worker}.`,
      });
      // The worker's own ffmpeg scored, and the command says so.
      expect(result!.ffmpeg).toMatchObject({ version: '7.1.5', libvmafVersion: '3.2.0' });
      shared.push(result!);
    }
    expect(shared.map((r) => r.label).sort()).toEqual(['r180', 'r270']);
    for (const r of shared) {
      expect(Object.keys(r.perFrame).sort()).toEqual(
        ['msSsim', 'psnr', 'psnrY', 'ssim', 'ssimY', 'vmaf'].sort(),
      );
      expect(r.frameNumbers).toHaveLength(25);
      expect(Object.keys(r.features).length).toBeGreaterThan(3);
    }
    // Nothing but the listed renditions is left in the output folder (the temporary names the
    // flow's score read are removed once it is stored).
    expect(fs.readdirSync(path.join(dir, 'out')).sort()).toEqual(['r180.mp4', 'r270.mp4']);
    const renditionIds = shared.map((r) => r.target.id);
    c.close();
    cores.splice(cores.indexOf(c), 1);

    // The same renditions scored here, without Redis.
    const local = core({ dataDir, shared: false });
    const { job } = await local.api['score.start']({
      referenceId: sourceId,
      distorted: renditionIds.map((id) => ({ kind: 'rendition', id })),
    });
    const localDone = await ended(local, job.id);
    expect(localDone.status, localDone.error ?? '').toBe('done');
    expect(localDone.worker ?? null).toBeNull();
    const here = await resultsOf(local, sourceId, job.id);
    expect(here.map(measured)).toEqual(shared.map(measured));
    expect(here.every((r) => r.warnings.every((w) => w.id !== 'scored-on-worker'))).toBe(true);
  }, 60_000);

  it('a title scored in chunks on both workers equals one pass, frame by frame', async () => {
    const dir = tempDir();
    const ref = makeClip(dir, { width: 640, height: 360, fps: 25, seconds: 2 });
    const dist = makeDistorted(dir, ref, { crf: 35, width: 480, height: 270, name: 'dist.mp4' });
    const options: ScoreOptions = { metrics: ['vmaf', 'psnr', 'ssim'] };

    const c = core({ shared: true, env: { VQ_SCORE_CHUNK_SECONDS: '0.4' } });
    const refId = await importFile(c, ref);
    const distId = await importFile(c, dist);
    const { job } = await c.api['score.start']({
      referenceId: refId,
      distorted: [{ kind: 'source', id: distId }],
      options,
    });
    const done = await ended(c, job.id);
    expect(done.status, done.error ?? '').toBe('done');
    // 50 frames in chunks of 10 frames: five tasks, taken by both workers.
    expect(done.worker).toBe('node-a, node-b');
    const [chunked] = await resultsOf(c, refId, job.id);
    expect(chunked!.warnings.map((w) => w.id)).toEqual(
      expect.arrayContaining(['scored-in-chunks', 'scored-on-worker']),
    );
    const note = chunked!.warnings.find((w) => w.id === 'scored-on-worker')!.message;
    expect(note).toMatch(
      /^Scored on vq workers node-a \(frames [\d–, ]+\), node-b \(frames [\d–, ]+\)\.$/,
    );

    const local = core({ shared: false });
    const lref = await importFile(local, ref);
    const ldist = await importFile(local, dist);
    const one = await local.api['score.start']({
      referenceId: lref,
      distorted: [{ kind: 'source', id: ldist }],
      options,
    });
    expect((await ended(local, one.job.id)).status).toBe('done');
    const [onePass] = await resultsOf(local, lref, one.job.id);
    expect(chunked!.frameNumbers).toEqual(Array.from({ length: 50 }, (_, i) => i));
    const { target: _t1, ...chunkedMeasured } = measured(chunked!);
    const { target: _t2, ...onePassMeasured } = measured(onePass!);
    expect(chunkedMeasured).toEqual(onePassMeasured);
    expect(chunked!.perFrame.vmaf!.some((v) => v !== null && v < 100)).toBe(true);
  }, 60_000);

  it('shows the progress of a chunked job; a cancel stops its chunks on the workers and stores nothing', async () => {
    const dir = tempDir();
    // Long enough that both chunks are still being scored when the cancel comes.
    const ref = makeClip(dir, { width: 1920, height: 1080, fps: 25, seconds: 6 });
    const dist = makeDistorted(dir, ref, { crf: 35, preset: 'ultrafast', name: 'dist.mp4' });
    const c = core({ shared: true, env: { VQ_SCORE_CHUNK_SECONDS: '3' } });
    const refId = await importFile(c, ref);
    const distId = await importFile(c, dist);
    const progress: number[] = [];
    const off = c.events.subscribe((e) => {
      if (e.type === 'job.progress' && e.fraction !== null) progress.push(e.fraction);
    });
    const { job } = await c.api['score.start']({
      referenceId: refId,
      distorted: [{ kind: 'source', id: distId }],
      options: { metrics: ['vmaf', 'ms_ssim'], threads: 1 },
    });
    const end = Date.now() + 30_000;
    while (!progress.some((f) => f > 0 && f < 1) && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
    off();
    expect(progress.some((f) => f > 0 && f < 1)).toBe(true);
    const running = (await c.api['queue.snapshot']({})).jobs.find((j) => j.id === job.id)!;
    expect(running.status).toBe('running');
    expect(running.worker).toMatch(/node-[ab]/);
    expect((await c.api['queue.cancel']({ jobId: job.id })).status).toBe('canceled');
    // Each worker that held a chunk stops it there (the cancel key reaches it through Redis).
    await Promise.any([a.waitFor(/-s\d canceled/, 15_000), bee.waitFor(/-s\d canceled/, 15_000)]);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(a.out() + bee.out()).not.toMatch(new RegExp(`${job.id}-a1-s\\d+ done`));
    expect(await resultsOf(c, refId, job.id)).toEqual([]);
    expect((await ended(c, job.id)).status).toBe('canceled');
  }, 60_000);
});

describe('lanes keep score jobs from workers whose ffmpeg cannot run them', () => {
  it('a worker without a VMAF-capable ffmpeg takes the PSNR/SSIM job and never the VMAF job', async () => {
    const dir = tempDir();
    const ref = makeClip(dir, { width: 320, height: 240, fps: 25, seconds: 1 });
    const dist = makeDistorted(dir, ref, { crf: 35, name: 'dist.mp4' });
    // npm ffmpeg 4.1 (libvmaf 1.3.7, but no model files without VQ_VMAF_MODEL_DIR) and Debian's
    // ffmpeg (no libvmaf): PSNR and SSIM only.
    const plain = worker('plain-node', cleanEnv());
    await plain.waitFor(/Taking jobs/);
    const c = core({ shared: true });
    const refId = await importFile(c, ref);
    const distId = await importFile(c, dist);
    const distorted = [{ kind: 'source' as const, id: distId }];
    const vmafJob = (await c.api['score.start']({ referenceId: refId, distorted })).job;
    const psnrJob = (
      await c.api['score.start']({
        referenceId: refId,
        distorted,
        options: { metrics: ['psnr', 'ssim'] },
      })
    ).job;
    const psnrDone = await ended(c, psnrJob.id);
    expect(psnrDone).toMatchObject({ status: 'done', worker: 'plain-node' });
    // The VMAF job waits in its lane: several looks for work, never taken.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(plain.out().match(/ started/g)).toHaveLength(1);
    expect(redisCli('LLEN', 'vq-bull:score.vmaf+model-vmaf_v0.6.1:wait')).toBe('1');
    const waiting = (await c.api['queue.snapshot']({})).jobs.find((j) => j.id === vmafJob.id)!;
    expect(waiting.status).toBe('running');
    expect(waiting.worker ?? null).toBeNull();

    const capable = worker('vmaf-node', v3Env());
    const vmafDone = await ended(c, vmafJob.id);
    expect(vmafDone.status, vmafDone.error ?? '').toBe('done');
    expect(vmafDone.worker).toBe('vmaf-node');
    const [scored] = await resultsOf(c, refId, vmafJob.id);
    expect(scored!.metrics.vmaf?.mean).toBeGreaterThan(0);
    expect(plain.out().match(/ started/g)).toHaveLength(1);
    await Promise.all([stop(plain), stop(capable)]);
  }, 60_000);

  it('a score job Redis lost (a restart without saving) is sent again and still finishes', async () => {
    const dir = tempDir();
    const ref = makeClip(dir, { width: 320, height: 240, fps: 25, seconds: 1 });
    const c = core({ shared: true });
    const refId = await importFile(c, ref);
    const { job } = await c.api['score.start']({
      referenceId: refId,
      distorted: [{ kind: 'source', id: refId }],
      options: { metrics: ['psnr', 'ssim'] },
    });
    // No worker yet: the job waits in Redis, which then restarts empty.
    const end = Date.now() + 10_000;
    while (redisCli('LLEN', 'vq-bull:score.plain:wait') !== '1' && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(redisCli('LLEN', 'vq-bull:score.plain:wait')).toBe('1');
    const port = redis.port;
    await redis.stop();
    redis = await startRedis({ password: PASSWORD, port });
    const w = worker('after-restart', cleanEnv());
    const done = await ended(c, job.id);
    expect(done).toMatchObject({ status: 'done', worker: 'after-restart' });
    const [scored] = await resultsOf(c, refId, job.id);
    // The reference against itself: every PSNR frame infinite, carried through JSON as such (as
    // NaN they would be skipped by the pooling here).
    expect(scored!.metrics.psnr).toMatchObject({ count: 25, skipped: 0, mean: null });
    expect(scored!.perFrame.psnr!.every((v) => v === null)).toBe(true);
    expect(scored!.warnings.map((x) => x.id)).toContain('psnr-infinite');
    await stop(w);
  }, 60_000);
});
