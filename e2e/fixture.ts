/**
 * The one e2e fixture: every spec runs in both shells of the app through it, as VS Code's
 * test/automation driver runs one suite against a browser or Electron. The project says which
 * shell (`shell` option): 'web' starts `vq serve` and opens it in Chromium, 'electron' starts the
 * built desktop app. A test asks for `page` (the app's window at its start page) and `app` (what
 * differs between the shells: frame URLs, downloads); it names a shell only when it makes sense
 * in one of them ({@link onlyIn}).
 *
 * One app runs per spec file (and per `appEnv`): the tests of a file share its library, as a
 * person's session would, and no state leaks from one file to the next. Where the Electron shell
 * cannot start (no binary; Linux without a display) its tests are reported skipped, saying why.
 */
import { test as base, expect, type Browser } from '@playwright/test';
import path from 'node:path';
import { MODEL_DIR } from '../electron/testing/scoreFixtures';
import { sharedVmaf3Build } from '../electron/testing/vmaf3Build';
import { startElectronApp, whyElectronCannotStart, type ElectronApp } from './electronShell';
import type { Shell } from './shellApp';
import { startWebApp, type WebApp } from './webShell';

export { expect };
export type { Shell };

/** The app a test runs against. */
export type VqApp = WebApp | ElectronApp;

/**
 * Environment variables the app gets on top of this process's (e.g. another ffmpeg in reach).
 * The app always finds the workspace's VMAF models (libvmaf 1.x reads their .pkl files) unless
 * VQ_VMAF_MODEL_DIR says otherwise.
 */
export type AppEnv = Readonly<Record<string, string | undefined>>;

/** Starts apps for the tests of one worker, one at a time. */
interface AppHost {
  /** The app for `key`; a new key stops the app before and starts a new one with `env`. */
  appFor(key: string, env: NodeJS.ProcessEnv): Promise<VqApp>;
}

export const test = base.extend<{ appEnv: AppEnv; app: VqApp }, { shell: Shell; appHost: AppHost }>(
  {
    shell: ['web', { scope: 'worker', option: true }],

    appHost: [
      async ({ shell, playwright, launchOptions }, use) => {
        const running: { browser?: Browser; app?: VqApp; key?: string } = {};
        const start = async (env: NodeJS.ProcessEnv): Promise<VqApp> => {
          if (shell === 'electron') return startElectronApp(playwright, env);
          running.browser ??= await playwright.chromium.launch(launchOptions);
          return startWebApp(running.browser, env);
        };
        await use({
          async appFor(key, env) {
            if (running.key !== key || !running.app) {
              const previous = running.app;
              running.app = running.key = undefined;
              await previous?.close();
              running.app = await start(env);
              running.key = key;
            }
            return running.app;
          },
        });
        await running.app?.close();
        await running.browser?.close();
      },
      { scope: 'worker' },
    ],

    appEnv: [{}, { option: true }],

    app: async ({ shell, appHost, appEnv }, use, testInfo) => {
      const cannotStart = shell === 'electron' ? whyElectronCannotStart() : null;
      testInfo.skip(cannotStart !== null, cannotStart ?? '');
      const key = `${testInfo.file}\n${JSON.stringify(appEnv)}`;
      const env = { VQ_VMAF_MODEL_DIR: MODEL_DIR, ...process.env, ...appEnv };
      await use(await appHost.appFor(key, env));
    },

    page: async ({ app, viewport }, use) => {
      const page = await app.openWindow(viewport);
      await use(page);
      await app.closeWindow(page);
    },
  },
);

/**
 * Marks the tests of this file (or of the enclosing `test.describe`) as meaningful in one shell
 * only; in the other they are reported skipped with `why`. Decided before any hook runs.
 */
export function onlyIn(only: Shell, why: string): void {
  test.skip(({ shell }) => shell !== only, `Only in the ${only} shell: ${why}`);
}

/** `app` as the `shell` it must be in (a test marked with {@link onlyIn} `shell`). */
export function appIn<S extends Shell>(app: VqApp, shell: S): Extract<VqApp, { shell: S }> {
  if (app.shell !== shell) {
    throw new Error(`This test needs the ${shell} shell and runs in ${app.shell}: mark it onlyIn`);
  }
  return app as Extract<VqApp, { shell: S }>;
}

/**
 * `test.use(vmaf3BuildInReach)`: the app also finds the FFmpeg 7.1 + libvmaf 3.2 test build (its
 * folder searched like PATH through VQ_FFMPEG_DIRS). Fails naming the build when it is missing.
 */
export const vmaf3BuildInReach: Parameters<typeof test.use>[0] = {
  // (A fixture function's first parameter must be a destructuring; it needs no other fixture.)
  appEnv: async ({ shell: _shell }, use) => {
    const build = sharedVmaf3Build();
    await use({ ...build.env, VQ_FFMPEG_DIRS: path.join(build.dir, 'bin') });
  },
};
