import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip, quickLadder, quickRung } from '../electron/testing/clips';
import { importFile } from './library';
import { callApi } from './pageApi';
import { expect, test } from './fixture';

// The real UI in either shell. The per-title flow runs for
// real: a 2 × 3 CRF grid of x264 encodes (ultrafast) of a 2.7 s 320×240 clip, each rendition
// scored with libvmaf against the source, then the hull and the recommended ladder.
const CLIP = 'androidx-media/bear-vp9.webm';

test.use({ viewport: { width: 1400, height: 1700 } });

test('with an empty library the Analysis view says what to do', async ({ page }) => {
  await page.getByTestId('nav-analysis').click();
  const empty = page.getByTestId('analysis-no-sources');
  await expect(empty).toContainText('No sources yet');
  await expect(empty).toContainText('Import a video in the Library');
  await empty.getByRole('button', { name: 'Import in the Library' }).click();
  await expect(page.getByTestId('nav-library')).toHaveAttribute('aria-current', 'page');
});

test('per-title from the Analysis view: grid, RD chart with hull, BD-rate, recommended ladder saved', async ({
  app,
  page,
}) => {
  test.setTimeout(420_000);
  await importFile(page, CLIP);

  await page.getByTestId('nav-analysis').click();
  const view = page.getByTestId('analysis-view');
  await expect(view.getByTestId('analysis-source')).toContainText('bear-vp9.webm');
  // Nothing scored yet: the empty state says what to do.
  await expect(view.getByTestId('analysis-empty')).toContainText("'Score after encode'");
  await expect(view.getByTestId('analysis-empty')).toContainText('run per-title');

  // A tiny grid: 2 heights × 3 CRFs at the fastest preset; a low floor so several rungs fit.
  const panel = view.getByTestId('pertitle-panel');
  await panel.getByTestId('pertitle-preset').selectOption('ultrafast');
  await panel.getByTestId('pertitle-crfs').fill('20, 30, 40');
  await panel.getByTestId('pertitle-heights').fill('240 120');
  await panel.getByTestId('pertitle-floorKbps').fill('20');
  await expect(panel.getByTestId('pertitle-grid-size')).toHaveText('6 encodes and scores');
  // A bad value is named and blocks the run until it is fixed.
  await panel.getByTestId('pertitle-heights').fill('240 121');
  await expect(panel.getByTestId('pertitle-error-heights')).toContainText('121 is odd');
  await expect(panel.getByTestId('pertitle-start')).toBeDisabled();
  await panel.getByTestId('pertitle-heights').fill('240 120');
  await expect(panel.getByTestId('pertitle-start')).toBeEnabled();
  await panel.getByTestId('pertitle-start').click();

  const run = panel.getByTestId('pertitle-run').first();
  await expect(run).toBeVisible();
  await expect(run).toContainText('ultrafast');
  await expect(run).toHaveAttribute('data-status', 'done', { timeout: 360_000 });

  // The chart: 6 renditions of one encoder setting — by default one curve, the grid, drawn
  // through its hull; split by resolution, two curves; the hull over them.
  const chart = view.getByTestId('rd-chart');
  await expect(chart.getByTestId('rd-point')).toHaveCount(6);
  await expect(chart.getByTestId('rd-curve')).toHaveCount(1);
  await expect(chart.getByTestId('rd-curve')).toHaveAttribute(
    'data-curve',
    'libx264 ultrafast CRF',
  );
  await view.getByTestId('analysis-grouping').selectOption('settingsResolution');
  await expect(chart.getByTestId('rd-curve')).toHaveCount(2);
  for (const height of [120, 240]) {
    await expect(
      chart.locator(`[data-testid="rd-curve"][data-curve="libx264 ultrafast CRF ${height}p"]`),
    ).toHaveCount(1);
  }
  const hull = chart.getByTestId('rd-hull');
  await expect(hull).toHaveCount(1);
  expect(Number(await hull.getAttribute('data-points'))).toBeGreaterThanOrEqual(2);
  await expect(
    chart.getByTestId('rd-legend-item').filter({ hasText: 'Convex hull (libx264 ultrafast CRF)' }),
  ).toHaveCount(1);
  // The best resolution changes once along the hull: a labelled guide.
  await expect(chart.getByTestId('rd-crossover')).toHaveCount(1);
  await expect(chart.getByTestId('rd-crossover')).toContainText(/^120p → 240p at [\d,]+ kb\/s$/);
  // Other figures and groupings: PSNR-Y, and one curve per ladder (the grid).
  await view.getByTestId('analysis-quality').selectOption('psnrY');
  await expect(chart).toHaveAttribute('aria-label', /^PSNR-Y/);
  await expect(chart.getByTestId('rd-point')).toHaveCount(6);
  await view.getByTestId('analysis-grouping').selectOption('ladder');
  await expect(chart.getByTestId('rd-curve')).toHaveCount(1);
  await view.getByTestId('analysis-grouping').selectOption('settingsResolution');
  await view.getByTestId('analysis-quality').selectOption('vmafMean');
  await expect(chart.getByTestId('rd-curve')).toHaveCount(2);

  // Log axis by default with bit-rate labels; L switches to linear and back.
  await expect(chart).toHaveAttribute('data-axis', 'log');
  await expect(chart.getByTestId('rd-xtick').first()).toContainText('b/s');
  await chart.focus();
  await page.keyboard.press('l');
  await expect(chart).toHaveAttribute('data-axis', 'linear');
  await page.keyboard.press('l');
  await expect(chart).toHaveAttribute('data-axis', 'log');

  // The keyboard picks a rendition and the tooltip shows its figures.
  await page.keyboard.press('End');
  const tooltip = chart.getByTestId('rd-tooltip');
  await expect(tooltip).toContainText('Rate control');
  await expect(tooltip).toContainText('CRF 20');
  await expect(tooltip).toContainText('VMAF (mean)');
  await expect(tooltip).toContainText('240');

  // BD-rate: the hull is a curve too, so every resolution has numbers against it.
  const bd = view.getByTestId('bd-panel');
  // The anchor defaults to the hull, not to a curve too short to compare against (issue 11).
  await expect(bd.getByTestId('bd-anchor')).toHaveValue('hull');
  await bd.getByTestId('bd-anchor').selectOption('hull');
  await expect(bd.getByTestId('bd-row')).toHaveCount(2);
  const bdRate = bd.getByTestId('bd-rate');
  await expect(bdRate.first()).toHaveText(/^([−+]\d+\.\d|0\.0) %$/);
  // The cubic fit needs 4 points: a 3-point curve says so in words, not a blank.
  await bd.getByTestId('bd-method-cubic').click();
  await expect(bd.getByTestId('bd-problem').first()).toContainText('Too few points');
  await bd.getByTestId('bd-method-pchip').click();

  // The recommended ladder of the run, top rung first.
  const ladder = run.getByTestId('run-ladder');
  const rungs = ladder.getByTestId('recommended-rung');
  await expect(rungs.first()).toBeVisible();
  const count = await rungs.count();
  expect(count).toBeGreaterThanOrEqual(1);
  // Sizes and rates as a saved rung and every other view print them (shared/rungText, format).
  for (const size of await ladder.getByTestId('recommended-resolution').allTextContents())
    expect(size).toMatch(/^\d+×\d+$/);
  const rates = await ladder.getByTestId('recommended-bitrate').allTextContents();
  const bps = rates.map((t) => {
    const m = /^([\d,.]+) (k|M)b\/s$/.exec(t);
    return m ? Number(m[1]!.replace(/,/g, '')) * (m[2] === 'M' ? 1e6 : 1e3) : Number.NaN;
  });
  for (let i = 1; i < bps.length; i++) expect(bps[i]!).toBeLessThan(bps[i - 1]!);

  // Recommend from the current points: the same numbers, computed in the page, live.
  await panel.getByTestId('pertitle-live').click();
  const live = panel.getByTestId('live-ladder');
  await expect(live.getByTestId('recommended-rung').first()).toBeVisible();
  await panel.getByTestId('pertitle-maxRungs').fill('1');
  await expect(live.getByTestId('recommended-rung')).toHaveCount(1);

  await page.screenshot({ path: 'test-results/screenshots/analysis.png', fullPage: true });

  // The chart as PNG.
  const { bytes: png } = await app.download(page, () => view.getByTestId('analysis-png').click());
  fs.mkdirSync('test-results/screenshots', { recursive: true });
  fs.writeFileSync('test-results/screenshots/analysis-chart.png', png);
  expect(png.subarray(1, 4).toString('latin1')).toBe('PNG');
  expect(png.length).toBeGreaterThan(5000);

  // Pooled results as CSV: a header and one line per scored rendition.
  const csvFile = await app.download(page, () => view.getByTestId('analysis-export-csv').click());
  const csv = csvFile.bytes.toString('utf8').trim().split(/\r?\n/);
  expect(csv[0]).toContain('bitrate');
  expect(csv).toHaveLength(7);

  // The self-contained HTML report of the source.
  const report = await app.download(page, () => view.getByTestId('analysis-report').click());
  expect(report.name).toMatch(/\.html$/);
  const html = report.bytes.toString('utf8');
  expect(html).toMatch(/<html/i);
  expect(html).toContain('bear-vp9.webm');

  // The project file of this source, imported again: everything is already in the library.
  const project = await app.download(page, () => view.getByTestId('project-export-source').click());
  expect(project.bytes.toString('utf8')).toContain('bear-vp9.webm');
  await view.getByTestId('project-import-file').setInputFiles({
    name: 'bear.vqproj.json',
    mimeType: 'application/json',
    buffer: project.bytes,
  });
  const summary = view.getByTestId('project-import-summary');
  await expect(summary).toContainText('Imported bear.vqproj.json');
  await expect(summary).toContainText('Already in the library: 1 source');

  // Save the run's ladder: it is listed in Ladders.
  await ladder.getByTestId('save-recommended').click();
  await expect(page.getByTestId('toast').filter({ hasText: 'Ladder saved' })).toBeVisible();
  await page.getByTestId('nav-ladders').click();
  await expect(
    page.getByTestId('ladder-card').filter({ hasText: 'Per-title: bear-vp9.webm' }),
  ).toHaveCount(1);

  // Back in Analysis everything is still there. Encode this ladder: the batch is in the Queue.
  await page.getByTestId('nav-analysis').click();
  await expect(chart.getByTestId('rd-point')).toHaveCount(6);
  await ladder.getByTestId('encode-recommended').click();
  await expect(page.getByTestId('nav-queue')).toHaveAttribute('aria-current', 'page');
  const encoded = page.getByTestId('batch-card').filter({ hasText: 'Per-title: bear-vp9.webm' });
  await expect(encoded).toHaveCount(1);
  await expect(encoded.getByTestId('batch-outcome')).toHaveText('Finished', { timeout: 120_000 });

  // Encoded again into the same folder: the same question as the Ladders view asks, not an error.
  await page.getByTestId('nav-analysis').click();
  await ladder.getByTestId('encode-recommended').click();
  const confirm = page.getByRole('alertdialog');
  await expect(confirm.getByTestId('overwrite-confirm')).toContainText(
    `Encoding would replace ${count === 1 ? 'this file' : 'these files'}`,
  );
  await expect(confirm.getByTestId('overwrite-new-folder')).toBeFocused();
  await confirm.getByRole('button', { name: 'Cancel', exact: true }).click();
  await expect(confirm).toHaveCount(0);
  await expect(page.getByTestId('toast').filter({ hasText: 'Could not encode' })).toHaveCount(0);
  await expect(page.getByTestId('nav-analysis')).toHaveAttribute('aria-current', 'page');

  // A click on a point opens Compare.
  await page.getByTestId('nav-analysis').click();
  await expect(chart.getByTestId('rd-point')).toHaveCount(6);
  const point = chart.getByTestId('rd-point').first();
  // Clicked where it is on screen: bring it into view first (the panels below make the view long).
  await point.scrollIntoViewIfNeeded();
  const box = await point.boundingBox();
  expect(box).not.toBeNull();
  await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  await expect(page.getByTestId('nav-compare')).toHaveAttribute('aria-current', 'page');
});

