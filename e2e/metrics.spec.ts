/**
 * The new metrics in the UI (issue 12): with the FFmpeg 7.1 + libvmaf 3.2 build in reach, CAMBI
 * and XPSNR are chosen in the Score dialog, scored for real on two generated renditions, and shown
 * pooled (table, details), per frame (chart, worst frames), with VMAF's features, and as an
 * Analysis figure; on the default build (FFmpeg 4.1, libvmaf 1.x) the dialog lists them as
 * unavailable with the reason.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Page } from '@playwright/test';
import type { ScoreResultSummary } from '../shared/scoreResults';
import type { Rendition } from '../shared/queue';
import { makeClip, quickLadder, quickRung } from '../electron/testing/clips';
import { importFile } from './library';
import { callApi } from './pageApi';
import { expect, test, vmaf3BuildInReach } from './fixture';

test.use({ viewport: { width: 1400, height: 1700 } });

/** The library id of the row whose file is `fileName`. */
async function itemId(page: Page, fileName: string): Promise<string> {
  const { items } = await callApi<{ items: { id: string; fileName: string }[] }>(
    page,
    'library.list',
    {},
  );
  const item = items.find((i) => i.fileName === fileName);
  if (!item) throw new Error(`${fileName} is not in the library`);
  return item.id;
}

