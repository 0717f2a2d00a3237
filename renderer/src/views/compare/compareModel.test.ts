import { describe, expect, it } from 'vitest';
import {
  clampFrame,
  compareKeyFor,
  createLoadCache,
  displaySize,
  nextZoom,
  anchoredScroll,
  stepZoom,
  timecodeText,
  zoomText,
  type CompareKeyPress,
} from './compareModel';

const press = (key: string, more: Partial<CompareKeyPress> = {}): CompareKeyPress => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  inTextField: false,
  ...more,
});

describe('displaySize', () => {
  it('swaps width and height for a quarter turn, as the autorotated frames come out', () => {
    // androidx-media/portrait_4k60.mp4: coded 3840x2160, rotate=90; ffmpeg serves 2160x3840.
    expect(displaySize({ width: 3840, height: 2160, rotation: 90 })).toEqual({
      width: 2160,
      height: 3840,
    });
    expect(displaySize({ width: 3840, height: 2160, rotation: 270 })).toEqual({
      width: 2160,
      height: 3840,
    });
    expect(displaySize({ width: 3840, height: 2160, rotation: -90 })).toEqual({
      width: 2160,
      height: 3840,
    });
    expect(displaySize({ width: 1920, height: 1080, rotation: 180 })).toEqual({
      width: 1920,
      height: 1080,
    });
    expect(displaySize({ width: 1920, height: 1080, rotation: 0 })).toEqual({
      width: 1920,
      height: 1080,
    });
  });
});

describe('clampFrame', () => {
  it('keeps the index inside the clip', () => {
    expect(clampFrame(-3, 10)).toBe(0);
    expect(clampFrame(4, 10)).toBe(4);
    expect(clampFrame(12, 10)).toBe(9);
    expect(clampFrame(5, 0)).toBe(0);
  });
});

describe('timecodeText', () => {
  it('is index / fps as h:m:s.ms', () => {
    expect(timecodeText(0, 25)).toBe('00:00:00.000');
    expect(timecodeText(31, 25)).toBe('00:00:01.240');
    expect(timecodeText(3600 * 30 + 30, 30)).toBe('01:00:01.000');
    expect(timecodeText(3, null)).toBe('—');
  });
});

describe('zoom', () => {
  it('steps through fit, 100 … 800 % and stops at the ends', () => {
    expect(stepZoom('fit', 1)).toBe(1);
    expect(stepZoom(4, 1)).toBe(8);
    expect(stepZoom(8, 1)).toBe(8);
    expect(stepZoom(1, -1)).toBe('fit');
    expect(stepZoom('fit', -1)).toBe('fit');
    expect(zoomText('fit')).toBe('Fit');
    expect(zoomText(4)).toBe('400 %');
  });
});

describe('nextZoom', () => {
  it('puts fit among the steps at its own scale', () => {
    expect(nextZoom('fit', 1, 3.2)).toBe(4);
    expect(nextZoom('fit', -1, 3.2)).toBe(2);
    expect(nextZoom(4, -1, 3.2)).toBe('fit');
    expect(nextZoom('fit', 1, 0.5)).toBe(1);
    expect(nextZoom('fit', -1, 0.5)).toBe('fit');
    expect(nextZoom(8, 1, 0.5)).toBe(8);
  });
});

describe('anchoredScroll', () => {
  it('keeps the source pixel under the cursor', () => {
    // Pixel 100,50 under the cursor at 30,20 of the box, zoomed to 4×: 400−30, 200−20.
    expect(anchoredScroll({ x: 100, y: 50 }, { x: 30, y: 20 }, 4)).toEqual({ left: 370, top: 180 });
    expect(anchoredScroll({ x: 1, y: 1 }, { x: 30, y: 20 }, 2)).toEqual({ left: 0, top: 0 });
  });
});

