/**
 * Pure helpers that turn ffprobe's raw values into the readable facts of `MediaInfo`. Kept free of
 * I/O so every rule (levels, rotation, VFR, raw frame sizes) is unit-tested on its own.
 */
import type { HdrKind, RawVideoSpec } from '../../../shared/media';
import { parseRate } from '../../../shared/rawSpec';

/** A finite number from ffprobe's number-or-string fields; null for "N/A", empty or invalid. */
export function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v !== 'string' || v.trim() === '') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

/** A positive finite number, else null (durations, bit rates and sizes of 0 mean "unknown"). */
export function toPositive(v: unknown): number | null {
  const n = toNumber(v);
  return n !== null && n > 0 ? n : null;
}

/** A non-empty string, else null; "unknown" and "N/A" count as empty because ffprobe prints them. */
export function toText(v: unknown): string | null {
  if (typeof v === 'number') return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t === 'unknown' || t === 'N/A' ? null : t;
}

/**
 * A tag value looked up case-insensitively: MP4 writes `encoder`, Matroska `ENCODER`. Returns the
 * first non-empty string.
 */
export function tagValue(
  tags: Record<string, unknown> | null | undefined,
  key: string,
): string | null {
  if (!tags) return null;
  const want = key.toLowerCase();
  for (const [k, v] of Object.entries(tags)) {
    if (k.toLowerCase() === want) {
      const t = toText(v);
      if (t) return t;
    }
  }
  return null;
}

/** Parses Matroska's per-stream `DURATION` tag ("00:01:02.500000000") into seconds. */
export function parseClockDuration(text: string | null | undefined): number | null {
  if (!text) return null;
  const m = /^(\d+):(\d{1,2}):(\d{1,2}(?:\.\d+)?)$/.exec(text.trim());
  if (!m) return null;
  // Rounded to microseconds: the sum of parts picks up float noise (3.0029999999999997).
  const s = Math.round((Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1e6) / 1e6;
  return Number.isFinite(s) && s > 0 ? s : null;
}

/** An aspect ratio as "N:D", or null for ffprobe's "unset" values ("0:1", "N/A", "0:0"). */
export function aspectOrNull(text: string | null | undefined): string | null {
  if (!text) return null;
  const m = /^(\d+):(\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) === 0 || Number(m[2]) === 0) return null;
  return `${m[1]}:${m[2]}`;
}

/** A rate "N/D" as ffprobe prints it, or null for "0/0" and other unset values. */
export function rateOrNull(text: string | null | undefined): string | null {
  return text && parseRate(text) !== null ? text : null;
}

/** HDR family from color_transfer: PQ (smpte2084), HLG (arib-std-b67), else null. */
export function hdrOf(transfer: string | null | undefined): HdrKind {
  if (transfer === 'smpte2084') return 'pq';
  if (transfer === 'arib-std-b67') return 'hlg';
  return null;
}

const MPEG2_LEVELS: Record<number, string> = { 4: 'High', 6: 'High 1440', 8: 'Main', 10: 'Low' };

/**
 * The codec level as people write it. ffprobe prints the raw level number from the bitstream, so:
 * H.264 `level_idc` / 10 (31 → "3.1", 9 → "1b"); HEVC `general_level_idc` / 30 (120 → "4",
 * 153 → "5.1"); VVC / 16 with the minor in thirds (67 → "4.1"); AV1 `seq_level_idx` as
 * 2 + idx/4 "." idx%4 (9 → "4.1", 31 → "max", the spec's "no level limit"); MPEG-2 by name
 * (8 → "Main"). Negative values (-99 = unknown, as for VP9) give null; other codecs get the number.
 */
export function formatLevel(codec: string, level: number | null): string | null {
  if (level === null || !Number.isInteger(level) || level < 0) return null;
  switch (codec) {
    case 'h264':
      if (level === 9) return '1b';
      return level === 0 ? null : trimDecimal(level / 10);
    case 'hevc':
      return level === 0 ? null : trimDecimal(Math.round((level / 30) * 10) / 10);
    case 'vvc':
      return level === 0
        ? null
        : `${Math.floor(level / 16)}.${Math.round((level % 16) / 3)}`.replace(/\.0$/, '');
    case 'av1':
      if (level === 31) return 'max';
      return `${2 + (level >> 2)}.${level & 3}`;
    case 'mpeg2video':
      return MPEG2_LEVELS[level] ?? String(level);
    default:
      return String(level);
  }
}

