/**
 * The Electron app: one window over the core services. Main owns all state (the core); the
 * sandboxed renderer reaches it only through the preload's `window.vq` and the two custom schemes.
 */
import { app, BrowserWindow, dialog, Menu, session, type OpenDialogOptions } from 'electron';
import { VIDEO_EXTENSIONS } from '../../shared/media';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toApiError } from '../../shared/errors';
import { createCore, type Core } from '../core/core';
import { moveDatabaseAside } from '../core/store/db';
import { APP_VERSION } from '../core/version';
import { offerToMoveDamagedDatabase } from './damagedDatabase';
import { bindIpc, type IpcBridge } from './ipc';
import { buildAppMenu } from './menu';
import { notifyFinishedBatches } from './notifications';
import { trustedOrigins } from './origins';
import { permissionAllowed } from './permissions';
import { handleProtocols, registerPrivilegedSchemes } from './protocols';
import { startupFailureDialog } from './startupFailure';
import { createMainWindow, guardWebContents } from './window';

const here = path.dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = path.join(here, '../renderer');
const PRELOAD_PATH = path.join(here, '../preload/index.cjs');

// The dev server URL is honoured only unpackaged: a packaged app must never put its preload into
// a page an environment variable names.
const devServerUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL || undefined;
const origins = trustedOrigins(devServerUrl);

/**
 * The data dir: VQ_DATA_DIR, else Electron's userData. With VQ_DATA_DIR, Chromium's profile and the
 * single-instance lock move inside it too, so e2e runs and second profiles never meet the
 * installed app's.
 */
function resolveDataDir(): string {
  const fromEnv = process.env.VQ_DATA_DIR;
  if (fromEnv) {
    const dir = path.resolve(fromEnv);
    app.setPath('userData', path.join(dir, 'electron'));
    return dir;
  }
  return app.getPath('userData');
}

let mainWindow: BrowserWindow | null = null;
let core: Core | null = null;
let ipc: IpcBridge | null = null;

async function pickFiles(): Promise<string[] | null> {
  const options: OpenDialogOptions = {
    title: 'Import video files',
    properties: ['openFile', 'multiSelections'],
    filters: [
      { name: 'Video files', extensions: [...VIDEO_EXTENSIONS] },
      { name: 'All files', extensions: ['*'] },
    ],
  };
  const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
  const result = parent
    ? await dialog.showOpenDialog(parent, options)
    : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
}

function openMainWindow(): BrowserWindow {
  const win = createMainWindow({
    preloadPath: PRELOAD_PATH,
    devServerUrl,
    isPackaged: app.isPackaged,
  });
  ipc?.attachWindow(win);
  win.on('closed', () => {
    if (mainWindow === win) mainWindow = null;
  });
  mainWindow = win;
  return win;
}

function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(
      permissionAllowed(
        { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame },
        origins,
      ),
    );
  });
  ses.setPermissionCheckHandler((_contents, permission, _origin, details) =>
    permissionAllowed(
      { permission, requestingUrl: details.requestingUrl, isMainFrame: details.isMainFrame },
      origins,
    ),
  );
}

function start(dataDir: string): void {
  // Every webContents, ours or not (devtools, anything a bug might open), may neither open
  // windows nor navigate away from our origins.
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, origins));

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });

  // core.close() kills every running ffmpeg/ffprobe and closes the database. It is synchronous,
  // so no deferred quit is needed: nothing is left running once 'before-quit' returns.
  app.on('before-quit', () => core?.close());

  // One window is the whole app: closing it quits, on macOS too.
  app.on('window-all-closed', () => app.quit());

  app
    .whenReady()
    .then(() => {
      lockDownSession();
      launch(dataDir);
    })
    .catch((err: unknown) => onStartFailure(dataDir, err))
    .catch(() => app.exit(1));
}

/**
 * moveDatabaseAside with the better-sqlite3 build this app opens the database with. Forced past
 * quick_check: the app offers it only after SQLite itself answered DATABASE_CORRUPT, and damage in
 * an index can pass quick_check. It is still refused while another process has the file open.
 */
