/**
 * Per-frame series stored compactly in SQLite: little-endian float64, 8 bytes per frame. float32
 * would halve it but round VMAF ~100 to steps of 7.6e-6, more than the 1e-6 promised; a 10-minute
 * 60 fps clip with six series is still only 1.7 MB.
 */

/** Packs a series into a BLOB (NaN and ±Infinity survive). */
export function packSeries(values: readonly number[]): Buffer {
  const buf = Buffer.alloc(values.length * 8);
  values.forEach((v, i) => buf.writeDoubleLE(v, i * 8));
  return buf;
}

/** Unpacks a BLOB written by {@link packSeries}; throws on a length that is not 8·n. */
export function unpackSeries(blob: Uint8Array): number[] {
  if (blob.byteLength % 8 !== 0)
    throw new Error(`series blob of ${blob.byteLength} bytes is not float64`);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  const out: number[] = new Array<number>(blob.byteLength / 8);
  for (let i = 0; i < out.length; i++) out[i] = buf.readDoubleLE(i * 8);
  return out;
}
