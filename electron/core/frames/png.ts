/**
 * A small PNG encoder for decoded frames (8-bit RGB or RGBA), so a frame read from a running
 * decoder becomes a PNG without another ffmpeg process. Speed over size: no row filter and a low
 * deflate level (a 1080p frame takes ~20 ms, on zlib's thread pool, off the event loop).
 */
import { promisify } from 'node:util';
import zlib from 'node:zlib';

const deflate = promisify(zlib.deflate);
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Encodes raw 8-bit RGB (3 channels) or RGBA (4) pixels, rows top to bottom, as a PNG. */
export async function encodePng(
  pixels: Buffer,
  width: number,
  height: number,
  channels: 3 | 4,
): Promise<Buffer> {
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new Error(`encodePng: ${pixels.length} bytes is not ${width}x${height}x${channels}`);
  }
  // Each row is prefixed with its filter type (0: none).
  const filtered = Buffer.allocUnsafe((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const at = y * (stride + 1);
    filtered[at] = 0;
    pixels.copy(filtered, at + 1, y * stride, (y + 1) * stride);
  }
  const idat = await deflate(filtered, { level: 1, memLevel: 9 });
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = channels === 4 ? 6 : 2; // colour type: truecolour (+ alpha)
  ihdr[10] = 0; // deflate
  ihdr[11] = 0; // adaptive filtering
  ihdr[12] = 0; // no interlace
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(data, crc32(head.subarray(4))) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 as PNG defines it (ISO 3309); `prev` continues a running CRC. */
export function crc32(data: Uint8Array, prev = 0): number {
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
