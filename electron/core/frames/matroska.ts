/**
 * Just enough Matroska for the intra proxy (intraProxy.ts): find where each frame of a proxy file
 * that ffmpeg wrote lies (one SimpleBlock per frame), and write a stream of those frames, in any
 * order, for a decoder reading stdin (proxyDecoder.ts). Element ids and the variable-length size
 * coding are Matroska's (EBML, RFC 8794); everything else in a file is skipped.
 */
import fs from 'node:fs/promises';

const EBML_HEADER = 0x1a45dfa3;
const SEGMENT = 0x18538067;
const INFO = 0x1549a966;
const TRACKS = 0x1654ae6b;
const CLUSTER = 0x1f43b675;
const CLUSTER_TIMESTAMP = 0xe7;
const SIMPLE_BLOCK = 0xa3;

/** Where a proxy file's frames are, and the bytes a stream of them starts with. */
export interface ProxyLayout {
  /**
   * EBML header, a Segment of unknown size and the file's Tracks: a stream's start, the same for
   * every chunk of one file (Info is left out: it names a chunk's duration, and its time scale is
   * Matroska's default, 1 ms).
   */
  head: Buffer;
  /** Each frame's SimpleBlock element (id, size and data), in file order. */
  blocks: { offset: number; length: number }[];
}

interface Element {
  id: number;
  /** Where the element starts, where its data starts and ends (end null: unknown size). */
  start: number;
  data: number;
  end: number | null;
}

/** Reads an element header at `at` of `buf` (pure); null when `buf` ends first or it is invalid. */
export function readElement(buf: Buffer, at: number, base = 0): Element | null {
  if (at >= buf.length) return null;
  const idLen = leadingLength(buf[at]!, 4);
  if (idLen === 0 || at + idLen >= buf.length) return null;
  let id = 0;
  for (let i = 0; i < idLen; i++) id = id * 256 + buf[at + i]!;
  const s = at + idLen;
  const sizeLen = leadingLength(buf[s]!, 8);
  if (sizeLen === 0 || s + sizeLen > buf.length) return null;
  let size = buf[s]! & (0xff >> sizeLen);
  let allOnes = size === 0xff >> sizeLen;
  for (let i = 1; i < sizeLen; i++) {
    size = size * 256 + buf[s + i]!;
    if (buf[s + i] !== 0xff) allOnes = false;
  }
  const data = base + s + sizeLen;
  return { id, start: base + at, data, end: allOnes ? null : data + size };
}

/** Length of an EBML number from its first byte (1…max), 0 when invalid. */
function leadingLength(first: number, max: number): number {
  for (let len = 1; len <= max; len++) if (first & (0x80 >> (len - 1))) return len;
  return 0;
}

/**
 * Reads where the frames of a Matroska file written by ffmpeg lie. Throws when it is not one, or
 * holds more than `maxBlocks` frames (a damaged or foreign file is not read to its end).
 */
