/**
 * A small PNG encoder for decoded frames (8-bit RGB or RGBA), so a frame read from a running
 * decoder becomes a PNG without another ffmpeg process. Speed over size: no row filter and a low
 * deflate level, on zlib's thread pool, off the event loop.
 *
 * Stepping encodes a frame every few tens of milliseconds, so:
 * - the rows' copy is made in reused buffers and deflate writes large output pieces (a new 6 MB
 *   buffer per 1080p frame made V8 collect garbage for longer than the encode took);
 * - `quick` (the viewer's frames) stores frames that deflate poorly instead of deflating them. A
 *   camera frame at 1080p takes ~65 ms to deflate to about half its size, and ~6 ms to store; over
 *   loopback the extra bytes cost next to nothing, and the browser decodes a stored PNG faster.
 *   Synthetic and flat pictures deflate to a few percent quickly and stay deflated.
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflate = promisify(zlib.deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Output piece of deflate: each piece is a trip back to the event loop. */
const DEFLATE_CHUNK = 1 << 20;
/** Row buffers kept for reuse: as many as encodes run at once (zlib's pool has four threads). */
const MAX_SCRATCH = 4;
/** `quick`: rows deflated to judge the frame, in this many bands spread over its height. */
const SAMPLE_BANDS = 4;
const SAMPLE_ROWS = 8;
/** `quick`: a sample that deflates to more than this share of its size is stored instead. */
const STORE_ABOVE = 0.3;

export interface PngOptions {
  /** Store (no deflate) a frame that deflates poorly: for frames served to the viewer live. */
  quick?: boolean;
}

/** Encodes raw 8-bit RGB (3 channels) or RGBA (4) pixels, rows top to bottom, as a PNG. */
export async function encodePng(
  pixels: Buffer,
  width: number,
  height: number,
  channels: 3 | 4,
  opts: PngOptions = {},
): Promise<Buffer> {
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(`encodePng: ${pixels.length} bytes is not ${width}x${height}x${channels}`);
  }
  // Each row is prefixed with its filter type (0: none).
  const filtered = takeScratch((stride + 1) * height);
  let idat: Buffer;
  try {
    for (let y = 0; y < height; y++) {
      const at = y * (stride + 1);
      filtered[at] = 0;
      pixels.copy(filtered, at + 1, y * stride, (y + 1) * stride);
    }
    const level = opts.quick && (await deflatesPoorly(filtered, stride + 1, height)) ? 0 : 1;
    // Stored output is a little larger than the rows: one piece, no joining of pieces.
    const chunkSize =
      level === 0 ? filtered.length + 5 * Math.ceil(filtered.length / 16384) + 64 : DEFLATE_CHUNK;
    idat = await deflate(filtered, { level, memLevel: 9, chunkSize });
  } finally {
    giveScratch(filtered);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: truecolour (+ alpha)
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  // Written into one buffer: the IDAT of a stored frame is copied once, not once per join.
  const png = Buffer.allocUnsafe(SIGNATURE.length + 12 * 3 + ihdr.length + idat.length);
  let at = SIGNATURE.copy(png, 0);
  for (const [type, data] of [
    ['IHDR', ihdr],
    ['IDAT', idat],
    ['IEND', Buffer.alloc(0)],
  ] as const) {
    at = writeChunk(png, at, type, data);
  }
  return png;
}

/** Whether a few bands of rows deflate to more than {@link STORE_ABOVE} of their size. */
async function deflatesPoorly(rows: Buffer, rowBytes: number, height: number): Promise<boolean> {
  const bands = Math.min(SAMPLE_BANDS, Math.max(1, Math.floor(height / SAMPLE_ROWS)));
  const rowsPerBand = Math.min(SAMPLE_ROWS, height);
  const sample = Buffer.allocUnsafe(bands * rowsPerBand * rowBytes);
  for (let b = 0; b < bands; b++) {
    const from = Math.floor(((height - rowsPerBand) * (2 * b + 1)) / (2 * bands)) * rowBytes;
    rows.copy(sample, b * rowsPerBand * rowBytes, from, from + rowsPerBand * rowBytes);
  }
  const packed = await deflate(sample, { level: 1, memLevel: 9, chunkSize: DEFLATE_CHUNK });
  return packed.length > STORE_ABOVE * sample.length;
}

const scratch: Buffer[] = [];

function takeScratch(bytes: number): Buffer {
  const i = scratch.findIndex((b) => b.length === bytes);
  return i >= 0 ? scratch.splice(i, 1)[0]! : Buffer.allocUnsafeSlow(bytes);
}

function giveScratch(b: Buffer): void {
  // The newest first: a change of size (another file, a zoom) retires the old ones.
  scratch.unshift(b);
  if (scratch.length > MAX_SCRATCH) scratch.pop();
}

/** Writes a PNG chunk (length, type, data, CRC) at `at`; returns where it ends. */
function writeChunk(png: Buffer, at: number, type: string, data: Buffer): number {
  png.writeUInt32BE(data.length, at);
  png.write(type, at + 4, 'ascii');
  data.copy(png, at + 8);
  const end = at + 8 + data.length;
  png.writeUInt32BE(crc32(png.subarray(at + 4, end)), end);
  return end + 4;
}

/** CRC-32 as PNG defines it (ISO 3309); `prev` continues a running CRC. zlib's own (Node 20.15 on). */
export function crc32(data: Uint8Array, prev = 0): number {
  return zlib.crc32(data, prev) >>> 0;
}