test.describe('with the libvmaf 3.2 build', () => {
  let dir: string;
  let clip: string;

  test.use(vmaf3BuildInReach);

  test.beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-metrics-'));
    // CAMBI needs at least 320×240 on libvmaf 3.2 (it fails at 160×120); 1 s at 25 fps.
    clip = makeClip(dir, { width: 320, height: 240, fps: 25, seconds: 1, name: 'metrics-src.mp4' });
  });
  test.afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('scores CAMBI and XPSNR from the dialog: pooled, per frame, features, and in Analysis', async ({
    page,
  }) => {
    test.setTimeout(300_000);
    await importFile(page, clip);
    const sourceId = await itemId(page, 'metrics-src.mp4');

    // Two renditions at the source size (not what this spec is about: queued through the API).
    const ladder = quickLadder('metrics', [
      quickRung({ id: 'crf18', height: 240, rateControl: { mode: 'crf', crf: 18 } }),
      quickRung({ id: 'crf40', height: 240, rateControl: { mode: 'crf', crf: 40 } }),
    ]);
    await callApi(page, 'encode.start', { sourceId, ladder });
    await expect
      .poll(
        async () =>
          (await callApi<{ renditions: Rendition[] }>(page, 'renditions.list', { sourceId }))
            .renditions.length,
        { timeout: 120_000 },
      )
      .toBe(2);

    await page.getByTestId('library-row').filter({ hasText: 'metrics-src.mp4' }).click();
    const panel = page.getByTestId('scores-panel');
    await panel.getByTestId('score-button').click();
    const dialog = page.getByRole('dialog', { name: 'Score against metrics-src.mp4' });
    await expect(dialog).toBeVisible();
    for (const label of ['crf18', 'crf40']) {
      await dialog.locator(`[data-testid="score-target"][data-label="${label}"]`).check();
    }
    // The build computes both: nothing is listed unavailable.
    await expect(dialog.getByTestId('score-metric-cambi')).toBeEnabled();
    await expect(dialog.getByTestId('score-metric-xpsnr')).toBeEnabled();
    await expect(dialog.getByTestId('score-metric-cambi-reason')).toHaveCount(0);
    await dialog.getByTestId('score-metric-cambi').check();
    await dialog.getByTestId('score-metric-xpsnr').check();
    await expect(dialog.getByTestId('cambi-note')).toContainText('lower is better');
    const command = dialog.getByTestId('score-command');
    await expect(command).toContainText('cambi');
    await expect(command).toContainText('xpsnr');
    await expect(dialog.getByTestId('start-score')).toBeEnabled();
    await dialog.getByTestId('start-score').click();
    await expect(dialog).toBeHidden();

    // Pooled: the table has XPSNR-Y and CAMBI columns, each the stored mean.
    const rows = panel.getByTestId('score-row');
    await expect(rows).toHaveCount(2, { timeout: 180_000 });
    const { results } = await callApi<{ results: ScoreResultSummary[] }>(page, 'scores.list', {
      sourceId,
    });
    expect(results).toHaveLength(2);
    for (const r of results) {
      const row = rows.filter({ hasText: r.label });
      const xpsnr = r.metrics.xpsnr?.mean;
      const cambi = r.metrics.cambi?.mean;
      expect(typeof xpsnr).toBe('number');
      expect(typeof cambi).toBe('number');
      await expect(row.getByTestId('score-xpsnr')).toHaveText(xpsnr!.toFixed(2));
      await expect(row.getByTestId('score-cambi')).toHaveText(cambi!.toFixed(2));
    }
    const pooled = (label: string, key: 'xpsnr' | 'cambi'): number =>
      results.find((r) => r.label === label)!.metrics[key]!.mean!;
    // More bits: higher XPSNR, and no more banding.
    expect(pooled('crf18', 'xpsnr')).toBeGreaterThan(pooled('crf40', 'xpsnr'));
    expect(pooled('crf18', 'cambi')).toBeLessThanOrEqual(pooled('crf40', 'cambi'));

    // Per frame: the chart switches to CAMBI (lower is better) and to luma XPSNR.
    const chart = panel.getByTestId('frame-chart');
    await expect(chart.locator('canvas').first()).toBeVisible();
    await panel.getByTestId('chart-series-cambi').click();
    await expect(chart).toHaveAttribute('aria-label', /Per-frame CAMBI of 2 results/);
    await expect(panel.getByTestId('chart-lower-better')).toContainText('lower is better');
    await expect(chart.locator('.u-legend')).toContainText('crf40');
    await panel.getByTestId('chart-series-xpsnr').click();
    await expect(chart).toHaveAttribute('aria-label', /Per-frame XPSNR-Y of 2 results/);
    await expect(panel.getByTestId('chart-series-xpsnrU')).toBeVisible();

    // The details of one result: pooled rows for every XPSNR plane and CAMBI, and VMAF's features.
    await rows.filter({ hasText: 'crf40' }).click();
    const details = panel.getByTestId('score-details');
    for (const s of ['xpsnr', 'xpsnrU', 'xpsnrV', 'cambi']) {
      await expect(details.locator(`[data-testid="pooled-row"][data-series="${s}"]`)).toBeVisible();
    }
    await expect(details.getByTestId('pooled-lower-better')).toContainText('CAMBI');
    const worst = panel.getByTestId('worst-frames');
    await expect(worst.locator('th', { hasText: 'CAMBI' })).toBeVisible();
    await expect(worst.locator('th', { hasText: 'XPSNR-Y' })).toBeVisible();
    const features = details.getByTestId('feature-chart');
    await expect(features.locator('canvas').first()).toBeVisible();
    await expect(features.getByTestId('feature-group-adm')).toHaveAttribute('aria-pressed', 'true');
    await expect(features.getByTestId('feature-frame-chart')).toContainText('adm2');
    await features.getByTestId('feature-group-motion').click();
    await expect(features.getByTestId('feature-frame-chart')).toContainText('motion2');
    await page.screenshot({ path: 'test-results/screenshots/metrics-scores.png', fullPage: true });

    // Analysis: XPSNR as the quality figure, then CAMBI, which says lower is better.
    await page.getByTestId('nav-analysis').click();
    const view = page.getByTestId('analysis-view');
    await view.getByTestId('analysis-source').selectOption(sourceId);
    await view.getByTestId('analysis-quality').selectOption('xpsnr');
    const rd = view.getByTestId('rd-chart');
    await expect(rd.getByTestId('rd-point')).toHaveCount(2);
    await expect(rd).toContainText('XPSNR-Y (dB)');
    await expect(view.getByTestId('analysis-lower-better')).toHaveCount(0);
    await view.getByTestId('analysis-quality').selectOption('cambi');
    await expect(rd.getByTestId('rd-point')).toHaveCount(2);
    await expect(rd).toContainText('CAMBI (lower is better)');
    await expect(view.getByTestId('analysis-lower-better')).toContainText('lower envelope');
    // No ladder is picked on CAMBI: the live recommendation says why.
    await view.getByTestId('pertitle-live').click();
    await expect(view.getByTestId('pertitle-live-result')).toContainText('cannot pick a ladder');
    await page.screenshot({
      path: 'test-results/screenshots/metrics-analysis.png',
      fullPage: true,
    });

    // A VMAF v1 model by name: the 4K one at 3H scores 0–110 (it needs 318 px a side: compared
    // at 480×360).
    await page.getByTestId('nav-library').click();
    await panel.getByTestId('score-button').click();
    await expect(dialog).toBeVisible();
    await dialog.locator('[data-testid="score-target"][data-label="crf40"]').check();
    await dialog.getByTestId('score-metric-psnr').uncheck();
    await dialog.getByTestId('score-metric-ssim').uncheck();
    await dialog.getByTestId('score-model').selectOption('name:vmaf_v1.0.16_3d0h_2160');
    await dialog.getByTestId('score-scale').fill('480x360');
    await expect(command).toContainText('vmaf_v1.0.16_3d0h_2160');
    await dialog.getByTestId('start-score').click();
    await expect(dialog).toBeHidden();
    await expect
      .poll(
        async () =>
          (
            await callApi<{ results: ScoreResultSummary[] }>(page, 'scores.list', { sourceId })
          ).results.find((r) => r.label === 'crf40')?.model?.maxScore,
        { timeout: 120_000 },
      )
      .toBe(110);
    // The earlier score of crf40 (CAMBI, XPSNR) stays listed below the new VMAF v1 one.
    await rows.filter({ hasText: 'crf40' }).first().click();
    await expect(details).toContainText('vmaf_v1.0.16_3d0h_2160 (scores 0–110)');
    // Analysis warns that the two renditions' VMAF comes from different models.
    await page.getByTestId('nav-analysis').click();
    await view.getByTestId('analysis-quality').selectOption('vmafMean');
    await expect(view.getByTestId('analysis-mixed-models')).toContainText(
      'vmaf_v0.6.1, vmaf_v1.0.16_3d0h_2160',
    );
  });
});

