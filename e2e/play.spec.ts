// Play: a real ladder (`vq encode --score` on a generated clip with a tone), packaged with
// `vq package` into the app's data folder, then played in Chromium with hls.js through the app's
// server: a forced rung shows in the switch log alone; over a network that steps down from
// 8 Mb/s to 0.6 Mb/s the player switches down, and the chart and log show where.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MODEL_DIR } from '../electron/testing/scoreFixtures';
import { expect, test } from './fixture';
import { goToView } from './pageApi';

let dir: string;

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-play-'));
});

test.afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const rung = (id: string, height: number, kbps: number): object => ({
  id,
  width: null,
  height,
  encoder: 'libx264',
  rateControl: { mode: 'abr', bitrateKbps: kbps, maxrateKbps: kbps, bufsizeKbps: kbps },
  preset: 'ultrafast',
  gopSeconds: 2,
  fixedGop: true,
  pixFmt: 'yuv420p',
  fpsCap: null,
  audio: { mode: 'aac', bitrateKbps: 64 },
  container: 'mp4',
});

test('a package plays; a forced rung, then a bandwidth step down, show in the switch log and on the chart', async ({
  app,
  page,
}) => {
  test.setTimeout(300_000);
  const vq = (args: string[]): string =>
    execFileSync(process.execPath, ['bin/vq.mjs', ...args], {
      env: { ...process.env, VQ_DATA_DIR: app.dataDir, VQ_VMAF_MODEL_DIR: MODEL_DIR },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  // Noise makes the bit rates real: testsrc2 alone compresses to almost nothing.
  const source = path.join(dir, 'source.mp4');
  execFileSync('ffmpeg', [
    ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=25:d=24'],
    ...['-f', 'lavfi', '-i', 'sine=f=330:d=24', '-vf', 'noise=alls=20:allf=t'],
    ...[
      '-c:v',
      'libx264',
      '-preset',
      'ultrafast',
      '-crf',
      '14',
      '-c:a',
      'aac',
      '-shortest',
      source,
    ],
  ]);
  const ladder = path.join(dir, 'ladder.json');
  fs.writeFileSync(
    ladder,
    JSON.stringify({
      id: 'play-e2e',
      name: 'Play e2e',
      rungs: [rung('360p', 360, 2500), rung('270p', 270, 900), rung('180p', 180, 250)],
    }),
  );
  const encoded = JSON.parse(
    vq(['encode', source, '--ladder', ladder, '--out', path.join(dir, 'enc'), '--score', '--json']),
  ) as {
    outDir: string;
  };
  vq([
    'package',
    path.join(encoded.outDir, 'manifest.json'),
    '--out',
    path.join(dir, 'pkg'),
    '--segment-seconds',
    '2',
  ]);

  await goToView(page, '0', 'Play');
  await expect(page.getByTestId('play-package')).toContainText('pkg — 3 rungs, 2 s segments');
  await expect(page.getByTestId('play-package-facts')).toContainText('avc1.');

  // A forced rung: the only rung shown.
  const rung180 = await page
    .getByTestId('play-rung')
    .locator('option', { hasText: /^180p/ })
    .textContent();
  await page.getByTestId('play-rung').selectOption({ label: rung180! });
  await page.getByTestId('play-start').click();
  const rows = page.getByTestId('play-switch-row');
  await expect(rows.first()).toContainText('start: 180p', { timeout: 30_000 });
  await expect
    .poll(
      async () =>
        page
          .getByTestId('play-video')
          .evaluate((v) => (v as unknown as { currentTime: number }).currentTime),
      { timeout: 30_000 },
    )
    .toBeGreaterThan(3);
  await expect(rows).toHaveCount(1);
  await page.getByTestId('play-stop').click();
  const summary = page.getByTestId('play-summary');
  await expect(summary).toContainText('forced: 180p');
  await expect(page.getByTestId('play-summary-switches')).toHaveText('0');
  await expect(page.getByTestId('play-summary-vmaf')).toHaveText(/^\d+\.\d\d$/);

  // Automatic, over 8 Mb/s stepping down to 0.6 Mb/s at 6 s: the player goes down to a lower rung.
  await page.getByTestId('play-rung').selectOption('auto');
  await page
    .getByTestId('play-network')
    .selectOption({ label: 'Step down: 8 Mb/s, then 0.6 Mb/s from 6 s' });
  await page.getByTestId('play-start').click();
  await expect(rows.first()).toContainText('start:', { timeout: 30_000 });
  // A switch after the step (wall ≥ 6 s) to a lower rung than the one before it.
  await expect
    .poll(
      async () =>
        (await rows.allInnerTexts()).some((t) => {
          const m = /^([\d.]+) s\s+[\d.]+ s\s+(\d+)p → (\d+)p/.exec(t.replace(/\s+/g, ' '));
          return !!m && Number(m[1]) >= 6 && Number(m[3]) < Number(m[2]);
        }),
      { timeout: 120_000 },
    )
    .toBe(true);
  await page.screenshot({
    path: path.join('test-results', 'screenshots', 'play-step-down.png'),
    fullPage: true,
  });
  // The chart has the shown rungs' lane and the switch drawn: some of its pixels are lit.
  const lit = await page.getByTestId('play-chart').evaluate((el) => {
    const c = el as unknown as {
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
      };
    };
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
    return n;
  });
  expect(lit).toBeGreaterThan(1000);
  await page.getByTestId('play-stop').click();
  await expect(summary).toContainText('Step down');
  await expect(page.getByTestId('play-summary-switches')).not.toHaveText('0');

  // The source's report has the package and both playbacks.
  const items = JSON.parse(vq(['list', '--json'])) as { id: string }[];
  const reportFile = path.join(dir, 'report.html');
  vq(['report', items[0]!.id, '--out', reportFile]);
  const html = fs.readFileSync(reportFile, 'utf8');
  expect(html).toContain('<section id="packages"><h2>Streaming packages</h2>');
  expect(html).toContain('HLS (master.m3u8) + DASH (manifest.mpd), 2 s CMAF segments');
  expect(html).toContain('Step down: 8 Mb/s, then 0.6 Mb/s from 6 s');
  // The forced playback's row: its time-weighted VMAF, no switch.
  expect(html).toMatch(/forced 180p<\/td><td>\d+\.\d\d<\/td><td>0<\/td>/);

  // The same batch packaged from the app: listed with the first, and selected.
  await page.getByTestId('play-package-batch').locator('summary').click();
  await page.getByTestId('play-segment').fill('4');
  await page.getByTestId('play-make-package').click();
  await expect(page.getByTestId('play-package-message')).toContainText('Packaged to', {
    timeout: 60_000,
  });
  await expect(page.getByTestId('play-package').locator('option')).toHaveCount(2);
  await expect(page.getByTestId('play-package')).toContainText('3 rungs, 4 s segments');
});
