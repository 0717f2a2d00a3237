// The HTML report as a person gets it: real `vq` runs (encode with --score, then report) on a
// generated 1 s clip, the file opened in Chromium with every non-file request blocked, the RD
// chart and the per-frame charts checked for drawn, visible SVG, and a screenshot.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeClip } from '../electron/testing/clips';
import { MODEL_DIR } from '../electron/testing/scoreFixtures';
import { expect, onlyIn, test } from './fixture';

onlyIn('web', 'the report is a file a person opens in their web browser, apart from the app');

function vq(args: string[], dataDir: string): string {
  return execFileSync(process.execPath, ['bin/vq.mjs', ...args], {
    env: { ...process.env, VQ_DATA_DIR: dataDir, VQ_VMAF_MODEL_DIR: MODEL_DIR },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

const rung = (id: string, height: number, encoder: string, crf: number) => ({
  id,
  width: null,
  height,
  encoder,
  rateControl: { mode: 'crf', crf },
  preset: 'ultrafast',
  gopSeconds: 1,
  fixedGop: true,
  pixFmt: 'yuv420p',
  fpsCap: null,
  audio: { mode: 'none' },
  container: 'mp4',
});

let dir: string;

test.beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-e2e-report-'));
});

test.afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test('the report opens offline in Chromium and its charts render', async ({ browser }) => {
  const dataDir = path.join(dir, 'data');
  const clip = makeClip(dir, {
    width: 320,
    height: 180,
    seconds: 1,
    fps: 24,
    name: 'report <clip> & co.mp4',
  });
  const ladderFile = path.join(dir, 'ladder.json');
  fs.writeFileSync(
    ladderFile,
    JSON.stringify({
      id: 'report-e2e',
      name: 'Report e2e',
      rungs: [
        rung('h180-crf24', 180, 'libx264', 24),
        rung('h180-crf34', 180, 'libx264', 34),
        rung('h120-crf30', 120, 'libx264', 30),
        rung('h120-crf40', 120, 'libx264', 40),
      ],
    }),
  );
  vq(['encode', clip, '--ladder', ladderFile, '--out', path.join(dir, 'out'), '--score'], dataDir);
  const items = JSON.parse(vq(['list', '--json'], dataDir)) as { id: string }[];
  expect(items).toHaveLength(1);
  const report = path.join(dir, 'report.html');
  vq(['report', items[0]!.id, '--out', report], dataDir);

  const page = await (await browser.newContext()).newPage();
  const outside: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:')) return route.continue();
    outside.push(url);
    return route.abort();
  });
  await page.goto(pathToFileURL(report).href);
  await expect(page).toHaveTitle('VQ Studio report — report <clip> & co.mp4');

  const rd = page.locator('svg.rd-chart');
  await expect(rd).toBeVisible();
  const box = await rd.boundingBox();
  expect(box!.width).toBeGreaterThan(300);
  expect(box!.height).toBeGreaterThan(150);
  await expect(rd.locator('circle.point')).toHaveCount(4);
  const hull = rd.locator('path.hull');
  await expect(hull).toHaveCount(1);
  expect(await hull.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+)+$/);
  const hullBox = await hull.boundingBox();
  expect(hullBox!.width).toBeGreaterThan(20);

  const frames = page.locator('svg.frame-chart');
  await expect(frames).toHaveCount(4);
  for (let i = 0; i < 4; i++) {
    const series = frames.nth(i).locator('path.series');
    expect(await series.getAttribute('d')).toMatch(/^M[\d.]+,[\d.]+( L[\d.]+,[\d.]+){23}$/); // 24 frames
    const b = await series.boundingBox();
    expect(b!.width).toBeGreaterThan(300);
  }
  await expect(page.locator('#bdrate')).toContainText('BD-rate');
  await expect(page.locator('#commands pre.cmd').first()).toContainText('-c:v libx264');
  expect(outside).toEqual([]);

  fs.mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: 'test-results/screenshots/report.png', fullPage: true });
  await page.context().close();
});
