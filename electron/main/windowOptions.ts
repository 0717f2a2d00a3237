/**
 * The web preferences of every VQ Studio window, in one pure function so a unit test can pin them
 * (https://www.electronjs.org/docs/latest/tutorial/security). The renderer is sandboxed and
 * isolated; it reaches main only through the preload's `window.vq`.
 */
import type { BrowserWindowConstructorOptions } from 'electron';

/** Background painted before the first frame, so the dark UI does not flash white. */
export const WINDOW_BACKGROUND = '#0f1115';

/**
 * Options for the main window; `preloadPath` is the absolute path of out/preload/index.cjs.
 * `isPackaged` (`app.isPackaged`) turns DevTools off: a packaged build cannot open them at all.
 */
export function mainWindowOptions(
  preloadPath: string,
  isPackaged: boolean,
): BrowserWindowConstructorOptions {
  return {
    width: 1400,
    height: 900,
    minWidth: 960,
    minHeight: 600,
    title: 'VQ Studio',
    backgroundColor: WINDOW_BACKGROUND,
    // Shown on 'ready-to-show', so the window never appears blank.
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      devTools: !isPackaged,
    },
  };
}
