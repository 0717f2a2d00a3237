// `vq worker` and `vq workers` against a real Redis (redis-server on a free loopback port, with a
// password): two worker processes register with their machine's real capabilities and are listed;
// one killed with SIGKILL disappears after its missed heartbeats while the other stays; Ctrl+C
// removes a worker at once; a taken name and a missing Redis are refused with the reason.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerListing } from '../../shared/workers';
import { startRedis, type TestRedis } from '../testing/redis';
import { useTempDirs } from '../testing/tempDir';

const tempDir = useTempDirs();
const VQ = path.resolve('bin/vq.mjs');
let redis: TestRedis;
let env: NodeJS.ProcessEnv;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  redis = await startRedis({ password: 'worker-test' });
  env = {
    ...process.env,
    VQ_DATA_DIR: tempDir(),
    VQ_WORKER_HEARTBEAT_MS: '1000',
    VQ_REDIS_URL: redis.url,
  };
});

afterAll(async () => {
  for (const w of workers) w.kill('SIGKILL');
  await redis?.stop();
});

function listed(): WorkerListing {
  const r = spawnSync(process.execPath, [VQ, 'workers', '--json'], {
    env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as WorkerListing;
}

async function until(cond: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function startWorker(name: string): {
  child: ChildProcess;
  exited: Promise<number | null>;
  out: () => string;
} {
  const child = spawn(process.execPath, [VQ, 'worker', '--name', name, '--concurrency', '2'], {
    env,
  });
  workers.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => resolve(code)),
  );
  return { child, exited, out: () => out };
}

describe('vq worker / vq workers', () => {
  it('lists two workers with their capabilities; a killed one goes, the other stays; Ctrl+C leaves at once', async () => {
    const a = startWorker('node-a');
    const b = startWorker('node-b');
    await until(() => listed().workers.length === 2, 'both workers to register');
    const { workers: both, invalid } = listed();
    expect(invalid).toBe(0);
    expect(both.map((w) => w.name)).toEqual(['node-a', 'node-b']);
    for (const w of both) {
      expect(w).toMatchObject({ concurrency: 2, currentJob: null, jobsDone: 0 });
      expect(w.cores).toBeGreaterThan(0);
      // The machine's real toolchain: Debian's ffmpeg with x264, and the npm build with libvmaf.
      expect(w.builds.some((b) => b.encoders.includes('libx264'))).toBe(true);
      expect(w.builds.some((b) => b.libvmaf !== null)).toBe(true);
    }
    await until(() => a.out().includes('registered'), 'node-a to say it registered');
    expect(a.out()).toMatch(/vq worker node-a registered on redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0/);
    expect(a.out()).not.toContain('worker-test');

    // The table form names both.
    const table = spawnSync(process.execPath, [VQ, 'workers'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(table.stdout).toMatch(/node-a[\s\S]*node-b/);

    // A second worker under a taken name is refused and exits 1.
    const dup = spawnSync(process.execPath, [VQ, 'worker', '--name', 'node-b'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(dup.status).toBe(1);
    expect(dup.stderr).toMatch(
      /A worker named "node-b" is already running on .* \(pid \d+\)\.\n.*another --name.*\[NAME_TAKEN\]/,
    );

    a.child.kill('SIGKILL');
    await a.exited;
    await until(
      () => !listed().workers.some((w) => w.name === 'node-a'),
      'the killed worker to expire',
    );
    expect(listed().workers.map((w) => w.name)).toEqual(['node-b']);

    b.child.kill('SIGINT');
    expect(await b.exited).toBe(0);
    expect(b.out()).toContain('vq worker node-b stopped.');
    expect(listed().workers).toEqual([]);
  });

  it('keeps running while Redis restarts, and registers again once it is back', async () => {
    const w = startWorker('node-c');
    await until(() => listed().workers.some((x) => x.name === 'node-c'), 'node-c to register');
    const port = redis.port;
    await redis.stop();
    await until(() => w.out().includes('lost the connection'), 'node-c to notice');
    // Over an outage longer than a heartbeat, the worker must still be running (it used to exit).
    await new Promise((r) => setTimeout(r, 1_500));
    expect(w.child.exitCode).toBeNull();
    redis = await startRedis({ password: 'worker-test', port });
    await until(
      () => listed().workers.some((x) => x.name === 'node-c'),
      'node-c to register again',
    );
    w.child.kill('SIGINT');
    expect(await w.exited).toBe(0);
  });

  it('refuses to start without a Redis, or with one that is not there, saying what to do', () => {
    const none = spawnSync(process.execPath, [VQ, 'workers'], {
      env: { ...env, VQ_REDIS_URL: '' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/no Redis: pass --redis redis:\/\/HOST:PORT or set VQ_REDIS_URL/);
    const gone = spawnSync(process.execPath, [VQ, 'workers', '--redis', 'redis://127.0.0.1:1'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(
      /Cannot reach Redis at redis:\/\/127\.0\.0\.1:1\/0.*\n.*redis-server.*\[REDIS_UNAVAILABLE\]/,
    );
    const bad = spawnSync(process.execPath, [VQ, 'worker', '--name', 'bad name!'], {
      env,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--name: "bad name!" cannot name a worker/);
  });
});
