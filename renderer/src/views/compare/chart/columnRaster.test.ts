import { describe, expect, it } from 'vitest';
import { parseCanvasColor, rasterizeColumns, rgbaWord, type PixelLayer } from './columnRaster';
import { decimate } from './decimate';

function layer(width: number, height: number): PixelLayer {
  return { pixels: new Uint32Array(width * height), width, height };
}

/** The rows painted in column x, as [first, last] (inclusive), or null when none is. */
function paintedRows(l: PixelLayer, x: number): [number, number] | null {
  let first = -1;
  let last = -1;
  for (let y = 0; y < l.height; y++) {
    if (l.pixels[y * l.width + x] !== 0) {
      if (first < 0) first = y;
      last = y;
    }
  }
  return first < 0 ? null : [first, last];
}

function columns(values: (number | null)[], cols: number) {
  const d = decimate(values, cols);
  if (d.kind !== 'columns') throw new Error('expected columns');
  return d;
}

describe('rgbaWord / parseCanvasColor', () => {
  it('packs r, g, b, a in ImageData byte order (little-endian words)', () => {
    const bytes = new Uint8Array(new Uint32Array([rgbaWord(1, 2, 3, 4)]).buffer);
    expect([...bytes]).toEqual([1, 2, 3, 4]);
  });

  it('reads the forms a 2D context reports fillStyle in', () => {
    expect(parseCanvasColor('#56b4e9')).toBe(rgbaWord(0x56, 0xb4, 0xe9));
    expect(parseCanvasColor('#fA0')).toBe(rgbaWord(255, 170, 0));
    expect(parseCanvasColor('rgba(10, 20, 30, 0.5)')).toBe(rgbaWord(10, 20, 30, 128));
    expect(parseCanvasColor('rgb(10,20,30)')).toBe(rgbaWord(10, 20, 30));
    expect(parseCanvasColor('tomato')).toBeNull();
  });
});

describe('rasterizeColumns', () => {
  const word = rgbaWord(255, 0, 0);

  it('paints each column from its max down to its min', () => {
    // 8 frames into 4 columns of 1 px, range 0..10 over 10 px: value v is at row 10 − v.
    const l = layer(4, 10);
    const d = columns([9, 7, null, null, 5, 5, 2, 4], 4);
    rasterizeColumns(l, d, word, { range: [0, 10], span: 4, half: 0 });
    expect(paintedRows(l, 0)).toEqual([1, 2]); // 9..7 → rows 1..3 (end exclusive)
    expect(paintedRows(l, 1)).toBeNull(); // gap
    expect(paintedRows(l, 2)).toEqual([5, 5]); // flat: one row at least
    // Joined to column 2 (last 5): spans 5..2 → rows 5..7.
    expect(paintedRows(l, 3)).toEqual([5, 7]);
  });

  it('does not stretch to the previous column across a gap', () => {
    const l = layer(2, 10);
    rasterizeColumns(l, columns([9, 9, null, 1], 2), word, { range: [0, 10], span: 2, half: 0 });
    expect(paintedRows(l, 1)).toEqual([9, 9]);
  });

  it('adds the line thickness and clips to the layer', () => {
    const l = layer(2, 10);
    rasterizeColumns(l, columns([10, 10, 0, 0], 2), word, { range: [0, 10], span: 2, half: 1 });
    expect(paintedRows(l, 0)).toEqual([0, 0]);
    expect(paintedRows(l, 1)).toEqual([0, 9]); // joined: 10 down to 0, clipped at both ends
  });

  it('spreads fewer columns over a wider span and places a shorter series at the left', () => {
    const l = layer(8, 4);
    rasterizeColumns(l, columns([1, 1, 3, 3], 2), word, { range: [0, 4], span: 4, half: 0 });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map((x) => paintedRows(l, x) !== null)).toEqual([
      true,
      true,
      true,
      true,
      false,
      false,
      false,
      false,
    ]);
  });

  it('paints later series over earlier ones', () => {
    const l = layer(1, 4);
    const d = columns([2, 2], 1);
    rasterizeColumns(l, d, rgbaWord(1, 1, 1), { range: [0, 4], span: 1, half: 0 });
    rasterizeColumns(l, d, rgbaWord(2, 2, 2), { range: [0, 4], span: 1, half: 0 });
    expect(l.pixels[2]).toBe(rgbaWord(2, 2, 2));
  });
});
