import { defineConfig } from '@playwright/test';
import type { Shell } from './e2e/shellApp';
import { chromiumPath } from './scripts/testPrerequisites.mjs';

// One suite, two shells (e2e/fixture.ts): every spec runs in project 'web' (`vq serve` in
// Chromium) and in project 'electron' (the built desktop app). Without an Electron binary (or, on
// Linux, without a display) the electron project's tests are reported skipped, saying why.
//
// Debian's Chromium (apt) stands in for Playwright's own browser download, which cannot happen
// offline; the flags keep it from reaching for the network at start-up.

export default defineConfig<object, { shell: Shell }>({
  testDir: 'e2e',
  testMatch: /\.spec\.ts$/,
  outputDir: 'test-results',
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  workers: 1,
  reporter: process.env.VQ_PLAYWRIGHT_JSON
    ? [['list'], ['json', { outputFile: process.env.VQ_PLAYWRIGHT_JSON }]]
    : [['list']],
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    viewport: { width: 1400, height: 900 },
  },
  projects: [
    {
      name: 'web',
      use: {
        shell: 'web',
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromiumPath() ?? undefined,
          args: [
            '--no-sandbox',
            '--disable-gpu',
            '--disable-background-networking',
            '--disable-component-update',
            '--disable-sync',
            '--no-first-run',
          ],
        },
      },
    },
    { name: 'electron', use: { shell: 'electron' } },
  ],
});
