/**
 * The frame index of a file from its packets, without decoding the pictures: the demuxer's
 * timestamps and keyframe flags of every video packet (`ffmpeg -c copy -f framecrc`), sorted into
 * presentation order. A two-hour 1080p title is listed in about two seconds where a full decode
 * takes twenty minutes, and the list streams, so the first frames can be served while the rest is
 * still being read (`onProgress`).
 *
 * Only what a packet says is known: picture types stay '?' until a decode names them (the frame
 * server fills them in as it decodes). The same binary's demuxer gives the timestamps, and one
 * decoded frame checks them: its pts must be the first listed one and its filter time base the
 * listed one, so a later seek-and-select run compares against the same numbers. Where that does
 * not hold — streams without timestamps (raw .264), timestamps that do not name one frame each,
 * packets that are not one frame each — the caller falls back to the full-decode index
 * (frameIndex.ts), which is always exact.
 */
import { VqError } from '../../../shared/errors';
import type { RawVideoSpec } from '../../../shared/media';
import { runTool } from '../ffmpeg/process';
import { buildFrameIndex, inputArgs, type FrameIndex, type IndexedFrame } from './frameIndex';

/** One video packet as the demuxer lists it (decode order). */
export interface ListedPacket {
  pts: number | null;
  key: boolean;
}

/**
 * Packets read after a frame before its place in presentation order is taken as final: later
 * packets never show earlier than the lowest pts among this many packets read since (a decoder's
 * reordering is at most 16 frames deep).
 */
export const REORDER_WINDOW = 64;

/**
 * Frames an index holds at most (about 110 hours at 25 fps, ~60 bytes each in memory): a file
 * listing more is refused rather than allowed to fill the memory.
 */
export const MAX_INDEXED_FRAMES = 10_000_000;

// 0,      -1024,          0,      512,    41929, 0x4cd77131[, F=0x0]
const FRAMECRC_LINE =
  /^(\d+),\s*(-?\d+|NOPTS),\s*(-?\d+|NOPTS),\s*(-?\d+),\s*(\d+),\s*0x[0-9a-fA-F]+(?:,\s*F=0x([0-9a-fA-F]+))?/;
const FRAMECRC_TB = /^#tb (\d+): (\d+)\/(\d+)/;
const FRAMECRC_CODEC = /^#codec_id 0: (\S+)/;
/**
 * Codecs whose packets may hold pictures that are never shown (VP8/VP9 alt-ref frames stored
 * as packets of their own): a packet is not a frame there, so their frames are indexed by decoding.
 */
const HIDDEN_FRAME_CODECS = new Set(['vp8', 'vp9']);
/** AV_PKT_FLAG_KEY and AV_PKT_FLAG_DISCARD (a packet the demuxer marks as not to be shown). */
const FLAG_KEY = 0x1;
const FLAG_DISCARD = 0x4;

/** Reads framecrc lines as they stream (pure state machine; exported for tests). */
export class FramecrcReader {
  readonly packets: ListedPacket[] = [];
  timeBase: number | null = null;
  codec: string | null = null;
  private rest = '';

  /** Feeds a chunk of framecrc text; returns how many packets it added. */
  push(text: string): number {
    const lines = (this.rest + text).split('\n');
    this.rest = lines.pop()!;
    const before = this.packets.length;
    for (const line of lines) this.line(line);
    return this.packets.length - before;
  }

  /** Reads a last line without its newline. */
  end(): void {
    if (this.rest) this.line(this.rest);
    this.rest = '';
  }

  private line(line: string): void {
    if (line.startsWith('#')) {
      const codec = FRAMECRC_CODEC.exec(line);
      if (codec) this.codec = codec[1]!;
      const tb = FRAMECRC_TB.exec(line);
      if (tb && tb[1] === '0' && Number(tb[2]) > 0 && Number(tb[3]) > 0) {
        this.timeBase = Number(tb[2]) / Number(tb[3]);
      }
      return;
    }
    const m = FRAMECRC_LINE.exec(line);
    if (!m || m[1] !== '0') return;
    // framecrc prints flags only when they are not exactly "key".
    const flags = m[6] === undefined ? FLAG_KEY : parseInt(m[6], 16);
    if (flags & FLAG_DISCARD) return;
    this.packets.push({
      pts: m[3] === 'NOPTS' ? null : Number(m[3]),
      key: (flags & FLAG_KEY) !== 0,
    });
  }
}

