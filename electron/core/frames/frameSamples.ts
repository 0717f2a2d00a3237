/**
 * Decoded sample values of one pixel of an exact frame: the Y′, Cb and Cr (or R, G, B, or grey)
 * codes the decoder produced, in the decoder's own pixel format and bit depth — not values
 * recomputed from an RGB picture. The frame is decoded at its native size (after autorotate)
 * without any conversion (`-f rawvideo`, no `-pix_fmt`); showinfo names the format and size, and
 * only a small block around the pixel is written out ({@link SAMPLE_BLOCK}).
 */
import { VqError } from '../../../shared/errors';
import type { FrameSamples } from '../../../shared/frames';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekedInputArgs } from './frameIndex';
import type { FramePlan } from './extractFrame';
import type { FrameSource } from './frameIndexStore';

/** One plane of a planar pixel format: which component it holds and how it is subsampled. */
export interface PlaneLayout {
  name: FrameSamples['samples'][number]['name'];
  /** log2 of the horizontal and vertical subsampling (4:2:0 chroma: 1 and 1). */
  shiftX: number;
  shiftY: number;
}

/**
 * How a pixel format lays out its samples in ffmpeg's rawvideo output: planes back to back, or
 * (packed RGB) one plane whose pixels hold `packed` components in order ('X' is padding).
 */
export interface PixelLayout {
  planes: PlaneLayout[];
  packed?: readonly (PlaneLayout['name'] | 'X')[];
  bitDepth: number;
  /** Bytes per sample: 1 up to 8 bits, else 2. */
  bytes: 1 | 2;
  littleEndian: boolean;
}

const YUV = /^yuv(a?)j?(420|422|444|440|411|410)p(?:(9|10|12|14|16)(le|be))?$/;
const GBR = /^gbr(a?)p(?:(9|10|12|14|16)(le|be))?$/;
const GRAY = /^gray(?:(9|10|12|14|16)(le|be))?$/;
/** 8-bit packed RGB as decoders of RGB codecs (FFV1, PNG, QuickTime RLE …) output it. */
const PACKED: Record<string, readonly (PlaneLayout['name'] | 'X')[]> = {
  rgb24: ['R', 'G', 'B'],
  bgr24: ['B', 'G', 'R'],
  rgba: ['R', 'G', 'B', 'A'],
  bgra: ['B', 'G', 'R', 'A'],
  argb: ['A', 'R', 'G', 'B'],
  abgr: ['A', 'B', 'G', 'R'],
  rgb0: ['R', 'G', 'B', 'X'],
  bgr0: ['B', 'G', 'R', 'X'],
  '0rgb': ['X', 'R', 'G', 'B'],
  '0bgr': ['X', 'B', 'G', 'R'],
};

/** log2 subsampling of chroma for a J:a:b name. */
const CHROMA_SHIFT: Record<string, [number, number]> = {
  '444': [0, 0],
  '422': [1, 0],
  '440': [0, 1],
  '420': [1, 1],
  '411': [2, 0],
  '410': [2, 1],
};

function depthOf(bits: string | undefined, order: string | undefined): Omit<PixelLayout, 'planes'> {
  const bitDepth = bits ? Number(bits) : 8;
  return { bitDepth, bytes: bitDepth > 8 ? 2 : 1, littleEndian: order !== 'be' };
}

/**
 * The layout of a pix_fmt: planar (yuv4xxp with 8–16 bits, yuvj, yuva, gbrp, gray) or 8-bit packed
 * RGB; null for semi-planar and packed YUV formats (nv12, p010, yuyv422, …), which it does not cut.
 */
