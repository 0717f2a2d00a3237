/**
 * `workers.list` over a real core: without VQ_REDIS_URL it says the shared queue is not set up;
 * with a real Redis (redis-server on a free loopback port, with a password) it lists the
 * registered workers; a wrong URL or a Redis that is not there is the view's message, not a throw.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerInfo } from '../../../shared/workers';
import { connectRedis } from '../cluster/redisClient';
import { parseRedisUrl } from '../cluster/redisUrl';
import { WorkerRegistration, newWorkerId } from '../cluster/workerRegistry';
import { createCore } from '../core';
import { freeLoopbackPort, startRedis, type TestRedis } from '../../testing/redis';
import { useTempDirs } from '../../testing/tempDir';

const tempDir = useTempDirs('vq-workers-');
let server: TestRedis;

beforeAll(async () => {
  server = await startRedis({ password: 'api-pass' });
});
afterAll(async () => {
  await server?.stop();
});

function core(env: NodeJS.ProcessEnv) {
  return createCore({
    dataDir: tempDir(),
    host: { mode: 'web' },
    queue: 'off',
    env: { ...process.env, ...env },
  });
}

describe('workers.list', () => {
  it('says the shared queue is not set up without VQ_REDIS_URL', async () => {
    const c = core({ VQ_REDIS_URL: '' });
    try {
      expect(await c.api['workers.list']({})).toEqual({ configured: false });
    } finally {
      c.close();
    }
  });

  it('lists the workers registered in the Redis of VQ_REDIS_URL, password hidden', async () => {
    const redis = await connectRedis(parseRedisUrl(server.url));
    const now = Date.now();
    const info: WorkerInfo = {
      id: newWorkerId(),
      name: 'api-worker',
      host: 'render-box',
      pid: 77,
      startedAt: now,
      lastHeartbeat: now,
      concurrency: 3,
      threads: 8,
      cores: 16,
      builds: [
        {
          path: '/opt/ffmpeg',
          version: '7.1.5',
          encoders: ['libx264', 'libsvtav1'],
          libvmaf: null,
        },
      ],
      currentJob: null,
      jobsDone: 5,
    };
    const reg = await WorkerRegistration.register(redis, info);
    const c = core({ VQ_REDIS_URL: server.url });
    try {
      const status = await c.api['workers.list']({});
      expect(status).toMatchObject({
        configured: true,
        error: null,
        redis: `redis://:***@127.0.0.1:${server.port}/0`,
      });
      expect(JSON.stringify(status)).not.toContain('api-pass');
      if (!status.configured || !status.listing) throw new Error('no listing');
      expect(status.listing.workers).toHaveLength(1);
      expect(status.listing.workers[0]).toMatchObject({
        name: 'api-worker',
        host: 'render-box',
        cores: 16,
        jobsDone: 5,
      });
    } finally {
      c.close();
      await reg.stop();
      redis.disconnect();
    }
  });

  it('turns a bad URL, a refused password and a missing server into the message to show', async () => {
    const port = await freeLoopbackPort();
    for (const [url, message] of [
      ['localhost:6379', /is not a URL|must start with redis/],
      [`redis://127.0.0.1:${server.port}`, /refused the password \(the URL has none\)/],
      [`redis://127.0.0.1:${port}`, /Cannot reach Redis at redis:\/\/127\.0\.0\.1:\d+\/0/],
    ] as const) {
      const c = core({ VQ_REDIS_URL: url });
      try {
        const status = await c.api['workers.list']({});
        expect(status, url).toMatchObject({
          configured: true,
          listing: null,
          error: { message: expect.stringMatching(message) },
        });
      } finally {
        c.close();
      }
    }
  });
});
