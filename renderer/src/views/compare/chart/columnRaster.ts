/**
 * Rasterizes decimated columns straight into pixels: one vertical bar per device pixel column from
 * the column's min to its max, stretched to the previous column's last value where the line is
 * joined — the pixels a stroked min/max trace would cover. Writing bars into a pixel buffer costs
 * the same for any number of columns, where thousands of canvas fill or stroke calls cost tens of
 * milliseconds in Chromium's software raster (bench/chart.bench.ts). Pure: no DOM.
 */
import type { Decimated } from './decimate';

/** A pixel buffer: RGBA pixels as little-endian 32-bit words (ImageData's layout). */
export interface PixelLayer {
  pixels: Uint32Array;
  /** Size in device pixels. */
  width: number;
  height: number;
}

/** An opaque colour as a little-endian RGBA word (`ImageData` byte order r, g, b, a). */
export function rgbaWord(r: number, g: number, b: number, a = 255): number {
  return (((a & 255) << 24) | ((b & 255) << 16) | ((g & 255) << 8) | (r & 255)) >>> 0;
}

/**
 * A canvas colour (`#rrggbb`, `#rgb` or `rgb[a](r, g, b[, a])`, which is how a 2D context reports
 * `fillStyle` back) as a word for {@link rgbaWord}; null for anything else.
 */
export function parseCanvasColor(color: string): number | null {
  const s = color.trim().toLowerCase();
  let m = /^#([0-9a-f]{6})$/.exec(s);
  if (m) {
    const v = parseInt(m[1]!, 16);
    return rgbaWord((v >> 16) & 255, (v >> 8) & 255, v & 255);
  }
  m = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(s);
  if (m)
    return rgbaWord(
      ...([m[1], m[2], m[3]].map((h) => parseInt(h! + h!, 16)) as [number, number, number]),
    );
  m = /^rgba?\(\s*(\d+)\s*,\s*(\d+)\s*,\s*(\d+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(s);
  if (m) {
    const a = m[4] === undefined ? 1 : Math.min(1, Math.max(0, Number(m[4])));
    return rgbaWord(Number(m[1]), Number(m[2]), Number(m[3]), Math.round(a * 255));
  }
  return null;
}

/** Where the columns go: value range, and the layer's x span of the series' frames. */
export interface ColumnPlacement {
  /** y range [bottom, top] mapped onto the layer's height. */
  range: readonly [number, number];
  /** Device pixels of the layer the series' frames span (the layer width when they fill the axis). */
  span: number;
  /** Bar thickness added above and below a value, in device pixels (half the line width). */
  half: number;
}

/** Paints a decimated series' columns into `layer` in `word` (later series paint over earlier). */
export function rasterizeColumns(
  layer: PixelLayer,
  d: Extract<Decimated, { kind: 'columns' }>,
  word: number,
  at: ColumnPlacement,
): void {
  const { pixels, width, height } = layer;
  const { min, max, last, joined, columns } = d;
  const [lo, hi] = at.range;
  const scale = height / (hi - lo || 1);
  const colWidth = at.span / columns;
  const barWidth = Math.max(1, Math.round(colWidth));
  let prevLast = NaN;
  for (let c = 0; c < columns; c++) {
    let bottom = min[c]!;
    if (bottom !== bottom) {
      prevLast = NaN;
      continue;
    }
    let top = max[c]!;
    if (joined[c] && prevLast === prevLast) {
      if (prevLast > top) top = prevLast;
      else if (prevLast < bottom) bottom = prevLast;
    }
    prevLast = last[c]!;
    let y0 = Math.round((hi - top) * scale - at.half);
    let y1 = Math.round((hi - bottom) * scale + at.half);
    if (y1 <= y0) y1 = y0 + 1;
    if (y0 < 0) y0 = 0;
    if (y1 > height) y1 = height;
    const x0 = Math.round(c * colWidth);
    const x1 = Math.min(width, x0 + barWidth);
    for (let x = x0; x < x1; x++) {
      for (let y = y0, i = y0 * width + x; y < y1; y++, i += width) pixels[i] = word;
    }
  }
}
