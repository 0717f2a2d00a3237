/**
 * Bit depth and chroma layout from an ffmpeg pix_fmt name. ffprobe's bits_per_raw_sample is often
 * missing (VP9, AV1 in MP4), so the name is the reliable source.
 */

const EXPLICIT: Record<string, number> = {
  p010le: 10,
  p010be: 10,
  p016le: 16,
  p016be: 16,
  p210le: 10,
  p410le: 10,
  y210le: 10,
  x2rgb10le: 10,
  x2bgr10le: 10,
  v210: 10,
  gray10le: 10,
  gray12le: 12,
  gray16le: 16,
  rgb48le: 16,
  rgb48be: 16,
  rgba64le: 16,
  bgr48le: 16,
};

/** Bits per component for a pix_fmt, e.g. yuv420p → 8, yuv420p10le → 10, p010le → 10. */
export function bitDepthOf(pixFmt: string): number {
  const name = pixFmt.toLowerCase();
  const explicit = EXPLICIT[name];
  if (explicit) return explicit;
  const m = /(?:p|gray|gbrp|gbrap|yuva\d{3}p)(\d{1,2})(?:le|be)?$/.exec(name);
  if (m) {
    const bits = Number(m[1]);
    if (bits >= 9 && bits <= 16) return bits;
  }
  return 8;
}

/** Chroma subsampling label: "4:2:0", "4:2:2", "4:4:4", or null when not a YUV format. */
export function chromaOf(pixFmt: string): string | null {
  const m = /^yuva?j?(4[0-4][0-4])/.exec(pixFmt.toLowerCase());
  if (m) return `${m[1]![0]}:${m[1]![1]}:${m[1]![2]}`;
  if (/^(nv12|nv21|p010|p016)/.test(pixFmt)) return '4:2:0';
  return null;
}
