// Worker records in a real Redis (Debian's redis-server on a free loopback port, started here):
// registered, listed and checked; a name held by a live worker cannot be taken; a worker that
// stops beating disappears after three heartbeats; foreign or broken records are only counted;
// a wrong password or no server at all gives an error that says what to do.
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import type { WorkerInfo } from '../../../shared/workers';
import { freeLoopbackPort, startRedis, type TestRedis } from '../../testing/redis';
import { connectRedis } from './redisClient';
import { parseRedisUrl } from './redisUrl';
import { WorkerRegistration, listWorkers, newWorkerId } from './workerRegistry';

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startRedis({ password: 'test-pass' });
  redis = await connectRedis(parseRedisUrl(server.url));
});

afterAll(async () => {
  redis?.disconnect();
  await server?.stop();
});

function info(name: string, change: Partial<WorkerInfo> = {}): WorkerInfo {
  const now = Date.now();
  return {
    id: newWorkerId(),
    name,
    host: 'test-host',
    pid: process.pid,
    startedAt: now,
    lastHeartbeat: now,
    concurrency: 2,
    threads: null,
    cores: 4,
    builds: [
      {
        path: '/opt/ffmpeg',
        version: '7.1.5',
        encoders: ['libx264'],
        libvmaf: { version: '3.2.0', models: ['vmaf_v0.6.1'], features: ['cambi'] },
      },
    ],
    currentJob: null,
    jobsDone: 0,
    ...change,
  };
}

async function waitFor(
  cond: () => Promise<boolean>,
  what: string,
  timeoutMs = 10_000,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('worker registry', () => {
  it('lists a registered worker with its capabilities and how long it has been silent', async () => {
    const reg = await WorkerRegistration.register(redis, info('alpha'));
    const { workers, invalid } = await listWorkers(redis);
    expect(invalid).toBe(0);
    const alpha = workers.find((w) => w.name === 'alpha')!;
    expect(alpha).toMatchObject({ host: 'test-host', cores: 4, concurrency: 2, jobsDone: 0 });
    expect(alpha.builds[0]!.libvmaf?.version).toBe('3.2.0');
    expect(alpha.silentMs).toBeGreaterThanOrEqual(0);
    await reg.update({ currentJob: 'job-1', jobsDone: 3 });
    expect((await listWorkers(redis)).workers.find((w) => w.name === 'alpha')).toMatchObject({
      currentJob: 'job-1',
      jobsDone: 3,
    });
    await reg.stop();
    expect((await listWorkers(redis)).workers.map((w) => w.name)).not.toContain('alpha');
  });

  it('refuses a name a live worker holds, naming where it runs', async () => {
    const first = await WorkerRegistration.register(
      redis,
      info('beta', { host: 'machine-1', pid: 4242 }),
    );
    const err = await WorkerRegistration.register(redis, info('beta')).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('NAME_TAKEN');
    expect((err as VqError).message).toBe(
      'A worker named "beta" is already running on machine-1 (pid 4242).',
    );
    await first.stop();
    const again = await WorkerRegistration.register(redis, info('beta'));
    await again.stop();
  });

  it('forgets a worker that stopped beating after three heartbeats; one that beats stays', async () => {
    const beating = await WorkerRegistration.register(redis, info('steady'), { heartbeatMs: 500 });
    // A crashed worker: its record was written once and nobody renews it.
    await redis.set('vq:worker:crashed', JSON.stringify(info('crashed')), 'PX', 1_000);
    expect((await listWorkers(redis)).workers.map((w) => w.name)).toEqual(
      expect.arrayContaining(['crashed', 'steady']),
    );
    await waitFor(
      async () => !(await listWorkers(redis)).workers.some((w) => w.name === 'crashed'),
      'the crashed worker to expire',
    );
    await new Promise((r) => setTimeout(r, 2_000)); // four heartbeat periods: the live one must still be there
    expect((await listWorkers(redis)).workers.map((w) => w.name)).toContain('steady');
    await beating.stop();
  });

  it('counts records that are not valid worker records and lists none of them', async () => {
    await redis.set('vq:worker:junk', 'not json');
    await redis.set('vq:worker:liar', JSON.stringify({ ...info('someone-else'), cores: -1 }));
    await redis.set('vq:worker:renamed', JSON.stringify(info('other-name')));
    const listing = await listWorkers(redis);
    expect(listing.invalid).toBe(3);
    expect(listing.workers.map((w) => w.name)).not.toEqual(
      expect.arrayContaining(['junk', 'liar', 'other-name', 'renamed']),
    );
    await redis.del('vq:worker:junk', 'vq:worker:liar', 'vq:worker:renamed');
  });

  it('says when the password is wrong or missing, and when nothing listens', async () => {
    const wrong = server.url.replace('test-pass', 'nope');
    await expect(connectRedis(parseRedisUrl(wrong))).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringMatching(/refused the password/),
    });
    await expect(
      connectRedis(parseRedisUrl(`redis://127.0.0.1:${server.port}`)),
    ).rejects.toMatchObject({
      message: expect.stringMatching(/refused the password \(the URL has none\)/),
    });
    const closed = await freeLoopbackPort();
    await expect(connectRedis(parseRedisUrl(`redis://127.0.0.1:${closed}`))).rejects.toMatchObject({
      code: 'REDIS_UNAVAILABLE',
      message: expect.stringMatching(/Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0/),
      hint: expect.stringMatching(/redis-server/),
    });
  });
});