// Issue 11, item 6: curves grouped by encoder × resolution mixed a veryfast ABR ladder and an
// ultrafast CRF grid into one curve and one hull, and the BD-rate anchor defaulted to a one-point
// curve (every row "too few points"). Two real ladders on a generated 1 s clip, encoded and scored
// by `vq encode --score` into the app's data folder, then read in the page.
test('BD-rate defaults on a mixed library', async ({ app, page }) => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-mixed-'));
  try {
    const clip = makeClip(dir, { width: 320, height: 180, seconds: 1, fps: 24, name: 'mixed.mp4' });
    const encode = (name: string, ladder: ReturnType<typeof quickLadder>): void => {
      const file = path.join(dir, `${name}.json`);
      fs.writeFileSync(file, JSON.stringify(ladder));
      execFileSync(
        process.execPath,
        ['bin/vq.mjs', 'encode', clip, '--ladder', file, '--out', path.join(dir, name), '--score'],
        { env: { ...app.env, VQ_DATA_DIR: app.dataDir }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    };
    // A veryfast ABR ladder: one rung per height.
    const abr = (id: string, height: number, kbps: number) =>
      quickRung({
        id,
        height,
        preset: 'veryfast',
        rateControl: { mode: 'abr', bitrateKbps: kbps },
      });
    encode(
      'abr',
      quickLadder('abr-ladder', [
        abr('abr-180', 180, 300),
        abr('abr-120', 120, 120),
        abr('abr-90', 90, 50),
      ]),
    );
    // An ultrafast CRF grid: two heights × two CRFs.
    const crf = (id: string, height: number, value: number) =>
      quickRung({ id, height, preset: 'ultrafast', rateControl: { mode: 'crf', crf: value } });
    encode(
      'grid',
      quickLadder('crf-grid', [
        crf('g180-24', 180, 24),
        crf('g180-36', 180, 36),
        crf('g120-24', 120, 24),
        crf('g120-36', 120, 36),
      ]),
    );

    // Encoded beside the running app: the page reads the library again.
    await page.reload();
    await page.getByTestId('nav-analysis').click();
    const view = page.getByTestId('analysis-view');
    await view.getByTestId('analysis-source').selectOption({ label: 'mixed.mp4 — 320×180' });
    const chart = view.getByTestId('rd-chart');
    await expect(chart.getByTestId('rd-point')).toHaveCount(7);

    // Two curves, one per encoder setting — never one curve pooling both.
    const curves = chart.getByTestId('rd-curve');
    await expect(curves).toHaveCount(2);
    expect(await curves.evaluateAll((els) => els.map((e) => e.getAttribute('data-curve')))).toEqual(
      ['libx264 ultrafast CRF', 'libx264 veryfast ABR'],
    );

    // The BD-rate anchor is a curve with enough points, and the other curve has numbers.
    const bd = view.getByTestId('bd-panel');
    const anchorText = await bd.getByTestId('bd-anchor').evaluate((el) => {
      const select = el as unknown as { selectedOptions: { textContent: string | null }[] };
      return select.selectedOptions[0]?.textContent ?? '';
    });
    const anchorPoints = Number(/\((\d+) points?\)/.exec(anchorText)?.[1]);
    expect(anchorPoints).toBeGreaterThanOrEqual(2);
    await expect(bd.getByTestId('bd-row')).toHaveCount(1);
    await expect(bd.getByTestId('bd-problem')).toHaveCount(0);
    await expect(bd.getByTestId('bd-rate')).toHaveText(/^([−+]\d+\.\d|0\.0) %$/);

    // The hull is one setting's: the grid by default (most points). The ladder's hull has one
    // point per resolution, so no crossover is claimed on it.
    const hullOf = view.getByTestId('analysis-hull-settings');
    await expect(hullOf.locator('option')).toHaveCount(2);
    await expect(hullOf.locator('option:checked')).toHaveText('libx264 ultrafast CRF (4 points)');
    const hull = chart.getByTestId('rd-hull');
    await page.screenshot({ path: 'test-results/analysis-mixed.png', fullPage: true });
    console.log(`screenshot: ${path.resolve('test-results/analysis-mixed.png')}`);
    await hullOf.selectOption({ label: 'libx264 veryfast ABR (3 points)' });
    await expect(
      chart.getByTestId('rd-legend-item').filter({ hasText: 'Convex hull (libx264 veryfast ABR)' }),
    ).toHaveCount(1);
    await expect(hull).toHaveAttribute('data-points', '3');
    await expect(chart.getByTestId('rd-crossover')).toHaveCount(0);

    // Split by resolution, the ladder's rungs are one-point curves: they say so, but the anchor
    // stays the hull and the grid's resolutions still have numbers.
    await view.getByTestId('analysis-grouping').selectOption('settingsResolution');
    await expect(curves).toHaveCount(5);
    await expect(bd.getByTestId('bd-anchor')).toHaveValue('hull');
    await expect(bd.getByTestId('bd-rate').first()).toBeVisible();

    // The report groups the same way: no BD-rate between pooled curves.
    const report = await app.download(page, () => view.getByTestId('analysis-report').click());
    const html = report.bytes.toString('utf8');
    const bdSection = html.slice(
      html.indexOf('<section id="bdrate">'),
      html.indexOf('<section id="frames">'),
    );
    expect(bdSection).toMatch(
      /x264 (veryfast ABR vs x264 ultrafast CRF|ultrafast CRF vs x264 veryfast ABR)/,
    );
    expect(bdSection).not.toContain(' hull vs ');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

// Per-title on an HDR source (issue 11, item 3): the grid is kept HDR unless tone-mapping is
// chosen, as in the Ladders view, and x264 (which cannot carry HDR) is not offered to keep it.
test('per-title on an HDR source asks: kept HDR, or tone-mapped to SDR', async ({ page }) => {
  test.setTimeout(240_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-hdr-'));
  try {
    const clip = makeClip(dir, { width: 320, height: 180, seconds: 1, hdr: 'pq', name: 'pq.mp4' });
    await page.getByTestId('import-path').fill(clip);
    await page.getByTestId('import-button').click();
    const row = page.getByTestId('library-row').filter({ hasText: 'pq.mp4' });
    await row.click();
    const src = (await row.getAttribute('data-id'))!;
    await page.getByTestId('nav-analysis').click();
    const panel = page.getByTestId('pertitle-panel');
    await expect(panel).toContainText('for pq.mp4');
    await expect(panel.getByTestId('pertitle-hdr-choice')).toContainText('BT.2020 PQ');
    await expect(panel.getByTestId('pertitle-hdr-keep')).toBeChecked();
    // x264 is the default encoder: it cannot keep HDR, and the form says so before the server.
    await expect(panel.getByTestId('pertitle-hdr-error')).toContainText(
      'x264 (H.264/AVC) cannot carry HDR',
    );
    await expect(panel.getByTestId('pertitle-start')).toBeDisabled();
    await panel.getByTestId('pertitle-encoder').selectOption('libx265');
    await expect(panel.getByTestId('pertitle-hdr-error')).toHaveCount(0);
    await expect(panel.getByTestId('pertitle-start')).toBeEnabled();

    // Tone-mapped with x264: the run starts and keeps the choice.
    await panel.getByTestId('pertitle-encoder').selectOption('libx264');
    await panel.getByTestId('pertitle-hdr-tonemap').check();
    await expect(panel.getByTestId('pertitle-hdr-error')).toHaveCount(0);
    await panel.getByTestId('pertitle-preset').selectOption('ultrafast');
    await panel.getByTestId('pertitle-crfs').fill('24 36');
    await panel.getByTestId('pertitle-heights').fill('120');
    await panel.getByTestId('pertitle-start').click();
    await expect(panel.getByTestId('pertitle-run').first()).toBeVisible();
    await expect(panel.getByTestId('pertitle-start-error')).toHaveCount(0);
    const { runs } = await callApi<{
      runs: { batchId: string; options: { hdr?: string | null } }[];
    }>(page, 'pertitle.list', { sourceId: src });
    expect(runs[0]!.options.hdr).toBe('tonemap');
    // Its grid is not this test's subject: stop it before its source folder is deleted.
    await callApi(page, 'queue.cancelAll', { batchId: runs[0]!.batchId });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('per-title on an SDR source asks nothing about HDR', async ({ page }) => {
  await importFile(page, CLIP);
  await page.getByTestId('nav-analysis').click();
  const view = page.getByTestId('analysis-view');
  await view.getByTestId('analysis-source').selectOption({ label: 'bear-vp9.webm — 320×240' });
  const panel = page.getByTestId('pertitle-panel');
  await expect(panel).toContainText('for bear-vp9.webm');
  await expect(panel.getByTestId('pertitle-hdr-choice')).toHaveCount(0);
});