describe('compareKeyFor', () => {
  it('steps one or ten frames and jumps to the ends', () => {
    expect(compareKeyFor(press('ArrowRight'), 'side')).toEqual({ kind: 'step', delta: 1 });
    expect(compareKeyFor(press('ArrowLeft', { shiftKey: true }), 'side')).toEqual({
      kind: 'step',
      delta: -10,
    });
    expect(compareKeyFor(press('Home'), 'side')).toEqual({ kind: 'first' });
    expect(compareKeyFor(press('End'), 'side')).toEqual({ kind: 'last' });
  });
  it('switches modes, and F toggles A/B once flickering', () => {
    expect(compareKeyFor(press('w'), 'side')).toEqual({ kind: 'mode', mode: 'wipe' });
    expect(compareKeyFor(press('D', { shiftKey: true }), 'side')).toEqual({
      kind: 'mode',
      mode: 'diff',
    });
    expect(compareKeyFor(press('f'), 'side')).toEqual({ kind: 'mode', mode: 'flicker' });
    expect(compareKeyFor(press('f'), 'flicker')).toEqual({ kind: 'toggleFlicker' });
  });
  it('zooms on + − 0', () => {
    expect(compareKeyFor(press('+'), 'side')).toEqual({ kind: 'zoom', direction: 1 });
    expect(compareKeyFor(press('-'), 'side')).toEqual({ kind: 'zoom', direction: -1 });
    expect(compareKeyFor(press('0'), 'side')).toEqual({ kind: 'fit' });
  });
  it('plays on space, selects panes on 1–4 and shows the heatmap on H', () => {
    expect(compareKeyFor(press(' '), 'side')).toEqual({ kind: 'playPause' });
    expect(compareKeyFor(press('3'), 'side')).toEqual({ kind: 'selectPane', pane: 2 });
    expect(compareKeyFor(press('5'), 'side')).toBeNull();
    expect(compareKeyFor(press('h'), 'side')).toEqual({ kind: 'mode', mode: 'heatmap' });
  });
  it('leaves keys alone while typing or with modifiers', () => {
    expect(compareKeyFor(press('ArrowRight', { inTextField: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('w', { ctrlKey: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('4', { altKey: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('x'), 'side')).toBeNull();
  });
});

describe('createLoadCache', () => {
  it('shares loads, keeps at most the limit and drops the oldest used', async () => {
    const loads: string[] = [];
    const cache = createLoadCache(2, (k: string) => {
      loads.push(k);
      return Promise.resolve(k.toUpperCase());
    });
    expect(await cache.get('a')).toBe('A');
    await cache.get('b');
    await cache.get('a'); // a is now the newest
    await cache.get('c'); // b goes
    expect(cache.size()).toBe(2);
    await cache.get('a');
    await cache.get('b');
    expect(loads).toEqual(['a', 'b', 'c', 'b']);
  });
  it('forgets a failed load so it can be tried again', async () => {
    let fail = true;
    const cache = createLoadCache(4, (k) =>
      fail ? Promise.reject(new Error(k)) : Promise.resolve(k),
    );
    await expect(cache.get('x')).rejects.toThrow('x');
    fail = false;
    expect(await cache.get('x')).toBe('x');
  });
  it('aborts loads still in flight that are not kept, and keeps finished ones', async () => {
    const aborted: string[] = [];
    const pending = new Map<string, (v: string) => void>();
    const cache = createLoadCache(8, (k, signal) => {
      return new Promise<string>((resolve, reject) => {
        pending.set(k, resolve);
        signal.addEventListener('abort', () => {
          aborted.push(k);
          reject(new Error('aborted'));
        });
      });
    });
    const a = cache.get('a');
    pending.get('a')!('A');
    await a;
    const b = cache.get('b');
    const c = cache.get('c');
    b.catch(() => undefined);
    expect(cache.cancelExcept(new Set(['c']))).toBe(1);
    expect(aborted).toEqual(['b']);
    await expect(b).rejects.toThrow('aborted');
    expect(cache.peek('a')).toBe('A');
    expect(cache.peek('c')).toBeUndefined();
    pending.get('c')!('C');
    expect(await c).toBe('C');
    expect(cache.peek('c')).toBe('C');
    expect(cache.size()).toBe(2);
  });
});
