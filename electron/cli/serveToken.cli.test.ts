import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../core/testing/tempDir';

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
