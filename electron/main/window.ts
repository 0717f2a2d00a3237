/**
 * The one window factory. Every window gets the pinned web preferences of windowOptions.ts, loads
 * the renderer from `app://vq` (or the electron-vite dev server), and may neither open windows nor
 * navigate away from our origins (security checklist items 13–15).
 */
import { BrowserWindow, shell, type WebContents } from 'electron';
import { APP_INDEX_URL, isAllowedExternal, isTrustedUrl, trustedOrigins } from './origins';
import { mainWindowOptions } from './windowOptions';

/** What the factory needs to know. */
export interface MainWindowSource {
  /** Absolute path of out/preload/index.cjs. */
  preloadPath: string;
  /** The electron-vite dev server URL in development; undefined in a build. */
  devServerUrl?: string;
  /** `app.isPackaged`: no DevTools at all. */
  isPackaged: boolean;
}

const guarded = new WeakSet<WebContents>();

/** Opens an allow-listed https link in the system browser; drops anything else. */
function openOutside(url: string): void {
  if (isAllowedExternal(url)) void shell.openExternal(url);
}

/**
 * Denies new windows and navigation away from `origins` for one webContents (applied to every
 * webContents the app creates, not only ours). Idempotent.
 */
export function guardWebContents(contents: WebContents, origins: readonly string[]): void {
  if (guarded.has(contents)) return;
  guarded.add(contents);
  contents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    if (isTrustedUrl(event.url, origins)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  contents.on('will-redirect', (event) => {
    if (!isTrustedUrl(event.url, origins)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

/** Creates the main window, shows it once its first frame is ready, and loads the renderer. */
export function createMainWindow(source: MainWindowSource): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(source.preloadPath, source.isPackaged));
  guardWebContents(win.webContents, trustedOrigins(source.devServerUrl));
  // webPreferences.devTools=false already refuses them; closing any that open anyway is the
  // second lock (an accelerator or a future API that bypasses the preference).
  if (source.isPackaged) {
    win.webContents.on('devtools-opened', () => win.webContents.closeDevTools());
  }
  win.once('ready-to-show', () => win.show());
  // The title follows the page's <title> ('VQ Studio — Library'): Electron's default, kept.
  win.loadURL(source.devServerUrl ?? APP_INDEX_URL).catch((err: unknown) => {
    console.error('Could not load the renderer:', err);
    win.show();
  });
  return win;
}