function trimDecimal(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

/**
 * The clockwise rotation (0..359) a player applies when showing the stream. ffprobe's display
 * matrix `rotation` is counter-clockwise (a phone's 90° clockwise "rotate=90" tag reads -90), so
 * it is negated; the legacy `rotate` tag of old builds is already clockwise. Whole degrees are
 * rounded because the matrix carries fixed-point noise.
 */
export function displayRotation(
  sideData:
    ReadonlyArray<{ side_data_type?: string | null; rotation?: unknown }> | null | undefined,
  tags: Record<string, unknown> | null | undefined,
): number {
  for (const sd of sideData ?? []) {
    if (sd.side_data_type !== 'Display Matrix') continue;
    const r = toNumber(sd.rotation);
    if (r !== null) return normaliseDegrees(-r);
  }
  const tag = toNumber(tagValue(tags, 'rotate'));
  return tag !== null ? normaliseDegrees(tag) : 0;
}

/** An angle folded into 0..359.x, rounded to whole degrees when within 0.01 of one. */
export function normaliseDegrees(deg: number): number {
  const rounded = Math.abs(deg - Math.round(deg)) < 0.01 ? Math.round(deg) : deg;
  const r = ((rounded % 360) + 360) % 360;
  return r === 0 ? 0 : r; // avoids -0
}

/** True when two "N/D" rates differ by more than `tolerance` (relative); false if either is unset. */
export function ratesDiffer(a: string | null, b: string | null, tolerance = 0.005): boolean {
  const x = parseRate(a);
  const y = parseRate(b);
  if (x === null || y === null) return false;
  return Math.abs(x - y) / Math.max(x, y) > tolerance;
}

/**
 * Bytes of one raw frame for the common planar/packed formats, or null when the format is not in
 * the table (the caller then derives it from ffprobe's bit rate). Chroma planes round up for odd
 * sizes, as ffmpeg's av_image_get_buffer_size does with alignment 1.
 */
export function rawFrameBytes(
  spec: Pick<RawVideoSpec, 'width' | 'height' | 'pixFmt'>,
): number | null {
  const w = spec.width;
  const h = spec.height;
  const cw = Math.ceil(w / 2);
  const ch = Math.ceil(h / 2);
  const layouts: Record<string, number> = {
    yuv420p: w * h + 2 * cw * ch,
    yuvj420p: w * h + 2 * cw * ch,
    yuv422p: w * h + 2 * cw * h,
    yuvj422p: w * h + 2 * cw * h,
    yuv444p: 3 * w * h,
    yuvj444p: 3 * w * h,
    nv12: w * h + 2 * cw * ch,
    nv21: w * h + 2 * cw * ch,
    gray: w * h,
    yuyv422: 2 * cw * 2 * h,
    uyvy422: 2 * cw * 2 * h,
    rgb24: 3 * w * h,
    bgr24: 3 * w * h,
    rgba: 4 * w * h,
    bgra: 4 * w * h,
    argb: 4 * w * h,
    abgr: 4 * w * h,
  };
  const eight = layouts[spec.pixFmt];
  if (eight !== undefined) return eight;
  // High-bit-depth little/big-endian planar variants store each sample in 2 bytes.
  const deep = /^(yuv420p|yuv422p|yuv444p|gray)(9|10|12|14|16)(le|be)$/.exec(spec.pixFmt);
  if (deep) return 2 * layouts[deep[1]!]!;
  if (spec.pixFmt === 'p010le' || spec.pixFmt === 'p016le') return 2 * (w * h + 2 * cw * ch);
  return null;
}

/** Median of a non-empty list (copied and sorted). */
export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/**
 * Presentation timestamps with VP8/VP9 hidden frames folded into the frame they belong to. Old
 * WebM muxing stores an invisible alt-ref frame as its own block with (almost) the same timestamp
 * as the next shown frame, so a gap of at most one tick or a quarter of the typical frame interval
 * is one displayed frame (roadtrip-vp92-10bit.webm: 80 packets, 72 frames).
 */
export function mergeHiddenFrames(sortedPts: readonly number[]): number[] {
  if (sortedPts.length < 3) return [...sortedPts];
  const gaps = sortedPts.slice(1).map((p, i) => p - sortedPts[i]!);
  const limit = Math.max(1, 0.25 * median(gaps));
  const out = [sortedPts[0]!];
  for (let i = 1; i < sortedPts.length; i++) {
    if (sortedPts[i]! - out[out.length - 1]! > limit) out.push(sortedPts[i]!);
  }
  return out;
}

/**
 * True when frame intervals vary beyond rounding and capture jitter: any interval further than
 * max(1.5 ticks, 15 %) from the median. 1.5 ticks absorbs Matroska's millisecond rounding
 * (29.97 fps → 33/34 ms); 15 % absorbs phone-camera jitter (portrait_4k60.mp4 varies ±3.6 %) but
 * catches a dropped or repeated frame (+100 %) and mixed 24/30 fps material (±20 %).
 */
export function intervalsVary(sortedPts: readonly number[]): boolean {
  if (sortedPts.length < 3) return false;
  const gaps = sortedPts.slice(1).map((p, i) => p - sortedPts[i]!);
  const med = median(gaps);
  const tolerance = Math.max(1.5, 0.15 * med);
  return gaps.some((g) => Math.abs(g - med) > tolerance);
}
