import { describe, expect, it } from 'vitest';
import { assignColors, SERIES_PALETTE } from './seriesColors';

describe('assignColors', () => {
  it('gives distinct colours in palette order', () => {
    expect(assignColors(['a', 'b', 'c'])).toEqual({
      a: SERIES_PALETTE[0],
      b: SERIES_PALETTE[1],
      c: SERIES_PALETTE[2],
    });
  });

  it('keeps the colour of a series when another one leaves or joins', () => {
    const first = assignColors(['a', 'b', 'c']);
    const second = assignColors(['a', 'c'], first);
    expect(second).toEqual({ a: first.a, c: first.c });
    const third = assignColors(['a', 'c', 'd'], second);
    expect(third.d).toBe(SERIES_PALETTE[1]);
    expect(third.a).toBe(first.a);
  });

  it('repeats the palette past its length', () => {
    const ids = Array.from({ length: SERIES_PALETTE.length + 2 }, (_, i) => `r${i}`);
    const colors = assignColors(ids);
    expect(new Set(Object.values(colors)).size).toBe(SERIES_PALETTE.length);
    expect(colors[`r${SERIES_PALETTE.length}`]).toBe(SERIES_PALETTE[0]);
  });

  it('never hands one colour to two series from a clashing previous map', () => {
    const colors = assignColors(['a', 'b'], { a: '#6ea0ff', b: '#6ea0ff' });
    expect(colors.a).not.toBe(colors.b);
  });
});