test.describe('with the default build (FFmpeg 4.1, libvmaf 1.x)', () => {
  test('the Score dialog lists CAMBI and XPSNR as unavailable, with the reason', async ({
    page,
  }) => {
    await importFile(page, 'ffmpeg-quality-metrics/ref-1280x720.mkv');
    await page.getByTestId('library-row').filter({ hasText: 'ref-1280x720.mkv' }).click();
    await page.getByTestId('scores-panel').getByTestId('score-button').click();
    const dialog = page.getByRole('dialog', { name: 'Score against ref-1280x720.mkv' });
    await expect(dialog.getByTestId('score-metric-cambi')).toBeDisabled();
    await expect(dialog.getByTestId('score-metric-cambi')).not.toBeChecked();
    await expect(dialog.getByTestId('score-metric-cambi-reason')).toContainText(
      'CAMBI needs libvmaf 2 or later',
    );
    await expect(dialog.getByTestId('score-metric-xpsnr')).toBeDisabled();
    await expect(dialog.getByTestId('score-metric-xpsnr-reason')).toContainText(
      'XPSNR needs FFmpeg 7.1 or later',
    );
    // The metrics this build computes stay open.
    await expect(dialog.getByTestId('score-metric-vmaf')).toBeEnabled();
    await expect(dialog.getByTestId('score-metric-vmaf')).toBeChecked();
    await expect(dialog.getByTestId('score-metric-ms_ssim')).toBeEnabled();
    await page.screenshot({ path: 'test-results/screenshots/metrics-unavailable.png' });

    // The ladder editor's score after encode says the same.
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await page.getByTestId('nav-ladders').click();
    await page.getByTestId('score-after-encode').check();
    const after = page.getByTestId('score-after-metrics');
    await expect(after.getByTestId('after-metric-cambi')).toBeDisabled();
    await expect(after.getByTestId('after-metric-xpsnr-reason')).toContainText('no xpsnr filter');
    await expect(after.getByTestId('after-metric-vmaf')).toBeChecked();
  });
});
