import { type Page } from '@playwright/test';
import { seededRandom } from '../shared/seededRandom';
import { makeCompareClips, openThreePanes, type CompareClips } from './compareClips';
import { expect, test } from './fixture';

// Issue 11, item 2: what the counter says is what every pane shows. Three panes (a source and two
// renditions, generated with ffmpeg's testsrc2 so every frame differs) play and pause at seeded
// random moments; each time, every pane's canvas is read in the same instant as the counter and
// matched against the frame server's PNGs of the frames around the counter's.

// The page's DOM as far as these checks read it (this file compiles without the DOM lib).
interface Ctx2d {
  drawImage(img: unknown, x: number, y: number, w?: number, h?: number): void;
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
}
interface CanvasLike {
  width: number;
  height: number;
  getContext(kind: '2d'): Ctx2d | null;
}
interface ElementLike {
  dataset: Record<string, string | undefined>;
  textContent: string | null;
  querySelector(sel: string): unknown;
}
interface PageGlobals {
  Image: new () => {
    src: string;
    naturalWidth: number;
    naturalHeight: number;
    decode(): Promise<void>;
  };
  document: {
    createElement(tag: 'canvas'): CanvasLike;
    querySelector(sel: string): ElementLike | null;
    querySelectorAll(sel: string): ArrayLike<ElementLike>;
  };
  __paneSnapshots?: number[][];
}

/** What one instant of the viewer holds: the counter, and per pane what its canvas says it is. */
interface Snapshot {
  counter: number;
  panes: { frame: number | null; exact: boolean; loading: string | null }[];
}

/**
 * Reads the counter and every pane's canvas in one synchronous step (no frame can be drawn in
 * between); the pixels stay in the page for {@link distances}.
 */
async function snapshot(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const g = globalThis as unknown as PageGlobals;
    const counter = Number(g.document.querySelector('[data-testid="frame-number"]')!.textContent);
    const figures = Array.from(g.document.querySelectorAll('[data-testid="compare-pane"]'));
    g.__paneSnapshots = figures.map((f) => {
      const c = f.querySelector('canvas') as CanvasLike;
      return Array.from(c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data);
    });
    return {
      counter,
      panes: figures.map((f) => ({
        frame: f.dataset.frame === undefined ? null : Number(f.dataset.frame),
        exact: f.dataset.exact === 'true',
        loading:
          (f.querySelector('[data-testid="pane-loading"]') as ElementLike | null)?.textContent ??
          null,
      })),
    };
  });
}

/**
 * Mean absolute RGB difference between pane `n`'s snapshot and the server's PNG of each frame in
 * `frames` (its URL from `urlOf`).
 */
async function distances(page: Page, n: number, urls: string[]): Promise<number[]> {
  return page.evaluate(
    async ([pane, list]) => {
      const g = globalThis as unknown as PageGlobals;
      const shown = g.__paneSnapshots![pane as number]!;
      const out: number[] = [];
      for (const url of list as string[]) {
        const img = new g.Image();
        img.src = url;
        await img.decode();
        const c = g.document.createElement('canvas');
        c.width = img.naturalWidth;
        c.height = img.naturalHeight;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const served = ctx.getImageData(0, 0, c.width, c.height).data;
        if (served.length !== shown.length) throw new Error(`size differs for ${url}`);
        let sum = 0;
        let count = 0;
        for (let i = 0; i < served.length; i += 4) {
          for (let k = 0; k < 3; k++) sum += Math.abs(served[i + k]! - shown[i + k]!);
          count += 3;
        }
        out.push(sum / count);
      }
      return out;
    },
    [n, urls] as const,
  );
}

/** Resolves once the page has drawn `n` more frames (requestAnimationFrame callbacks). */
async function animationFrames(page: Page, n: number): Promise<void> {
  await page.evaluate(
    (count) =>
      new Promise<void>((resolve) => {
        const g = globalThis as unknown as { requestAnimationFrame(cb: () => void): number };
        let left = count;
        const step = (): void => {
          if (--left <= 0) resolve();
          else g.requestAnimationFrame(step);
        };
        g.requestAnimationFrame(step);
      }),
    n,
  );
}

