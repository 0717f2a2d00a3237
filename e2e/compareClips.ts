/**
 * What the Compare specs share: a generated source and two renditions of it (real ffmpeg,
 * testsrc2, so every frame is different), Compare opened on the three, and reading pixels back.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';

/** The generated clips: a 320×180 source at 30 fps and two renditions of it. */
export interface CompareClips {
  dir: string;
  source: string;
  renditions: string[];
  frames: number;
}

function ffmpeg(args: string[]): void {
  execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
}

/**
 * Writes the clips into a new temp folder: the source (H.264), a smaller H.264 rendition and a
 * VP9 one, all `seconds` long, each frame different from its neighbours (testsrc2 moves).
 */
export function makeCompareClips(seconds = 6): CompareClips {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-compare-'));
  const source = path.join(dir, 'sync-source.mp4');
  const lavfi = `testsrc2=s=320x180:r=30:d=${seconds}`;
  ffmpeg([
    '-f',
    'lavfi',
    '-i',
    lavfi,
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '16',
    '-pix_fmt',
    'yuv420p',
    source,
  ]);
  const small = path.join(dir, 'sync-256x144.mp4');
  ffmpeg([
    '-i',
    source,
    '-vf',
    'scale=256:144',
    '-c:v',
    'libx264',
    '-preset',
    'ultrafast',
    '-crf',
    '30',
    '-pix_fmt',
    'yuv420p',
    small,
  ]);
  const vp9 = path.join(dir, 'sync-vp9.webm');
  ffmpeg([
    '-i',
    source,
    '-c:v',
    'libvpx-vp9',
    '-deadline',
    'realtime',
    '-cpu-used',
    '8',
    '-b:v',
    '300k',
    '-pix_fmt',
    'yuv420p',
    vp9,
  ]);
  return { dir, source, renditions: [small, vp9], frames: seconds * 30 };
}

/** Imports a file by path through the Library and waits for its row. */
export async function importPath(page: Page, file: string): Promise<void> {
  const row = page.getByTestId('library-row').filter({ hasText: path.basename(file) });
  if ((await row.count()) === 0) {
    await page.getByTestId('import-path').fill(file);
    await page.getByTestId('import-button').click();
  }
  await expect(row).toBeVisible();
}

/** Imports the clips and opens Compare with the source and both renditions (three panes). */
export async function openThreePanes(page: Page, clips: CompareClips): Promise<Locator> {
  await expect(page.getByTestId('import-path')).toBeVisible();
  for (const file of [clips.source, ...clips.renditions]) await importPath(page, file);
  await page.keyboard.press('Alt+4');
  await expect(page.getByTestId('compare-view')).toBeVisible();
  await page.getByTestId('compare-source').selectOption({ label: path.basename(clips.source) });
  const others = page.getByTestId('compare-rendition');
  await expect(others).toHaveCount(2);
  await others.nth(0).check();
  await others.nth(1).check();
  const panes = page.getByTestId('compare-pane');
  await expect(panes).toHaveCount(3);
  for (let n = 0; n < 3; n++) await expect(panes.nth(n)).toHaveAttribute('data-frame', '0');
  return panes;
}