export async function readProxyLayout(file: string, maxBlocks: number): Promise<ProxyLayout> {
  const fh = await fs.open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const at = async (pos: number, want = 64): Promise<Buffer> => {
      const buf = Buffer.alloc(Math.min(want, size - pos));
      await fh.read(buf, 0, buf.length, pos);
      return buf;
    };
    const header = readElement(await at(0), 0);
    if (!header || header.id !== EBML_HEADER || header.end === null) throw notProxy(file);
    const segment = readElement(await at(header.end), 0, header.end);
    if (!segment || segment.id !== SEGMENT) throw notProxy(file);
    const segmentEnd = segment.end ?? size;
    const parts: Buffer[] = [await at(0, header.end)];
    // A stream's segment has no known size: frames are appended as they are wanted.
    parts.push(
      Buffer.from([0x18, 0x53, 0x80, 0x67, 0x01, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
    );
    let info: Buffer | null = null;
    let tracks: Buffer | null = null;
    const blocks: ProxyLayout['blocks'] = [];
    let pos = segment.data;
    while (pos < segmentEnd) {
      const e = readElement(await at(pos), 0, pos);
      if (!e || e.end === null || e.end > size) break;
      if (e.id === INFO) info = await at(e.start, e.end - e.start);
      else if (e.id === TRACKS) tracks = await at(e.start, e.end - e.start);
      else if (e.id === CLUSTER) {
        let c = e.data;
        while (c < e.end) {
          const child = readElement(await at(c), 0, c);
          if (!child || child.end === null || child.end > e.end) throw notProxy(file);
          if (child.id === SIMPLE_BLOCK) {
            blocks.push({ offset: c, length: child.end - c });
            if (blocks.length > maxBlocks) throw notProxy(file);
          }
          c = child.end;
        }
      }
      pos = e.end;
    }
    if (!info || !tracks || blocks.length === 0 || !hasDefaultTimeScale(info)) throw notProxy(file);
    parts.push(tracks);
    return { head: Buffer.concat(parts), blocks };
  } finally {
    await fh.close();
  }
}

/** True when an Info element's TimestampScale is absent or 1 ms (1,000,000 ns) (pure). */
function hasDefaultTimeScale(info: Buffer): boolean {
  const head = readElement(info, 0);
  if (!head || head.end === null) return false;
  let at = head.data;
  while (at < head.end) {
    const e = readElement(info, at);
    if (!e || e.end === null) return false;
    if (e.id === 0x2ad7b1) return info.readUIntBE(e.data, Math.min(6, e.end - e.data)) === 1e6;
    at = e.end;
  }
  return true;
}

function notProxy(file: string): Error {
  return new Error(`${file} is not a proxy file this app wrote.`);
}

/** An EBML size field for `n` bytes (shortest form, never the all-ones "unknown" value) (pure). */
function sizeField(n: number): Buffer {
  for (let len = 1; len <= 8; len++) {
    if (n < 2 ** (7 * len) - 1) {
      const out = Buffer.alloc(len);
      let v = n;
      for (let i = len - 1; i >= 0; i--) {
        out[i] = v % 256;
        v = Math.floor(v / 256);
      }
      out[0]! |= 0x80 >> (len - 1);
      return out;
    }
  }
  throw new Error(`size ${n} does not fit an EBML number`);
}

/** Bytes a Cluster's head may take before its SimpleBlock (see {@link clusterInPlace}). */
export const CLUSTER_HEAD_ROOM = 4 + 8 + 1 + 1 + 8;

/**
 * A Cluster holding one frame's SimpleBlock at `timestampMs` (pure): the stream a decoder reads
 * gets its frames in whatever order they are wanted, each under a timestamp that names it.
 */
export function clusterOf(timestampMs: number, simpleBlock: Buffer): Buffer {
  const room = Buffer.allocUnsafe(CLUSTER_HEAD_ROOM + simpleBlock.length);
  simpleBlock.copy(room, CLUSTER_HEAD_ROOM);
  return clusterInPlace(room, timestampMs);
}

/**
 * {@link clusterOf} without copying the block: `buf` holds the SimpleBlock after
 * {@link CLUSTER_HEAD_ROOM} bytes of room, and the Cluster is written around it (the block's own
 * timestamp is cleared in place). Returns the part of `buf` that is the Cluster. A proxy frame is
 * a megabyte or more, read from disk for each step: it is read straight into its place.
 */
export function clusterInPlace(buf: Buffer, timestampMs: number): Buffer {
  const simpleBlock = buf.subarray(CLUSTER_HEAD_ROOM);
  // The block's own timestamp (relative to the cluster it was stored in) becomes 0 here.
  const el = readElement(simpleBlock, 0);
  const trackLen = el ? leadingLength(simpleBlock[el.data] ?? 0, 8) : 0;
  if (
    !el ||
    el.id !== SIMPLE_BLOCK ||
    trackLen === 0 ||
    el.data + trackLen + 2 > simpleBlock.length
  ) {
    throw new Error('not a SimpleBlock');
  }
  simpleBlock.writeInt16BE(0, el.data + trackLen);
  const ts: number[] = [];
  let v = timestampMs;
  do {
    ts.unshift(v % 256);
    v = Math.floor(v / 256);
  } while (v > 0);
  const timestamp = Buffer.concat([
    Buffer.from([CLUSTER_TIMESTAMP]),
    sizeField(ts.length),
    Buffer.from(ts),
  ]);
  const body = timestamp.length + simpleBlock.length;
  const head = Buffer.concat([Buffer.from([0x1f, 0x43, 0xb6, 0x75]), sizeField(body), timestamp]);
  const start = CLUSTER_HEAD_ROOM - head.length;
  head.copy(buf, start);
  return buf.subarray(start);
}
