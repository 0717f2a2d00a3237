/**
 * Starts `vq serve` for one test file: a fresh data dir, a free port, and the URL it prints.
 * Each test file gets its own server so no state is shared between files.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A running `vq serve` child process. */
export interface ServedApp {
  url: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * Starts `vq serve --port 0` and resolves once it prints its URL. `env` replaces this process's
 * environment for the server (e.g. to put another ffmpeg build in reach).
 */
export async function serveApp(env: NodeJS.ProcessEnv = process.env): Promise<ServedApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/vq.mjs', 'serve', '--port', '0'], {
    env: { ...env, VQ_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (m) resolve(m[1]!);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`vq serve exited with ${code}:\n${output}`)));
  });
  return {
    url,
    dataDir,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
