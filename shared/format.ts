/** Number formatting shared by the UI and the CLI, so both print the same facts the same way. */

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(v >= 100 ? 0 : 1)} ${units[i]}`;
}

/** 3725.4 → "1:02:05.400"; 5.3 → "0:05.300". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds)) return '–';
  const ms = Math.round(seconds * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const frac = String(ms % 1000).padStart(3, '0');
  const ss = String(s).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}.${frac}` : `${m}:${ss}.${frac}`;
}

/**
 * A bit rate in kb/s, the one way every view, the CLI and the report print one: whole kb/s below
 * 10 Mb/s, Mb/s to three significant digits from there (as MediaInfo does). 2345.6 → "2,346 kb/s";
 * 14321 → "14.3 Mb/s"; 20000 → "20 Mb/s".
 */
export function formatBitrate(kbps: number | null | undefined): string {
  if (kbps === null || kbps === undefined || !Number.isFinite(kbps)) return '–';
  if (Math.abs(kbps) >= 10_000) return `${Number((kbps / 1000).toPrecision(3))} Mb/s`;
  return `${Math.round(kbps).toLocaleString('en-US')} kb/s`;
}

/** {@link formatBitrate} of a rate in bits/s (RD points and charts): 2_345_678 → "2,346 kb/s". */
export function formatBitsPerSecond(bitsPerSecond: number): string {
  return formatBitrate(bitsPerSecond / 1000);
}

/** 29.97002997 → "29.97"; 25 → "25". */
export function formatFps(fps: number | null | undefined): string {
  if (fps === null || fps === undefined || !Number.isFinite(fps)) return '–';
  const rounded = Math.round(fps * 1000) / 1000;
  return String(Number(rounded.toFixed(3)));
}
