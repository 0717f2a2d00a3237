import { type Locator, type Page } from '@playwright/test';
import path from 'node:path';
import {
  canvasVsServer,
  makeCompareClips,
  openThreePanes,
  type CompareClips,
} from './compareClips';
import { expect, test, type VqApp } from './fixture';
import { callApi } from './pageApi';

// Issue 11, item 5 (and Compare's part of item 7): Compare fits one screen at 1440×900 and at
// 1280×720 with three panes — panes, transport, pixel readout and chart visible together — with
// labels over the pictures, pictures level with each other, and nothing moving when the mode
// changes. Real clips (ffmpeg testsrc2), real scores, the real UI in either shell.

type Box = { x: number; y: number; width: number; height: number };

async function box(l: Locator): Promise<Box> {
  const b = await l.boundingBox();
  expect(b, 'element is laid out').not.toBeNull();
  return b!;
}

/** Fails unless `l`'s whole box lies inside the viewport. */
async function expectInViewport(page: Page, l: Locator, what: string): Promise<void> {
  const b = await box(l);
  const v = page.viewportSize()!;
  const where = `${what} at ${b.x},${b.y} ${b.width}×${b.height} in ${v.width}×${v.height}`;
  expect(b.x, where).toBeGreaterThanOrEqual(0);
  expect(b.y, where).toBeGreaterThanOrEqual(0);
  expect(b.x + b.width, where).toBeLessThanOrEqual(v.width + 0.5);
  expect(b.y + b.height, where).toBeLessThanOrEqual(v.height + 0.5);
}

/** Fails unless `l`'s box lies inside `outer` horizontally (a row that clips what overflows). */
function expectWithin(l: Box, outer: Box, what: string): void {
  const where = `${what} at x ${l.x}…${l.x + l.width} in ${outer.x}…${outer.x + outer.width}`;
  expect(l.x, where).toBeGreaterThanOrEqual(outer.x - 0.5);
  expect(l.x + l.width, where).toBeLessThanOrEqual(outer.x + outer.width + 0.5);
}

/** The options each mode shows in the toolbar, all of which must be in view. */
const MODE_OPTIONS = {
  wipe: ['b-pane', 'wipe-orientation'],
  flicker: ['b-pane', 'flicker-toggle', 'flicker-rate'],
  diff: ['b-pane', 'diff-gain', 'diff-rgb', 'diff-luma'],
  heatmap: ['b-pane', 'diff-gain'],
  side: [],
} as const;

/** Neither the document nor the main area has scrolled. */
async function expectUnscrolled(page: Page): Promise<void> {
  const scrolled = await page.evaluate(() => {
    const g = globalThis as unknown as {
      scrollY: number;
      document: { querySelector(s: string): { scrollTop: number } | null };
    };
    return [g.scrollY, g.document.querySelector('.main')?.scrollTop ?? 0];
  });
  expect(scrolled).toEqual([0, 0]);
}

let clips: CompareClips;
test.beforeAll(() => {
  clips = makeCompareClips(3);
});
test.afterAll(() => {
  clips?.remove();
});

// Imports the clips and scores both renditions against the source once per app, through the API
// (what these tests are about is the layout), so the chart has lines and worst frames in every test.
const scored = new WeakSet<VqApp>();
test.beforeEach(async ({ app, page }) => {
  if (scored.has(app)) return;
  test.setTimeout(240_000);
  const files = [clips.source, ...clips.renditions];
  const { imported } = await callApi<{ imported: { id: string; path: string }[] }>(
    page,
    'library.import',
    { paths: files },
  );
  const idOf = (file: string): string => {
    const item = imported.find((i) => path.basename(i.path) === path.basename(file));
    if (!item) throw new Error(`${file} was not imported: ${JSON.stringify(imported)}`);
    return item.id;
  };
  await callApi(page, 'score.start', {
    referenceId: idOf(clips.source),
    distorted: clips.renditions.map((r) => ({ kind: 'source', id: idOf(r) })),
  });
  await expect
    .poll(
      async () =>
        (
          await callApi<{ results: unknown[] }>(page, 'scores.list', {
            sourceId: idOf(clips.source),
          })
        ).results.length,
      { timeout: 90_000 },
    )
    .toBe(2);
  scored.add(app);
});

