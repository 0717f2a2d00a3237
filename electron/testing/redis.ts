/**
 * A real Redis for tests: Debian's `redis-server`, started on a free loopback port with nothing
 * saved to disk, stopped afterwards. Fails naming redis-server and how to get it when it is missing.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
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

/**
 * A certificate authority and a server certificate for 127.0.0.1 made with `openssl` in `dir`
 * (clients trust `ca` through NODE_EXTRA_CA_CERTS).
 */
export function makeTlsFiles(dir: string): { ca: string; cert: string; key: string } {
  const f = (name: string): string => path.join(dir, name);
  const openssl = (args: string[]): void => {
    try {
      execFileSync('openssl', args, { stdio: 'pipe' });
    } catch (err) {
      throw new Error(
        `This test needs openssl on PATH (sudo apt-get install openssl): ${(err as Error).message}`,
        { cause: err },
      );
    }
  };
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=vq-test-ca',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  openssl([
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-subj',
    '/CN=127.0.0.1',
    '-keyout',
    f('server.key'),
    '-out',
    f('server.csr'),
  ]);
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\n');
  openssl([
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    f('ext.cnf'),
    '-out',
    f('server.pem'),
  ]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

/**
 * Starts redis-server on a free loopback port (with `password`, when given; TLS only, `rediss://`,
 * with `tls`) and waits until ready.
 */
export async function startRedis(
  opts: { password?: string; port?: number; tls?: { ca: string; cert: string; key: string } } = {},
): Promise<TestRedis> {
  const server = redisServerPath();
  const port = opts.port ?? (await freeLoopbackPort());
  const args = opts.tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        opts.tls.cert,
        '--tls-key-file',
        opts.tls.key,
        '--tls-ca-cert-file',
        opts.tls.ca,
        '--tls-auth-clients',
        'no',
      ]
    : ['--port', String(port)];
  args.push('--bind', '127.0.0.1', '--save', '', '--appendonly', 'no');
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
    url: `${opts.tls ? 'rediss' : 'redis'}://${auth}127.0.0.1:${port}`,
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