function moveAside(dataDir: string): string {
  return moveDatabaseAside(dataDir, { force: true, nativeBinding: process.env.VQ_SQLITE_NATIVE });
}

/** A damaged library.db met at run time: the start-up offer (move aside), then a restart. */
function damagedDatabaseHandler(dataDir: string): ReturnType<typeof offerToMoveDamagedDatabase> {
  return offerToMoveDamagedDatabase({
    ask: async (failure) => {
      const options = {
        type: 'error' as const,
        title: failure.title,
        message: failure.message,
        detail: failure.detail,
        buttons: failure.buttons,
        defaultId: failure.buttons.length - 1,
        cancelId: failure.buttons.length - 1,
        noLink: true,
      };
      const parent = mainWindow ?? BrowserWindow.getFocusedWindow();
      const { response } = parent
        ? await dialog.showMessageBox(parent, options)
        : await dialog.showMessageBox(options);
      return response;
    },
    closeCore: () => core?.close(),
    moveAside: () => moveAside(dataDir),
    restart: () => {
      app.relaunch();
      app.exit(0);
    },
    failed: (err) => {
      console.error('Moving the damaged library database aside failed:', err);
      showErrorBox('VQ Studio could not move the library database aside', err);
      app.exit(1);
    },
  });
}

/** Opens the core over `dataDir`, installs protocols, IPC and the menu, and opens the window. */
function launch(dataDir: string): void {
  core = createCore({
    dataDir,
    host: { mode: 'electron', pickFiles },
    onDatabaseError: damagedDatabaseHandler(dataDir),
  });
  const services = core;
  handleProtocols({
    rendererDir: RENDERER_DIR,
    resolveMedia: (kind, id) => services.mediaPath(kind, id),
    frames: (id, index, size, signal) => services.framePng(id, index, size, signal),
    play: (sessionId, file, signal) => services.playback.open(sessionId, file, signal),
    origins,
  });
  ipc = bindIpc(services, origins);
  notifyFinishedBatches(services);
  app.setAboutPanelOptions({ applicationName: 'VQ Studio', applicationVersion: APP_VERSION });
  Menu.setApplicationMenu(
    buildAppMenu({
      isPackaged: app.isPackaged,
      importFiles: () => {
        void services.dispatch('library.importWithDialog', {}).then((result) => {
          if (!result.ok) console.error('Import failed:', result.error.message);
        });
      },
    }),
  );
  openMainWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
  });
}

/**
 * Start-up failed (data folder read-only or full, damaged database, …): say why and what to do. A
 * damaged library.db can be moved aside (renamed, nothing deleted) and the app starts fresh.
 */
async function onStartFailure(dataDir: string, err: unknown): Promise<void> {
  console.error('VQ Studio could not start:', err);
  const failure = startupFailureDialog(err);
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: failure.title,
    message: failure.message,
    detail: failure.detail,
    buttons: failure.buttons,
    defaultId: failure.buttons.length - 1,
    cancelId: failure.buttons.length - 1,
    noLink: true,
  });
  if (failure.offerMoveAside && response === 0) {
    try {
      const moved = moveAside(dataDir);
      console.warn(`Moved the damaged library database aside to ${moved}`);
      launch(dataDir);
      return;
    } catch (again: unknown) {
      console.error('VQ Studio could not start after moving the database aside:', again);
      showErrorBox('VQ Studio could not start', again);
    }
  }
  app.exit(1);
}

/** An error box with the error's message and, below it, what to do. */
function showErrorBox(title: string, err: unknown): void {
  const e = toApiError(err);
  dialog.showErrorBox(title, e.hint ? `${e.message}\n\n${e.hint}` : e.message);
}

registerPrivilegedSchemes();
const dataDir = resolveDataDir();
// Chromium keeps its HTTP cache in `<sessionData>/Cache`, which is our `cache/` folder on
// case-insensitive file systems (macOS, Windows): give Chromium a folder of its own.
app.setPath('sessionData', path.join(app.getPath('userData'), 'session'));

if (app.requestSingleInstanceLock()) {
  start(dataDir);
} else {
  // Another VQ Studio owns this data dir; it was told to focus its window ('second-instance').
  app.quit();
}