/**
 * The frames of packets listed so far whose presentation order is final (pure): all of them when
 * the list is complete, else those earlier than every packet of the last {@link REORDER_WINDOW}.
 * Null when a packet has no pts (the list cannot name frames by time).
 */
export function framesInOrder(
  packets: readonly ListedPacket[],
  complete: boolean,
): IndexedFrame[] | null {
  const order = new PresentationOrder();
  if (!order.add(packets, complete)) return null;
  return order.frames;
}

/**
 * Puts packets into presentation order as they are listed, settling each frame once no later
 * packet can come before it (see {@link framesInOrder}); each packet is sorted once.
 */
export class PresentationOrder {
  /** Frames settled so far, in presentation order. */
  readonly frames: IndexedFrame[] = [];
  private pending: IndexedFrame[] = [];
  private recent: number[] = [];
  /** False once a packet had no pts or a packet came before frames already settled. */
  ok = true;

  /** Adds packets (decode order); `complete` settles the rest. False when frames cannot be named. */
  add(packets: readonly ListedPacket[], complete: boolean): boolean {
    for (const p of packets) {
      if (p.pts === null) this.ok = false;
      // A packet shown earlier than every one of the window before it: the window does not hold,
      // or the timestamps jump back (a decoder would output it in another order than pts says).
      else if (this.recent.length === REORDER_WINDOW && p.pts < Math.min(...this.recent)) {
        this.ok = false;
      }
      if (!this.ok) return false;
      this.pending.push({ pts: p.pts, key: p.key, type: '?' });
      this.recent.push(p.pts!);
      if (this.recent.length > REORDER_WINDOW) this.recent.shift();
    }
    let bound = Number.NEGATIVE_INFINITY;
    if (complete) bound = Number.POSITIVE_INFINITY;
    else if (this.recent.length >= REORDER_WINDOW) bound = Math.min(...this.recent);
    const settled = this.pending.filter((f) => f.pts! < bound);
    if (settled.length === 0) return true;
    this.pending = this.pending.filter((f) => f.pts! >= bound);
    settled.sort((x, y) => x.pts! - y.pts!);
    const last = this.frames[this.frames.length - 1];
    // A packet shown before frames already settled (the window did not hold, or the timestamps
    // jump back): the numbers given out may be wrong, and the file is not seekable by pts anyway.
    if (last && settled[0]!.pts! <= last.pts!) {
      this.ok = false;
      return false;
    }
    for (const f of settled) this.frames.push(f);
    return true;
  }
}

/** Options of {@link buildPacketIndex}. */
export interface PacketIndexOptions {
  ffmpeg: string;
  input: string;
  raw?: RawVideoSpec | null;
  signal?: AbortSignal;
  /**
   * Told about the growing index a few times a second, once the first decoded frames agree with
   * the packets; told null when the packets turn out not to name frames after all (forget what
   * was shown: the caller decodes instead).
   */
  onProgress?: (partial: FrameIndex | null) => void;
}

/** Frames decoded to check the packets: their pts must be the first listed ones, in order. */
export const CHECKED_FRAMES = 32;

/**
 * The index from packets, or null when packets cannot stand for frames here (see the module
 * comment; also when ffmpeg cannot copy the stream): the caller then decodes.
 */
