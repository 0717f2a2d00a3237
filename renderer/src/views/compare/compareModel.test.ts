import { describe, expect, it } from 'vitest';
import {
  clampFrame,
  compareKeyFor,
  createLoadCache,
  diffPixels,
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
  it('leaves keys alone while typing or with modifiers', () => {
    expect(compareKeyFor(press('ArrowRight', { inTextField: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('w', { ctrlKey: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('4', { altKey: true }), 'side')).toBeNull();
    expect(compareKeyFor(press('x'), 'side')).toBeNull();
  });
});

describe('diffPixels', () => {
  it('is |A−B| × gain per channel, opaque, clamped', () => {
    const a = new Uint8ClampedArray([10, 200, 0, 255, 0, 0, 0, 0]);
    const b = new Uint8ClampedArray([20, 100, 0, 255, 0, 0, 0, 0]);
    const out = new Uint8ClampedArray(8);
    diffPixels(a, b, 2, out);
    expect(Array.from(out)).toEqual([20, 200, 0, 255, 0, 0, 0, 255]);
    diffPixels(a, b, 4, out);
    expect(out[1]).toBe(255);
  });
});

describe('createLoadCache', () => {
  it('shares loads, keeps at most the limit and drops the oldest used', async () => {
    const loads: string[] = [];
    const cache = createLoadCache(2, (k) => {
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
});
