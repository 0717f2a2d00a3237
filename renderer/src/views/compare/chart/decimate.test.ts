import { describe, expect, it } from 'vitest';
import { decimate } from './decimate';

/** The columns form of a result, or a failed test. */
function columnsOf(d: ReturnType<typeof decimate>) {
  if (d.kind !== 'columns') throw new Error(`expected columns, got ${d.kind}`);
  return d;
}

describe('decimate', () => {
  it('keeps min, max, first and last of a sawtooth per column', () => {
    // 100 frames into 10 columns: column c holds frames 10c…10c+9, which go 0…9.
    const values = Array.from({ length: 100 }, (_, i) => i % 10);
    const d = columnsOf(decimate(values, 10));
    expect([...d.min]).toEqual(new Array(10).fill(0));
    expect([...d.max]).toEqual(new Array(10).fill(9));
    expect([...d.first]).toEqual(new Array(10).fill(0));
    expect([...d.last]).toEqual(new Array(10).fill(9));
    expect([...d.joined]).toEqual([0, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    expect(d.frameCount).toBe(100);
  });

  it('keeps a single-frame dip that an average would hide', () => {
    const values = new Float64Array(10_000).fill(95);
    values[7_777] = 12;
    const d = columnsOf(decimate(values, 100));
    expect(d.min[77]).toBe(12);
    expect(d.max[77]).toBe(95);
    expect([...d.min].filter((v) => v !== 95)).toEqual([12]);
  });

  it('splits frames unevenly but exactly when columns do not divide them', () => {
    // 7 frames into 3 columns: ⌊f·3/7⌋ = 0,0,0,1,1,2,2.
    const d = columnsOf(decimate([1, 2, 3, 4, 5, 6, 7], 3));
    expect([...d.first]).toEqual([1, 4, 6]);
    expect([...d.last]).toEqual([3, 5, 7]);
  });

  it('breaks the line at gaps (null, NaN, ±Infinity) and leaves empty columns NaN', () => {
    const values = [
      1,
      2,
      null,
      null, // column 1: all gap
      NaN,
      5, // column 2: a gap before its first value
      6,
      7, // column 3: joined to column 2
      Infinity,
      10, // column 4: gap inside, then a value
    ];
    const d = columnsOf(decimate(values, 5));
    expect([...d.min]).toEqual([1, NaN, 5, 6, 10]);
    expect([...d.max]).toEqual([2, NaN, 5, 7, 10]);
    expect([...d.first]).toEqual([1, NaN, 5, 6, 10]);
    expect([...d.last]).toEqual([2, NaN, 5, 7, 10]);
    expect([...d.joined]).toEqual([0, 0, 0, 1, 0]);
  });

  it('is a plain polyline when there are no more frames than columns', () => {
    const d = decimate([3, null, 4, Infinity], 4);
    expect(d.kind).toBe('polyline');
    if (d.kind === 'polyline') expect([...d.values]).toEqual([3, NaN, 4, NaN]);
    expect(decimate([], 10)).toEqual({ kind: 'polyline', columns: 10, values: new Float64Array() });
  });

  it('treats fewer than one column as one', () => {
    const d = columnsOf(decimate([5, 1, 9], 0));
    expect([d.columns, d.min[0], d.max[0], d.first[0], d.last[0]]).toEqual([1, 1, 9, 5, 9]);
  });

  it('decimates 100,000 frames in one pass, each frame counted once', () => {
    const n = 100_000;
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = i;
    const d = columnsOf(decimate(values, 1_400));
    // Ascending values: each column's first is its min and its last its max, and the next
    // column starts right after the previous one ends.
    expect(d.first[0]).toBe(0);
    expect(d.last[1_399]).toBe(n - 1);
    for (let c = 1; c < 1_400; c++) {
      expect(d.first[c]).toBe(d.last[c - 1]! + 1);
      expect(d.min[c]).toBe(d.first[c]);
      expect(d.max[c]).toBe(d.last[c]);
    }
  });
});