export async function buildPacketIndex(o: PacketIndexOptions): Promise<FrameIndex | null> {
  const first = firstFrames(o);
  first.catch(() => undefined);
  const reader = new FramecrcReader();
  const order = new PresentationOrder();
  let fed = 0;
  const settle = (complete: boolean): boolean => {
    const ok = order.add(reader.packets.slice(fed), complete);
    fed = reader.packets.length;
    return ok;
  };
  let checked: Awaited<typeof first> | null = null;
  let shown = false;
  let lastReport = 0;
  const report = (): void => {
    if (!o.onProgress || !checked || reader.timeBase === null || !packetsAreFrames(reader)) return;
    if (!settle(false) || !agrees(checked, order.frames, reader.timeBase, false)) return;
    shown = true;
    // A copy: the settled list grows on, and a reader may keep this one.
    o.onProgress(indexOf(order.frames.slice(), reader.timeBase, checked));
  };
  void first.then(
    (f) => {
      checked = f;
      report();
    },
    () => undefined,
  );
  const args = [
    '-hide_banner',
    '-nostats',
    '-loglevel',
    'error',
    ...inputArgs(o.input, o.raw),
    '-map',
    '0:v:0',
    '-c',
    'copy',
    '-f',
    'framecrc',
    '-',
  ];
  let tooMany = false;
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'frame index',
    signal: stop.signal,
    onStdoutData: (chunk) => {
      if (reader.push(chunk.toString('latin1')) === 0) return;
      if (reader.packets.length > MAX_INDEXED_FRAMES) {
        tooMany = true;
        stop.abort();
        return;
      }
      const now = Date.now();
      if (now - lastReport >= 200) {
        lastReport = now;
        report();
      }
    },
  }).finally(() => o.signal?.removeEventListener('abort', onAbort));
  if (tooMany) {
    throw new VqError(
      'UNSUPPORTED',
      `${o.input} has more than ${MAX_INDEXED_FRAMES.toLocaleString('en')} frames; the frame viewer indexes at most that many.`,
      'Cut the part you want to look at into a file of its own.',
    );
  }
  if (o.signal?.aborted) throw new VqError('CANCELED', 'Indexing the frames was canceled.');
  reader.end();
  const decoded = await first.catch(() => null);
  const frames = r.code === 0 && settle(true) ? order.frames : null;
  const ok =
    decoded !== null &&
    frames !== null &&
    reader.timeBase !== null &&
    packetsAreFrames(reader) &&
    agrees(decoded, frames, reader.timeBase, true);
  const index = ok ? indexOf(frames, reader.timeBase!, decoded) : null;
  if (!index || !index.seekable) {
    if (shown) o.onProgress?.(null);
    return null;
  }
  decoded!.types.forEach((t, i) => {
    if (t !== '?') index.frames[i]!.type = t;
  });
  return index;
}

/**
 * True when the first decoded frames are the first listed ones: the same time base, the same
 * pts in the same order and the same keyframes (all of them once the list is complete; as far as
 * it goes before).
 */
function agrees(
  decoded: { timeBase: number | null; pts: (number | null)[]; keys: boolean[] },
  frames: readonly IndexedFrame[],
  timeBase: number,
  complete: boolean,
): boolean {
  if (decoded.timeBase === null || Math.abs(decoded.timeBase - timeBase) > 1e-15) return false;
  const n = complete ? decoded.pts.length : Math.min(decoded.pts.length, frames.length);
  if (n === 0 || (complete && frames.length < decoded.pts.length)) return false;
  for (let i = 0; i < n; i++) {
    // Keyframes as the decoder sees them too: a seek starts only at a real one.
    if (decoded.pts[i] !== frames[i]!.pts || decoded.keys[i] !== frames[i]!.key) return false;
  }
  return true;
}

function packetsAreFrames(reader: FramecrcReader): boolean {
  return reader.codec !== null && !HIDDEN_FRAME_CODECS.has(reader.codec);
}

function indexOf(
  frames: IndexedFrame[],
  timeBase: number,
  shape: { width: number | null; height: number | null },
): FrameIndex {
  let seekable = frames.length > 0;
  for (let i = 1; i < frames.length && seekable; i++) {
    if (frames[i]!.pts! <= frames[i - 1]!.pts!) seekable = false;
  }
  return { frames, secondsPerTick: timeBase, seekable, width: shape.width, height: shape.height };
}

/**
 * Decodes the first {@link CHECKED_FRAMES} frames as every frame decode does (autorotate
 * included): the picture size, their pts and picture types, and the filter graph's time base.
 */
async function firstFrames(o: PacketIndexOptions): Promise<{
  width: number | null;
  height: number | null;
  timeBase: number | null;
  pts: (number | null)[];
  keys: boolean[];
  types: string[];
}> {
  const some = await buildFrameIndex({ ...o, maxFrames: CHECKED_FRAMES });
  return {
    width: some.width,
    height: some.height,
    timeBase: some.secondsPerTick,
    pts: some.frames.map((f) => f.pts),
    keys: some.frames.map((f) => f.key),
    types: some.frames.map((f) => f.type),
  };
}
