import { describe, expect, it } from 'vitest';
import { mainWindowOptions } from './windowOptions';

// Pins every security preference of the one window factory, so none can drift unnoticed
// (https://www.electronjs.org/docs/latest/tutorial/security).
describe('mainWindowOptions', () => {
  const options = mainWindowOptions('/app/out/preload/index.cjs', true);
  const prefs = options.webPreferences ?? {};

  it('isolates and sandboxes the renderer', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keeps web security on and experimental surface off', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.spellcheck).toBe(false);
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('partition');
  });

  it('loads the given preload and nothing else', () => {
    expect(prefs.preload).toBe('/app/out/preload/index.cjs');
    expect(Object.keys(prefs).sort()).toEqual(
      [
        'allowRunningInsecureContent',
        'contextIsolation',
        'devTools',
        'experimentalFeatures',
        'navigateOnDragDrop',
        'nodeIntegration',
        'nodeIntegrationInSubFrames',
        'nodeIntegrationInWorker',
        'preload',
        'sandbox',
        'spellcheck',
        'webSecurity',
        'webviewTag',
      ].sort(),
    );
  });

  it('has no DevTools in a packaged build, and DevTools in development', () => {
    expect(prefs.devTools).toBe(false);
    expect(mainWindowOptions('/p.cjs', false).webPreferences?.devTools).toBe(true);
  });

  it('opens hidden on a dark background with a usable minimum size', () => {
    expect(options.show).toBe(false);
    expect(options.backgroundColor).toBe('#0f1115');
    expect(options.title).toBe('VQ Studio');
    expect(options.minWidth).toBeGreaterThanOrEqual(800);
    expect(options.minHeight).toBeGreaterThanOrEqual(500);
  });
});
