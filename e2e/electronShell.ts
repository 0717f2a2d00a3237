/**
 * The Electron shell of the e2e fixture: the built desktop app (out/main/index.js) in a real
 * Electron through Playwright's Electron support, with a fresh data dir. Its one window is the
 * page every test gets, sent back to the start page between tests.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ElectronApplication, Page, PlaywrightWorkerArgs } from '@playwright/test';
import { installedElectron } from '../scripts/electronBinary.mjs';
import { prepareElectronSqlite } from '../scripts/electronSqlite.mjs';
import type { FrameSize, ShellApp } from './shellApp';

/** Why the electron project's tests are skipped on a machine without the Electron binary. */
export const NO_ELECTRON_BINARY =
  'Electron binary not installed (npm ran with ELECTRON_SKIP_BINARY_DOWNLOAD=1): get it with ' +
  '`npx electron --version` (downloads it) or `npm ci` without ELECTRON_SKIP_BINARY_DOWNLOAD. ' +
  'The web project runs the same specs in Chromium.';

/** Why the electron project's tests are skipped on Linux without a display for the window. */
export const NO_DISPLAY =
  'no display: run under xvfb-run (`xvfb-run -a npx playwright test --project=electron`); ' +
  'neither DISPLAY nor WAYLAND_DISPLAY is set, so Electron cannot open its window.';

/** The installed Electron executable, or null (see scripts/electronBinary.mjs). */
export const electronBinary: string | null = installedElectron();

/**
 * Why the Electron shell cannot start here (no Electron binary; on Linux, no display), or null
 * when it can.
 */
export function whyElectronCannotStart(
  binary: string | null = electronBinary,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): string | null {
  if (binary === null) return NO_ELECTRON_BINARY;
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) return NO_DISPLAY;
  return null;
}

/** The app in the Electron shell: what every shell has, plus its main process. */
export interface ElectronApp extends ShellApp {
  readonly shell: 'electron';
  /** The main process (`evaluate` runs there, e.g. to stub a native dialog). */
  readonly electron: ElectronApplication;
}

/** `env` without what would change how Electron starts, with the data dir and SQLite build. */
function electronEnv(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  sqlite: string | null,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined) out[key] = value;
  }
  // A leaked ELECTRON_RUN_AS_NODE makes Electron a plain Node that rejects Playwright's flags with
  // "bad option: --remote-debugging-port=0":
  // https://github.com/microsoft/playwright-vscode/issues/95
  delete out.ELECTRON_RUN_AS_NODE;
  // The app must load its own build, never a dev server left in the environment.
  delete out.ELECTRON_RENDERER_URL;
  out.VQ_DATA_DIR = dataDir;
  if (sqlite) out.VQ_SQLITE_NATIVE = sqlite;
  return out;
}

/** Launches the built app with `env` as its whole environment; resolves once its window loaded. */
export async function startElectronApp(
  playwright: PlaywrightWorkerArgs['playwright'],
  env: NodeJS.ProcessEnv,
): Promise<ElectronApp> {
  const cannot = whyElectronCannotStart(electronBinary, env);
  if (cannot !== null || !electronBinary) throw new Error(cannot ?? NO_ELECTRON_BINARY);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-electron-'));
  const downloads = path.join(dataDir, 'e2e-downloads');
  const args = [path.resolve('out/main/index.js')];
  // Chromium's own sandbox cannot start as root or in most CI containers; the renderer's
  // `sandbox: true` web preference is unaffected.
  if (process.platform === 'linux' && (process.env.CI || process.getuid?.() === 0)) {
    args.push('--no-sandbox');
  }
  const electron = await playwright._electron.launch({
    executablePath: electronBinary,
    args,
    // An Electron build of better-sqlite3 (the one in node_modules is built for Node).
    env: electronEnv(env, dataDir, prepareElectronSqlite(path.resolve('.'))),
  });
  const window = await electron.firstWindow();
  // The start page is wherever the app loads its renderer from (app://vq/index.html in a build).
  await window.waitForURL((u) => u.protocol !== 'about:');
  const startUrl = window.url().split('#')[0]!;
  let opened = false;

  return {
    shell: 'electron',
    electron,
    dataDir,
    env,
    async openWindow(viewport) {
      // The first test gets the window as launched; later ones get it back at the start page.
      if (opened) await window.goto(startUrl);
      opened = true;
      if (viewport) await window.setViewportSize(viewport);
      return window;
    },
    async closeWindow() {
      // The one window stays for the next test of this app.
    },
    frameUrl(id: string, index: number, size?: FrameSize) {
      const sized = size ? `&width=${size.width}&height=${size.height}` : '';
      return `vq-media://frame/${encodeURIComponent(id)}?index=${index}${sized}`;
    },
    async download(_page: Page, start: () => Promise<void>) {
      // Electron saves a download through a native Save dialog (Playwright sees no 'download'
      // event there): the main process is told where to save the next one instead.
      fs.mkdirSync(downloads, { recursive: true });
      type Saved = { state: string; file: string; name: string };
      await electron.evaluate(({ session }, dir) => {
        const g = globalThis as { vqE2eDownload?: Promise<Saved> };
        g.vqE2eDownload = new Promise<Saved>((resolve) => {
          session.defaultSession.once('will-download', (_event, item) => {
            const file = dir + item.getFilename();
            item.setSavePath(file);
            item.once('done', (_e, state) => resolve({ state, file, name: item.getFilename() }));
          });
        });
      }, downloads + path.sep);
      await start();
      const saved = await electron.evaluate(
        () => (globalThis as { vqE2eDownload?: Promise<Saved> }).vqE2eDownload!,
      );
      if (saved.state !== 'completed') throw new Error(`The download ended ${saved.state}`);
      return { name: saved.name, bytes: fs.readFileSync(saved.file) };
    },
    async close() {
      await electron.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
