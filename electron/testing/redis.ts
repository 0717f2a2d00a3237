/**
 * A real Redis for tests: Debian's `redis-server`, started on a free loopback port with nothing
 * saved to disk, stopped afterwards. Fails naming redis-server and how to get it when it is missing.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { splitPathList } from '../core/toolchain/discover';

/** A running test Redis. */
export interface TestRedis {
  port: number;
  /** `redis://[:password@]127.0.0.1:PORT`. */
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The redis-server on PATH, or an error naming it and how to install it. */
export function redisServerPath(): string {
  const found = splitPathList(process.env.PATH ?? '', process.platform)
    .map((dir) =>
      path.join(dir, process.platform === 'win32' ? 'redis-server.exe' : 'redis-server'),
    )
    .find((f) => fs.existsSync(f));
  if (!found) {
    throw new Error(
      'This test needs redis-server on PATH: sudo apt-get install redis-server (Debian/Ubuntu), brew install redis (macOS).',
    );
  }
  return found;
}

/** A TCP port free on 127.0.0.1 right now. */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free loopback port (with `password`, when given) and waits until ready. */
export async function startRedis(
  opts: { password?: string; port?: number } = {},
): Promise<TestRedis> {
  const server = redisServerPath();
  const port = opts.port ?? (await freeLoopbackPort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
  if (opts.password) args.push('--requirepass', opts.password);
  const child = spawn(server, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never outlive the test process, whatever happens to the test.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server did not start on port ${port}:\n${out}`));
    }, 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`));
    });
  });
  const auth = opts.password ? `:${encodeURIComponent(opts.password)}@` : '';
  return {
    port,
    url: `redis://${auth}127.0.0.1:${port}`,
    process: child,
    stop: () =>
      new Promise<void>((resolve) => {
        process.off('exit', killOnExit);
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const hard = setTimeout(() => child.kill('SIGKILL'), 5_000);
        child.once('exit', () => {
          clearTimeout(hard);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