export function pixelLayout(pixFmt: string): PixelLayout | null {
  const packed = PACKED[pixFmt];
  if (packed) {
    return {
      planes: [{ name: 'R', shiftX: 0, shiftY: 0 }],
      packed,
      bitDepth: 8,
      bytes: 1,
      littleEndian: true,
    };
  }
  const yuv = YUV.exec(pixFmt);
  if (yuv) {
    const [sx, sy] = CHROMA_SHIFT[yuv[2]!]!;
    const planes: PlaneLayout[] = [
      { name: 'Y', shiftX: 0, shiftY: 0 },
      { name: 'U', shiftX: sx, shiftY: sy },
      { name: 'V', shiftX: sx, shiftY: sy },
    ];
    if (yuv[1]) planes.push({ name: 'A', shiftX: 0, shiftY: 0 });
    return { planes, ...depthOf(yuv[3], yuv[4]) };
  }
  const gbr = GBR.exec(pixFmt);
  if (gbr) {
    // ffmpeg's planar RGB stores G first, then B, then R.
    const planes: PlaneLayout[] = (['G', 'B', 'R'] as const).map((name) => ({
      name,
      shiftX: 0,
      shiftY: 0,
    }));
    if (gbr[1]) planes.push({ name: 'A', shiftX: 0, shiftY: 0 });
    return { planes, ...depthOf(gbr[2], gbr[3]) };
  }
  const gray = GRAY.exec(pixFmt);
  if (gray) return { planes: [{ name: 'Y', shiftX: 0, shiftY: 0 }], ...depthOf(gray[1], gray[2]) };
  return null;
}

/** Bytes of a width×height frame in `layout` (ffmpeg's rawvideo: planes back to back, no padding). */
export function frameBytes(layout: PixelLayout, width: number, height: number): number {
  if (layout.packed) return width * height * layout.packed.length;
  let total = 0;
  for (const p of layout.planes) total += planeWidth(width, p) * planeHeight(height, p);
  return total * layout.bytes;
}

// Chroma planes round up (a 5-pixel-wide 4:2:0 frame has 3 chroma columns), as ffmpeg's
// AV_CEIL_RSHIFT does.
const planeWidth = (w: number, p: PlaneLayout): number => -(-w >> p.shiftX);
const planeHeight = (h: number, p: PlaneLayout): number => -(-h >> p.shiftY);

/** The samples of pixel (x, y) of a raw frame: one per plane, each from its subsampled position. */
export function samplesAt(
  raw: Buffer,
  layout: PixelLayout,
  width: number,
  height: number,
  x: number,
  y: number,
): FrameSamples['samples'] {
  const out: FrameSamples['samples'] = [];
  if (layout.packed) {
    const at = (y * width + x) * layout.packed.length;
    layout.packed.forEach((name, i) => {
      if (name !== 'X') out.push({ name, value: raw[at + i]! });
    });
    return out;
  }
  let offset = 0;
  for (const p of layout.planes) {
    const pw = planeWidth(width, p);
    const at = offset + ((y >> p.shiftY) * pw + (x >> p.shiftX)) * layout.bytes;
    const value =
      layout.bytes === 1
        ? raw[at]!
        : layout.littleEndian
          ? raw.readUInt16LE(at)
          : raw.readUInt16BE(at);
    out.push({ name: p.name, value });
    offset += pw * planeHeight(height, p) * layout.bytes;
  }
  return out;
}

/**
 * Side of the square block of a frame that is decoded for a pixel readout: a multiple of every
 * chroma subsampling step (4 at most, 4:1:1), so a block that starts at a multiple of it starts on
 * a chroma sample, and its chroma planes are the frame's own samples. Its raw planes are at most
 * 256 × 256 × 4 planes × 2 bytes = 512 KiB, whatever the frame size; large enough that a cursor
 * moving over a frame is answered from one decode for most of its way.
 */
export const SAMPLE_BLOCK = 256;

/** The top-left corner of the block that holds pixel (x, y). */
export function blockOrigin(x: number, y: number): { x0: number; y0: number } {
  return { x0: x - (x % SAMPLE_BLOCK), y0: y - (y % SAMPLE_BLOCK) };
}

/**
 * A block of a frame as the decoder produced it: the frame's pix_fmt and native size, and the raw
 * planes of the block at (x0, y0) (at most {@link SAMPLE_BLOCK} square, less at the right and
 * bottom edges).
 */
export interface SampleBlock {
  pixFmt: string;
  /** The whole frame's size. */
  width: number;
  height: number;
  x0: number;
  y0: number;
  raw: Buffer;
}

// [Parsed_showinfo_1 @ 0x…] n:   0 pts: 2 … fmt:yuv420p sar:1/1 s:64x48 …
const SHOWINFO_FORMAT = /\bfmt:(\S+)\s.*?\bs:(\d+)x(\d+)\b/;

