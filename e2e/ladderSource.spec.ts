import { type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makeClip } from '../electron/testing/clips';
import { expect, test } from './fixture';

// Ladders follow the source (issue 11, item 3): a 16:9 preset on a 3:2 and on a portrait source
// keeps each source's display aspect and orientation (checked on the renditions' probed sizes),
// and an HDR source shows the encode's pre-flight and the choice between keeping HDR and tone
// mapping. The real UI in either shell, real ffmpeg, generated 1 s clips.

test.use({ viewport: { width: 1400, height: 1000 } });

let clips: string;
const file = { threeTwo: '', portrait: '', hdr: '' };

test.beforeAll(async () => {
  clips = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-ladder-source-'));
  file.threeTwo = makeClip(clips, {
    width: 720,
    height: 480,
    fps: 24,
    seconds: 1,
    name: 'three-two.mp4',
  });
  file.portrait = makeClip(clips, {
    width: 360,
    height: 640,
    fps: 24,
    seconds: 1,
    name: 'portrait.mp4',
  });
  file.hdr = makeClip(clips, {
    width: 360,
    height: 640,
    fps: 24,
    seconds: 0.5,
    hdr: 'pq',
    name: 'hdr10-portrait.mp4',
  });
});
test.afterAll(() => {
  if (clips) fs.rmSync(clips, { recursive: true, force: true });
});

/** Imports a generated clip by its path and opens Ladders with it as the source. */
async function openLaddersWith(page: Page, clip: string): Promise<void> {
  await page.getByTestId('import-path').fill(clip);
  await page.getByTestId('import-button').click();
  const row = page.getByTestId('library-row').filter({ hasText: path.basename(clip) });
  await expect(row).toBeVisible();
  const id = await row.getAttribute('data-id');
  await page.keyboard.press('Alt+2');
  await expect(page).toHaveTitle(/VQ Studio — Ladders/);
  await page.getByTestId('encode-source').selectOption(id!);
  await page.locator('[data-testid="ladder-card"][data-ladder-id="hls-h264"]').click();
}

/** Encodes the shown plan and returns the probed sizes of the batch's renditions, by rung. */
async function encodeAndProbe(page: Page, clip: string): Promise<Record<string, [number, number]>> {
  await page.getByTestId('start-encode').click();
  await expect(page).toHaveTitle(/VQ Studio — Queue/);
  const card = page.getByTestId('batch-card').filter({ hasText: path.basename(clip) });
  const jobs = card.getByTestId('job-row');
  await expect(jobs.first()).toBeVisible();
  for (const job of await jobs.all()) {
    await expect(job).toHaveAttribute('data-status', 'done', { timeout: 90_000 });
  }
  const rows = card.getByTestId('rendition-row');
  await expect(rows.first()).toBeVisible();
  const sizes: Record<string, [number, number]> = {};
  for (const row of await rows.all()) {
    // The size column is the rendition as probe measured it, not as the ladder asked.
    const m = /(\d+)×(\d+)/.exec(await row.innerText());
    sizes[(await row.getAttribute('data-rung-id'))!] = [Number(m![1]), Number(m![2])];
  }
  return sizes;
}

/** Each size keeps `aspect` within the rounding to even sizes: at most a pixel on either side. */
function expectAspect(sizes: Record<string, [number, number]>, aspect: number): void {
  for (const [rung, [w, h]] of Object.entries(sizes)) {
    expect(w % 2 === 0 && h % 2 === 0, `${rung} ${w}×${h} even`).toBe(true);
    expect(
      Math.min(Math.abs(w - h * aspect), Math.abs(h - w / aspect)),
      `${rung} ${w}×${h}`,
    ).toBeLessThanOrEqual(1);
  }
}

test('a 3:2 source encoded with the 16:9 HLS preset keeps 3:2 (it was squashed to 416×234)', async ({
  page,
}) => {
  await openLaddersWith(page, file.threeTwo);
  const finding = page.locator('[data-testid="encode-finding"][data-finding-id="aspect-fitted"]');
  await expect(finding).toContainText(
    '3:2 source (720×480): rung sizes fitted to 3:2 (416×234 → 352×234, 640×360 → 540×360',
  );
  const command = page.getByTestId('plan-command').first();
  await expect(command).toContainText('scale=352:234:flags=bicubic');
  await expect(command).not.toContainText('scale=416:234');
  const sizes = await encodeAndProbe(page, file.threeTwo);
  expect(sizes).toEqual({
    '234p-145k': [352, 234],
    '360p-365k': [540, 360],
    '432p-730k': [648, 432],
    '432p-1100k': [648, 432],
  });
  expectAspect(sizes, 3 / 2);
});