let clips: CompareClips;
test.beforeAll(() => {
  clips = makeCompareClips(6);
});
test.afterAll(() => {
  clips?.remove();
});

test('every pane shows the counter’s frame while playing and after pausing (issue 11)', async ({
  app,
  page,
}) => {
  const panes = await openThreePanes(page, clips);
  const ids: string[] = [];
  for (let n = 0; n < 3; n++) ids.push((await panes.nth(n).getAttribute('data-id'))!);
  // The source at its own size, the renditions scaled to it: what each pane draws when paused.
  const urlOf = (n: number, frame: number): string =>
    app.frameUrl(ids[n]!, frame, n === 0 ? undefined : { width: 320, height: 180 });
  const counter = async (): Promise<number> =>
    Number(await page.getByTestId('frame-number').textContent());

  /** Every pane holds the counter's frame, and its pixels are that frame's, not a neighbour's. */
  const expectCounterFrameShown = async (what: string): Promise<Snapshot> => {
    const snap = await snapshot(page);
    const f = snap.counter;
    snap.panes.forEach((p, n) => {
      expect(p.frame, `${what}: pane ${n + 1} draws frame ${p.frame}, the counter says ${f}`).toBe(
        f,
      );
    });
    const around = [f - 3, f - 2, f - 1, f, f + 1, f + 2, f + 3].filter(
      (k) => k >= 0 && k < clips.frames,
    );
    for (let n = 0; n < 3; n++) {
      const d = await distances(
        page,
        n,
        around.map((k) => urlOf(n, k)),
      );
      const best = around[d.indexOf(Math.min(...d))];
      expect(
        best,
        `${what}: pane ${n + 1}'s pixels are frame ${best}'s (distances ${d.map((x) => x.toFixed(2)).join(' ')}), the counter says ${f}`,
      ).toBe(f);
    }
    return snap;
  };

  const random = seededRandom(2011);
  let moments = 0;
  for (let round = 0; round < 4; round++) {
    const start = Math.floor(random() * 60);
    await page.getByTestId('timeline-scrubber').fill(String(start));
    for (let n = 0; n < 3; n++) {
      await expect(panes.nth(n)).toHaveAttribute('data-frame', String(start));
      await expect(panes.nth(n)).toHaveAttribute('data-exact', 'true');
    }
    await page.keyboard.press('Space');
    await expect(page.getByTestId('play-button')).toHaveText('Pause');
    // Two random moments during playback, then a pause at a third.
    let target = start;
    for (let k = 0; k < 2; k++) {
      target += 3 + Math.floor(random() * 15);
      await expect.poll(counter).toBeGreaterThanOrEqual(target);
      await expectCounterFrameShown(`round ${round}, playing`);
      moments++;
    }
    target += 3 + Math.floor(random() * 15);
    await expect.poll(counter).toBeGreaterThanOrEqual(target);
    await page.keyboard.press('Space');
    // At once after the pause: still the counter's frame everywhere (playback's pictures of it).
    const paused = await expectCounterFrameShown(`round ${round}, just paused`);
    await expect(page.getByTestId('play-button')).toHaveText('Play');
    for (const [n, p] of paused.panes.entries()) {
      if (!p.exact)
        expect(p.loading, `pane ${n + 1} says it is loading`).toBe(
          `Loading exact frame ${paused.counter}…`,
        );
    }
    // Then every pane settles on the exact frame the server decodes, pixel for pixel.
    expect(await counter()).toBe(paused.counter);
    for (let n = 0; n < 3; n++) {
      await expect(panes.nth(n)).toHaveAttribute('data-frame', String(paused.counter));
      await expect(panes.nth(n)).toHaveAttribute('data-exact', 'true');
      await expect(panes.nth(n).getByTestId('pane-loading')).toHaveCount(0);
    }
    await snapshot(page);
    for (let n = 0; n < 3; n++) {
      const [d] = await distances(page, n, [urlOf(n, paused.counter)]);
      expect(d, `pane ${n + 1} after the pause is exactly frame ${paused.counter}`).toBe(0);
    }
    moments++;
  }
  expect(moments).toBe(12);
});

