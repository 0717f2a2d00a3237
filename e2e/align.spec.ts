import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { requiredTool } from '../electron/testing/tools';
import { importFile } from './library';
import { expect, test } from './fixture';

// The alignment assistant in either shell, on real clips whose truth is known: a rendition that
// starts 7 frames late. The pre-flight shows what the pictures say with its evidence (the match
// cost curve) and applies the match by itself; the score is taken on it; Compare offers the
// rendition although its length differs, keeps its pane on the matching frame while stepping and
// draws the match on the timeline.

test.use({ viewport: { width: 1400, height: 1100 } });

let dir: string;
let ref: string;
let late: string;

function ffmpeg(args: string[]): void {
  execFileSync(requiredTool('ffmpeg'), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-align-e2e-'));
  ref = path.join(dir, 'align-ref.mp4');
  late = path.join(dir, 'align-late.mp4');
  ffmpeg([
    ...['-f', 'lavfi', '-i', 'testsrc2=s=320x180:r=25:d=4'],
    ...['-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-pix_fmt', 'yuv420p', ref],
  ]);
  ffmpeg([
    ...['-i', ref, '-vf', 'trim=start_frame=7,setpts=PTS-STARTPTS,scale=256:144'],
    ...['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '28', '-pix_fmt', 'yuv420p', late],
  ]);
});

test.afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('a late rendition: found from the pictures, scored on the match, stepped in Compare', async ({
  page,
}) => {
  await importFile(page, late);
  await importFile(page, ref);
  await page.getByTestId('library-row').filter({ hasText: 'align-ref.mp4' }).click();

  const panel = page.getByTestId('scores-panel');
  await expect(panel).toContainText('against align-ref.mp4');
  await panel.getByTestId('score-button').click();
  const dialog = page.getByRole('dialog', { name: 'Score against align-ref.mp4' });
  await dialog.locator('[data-testid="score-target"][data-label="align-late.mp4"]').check();

  // What the pictures say, with the evidence, applied by itself.
  const preflight = dialog.getByTestId('preflight');
  const finding = preflight.locator(
    '[data-testid="preflight-finding"][data-finding-id="frames-misaligned"]',
  );
  await expect(finding).toBeVisible({ timeout: 60_000 });
  await expect(finding).toContainText('distorted frame 0 shows reference frame 7');
  const curve = finding.getByTestId('match-curve');
  await expect(curve).toBeVisible();
  await expect(curve).toHaveAttribute('aria-label', /lowest at 7/);
  await expect(finding.getByTestId('match-facts')).toContainText('offset +7');
  await expect(finding.getByTestId('match-facts')).toContainText('93 frames compared');
  await expect(finding.getByTestId('fix-automatic')).toBeVisible();
  await expect(
    finding.locator('[data-testid="fix-choice"][data-fix="align-frames"]'),
  ).toBeChecked();
  await expect(preflight.getByTestId('preflight-status')).toHaveText('Ready to score');
  await expect(dialog.getByTestId('score-command')).toContainText('select=between(n');
  await finding.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/score-preflight-align.png' });

  // Never matching by pictures: the frame counts then block until a fix is chosen.
  await dialog.locator('summary', { hasText: 'frame matching' }).click();
  await dialog.getByTestId('score-align').selectOption('off');
  await expect(preflight.getByTestId('preflight-status')).toContainText('blocked');
  await expect(finding).toHaveCount(0);
  await dialog.getByTestId('score-align').selectOption('auto');
  await expect(preflight.getByTestId('preflight-status')).toHaveText('Ready to score');

  await dialog.getByTestId('start-score').click();
  await expect(dialog).toBeHidden();
  const row = panel.getByTestId('score-row').filter({ hasText: 'align-late.mp4' });
  await expect(row).toBeVisible({ timeout: 90_000 });
  // Compared on the match, the pictures line up: a late start scored by position would be far lower.
  await expect
    .poll(async () => Number(await row.getByTestId('score-vmafMean').textContent()))
    .toBeGreaterThan(50);

  // The result records the match it was scored on.
  await row.click();
  await expect(panel.getByTestId('score-details')).toContainText(
    'distorted frame 0 shows reference frame 7',
  );

  // Compare offers the rendition (93 frames against 100) because its score was matched.
  await page.keyboard.press('Alt+4');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('compare-source').selectOption({ label: 'align-ref.mp4' });
  const other = page.getByTestId('compare-rendition');
  await expect(other).toHaveCount(1);
  await other.check();
  const panes = page.getByTestId('compare-pane');
  await expect(panes).toHaveCount(2);
  const matchedPane = panes.nth(1);
  await expect(page.getByTestId('timeline-match')).toHaveCount(1);
  await expect(page.getByTestId('timeline-match')).toHaveAttribute('data-spans', '1');

  // Stepping keeps the pane on the matching frame: the source's frame 10 is its frame 3.
  await page.getByTestId('compare-pane').first().click();
  for (let i = 0; i < 10; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('10');
  await expect(matchedPane.getByTestId('pane-matched-frame')).toHaveText('its frame 3');
  await expect(matchedPane).toHaveAttribute('data-want', /index=3&/);
  await expect(matchedPane).toHaveAttribute('data-frame', '10');
  await page.screenshot({ path: 'test-results/screenshots/compare-align.png' });
});
