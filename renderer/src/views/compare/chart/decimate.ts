/**
 * Decimation of one per-frame series for a chart as wide as `columns` pixels: each pixel column
 * keeps the minimum and maximum of the frames that fall into it (so a one-frame dip never
 * vanishes), plus its first and last value so the line stays continuous from column to column.
 * Frames without a finite value are gaps: the line breaks there instead of bridging them. One pass,
 * O(frames); with no more frames than columns the samples are kept as they are (a plain polyline).
 *
 * Frame f of n falls into column ⌊f · columns / n⌋, the same slots {@link frameToX} centres
 * frames in (see chartAxes.ts).
 */

/** A series reduced to what a chart of `columns` pixel columns can show. */
export type Decimated =
  | {
      kind: 'polyline';
      columns: number;
      /** One value per frame (index = frame); NaN is a gap. */
      values: Float64Array;
    }
  | {
      kind: 'columns';
      columns: number;
      /** Frames decimated (the x domain is 0…frameCount−1). */
      frameCount: number;
      /** Per column: lowest, highest, first and last finite value; NaN when it has none. */
      min: Float64Array;
      max: Float64Array;
      first: Float64Array;
      last: Float64Array;
      /**
       * 1 when the column's first finite value directly follows a finite value (the line joins it
       * to the previous column), 0 after a gap or at the start.
       */
      joined: Uint8Array;
    };

/** The values a series may come as: numbers with NaN gaps, or numbers and nulls. */
export type SeriesValues = Float64Array | ArrayLike<number | null>;

/** True for a value the line passes through (finite number). */
function isValue(v: number | null | undefined): v is number {
  return v !== null && v !== undefined && v - v === 0;
}

/** Decimates `values` (index = frame) into `columns` pixel columns. */
export function decimate(values: SeriesValues, columns: number): Decimated {
  const cols = Math.max(1, Math.floor(columns));
  const n = values.length;
  if (n <= cols) {
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = values[i];
      out[i] = isValue(v) ? v : NaN;
    }
    return { kind: 'polyline', columns: cols, values: out };
  }
  const min = new Float64Array(cols);
  const max = new Float64Array(cols);
  const first = new Float64Array(cols);
  const last = new Float64Array(cols);
  const joined = new Uint8Array(cols);
  let prevFinite = false;
  let start = 0;
  for (let c = 0; c < cols; c++) {
    // Frames f with ⌊f · cols / n⌋ = c; n > cols, so no column is empty.
    const end = c === cols - 1 ? n : Math.ceil(((c + 1) * n) / cols);
    let lo = Infinity;
    let hi = -Infinity;
    let f0 = NaN;
    let f1 = NaN;
    let j = 0;
    for (let i = start; i < end; i++) {
      const v = values[i];
      if (!isValue(v)) {
        prevFinite = false;
        continue;
      }
      if (f0 !== f0) {
        f0 = v;
        j = prevFinite ? 1 : 0;
      }
      f1 = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
      prevFinite = true;
    }
    min[c] = lo === Infinity ? NaN : lo;
    max[c] = hi === -Infinity ? NaN : hi;
    first[c] = f0;
    last[c] = f1;
    joined[c] = j;
    start = end;
  }
  return { kind: 'columns', columns: cols, frameCount: n, min, max, first, last, joined };
}