test('a pane still loading its frame says so, and the counter waits for no pane', async ({
  app,
  page,
}) => {
  const panes = await openThreePanes(page, clips);
  // Hold back one rendition's frames: the pane keeps frame 0 and says it is loading frame 5.
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const slowId = (await panes.nth(2).getAttribute('data-id'))!;
  const slowFrames = app.frameUrl(slowId, 0).split('?')[0]!;
  const isSlowFrame5 = (url: URL): boolean =>
    url.href.includes(slowFrames) && url.searchParams.get('index') === '5';
  await page.route(isSlowFrame5, async (route) => {
    await held;
    await route.continue();
  });
  await page.getByTestId('timeline-scrubber').fill('5');
  await expect(page.getByTestId('frame-number')).toHaveText('5');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '5');
  await expect(panes.nth(2).getByTestId('pane-loading')).toHaveText('Loading frame 5… (showing 0)');
  await expect(panes.nth(2)).toHaveAttribute('data-frame', '0');
  // Saving the view now would mix frames: it is refused with the reason, in view.
  await page.getByTestId('save-view').click();
  const refused = page.getByTestId('toast').filter({ hasText: 'The view could not be saved' });
  await expect(refused).toContainText('does not show frame 5 yet');
  await expect(refused).toBeInViewport({ ratio: 1 });
  release();
  await expect(panes.nth(2)).toHaveAttribute('data-frame', '5');
  await expect(panes.nth(2).getByTestId('pane-loading')).toHaveCount(0);
});

test('changing panes or mode while playing pauses cleanly on the frame shown', async ({ page }) => {
  const panes = await openThreePanes(page, clips);
  const play = page.getByTestId('play-button');
  const counter = async (): Promise<number> =>
    Number(await page.getByTestId('frame-number').textContent());

  /**
   * Playing is over at once (well before the clip's end would stop it): the button says Play,
   * the counter stays, every pane shows its frame exactly.
   */
  const expectPausedCleanly = async (what: string, count: number): Promise<void> => {
    await expect(play, what).toHaveText('Play');
    await expect(panes).toHaveCount(count);
    const at = await counter();
    for (let n = 0; n < count; n++) {
      await expect(panes.nth(n), `${what}: pane ${n + 1}`).toHaveAttribute(
        'data-frame',
        String(at),
      );
      await expect(panes.nth(n), `${what}: pane ${n + 1}`).toHaveAttribute('data-exact', 'true');
    }
    // Time for a clip still playing to move on: 30 frames drawn by the page (half a second at
    // 60 Hz, longer only when the machine is slow, when playback would be slow too).
    await animationFrames(page, 30);
    expect(await counter(), `${what}: the counter stays`).toBe(at);
  };
  const playUntil = async (frame: number): Promise<void> => {
    await page.keyboard.press('Space');
    await expect(play).toHaveText('Pause');
    await expect.poll(counter).toBeGreaterThanOrEqual(frame);
  };

  // Unticking a rendition while playing: its video goes, so playback stops on the frame shown.
  await playUntil(10);
  await page.getByTestId('compare-rendition').nth(1).uncheck();
  await expectPausedCleanly('a pane unticked', 2);
  // Ticking it again while playing: a new video joins, which the run never started.
  const from = await counter();
  await playUntil(from + 10);
  await page.getByTestId('compare-rendition').nth(1).check();
  await expectPausedCleanly('a pane ticked', 3);
  // W while playing lays the panes out anew (new videos): playback pauses too.
  await playUntil((await counter()) + 10);
  await page.keyboard.press('w');
  await expect(page.getByTestId('mode-wipe')).toHaveAttribute('aria-pressed', 'true');
  await expectPausedCleanly('wipe chosen', 2);
  await page.keyboard.press('s');
  await expect(panes).toHaveCount(3);

  // Space twice in quick succession: the second press pauses the start, it does not restart.
  await page.getByTestId('timeline-scrubber').fill('0');
  await expect(panes.nth(0)).toHaveAttribute('data-frame', '0');
  await page.keyboard.press('Space');
  await page.keyboard.press('Space');
  await expectPausedCleanly('Space pressed twice', 3);
});
