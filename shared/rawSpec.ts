import type { RawVideoSpec } from './media';

/** File extensions that are headerless raw video and need a {@link RawVideoSpec}. */
export const RAW_EXTENSIONS = ['.yuv', '.rgb', '.raw', '.nv12'] as const;

/**
 * Parses `WxH:pix_fmt[:fps]` (e.g. `320x192:yuv420p:12`). fps defaults to 25, as ffmpeg assumes.
 * Returns an error message instead of throwing so CLI and UI can show it inline.
 */
export function parseRawSpec(
  text: string,
): { ok: true; spec: RawVideoSpec } | { ok: false; message: string } {
  const m =
    /^\s*(\d+)\s*[xX]\s*(\d+)\s*:\s*([a-z0-9_]+)\s*(?::\s*(\d+(?:\.\d+)?(?:\/\d+)?)\s*)?$/.exec(
      text,
    );
  if (!m) {
    return { ok: false, message: `"${text}" is not WxH:pix_fmt[:fps], e.g. 1920x1080:yuv420p:24` };
  }
  const width = Number(m[1]);
  const height = Number(m[2]);
  if (width < 2 || height < 2 || width > 16384 || height > 16384) {
    return { ok: false, message: `raw size ${width}x${height} is out of range (2..16384)` };
  }
  const fps = m[4] ? parseRate(m[4]) : 25;
  if (!fps || fps <= 0 || fps > 1000) {
    return { ok: false, message: `raw frame rate "${m[4]}" is not a positive number` };
  }
  return { ok: true, spec: { width, height, pixFmt: m[3]!, fps } };
}

/** Formats a spec back to `WxH:pix_fmt:fps`. */
export function formatRawSpec(spec: RawVideoSpec): string {
  return `${spec.width}x${spec.height}:${spec.pixFmt}:${spec.fps}`;
}

/** True when the file name ends with a raw-video extension. */
export function looksRaw(fileName: string): boolean {
  const lower = fileName.toLowerCase();
  return RAW_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/** Parses "30000/1001", "25/1" or "29.97" into a number; null for 0/0, empty or invalid. */
export function parseRate(text: string | null | undefined): number | null {
  if (!text) return null;
  const parts = text.split('/');
  if (parts.length === 2) {
    const n = Number(parts[0]);
    const d = Number(parts[1]);
    if (!Number.isFinite(n) || !Number.isFinite(d) || d === 0 || n === 0) return null;
    return n / d;
  }
  const v = Number(text);
  return Number.isFinite(v) && v > 0 ? v : null;
}
