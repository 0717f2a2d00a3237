/**
 * The web shell of the e2e fixture: `vq serve` on a free port with a fresh data dir, its pages
 * opened in Chromium with the access token the server prints, as a person opens the printed URL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser, Page } from '@playwright/test';
import type { FrameSize, ShellApp } from './shellApp';

/** The app in the web shell: what every shell has, plus the URL `vq serve` printed. */
export interface WebApp extends ShellApp {
  readonly shell: 'web';
  /** `http://127.0.0.1:<port>/?token=…`, as printed. */
  readonly url: string;
}

/**
 * Starts `vq serve --port 0` with `env` as its whole environment and resolves once it prints its
 * URL; pages open in `browser`.
 */
export async function startWebApp(browser: Browser, env: NodeJS.ProcessEnv): Promise<WebApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-'));
  const child: ChildProcess = spawn(process.execPath, ['bin/vq.mjs', 'serve', '--port', '0'], {
    env: { ...env, VQ_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]+)/.exec(output);
      if (m) resolve(m[1]!);
    });
    child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    child.once('exit', (code) => reject(new Error(`vq serve exited with ${code}:\n${output}`)));
  });
  const token = new URL(url).searchParams.get('token') ?? '';

  return {
    shell: 'web',
    url,
    dataDir,
    env,
    async openWindow(viewport) {
      const context = await browser.newContext({ viewport });
      const page = await context.newPage();
      await page.goto(url);
      return page;
    },
    async closeWindow(page) {
      await page.context().close();
    },
    frameUrl(id: string, index: number, size?: FrameSize) {
      const sized = size ? `&width=${size.width}&height=${size.height}` : '';
      return `/media/frame/${encodeURIComponent(id)}?index=${index}${sized}&token=${token}`;
    },
    async download(page: Page, start: () => Promise<void>) {
      const [download] = await Promise.all([page.waitForEvent('download'), start()]);
      const bytes = Buffer.concat(await (await download.createReadStream()).toArray());
      return { name: download.suggestedFilename(), bytes };
    },
    async close() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