/**
 * Decodes one planned frame natively (the decoder's pix_fmt at its own size, nothing converted)
 * and has ffmpeg cut the block at (x0, y0) out of it before it is written, so the output is a few
 * KiB for any frame size. `crop` with `exact=1` cuts at exactly those numbers (it would round a
 * subsampled format's odd edge down otherwise); an origin past the frame is clamped to its last
 * pixel, so the crop is always valid and the caller refuses the pixel by the frame's size.
 */
export async function decodeSampleBlock(
  source: FrameSource,
  plan: FramePlan,
  n: number,
  origin: { x0: number; y0: number },
  signal?: AbortSignal,
): Promise<SampleBlock> {
  const { x0, y0 } = origin;
  const crop =
    `crop=w=max(1\\,min(${SAMPLE_BLOCK}\\,iw-${x0})):h=max(1\\,min(${SAMPLE_BLOCK}\\,ih-${y0}))` +
    `:x=min(${x0}\\,iw-1):y=min(${y0}\\,ih-1):exact=1`;
  const args = [
    ...seekedInputArgs(source.input, source.raw, plan.seekSeconds, 'info'),
    '-vf',
    `select=${plan.select},showinfo,${crop}`,
    '-frames:v',
    '1',
    '-f',
    'rawvideo',
    '-',
  ];
  const chunks: Buffer[] = [];
  const r = await runTool(source.ffmpeg, args, {
    purpose: 'pixel readout',
    signal,
    onStdoutData: (c) => chunks.push(c),
  });
  if (r.canceled) throw new VqError('CANCELED', `Decoding frame ${n} was canceled.`);
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode frame ${n} of ${source.input}: ${lastLines(r.stderrTail, 3)}`,
    );
  }
  const m = SHOWINFO_FORMAT.exec(r.stderrTail);
  const raw = Buffer.concat(chunks);
  if ((!m || raw.length === 0) && plan.seekSeconds !== null) {
    // The seek landed past the frame (a demuxer that seeks imprecisely): decode from the start.
    return decodeSampleBlock(source, { seekSeconds: null, select: plan.select }, n, origin, signal);
  }
  if (!m || raw.length === 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg returned no picture for frame ${n} of ${source.input}.`,
    );
  }
  return { pixFmt: m[1]!, width: Number(m[2]), height: Number(m[3]), x0, y0, raw };
}

/** The samples of pixel (x, y) of frame `n` from the decoded block that holds it, checked. */
export function blockSamples(
  block: SampleBlock,
  n: number,
  x: number,
  y: number,
): Omit<FrameSamples, 'id'> {
  const layout = pixelLayout(block.pixFmt);
  if (!layout) {
    throw new VqError(
      'UNSUPPORTED',
      `Decoded values cannot be read from ${block.pixFmt} frames (a semi-planar or packed YUV format).`,
      'The RGB values of the shown frame are still exact.',
    );
  }
  if (x >= block.width || y >= block.height) {
    throw new VqError(
      'INVALID_ARGS',
      `Pixel ${x},${y} is outside frame ${n}, which is ${block.width}×${block.height}.`,
      `Ask for x 0–${block.width - 1} and y 0–${block.height - 1}.`,
    );
  }
  const bw = Math.min(SAMPLE_BLOCK, block.width - block.x0);
  const bh = Math.min(SAMPLE_BLOCK, block.height - block.y0);
  if (x < block.x0 || y < block.y0 || x >= block.x0 + bw || y >= block.y0 + bh) {
    throw new Error(`pixel ${x},${y} is not in the block at ${block.x0},${block.y0}`);
  }
  if (block.raw.length !== frameBytes(layout, bw, bh)) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg returned ${block.raw.length} bytes for a ${bw}×${bh} ${block.pixFmt} block of frame ${n}, not ${frameBytes(layout, bw, bh)}.`,
    );
  }
  return {
    index: n,
    x,
    y,
    pixFmt: block.pixFmt,
    bitDepth: layout.bitDepth,
    width: block.width,
    height: block.height,
    samples: samplesAt(block.raw, layout, bw, bh, x - block.x0, y - block.y0),
  };
}
