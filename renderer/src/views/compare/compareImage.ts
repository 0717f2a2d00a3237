/**
 * Pixel maths of the Compare viewer: RGB → Y′CbCr for the readout and the luma difference,
 * the difference image (RGB or luma, × gain), and the error heatmap through a perceptual colour
 * map. Pure: arrays in, arrays out, so it is unit-tested without a canvas.
 */

/** A Y′CbCr matrix by its luma coefficients. */
export interface YuvMatrix {
  name: 'BT.601' | 'BT.709' | 'BT.2020';
  kr: number;
  kb: number;
}

/** BT.601 (SD; also what ffmpeg's swscale assumes for untagged video). */
export const BT601: YuvMatrix = { name: 'BT.601', kr: 0.299, kb: 0.114 };
/** BT.709 (HD). */
export const BT709: YuvMatrix = { name: 'BT.709', kr: 0.2126, kb: 0.0722 };
/** BT.2020 non-constant luminance (UHD/HDR). */
export const BT2020: YuvMatrix = { name: 'BT.2020', kr: 0.2627, kb: 0.0593 };

/**
 * The matrix to recompute Y′CbCr from the frame server's RGB: the source's tagged matrix, else
 * BT.601, which is what ffmpeg's swscale used to make that RGB from untagged video.
 */
export function matrixFor(colorMatrix: string | null | undefined): YuvMatrix {
  const m = (colorMatrix ?? '').toLowerCase();
  if (m === 'bt709') return BT709;
  if (m.startsWith('bt2020')) return BT2020;
  return BT601;
}

/** 8-bit limited-range Y′CbCr (Y 16–235, Cb/Cr 16–240) of an 8-bit RGB pixel, rounded. */
export function rgbToYcbcr(
  r: number,
  g: number,
  b: number,
  m: YuvMatrix = BT709,
): { y: number; cb: number; cr: number } {
  const kg = 1 - m.kr - m.kb;
  const ey = (m.kr * r + kg * g + m.kb * b) / 255;
  const ecb = (b / 255 - ey) / (2 * (1 - m.kb));
  const ecr = (r / 255 - ey) / (2 * (1 - m.kr));
  return {
    y: Math.round(16 + 219 * ey),
    cb: Math.round(128 + 224 * ecb),
    cr: Math.round(128 + 224 * ecr),
  };
}

/** Full-scale luma (0–255, unrounded) of an RGB pixel: what the luma difference compares. */
export function lumaOf(r: number, g: number, b: number, m: YuvMatrix = BT709): number {
  return m.kr * r + (1 - m.kr - m.kb) * g + m.kb * b;
}

/** Which part of the picture the difference image shows. */
export type DiffChannel = 'rgb' | 'luma';

/**
 * |A−B| × gain into `out` (RGBA, opaque): per RGB channel, or as grey from the luma difference.
 * The arrays are RGBA of the same size; a shorter one limits the pixels written.
 */
export function diffPixels(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  gain: number,
  out: Uint8ClampedArray,
  channel: DiffChannel = 'rgb',
  m: YuvMatrix = BT709,
): void {
  const n = Math.min(a.length, b.length, out.length);
  for (let i = 0; i + 3 < n; i += 4) {
    if (channel === 'luma') {
      const d =
        Math.abs(lumaOf(a[i]!, a[i + 1]!, a[i + 2]!, m) - lumaOf(b[i]!, b[i + 1]!, b[i + 2]!, m)) *
        gain;
      out[i] = d;
      out[i + 1] = d;
      out[i + 2] = d;
    } else {
      out[i] = Math.abs(a[i]! - b[i]!) * gain;
      out[i + 1] = Math.abs(a[i + 1]! - b[i + 1]!) * gain;
      out[i + 2] = Math.abs(a[i + 2]! - b[i + 2]!) * gain;
    }
    out[i + 3] = 255;
  }
}

// Inferno (matplotlib, CC0), sampled at 9 evenly spaced points; linear between them.
const INFERNO: readonly (readonly [number, number, number])[] = [
  [0, 0, 4],
  [31, 12, 72],
  [85, 15, 109],
  [136, 34, 106],
  [186, 54, 85],
  [227, 89, 51],
  [249, 140, 10],
  [249, 201, 50],
  [252, 255, 164],
];

/** The inferno colour of t in 0…1 (clamped): black-purple at 0, pale yellow at 1. */
export function inferno(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (INFERNO.length - 1);
  const i = Math.min(INFERNO.length - 2, Math.floor(x));
  const f = x - i;
  const lo = INFERNO[i]!;
  const hi = INFERNO[i + 1]!;
  return [
    Math.round(lo[0] + (hi[0] - lo[0]) * f),
    Math.round(lo[1] + (hi[1] - lo[1]) * f),
    Math.round(lo[2] + (hi[2] - lo[2]) * f),
  ];
}

/** The |ΔY| that maps to the top of the heatmap's scale at a gain (full scale 255 ÷ gain). */
export function heatmapMax(gain: number): number {
  return 255 / Math.max(1, gain);
}

/**
 * Per-pixel error heatmap into `out`: |Y(A) − Y(B)| over {@link heatmapMax} through inferno.
 * Same array rules as {@link diffPixels}.
 */
export function heatmapPixels(
  a: Uint8ClampedArray,
  b: Uint8ClampedArray,
  gain: number,
  out: Uint8ClampedArray,
  m: YuvMatrix = BT709,
): void {
  const n = Math.min(a.length, b.length, out.length);
  const max = heatmapMax(gain);
  // 256 buckets of |ΔY| are enough for 8-bit input and avoid a colour lookup per pixel.
  const lut = new Uint8ClampedArray(256 * 3);
  for (let d = 0; d < 256; d++) lut.set(inferno(d / max), d * 3);
  for (let i = 0; i + 3 < n; i += 4) {
    const d = Math.min(
      255,
      Math.round(
        Math.abs(lumaOf(a[i]!, a[i + 1]!, a[i + 2]!, m) - lumaOf(b[i]!, b[i + 1]!, b[i + 2]!, m)),
      ),
    );
    out[i] = lut[d * 3]!;
    out[i + 1] = lut[d * 3 + 1]!;
    out[i + 2] = lut[d * 3 + 2]!;
    out[i + 3] = 255;
  }
}

/**
 * Where a w×h frame is drawn inside an element's rectangle `box`: scaled to fit keeping its aspect
 * and centred (object-fit: contain), which also covers an exact-size canvas.
 */
export function pictureRect(
  box: { left: number; top: number; width: number; height: number },
  w: number,
  h: number,
): { left: number; top: number; scale: number } {
  const scale = Math.min(box.width / w, box.height / h);
  return {
    left: box.left + (box.width - w * scale) / 2,
    top: box.top + (box.height - h * scale) / 2,
    scale,
  };
}

/** The source pixel under a point of a frame drawn in `box` (see {@link pictureRect}); null outside. */
export function pixelAt(
  point: { x: number; y: number },
  box: { left: number; top: number; width: number; height: number },
  w: number,
  h: number,
): { x: number; y: number } | null {
  if (w <= 0 || h <= 0 || box.width <= 0 || box.height <= 0) return null;
  const at = pictureRect(box, w, h);
  const x = Math.floor((point.x - at.left) / at.scale);
  const y = Math.floor((point.y - at.top) / at.scale);
  if (x < 0 || y < 0 || x >= w || y >= h) return null;
  return { x, y };
}
