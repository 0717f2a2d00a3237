import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/tempDir';

// Issue 10 item 7: `vq serve --token a` would guard the whole API with a guessable token.
// The real `vq` command in a child process; a refused token must exit before anything listens.
const tempDir = useTempDirs();

describe('vq serve --token', () => {
  it('refuses a token under 32 characters of [A-Za-z0-9_-] with a usage error (exit 2)', () => {
    for (const token of ['a', 'x'.repeat(31), `${'x'.repeat(32)}%`]) {
      const r = spawnSync(
        process.execPath,
        [path.resolve('bin/vq.mjs'), 'serve', '--port', '0', '--token', token],
        {
          env: { ...process.env, VQ_DATA_DIR: tempDir() },
          encoding: 'utf8',
          // A server that wrongly starts serves forever; the timeout turns that into a failure.
          timeout: 30_000,
        },
      );
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/--token.*32 characters/);
    }
  });
});

// A token on the command line is readable by every user of the machine (ps, /proc/<pid>/cmdline);
// VQ_SERVE_TOKEN, in the environment, only by the process's owner (review of issue 10, finding 5).
describe('VQ_SERVE_TOKEN', () => {
  it('refuses a short token from the environment with a usage error naming VQ_SERVE_TOKEN', () => {
    const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), 'serve', '--port', '0'], {
      env: { ...process.env, VQ_DATA_DIR: tempDir(), VQ_SERVE_TOKEN: 'a' },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/VQ_SERVE_TOKEN.*32 characters/);
  });

  it('serves with the token from the environment, which stays out of the command line', async () => {
    const token = 'Env_token-0123456789abcdefghijklmnopqrstuv';
    const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), 'serve', '--port', '0'], {
      env: { ...process.env, VQ_DATA_DIR: tempDir(), VQ_SERVE_TOKEN: token },
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      const url = await new Promise<URL>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /(http:\/\/\S+\?token=\S+)/.exec(out);
          if (m) resolve(new URL(m[1]!));
        });
        child.once('exit', (code) => reject(new Error(`vq serve exited with ${code}: ${err}`)));
      });
      expect(url.searchParams.get('token')).toBe(token);
      const api = `http://${url.host}/media/file/none`;
      expect((await fetch(api)).status).toBe(401);
      expect((await fetch(api, { headers: { Authorization: `Bearer ${token}` } })).status).not.toBe(
        401,
      );
      if (fs.existsSync(`/proc/${child.pid}/cmdline`)) {
        expect(fs.readFileSync(`/proc/${child.pid}/cmdline`, 'utf8')).not.toContain(token);
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
