/**
 * What the Compare specs share: a generated source and two renditions of it (real ffmpeg,
 * testsrc2, so every frame is different), Compare opened on the three, and reading pixels back
 * (a canvas against the frame server's PNG).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { requiredTool } from '../electron/testing/tools';
import { importFile } from './library';

/** The generated clips: a 320×180 source at 30 fps and two renditions of it. */
export interface CompareClips {
  dir: string;
  source: string;
  renditions: string[];
  frames: number;
  /** Deletes the temp folder (in afterAll: the file's tests are done with them). */
  remove(): void;
}

function ffmpeg(args: string[]): void {
  execFileSync(requiredTool('ffmpeg'), ['-hide_banner', '-loglevel', 'error', '-y', ...args]);
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
  return {
    dir,
    source,
    renditions: [small, vp9],
    frames: seconds * 30,
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Imports the clips and opens Compare with the source and both renditions (three panes). */
export async function openThreePanes(page: Page, clips: CompareClips): Promise<Locator> {
  for (const file of [clips.source, ...clips.renditions]) await importFile(page, file);
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

// The page's DOM as far as the pixel check reads it (this file compiles without the DOM lib).
interface Ctx2d {
  drawImage(img: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}
export interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): Ctx2d | null;
}
interface ImageLike {
  src: string;
  naturalWidth: number;
  naturalHeight: number;
  decode(): Promise<void>;
}
/** The page's globals the pixel checks use. */
export interface PixelGlobals {
  Image: new () => ImageLike;
  document: { createElement(tag: 'canvas'): CanvasLike };
}

/** Reads pixels of a page canvas and of the server's PNG at `url` at the same points. */
export async function canvasVsServer(
  canvas: Locator,
  url: string,
  pts?: [number, number][],
): Promise<{ size: number[]; shown: number[][]; served: number[][] }> {
  return canvas.evaluate(
    async (el, [src, given]) => {
      const g = globalThis as unknown as PixelGlobals;
      const c = el as unknown as CanvasLike;
      const img = new g.Image();
      img.src = src as string;
      await img.decode();
      const off = g.document.createElement('canvas');
      off.width = img.naturalWidth;
      off.height = img.naturalHeight;
      const octx = off.getContext('2d')!;
      octx.drawImage(img, 0, 0);
      const ctx = c.getContext('2d')!;
      const w = c.width;
      const h = c.height;
      const points = (given as [number, number][] | null) ?? [
        [0, 0],
        [17, 33],
        [Math.floor(w / 2), Math.floor(h / 2)],
        [Math.floor(w / 3), Math.floor((h * 3) / 4)],
        [w - 1, h - 1],
      ];
      return {
        size: [c.width, c.height, off.width, off.height],
        shown: points.map(([x, y]) => Array.from(ctx.getImageData(x, y, 1, 1).data)),
        served: points.map(([x, y]) => Array.from(octx.getImageData(x, y, 1, 1).data)),
      };
    },
    [url, pts ?? null] as const,
  );
}

/** The bytes the page gets from `url` (relative to it, or an app scheme), fetched in the page. */
export async function fetchBytes(page: Page, url: string): Promise<Buffer> {
  const b64 = await page.evaluate(async (src) => {
    const g = globalThis as unknown as {
      fetch(
        u: string,
      ): Promise<{ ok: boolean; status: number; arrayBuffer(): Promise<ArrayBuffer> }>;
      btoa(s: string): string;
    };
    const res = await g.fetch(src);
    if (!res.ok) throw new Error(`${src}: HTTP ${res.status}`);
    const bytes = new Uint8Array(await res.arrayBuffer());
    let text = '';
    for (const byte of bytes) text += String.fromCharCode(byte);
    return g.btoa(text);
  }, url);
  return Buffer.from(b64, 'base64');
}
