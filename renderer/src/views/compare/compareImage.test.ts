import { describe, expect, it } from 'vitest';
import {
  BT601,
  BT709,
  diffPixels,
  heatmapMax,
  heatmapPixels,
  inferno,
  lumaOf,
  matrixFor,
  pixelAt,
  rgbToYcbcr,
} from './compareImage';

describe('rgbToYcbcr (8-bit limited range)', () => {
  it('maps black, white and grey to the nominal levels', () => {
    expect(rgbToYcbcr(0, 0, 0)).toEqual({ y: 16, cb: 128, cr: 128 });
    expect(rgbToYcbcr(255, 255, 255)).toEqual({ y: 235, cb: 128, cr: 128 });
    expect(rgbToYcbcr(128, 128, 128, BT601)).toEqual({ y: 126, cb: 128, cr: 128 });
  });
  it('uses the matrix: pure red and blue reach the chroma extremes', () => {
    // BT.709 red: Y = 16 + 219 × 0.2126 = 62.56; Cr at the top of its range.
    expect(rgbToYcbcr(255, 0, 0, BT709)).toEqual({ y: 63, cb: 102, cr: 240 });
    // BT.601 red: Y = 16 + 219 × 0.299 = 81.48.
    expect(rgbToYcbcr(255, 0, 0, BT601)).toEqual({ y: 81, cb: 90, cr: 240 });
    expect(rgbToYcbcr(0, 0, 255, BT709)).toEqual({ y: 32, cb: 240, cr: 118 });
  });
  it('picks the source’s tagged matrix, BT.601 when untagged', () => {
    expect(matrixFor('bt709').name).toBe('BT.709');
    expect(matrixFor('bt2020nc').name).toBe('BT.2020');
    expect(matrixFor('smpte170m').name).toBe('BT.601');
    expect(matrixFor(null).name).toBe('BT.601');
  });
});

describe('diffPixels', () => {
  const a = new Uint8ClampedArray([10, 200, 0, 255, 0, 0, 0, 0]);
  const b = new Uint8ClampedArray([20, 100, 0, 255, 0, 0, 0, 0]);
  it('is |A−B| × gain per channel, opaque, clamped', () => {
    const out = new Uint8ClampedArray(8);
    diffPixels(a, b, 2, out);
    expect(Array.from(out)).toEqual([20, 200, 0, 255, 0, 0, 0, 255]);
    diffPixels(a, b, 4, out);
    expect(out[1]).toBe(255);
  });
  it('is grey |ΔY| × gain in luma mode', () => {
    const out = new Uint8ClampedArray(8);
    diffPixels(a, b, 1, out, 'luma', BT709);
    const dy = Math.abs(lumaOf(10, 200, 0) - lumaOf(20, 100, 0));
    // |0.2126 × (10 − 20) + 0.7152 × (200 − 100)| = 69.394
    expect(dy).toBeCloseTo(69.394, 3);
    expect(Array.from(out.slice(0, 4))).toEqual([69, 69, 69, 255]);
  });
});

describe('inferno and the heatmap', () => {
  it('runs from near black to pale yellow and clamps', () => {
    expect(inferno(0)).toEqual([0, 0, 4]);
    expect(inferno(1)).toEqual([252, 255, 164]);
    expect(inferno(-1)).toEqual(inferno(0));
    expect(inferno(7)).toEqual(inferno(1));
    expect(inferno(Number.NaN)).toEqual(inferno(0));
  });
  it('brightens monotonically', () => {
    let last = -1;
    for (let t = 0; t <= 1; t += 0.05) {
      const [r, g, b] = inferno(t);
      const y = lumaOf(r, g, b);
      expect(y).toBeGreaterThan(last);
      last = y;
    }
  });
  it('maps |ΔY| = 0 to the bottom and ≥ 255 ÷ gain to the top', () => {
    expect(heatmapMax(4)).toBeCloseTo(63.75);
    const a = new Uint8ClampedArray([50, 50, 50, 255, 200, 200, 200, 255]);
    const b = new Uint8ClampedArray([50, 50, 50, 255, 100, 100, 100, 255]);
    const out = new Uint8ClampedArray(8);
    heatmapPixels(a, b, 4, out);
    expect(Array.from(out)).toEqual([0, 0, 4, 255, 252, 255, 164, 255]);
  });
});

describe('pixelAt', () => {
  it('maps a point on an exact-size or zoomed canvas to its source pixel', () => {
    const box = { left: 100, top: 50, width: 352 * 4, height: 288 * 4 };
    expect(pixelAt({ x: 100, y: 50 }, box, 352, 288)).toEqual({ x: 0, y: 0 });
    expect(pixelAt({ x: 100 + 4 * 17 + 3.9, y: 50 + 4 * 33 }, box, 352, 288)).toEqual({
      x: 17,
      y: 33,
    });
    expect(pixelAt({ x: 99, y: 60 }, box, 352, 288)).toBeNull();
  });
  it('accounts for letterboxing when the frame is fitted into a wider box', () => {
    // 200×100 box, 100×100 frame: drawn 100 px wide, centred from x = 50.
    const box = { left: 0, top: 0, width: 200, height: 100 };
    expect(pixelAt({ x: 40, y: 10 }, box, 100, 100)).toBeNull();
    expect(pixelAt({ x: 50, y: 10 }, box, 100, 100)).toEqual({ x: 0, y: 10 });
    expect(pixelAt({ x: 149.5, y: 99.5 }, box, 100, 100)).toEqual({ x: 99, y: 99 });
  });
});