for (const [width, height] of [
  [1440, 900],
  [1280, 720],
] as const) {
  test(`Compare fits one screen at ${width}×${height} with three panes (issue 11)`, async ({
    page,
  }) => {
    await page.setViewportSize({ width, height });
    await expect(page.getByTestId('import-path')).toBeVisible();
    await openThreePanes(page, clips);
    const panes = page.getByTestId('compare-pane');
    const chart = page.getByTestId('compare-chart');
    await expect(chart).toBeVisible();

    // Labels over the pictures: every pane's picture box starts at the same height.
    const canvases = [0, 1, 2].map((n) => panes.nth(n).locator('canvas.compare-canvas'));
    const tops = await Promise.all(canvases.map(async (c) => (await box(c)).y));
    expect(new Set(tops.map((t) => Math.round(t))).size, `canvas tops ${tops.join(', ')}`).toBe(1);
    for (let n = 0; n < 3; n++) {
      const label = panes.nth(n).locator('.compare-label');
      const l = await box(label);
      const c = await box(canvases[n]!);
      expect(l.y).toBeGreaterThanOrEqual(c.y - 0.5);
      expect(l.y + l.height).toBeLessThanOrEqual(c.y + c.height);
    }

    // The cursor over a pane: the readout (decoded values of the source's own frame) in view.
    const c0 = await box(canvases[0]!);
    await page.mouse.move(c0.x + c0.width / 2, c0.y + c0.height / 2);
    await expect(page.getByTestId('readout-xy')).toHaveText(/^x \d+, y \d+$/);
    const rows = page.getByTestId('readout-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.nth(0).getByTestId('readout-yuv')).toHaveText(/^Y \d+ U \d+ V \d+$/);
    await expect(rows.nth(0).getByTestId('readout-format')).toHaveText('yuv420p');

    const everything: [Locator, string][] = [
      ...canvases.map((c, n): [Locator, string] => [c, `pane ${n + 1}`]),
      [page.getByTestId('compare-toolbar'), 'toolbar'],
      [page.getByTestId('play-button'), 'play button'],
      [page.getByTestId('timeline-scrubber'), 'slider'],
      [page.getByTestId('frame-number'), 'frame counter'],
      [page.getByTestId('pixel-readout'), 'pixel readout'],
      [rows.nth(1), 'readout of pane 2'],
      [chart, 'chart'],
      [page.getByTestId('worst-frame').first(), 'worst frames'],
    ];
    for (const [l, what] of everything) await expectInViewport(page, l, what);
    await expectUnscrolled(page);
    // Toasts (imports, scoring) would cover the chart in the picture: they go by themselves.
    await expect(page.getByTestId('toast')).toHaveCount(0, { timeout: 16_000 });
    await page.screenshot({ path: `test-results/compare-${width}x${height}.png` });
    console.log(`screenshot: test-results/compare-${width}x${height}.png`);

    // A click on the chart (a dip or anywhere) shows that frame and keeps the viewer on screen.
    const before = await page.getByTestId('frame-number').textContent();
    const cb = await box(chart);
    // Left of the middle: toasts of the scoring above may still cover the chart's right end.
    await page.mouse.click(cb.x + cb.width * 0.4, cb.y + cb.height / 2);
    await expect(page.getByTestId('frame-number')).not.toHaveText(before!);
    const seeked = (await page.getByTestId('frame-number').textContent())!;
    for (let n = 0; n < 3; n++) await expect(panes.nth(n)).toHaveAttribute('data-frame', seeked);
    // The readout's rows show while the cursor is over a frame: everything else stays in view.
    for (const [l, what] of everything.filter(([, w]) => w !== 'readout of pane 2')) {
      await expectInViewport(page, l, `${what} after a chart click`);
    }
    await expectUnscrolled(page);

    // Switching modes moves nothing: the toolbar keeps its height, the stage its box, and the
    // single-picture modes draw the picture in the same place.
    const toolbar = page.getByTestId('compare-toolbar');
    const stage = page.locator('.compare-stage');
    const toolbarBox = await box(toolbar);
    const stageBox = await box(stage);
    const sideBox = await box(canvases[0]!);
    // The help opens over the view from its "?" (a disclosure the keyboard reaches): nothing moves.
    const help = page.getByTestId('compare-help');
    await help.locator('summary').focus();
    await page.keyboard.press('Enter');
    await expect(help.getByRole('note')).toContainText('Ctrl+wheel zooms at the cursor');
    await expectInViewport(page, help.getByRole('note'), 'help');
    expect(await box(stage), 'stage with the help open').toEqual(stageBox);
    await page.keyboard.press('Enter');
    await expect(help.getByRole('note')).toBeHidden();
    let single: Box | null = null;
    await page.keyboard.press('2');
    for (const mode of ['wipe', 'flicker', 'diff', 'heatmap', 'side'] as const) {
      await page.getByTestId(`mode-${mode}`).click();
      await expect(page.getByTestId(`mode-${mode}`)).toHaveAttribute('aria-pressed', 'true');
      expect(await box(toolbar), `toolbar in ${mode}`).toEqual(toolbarBox);
      // The mode's options fit the toolbar row (which clips what overflows) and the screen.
      for (const id of MODE_OPTIONS[mode]) {
        const option = page.getByTestId(id);
        await expect(option, `${id} in ${mode}`).toBeVisible();
        await expectInViewport(page, option, `${id} in ${mode}`);
        expectWithin(await box(option), toolbarBox, `${id} in ${mode}`);
      }
      expect(await box(stage), `stage in ${mode}`).toEqual(stageBox);
      const picture = await box(panes.first().locator('canvas.compare-canvas'));
      if (mode === 'side') {
        expect(picture, 'side by side again').toEqual(sideBox);
      } else {
        single ??= picture;
        expect(picture, `picture in ${mode}`).toEqual(single);
        await expectInViewport(page, panes.first().locator('canvas.compare-canvas'), mode);
      }
      await expectUnscrolled(page);
    }
  });
}

test('zoomed past 100 %, panes are drawn nearest-neighbour from the rendition’s own pixels', async ({
  app,
  page,
}) => {
  const panes = await openThreePanes(page, clips);
  await page.getByTestId('zoom-400').click();
  const small = panes.nth(1).locator('canvas.compare-canvas');
  // The 256×144 rendition keeps its own pixels (not bicubic to 320×180) and is scaled up pixelated.
  await expect
    .poll(() => small.evaluate((el) => [(el as unknown as { width: number }).width]))
    .toEqual([256]);
  for (let n = 0; n < 3; n++) {
    const rendering = await panes
      .nth(n)
      .locator('canvas.compare-canvas')
      .evaluate(
        (el) =>
          (
            globalThis as unknown as {
              getComputedStyle(e: unknown): { imageRendering: string };
            }
          ).getComputedStyle(el).imageRendering,
      );
    expect(rendering).toBe('pixelated');
  }
  const b = await box(small);
  expect(Math.round(b.width)).toBe(320 * 4);
  // The canvas holds the rendition's own frame 0, pixel for pixel, and says so.
  const id = (await panes.nth(1).getAttribute('data-id'))!;
  const native = app.frameUrl(id, 0);
  await expect(panes.nth(1)).toHaveAttribute('data-url', native);
  await expect(panes.nth(1)).toHaveAttribute('data-exact', 'true');
  const drawn = await canvasVsServer(small, native);
  expect(drawn.size).toEqual([256, 144, 256, 144]);
  expect(drawn.shown).toEqual(drawn.served);
  // The decoded readout of the rendition names its own pixel.
  const c = await box(panes.nth(0).locator('canvas.compare-canvas'));
  await page.keyboard.press('2');
  await page.mouse.move(c.x + 4 * 20 + 2, c.y + 4 * 10 + 2);
  await expect(page.getByTestId('readout-xy')).toHaveText('x 20, y 10');
  const row = page.getByTestId('readout-row').nth(1);
  // Pixel 20,10 of the 320×180 picture lies in pixel 16,8 of the 256×144 frame.
  await expect(row.getByTestId('readout-format')).toHaveText('yuv420p @ 16,8');
  await expect(row.getByTestId('readout-yuv')).toHaveText(/^Y \d+ U \d+ V \d+$/);
});
