import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeEditedClip } from '../electron/testing/sceneClip';
import { requiredTool } from '../electron/testing/tools';
import { importFile } from './library';
import { expect, test, vmaf3BuildInReach } from './fixture';

// Target quality in either shell, on a clip of three scenes joined by hard cuts: Compare's
// timeline shows its three shots and [ ] step between them; the Target quality panel runs a CRF
// search, draws each step as it ends, verifies the answer on the whole title and queues it.

test.use({ viewport: { width: 1400, height: 1400 }, ...vmaf3BuildInReach });

let dir: string;
let clip: string;

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-target-e2e-'));
  clip = makeEditedClip(dir, {
    parts: [75, 75, 100],
    transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    width: 320,
    height: 180,
    name: 'three-scenes.mp4',
    ffmpeg: requiredTool('ffmpeg'),
  }).path;
});

test.afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('shots on the Compare timeline, stepped with [ and ]', async ({ page }) => {
  await importFile(page, clip);
  await page.keyboard.press('Alt+4');
  await page.getByTestId('compare-source').selectOption({ label: 'three-scenes.mp4' });
  const shots = page.getByTestId('timeline-shots');
  await expect(shots).toHaveAttribute('data-state', 'ready', { timeout: 60_000 });
  await expect(shots).toHaveAttribute('data-shots', '3');
  await expect(shots.locator('.compare-shot')).toHaveCount(3);
  await expect(shots).toHaveAttribute('data-current', '0');
  await page.getByTestId('compare-pane').first().click();
  await page.keyboard.press(']');
  await expect(page.getByTestId('frame-number')).toHaveText('75');
  await expect(shots).toHaveAttribute('data-current', '1');
  await page.keyboard.press(']');
  await expect(page.getByTestId('frame-number')).toHaveText('150');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('[');
  await expect(page.getByTestId('frame-number')).toHaveText('150');
  await page.keyboard.press('[');
  await expect(page.getByTestId('frame-number')).toHaveText('75');
  // A click on a shot goes to its first frame.
  await shots.locator('.compare-shot[data-start="150"]').click();
  await expect(page.getByTestId('frame-number')).toHaveText('150');
});

test('a CRF search drawn as it goes, verified, and queued', async ({ page }) => {
  await importFile(page, clip);
  await page.getByTestId('nav-analysis').click();
  const view = page.getByTestId('analysis-view');
  await expect(view.getByTestId('analysis-source')).toContainText('three-scenes.mp4');
  const panel = view.getByTestId('target-panel');
  await panel.scrollIntoViewIfNeeded();

  // A problem is named on its field, and the search cannot start.
  await panel.getByTestId('target-value').fill('130');
  await expect(panel.getByTestId('target-error-target')).toContainText('up to 100');
  await expect(panel.getByTestId('target-start')).toBeDisabled();

  await panel.getByTestId('target-encoder').selectOption('libx264');
  await panel.getByTestId('target-preset').selectOption('ultrafast');
  await panel.getByTestId('target-value').fill('92');
  await panel.getByTestId('target-samples').fill('3');
  await panel.getByTestId('target-sample-seconds').fill('1');
  await panel.getByTestId('target-verify').check();
  await panel.getByTestId('target-start').click();

  const search = panel.getByTestId('target-search');
  await expect(search).toHaveAttribute('data-status', 'running');
  // Drawn live: the chart has a step before the search ends.
  await expect(panel.getByTestId('target-chart')).toBeVisible({ timeout: 60_000 });
  await expect(search).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
  const result = panel.getByTestId('target-result');
  await expect(result).toContainText(
    /CRF \d+(\.\d+)? for VMAF \(mean\) 92: predicted \d+\.\d\d ± \d+\.\d\d/,
  );
  await expect(result).toContainText('3 samples');
  await expect(panel.getByTestId('target-verified')).toContainText(
    /Verified on the whole title: VMAF \(mean\) \d+\.\d\d/,
  );
  const steps = Number(await panel.getByTestId('target-chart').getAttribute('data-steps'));
  expect(steps).toBeGreaterThanOrEqual(1);
  expect(steps).toBeLessThanOrEqual(10);
  await panel.screenshot({ path: 'test-results/screenshots/target-quality.png' });

  // Queued as a one-rung encode at that CRF, scored after.
  const crf = await result.getAttribute('data-crf');
  await panel.getByTestId('target-queue').click();
  const card = page.getByTestId('batch-card').filter({ hasText: `libx264 CRF ${crf}` });
  await expect(card).toBeVisible();
  await expect(card.getByTestId('batch-outcome')).toHaveText('Finished', { timeout: 60_000 });
});

test('a per-shot encode drawn over the title, shot by shot', async ({ page }) => {
  await importFile(page, clip);
  await page.getByTestId('nav-analysis').click();
  const panel = page.getByTestId('analysis-view').getByTestId('shot-panel');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByTestId('shot-encoder').selectOption('libx264');
  await panel.getByTestId('shot-preset').selectOption('ultrafast');
  await panel.getByTestId('shot-target-kind').selectOption('quality');
  await panel.getByTestId('shot-target').fill('90');
  // The title's own height is ticked; a smaller one is offered too, and tried as well.
  const heights = panel.getByTestId('shot-height');
  await expect(heights.first()).toHaveAttribute('data-height', '180');
  await expect(heights.first()).toBeChecked();
  await panel.locator('[data-testid="shot-height"][data-height="144"]').check();
  await expect(panel.getByTestId('shot-heights')).toContainText('12 encodes of every shot');
  await panel.getByTestId('shot-start').click();
  const run = panel.getByTestId('shot-run');
  await expect(run).toHaveAttribute('data-status', 'done', { timeout: 180_000 });
  const strip = panel.getByTestId('shot-strip');
  await expect(strip).toHaveAttribute('data-shots', '3');
  await expect(strip.locator('.shot-strip-band')).toHaveCount(3);
  const result = panel.getByTestId('shot-result');
  await expect(result).toContainText(
    /^(180|144)p \(the best of 180p, 144p\), VMAF \d+\.\d\d, .* video/,
  );
  const height = await result.getAttribute('data-height');
  await expect(strip.locator('.shot-strip-band').first()).toHaveAttribute(
    'title',
    new RegExp(`CRF \\d+ at ${height}p`),
  );
  await panel.screenshot({ path: 'test-results/screenshots/shot-encode.png' });
});