test('a portrait source gets portrait renditions at its aspect, never wider than it is', async ({
  page,
}) => {
  await openLaddersWith(page, file.portrait);
  await expect(
    page.locator('[data-testid="encode-finding"][data-finding-id="portrait"]'),
  ).toContainText('Portrait 9:16 source (360×640): rungs are turned to portrait');
  // 768×432 turned is 432 wide: wider than the 360-wide source, so skipped, not upscaled.
  await expect(page.getByTestId('skipped-rungs')).toContainText(
    '432x768 is larger than the source (360x640)',
  );
  const sizes = await encodeAndProbe(page, file.portrait);
  expect(sizes).toEqual({ '234p-145k': [234, 416], '360p-365k': [360, 640] });
  expectAspect(sizes, 9 / 16);
  for (const [w, h] of Object.values(sizes)) expect(h).toBeGreaterThan(w);
});

test('an HDR source shows the pre-flight and the choice: kept HDR where the codec carries it, tone-mapped on request', async ({
  page,
}) => {
  await openLaddersWith(page, file.hdr);
  const choice = page.getByTestId('hdr-choice');
  await expect(choice).toContainText('HDR source (BT.2020 PQ)');
  await expect(page.getByTestId('hdr-keep')).toBeChecked();

  // x264 cannot carry HDR: keeping HDR is refused with the reason and the ways out, not flattened.
  await expect(page.getByTestId('plan-error')).toContainText('x264 (H.264/AVC) cannot carry HDR');
  await expect(page.getByTestId('plan-error')).toContainText('Tone-map to SDR');

  // An HEVC ladder keeps it HDR, and says so before Encode.
  await page.locator('[data-testid="ladder-card"][data-ladder-id="hls-hevc"]').click();
  const kept = page.locator('[data-testid="encode-finding"][data-finding-id="hdr-kept"]');
  await expect(kept).toContainText(
    'renditions kept HDR — 10-bit, tagged BT.2020 primaries, PQ transfer (smpte2084)',
  );
  await expect(page.getByTestId('plan-command').first()).toContainText('-color_trc smpte2084');
  await expect(page.getByTestId('plan-command').first()).toContainText('-pix_fmt yuv420p10le');
  await expect(page.getByTestId('start-encode')).toBeEnabled();
  await page.screenshot({ path: 'test-results/screenshots/ladders-hdr-keep.png' });

  // Tone mapping, chosen explicitly, lets the x264 ladder run: SDR BT.709 with the filter shown.
  await page.locator('[data-testid="ladder-card"][data-ladder-id="hls-h264"]').click();
  await page.getByTestId('hdr-tonemap').check();
  await expect(
    page.locator('[data-testid="encode-finding"][data-finding-id="hdr-tonemapped"]'),
  ).toContainText('tone-mapped to SDR BT.709 as chosen');
  await expect(page.getByTestId('plan-command').first()).toContainText('tonemap=tonemap=hable');
  await expect(page.getByTestId('plan-error')).toHaveCount(0);

  // Score after encode: its metrics are chosen here, and the score pre-flight says what scoring
  // tone-mapped renditions against the HDR source would meet.
  await page.getByTestId('score-after-encode').check();
  await expect(page.getByTestId('after-metric-vmaf')).toBeChecked();
  await page.getByTestId('after-metric-vmaf').uncheck();
  await page.getByTestId('after-metric-ms_ssim').uncheck();
  await expect(page.getByTestId('encode-panel')).toContainText(
    'each rendition then scored against the source (PSNR, SSIM)',
  );
  await expect(
    page.locator('[data-testid="encode-finding"][data-finding-id="score-hdr-sdr-mismatch"]'),
  ).toContainText('Score after encode: The reference is HDR (PQ) and the other is SDR.');
  await page.getByTestId('after-metric-psnr').uncheck();
  await page.getByTestId('after-metric-ssim').uncheck();
  await expect(page.getByTestId('start-encode')).toBeDisabled();
  await expect(page.getByTestId('encode-panel')).toContainText(
    'Choose at least one metric for score after encode that the scoring ffmpeg computes.',
  );
  await page.screenshot({ path: 'test-results/screenshots/ladders-hdr-tonemap.png' });
});
