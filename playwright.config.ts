import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';

// Debian's Chromium (apt) stands in for Playwright's own browser download, which cannot happen
// offline. The flags keep it from reaching for the network at start-up.
function chromiumPath(): string | undefined {
  if (process.env.VQ_CHROMIUM) return process.env.VQ_CHROMIUM;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome']) {
    try {
      return execFileSync('which', [name], { encoding: 'utf8' }).trim() || undefined;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

export default defineConfig({
  testDir: 'e2e',
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
      testMatch: /web\..*spec\.ts$/,
      use: {
        browserName: 'chromium',
        launchOptions: {
          executablePath: chromiumPath(),
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
    { name: 'electron', testMatch: /electron\.spec\.ts$/ },
  ],
});
