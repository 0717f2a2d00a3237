/**
 * Reads what packaging needs from fragmented MP4 (CMAF) files, from the boxes themselves: the
 * codec string of an init segment (RFC 6381, from the decoder configuration record, as players
 * test it), its media timescale, and each media segment's start and duration (tfdt, trun). Only
 * the small boxes are read; a segment's media data is skipped.
 */
import fs from 'node:fs/promises';
import { openRegularFile } from '../media/regularFile';

interface Box {
  type: string;
  /** Offset of the box's payload, and its end, in the buffer. */
  start: number;
  end: number;
}

/** The boxes directly inside `buf[from, to)`; stops at a box that does not fit. */
function boxes(buf: Buffer, from = 0, to = buf.length): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    const type = buf.toString('latin1', at + 4, at + 8);
    let header = 8;
    if (size === 1) {
      if (at + 16 > to) break;
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) {
      size = to - at;
    }
    if (size < header || at + size > to) break;
    out.push({ type, start: at + header, end: at + size });
    at += size;
  }
  return out;
}

function child(buf: Buffer, parent: Box | null, path: string[]): Box | null {
  let box = parent;
  for (const type of path) {
    const found: Box | undefined = boxes(buf, box?.start ?? 0, box?.end ?? buf.length).find(
      (b) => b.type === type,
    );
    if (!found) return null;
    box = found;
  }
  return box;
}

/** What an init segment says about its one track. */
export interface InitInfo {
  /** RFC 6381 codec string, e.g. `avc1.64001f`, `hvc1.1.6.L93.B0`, `av01.0.05M.08`, `mp4a.40.2`. */
  codecs: string;
  /** The sample entry's four-character code (`avc1`, `mp4a`, …). */
  sampleEntry: string;
  timescale: number;
  /** trex's default sample duration (used when a fragment gives none). */
  defaultSampleDuration: number;
}

/** Reads an init segment (ftyp + moov with one track). Throws a plain message when it is not one. */
export function readInit(buf: Buffer): InitInfo {
  const trak = child(buf, null, ['moov', 'trak']);
  const mdhd = trak && child(buf, trak, ['mdia', 'mdhd']);
  const stsd = trak && child(buf, trak, ['mdia', 'minf', 'stbl', 'stsd']);
  if (!mdhd || !stsd)
    throw new Error('no track with a sample description (not an MP4 init segment)');
  const version = buf[mdhd.start]!;
  const timescale = buf.readUInt32BE(mdhd.start + (version === 1 ? 20 : 12));
  // stsd: version/flags (4), entry count (4), then the entries.
  const entry = boxes(buf, stsd.start + 8, stsd.end)[0];
  if (!entry) throw new Error('the sample description is empty');
  const trex = child(buf, null, ['moov', 'mvex', 'trex']);
  const defaultSampleDuration = trex ? buf.readUInt32BE(trex.start + 12) : 0;
  return {
    codecs: codecString(buf, entry),
    sampleEntry: entry.type,
    timescale,
    defaultSampleDuration,
  };
}

const VISUAL_ENTRY_BYTES = 78;
const AUDIO_ENTRY_BYTES = 28;

function codecString(buf: Buffer, entry: Box): string {
  const t = entry.type;
  const visual = boxes(buf, entry.start + VISUAL_ENTRY_BYTES, entry.end);
  const find = (type: string): Box | undefined => visual.find((b) => b.type === type);
  if (t === 'avc1' || t === 'avc3') {
    const c = find('avcC');
    if (!c) throw new Error(`${t} without avcC`);
    return `${t}.${hex2(buf[c.start + 1]!)}${hex2(buf[c.start + 2]!)}${hex2(buf[c.start + 3]!)}`;
  }
  if (t === 'hvc1' || t === 'hev1') {
    const c = find('hvcC');
    if (!c) throw new Error(`${t} without hvcC`);
    return hevcString(t, buf.subarray(c.start, c.end));
  }
  if (t === 'av01') {
    const c = find('av1C');
    if (!c) throw new Error('av01 without av1C');
    const b1 = buf[c.start + 1]!;
    const b2 = buf[c.start + 2]!;
    const profile = b1 >> 5;
    const level = b1 & 0x1f;
    const tier = b2 & 0x80 ? 'H' : 'M';
    const depth = b2 & 0x40 ? (profile === 2 && b2 & 0x20 ? 12 : 10) : 8;
    return `av01.${profile}.${String(level).padStart(2, '0')}${tier}.${String(depth).padStart(2, '0')}`;
  }
  if (t === 'vp09') {
    const c = find('vpcC');
    if (!c) throw new Error('vp09 without vpcC');
    // Full box (version/flags), then profile, level, bitDepth (4 bits) | chroma (3) | range (1).
    const profile = buf[c.start + 4]!;
    const level = buf[c.start + 5]!;
    const depth = buf[c.start + 6]! >> 4;
    return `vp09.${dec2(profile)}.${dec2(level)}.${dec2(depth)}`;
  }
  const audio = boxes(buf, entry.start + AUDIO_ENTRY_BYTES, entry.end);
  if (t === 'mp4a') {
    const esds = audio.find((b) => b.type === 'esds');
    if (!esds) throw new Error('mp4a without esds');
    return mp4aString(buf.subarray(esds.start + 4, esds.end));
  }
  if (t === 'Opus') return 'opus';
  if (t === 'fLaC') return 'flac';
  if (t === 'ac-3' || t === 'ec-3') return t;
  throw new Error(`sample entry ${JSON.stringify(t)} has no codec string here`);
}

/** ISO/IEC 14496-15 annex E: hvc1.<space><profile>.<compat, reversed>.<tier><level>.<constraints>. */
function hevcString(type: string, c: Buffer): string {
  const b1 = c[1]!;
  const space = ['', 'A', 'B', 'C'][b1 >> 6]!;
  const tier = b1 & 0x20 ? 'H' : 'L';
  const profile = b1 & 0x1f;
  let compat = c.readUInt32BE(2);
  let reversed = 0;
  for (let i = 0; i < 32; i++) {
    reversed = (reversed << 1) | (compat & 1);
    compat >>>= 1;
  }
  const constraints = [...c.subarray(6, 12)];
  while (constraints.length > 0 && constraints[constraints.length - 1] === 0) constraints.pop();
  const level = c[12]!;
  return [
    type,
    `${space}${profile}`,
    (reversed >>> 0).toString(16).toUpperCase(),
    `${tier}${level}`,
    ...constraints.map((b) => b.toString(16).toUpperCase()),
  ].join('.');
}

/** The esds descriptors: mp4a.<objectTypeIndication hex>[.<audio object type>]. */
function mp4aString(d: Buffer): string {
  let at = 0;
  const descriptor = (): { tag: number; start: number; end: number } | null => {
    if (at >= d.length) return null;
    const tag = d[at++]!;
    let len = 0;
    for (let i = 0; i < 4 && at < d.length; i++) {
      const b = d[at++]!;
      len = (len << 7) | (b & 0x7f);
      if (!(b & 0x80)) break;
    }
    const start = at;
    return { tag, start, end: Math.min(d.length, start + len) };
  };
  const es = descriptor();
  if (!es || es.tag !== 0x03) throw new Error('esds without an ES descriptor');
  const flags = d[es.start + 2]!;
  at = es.start + 3;
  if (flags & 0x80) at += 2;
  if (flags & 0x40) at += 1 + d[at]!;
  if (flags & 0x20) at += 2;
  const dc = descriptor();
  if (!dc || dc.tag !== 0x04) throw new Error('esds without a decoder configuration');
  const oti = d[dc.start]!;
  at = dc.start + 13;
  const dsi = at < dc.end ? descriptor() : null;
  if (oti !== 0x40 || !dsi || dsi.tag !== 0x05) return `mp4a.${hex2(oti)}`;
  let aot = d[dsi.start]! >> 3;
  if (aot === 31) aot = 32 + (((d[dsi.start]! & 0x07) << 3) | (d[dsi.start + 1]! >> 5));
  return `mp4a.40.${aot}`;
}

/**
 * A media segment's presentation span in its track's timescale: from its earliest shown sample
 * (decode time plus composition offset) to the end of its last shown one. With B-frames the
 * decode times of a segment start earlier than its pictures are shown, so decode times alone
 * would give the first segment a frame less and the last one a frame more.
 */
export interface SegmentTiming {
  /** Earliest presentation time. */
  t: number;
  /** End of the latest presented sample. */
  end: number;
  bytes: number;
}

/** Reads the fragments of a media segment file (moof boxes only). */
export async function readSegment(
  file: string,
  defaultSampleDuration: number,
): Promise<SegmentTiming> {
  const fh = await fs.open(file, 'r');
  try {
    const { size } = await fh.stat();
    let at = 0;
    let t = Infinity;
    let end = -Infinity;
    const head = Buffer.alloc(16);
    while (at + 8 <= size) {
      await fh.read(head, 0, 16, at);
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - at;
      if (boxSize < 8 || at + boxSize > size) throw new Error(`${file}: a box runs past the end`);
      if (type === 'moof') {
        if (boxSize > 64 * 1024 * 1024) throw new Error(`${file}: a moof of ${boxSize} bytes`);
        const moof = Buffer.alloc(boxSize);
        await fh.read(moof, 0, boxSize, at);
        const f = readFragment(moof, defaultSampleDuration);
        t = Math.min(t, f.t);
        end = Math.max(end, f.end);
      }
      at += boxSize;
    }
    if (!Number.isFinite(t)) throw new Error(`${file}: no movie fragment with samples`);
    return { t, end, bytes: size };
  } finally {
    await fh.close();
  }
}

/** The presentation span of one moof's samples (its first track fragment). */
export function readFragment(
  moof: Buffer,
  defaultSampleDuration: number,
): { t: number; end: number } {
  const root = boxes(moof)[0];
  const traf = root && child(moof, root, ['traf']);
  if (!traf) throw new Error('a movie fragment without a track fragment');
  const inner = boxes(moof, traf.start, traf.end);
  const tfhd = inner.find((b) => b.type === 'tfhd');
  const tfdt = inner.find((b) => b.type === 'tfdt');
  if (!tfhd || !tfdt) throw new Error('a track fragment without tfhd or tfdt');
  let dts =
    moof[tfdt.start] === 1
      ? Number(moof.readBigUInt64BE(tfdt.start + 4))
      : moof.readUInt32BE(tfdt.start + 4);
  const hf = moof.readUInt32BE(tfhd.start) & 0xffffff;
  let at = tfhd.start + 8; // version/flags, track id
  if (hf & 0x01) at += 8;
  if (hf & 0x02) at += 4;
  const fragmentDefault = hf & 0x08 ? moof.readUInt32BE(at) : defaultSampleDuration;
  let t = Infinity;
  let end = -Infinity;
  for (const trun of inner.filter((b) => b.type === 'trun')) {
    const signed = moof[trun.start] === 1;
    const flags = moof.readUInt32BE(trun.start) & 0xffffff;
    const count = moof.readUInt32BE(trun.start + 4);
    let p = trun.start + 8;
    if (flags & 0x01) p += 4;
    if (flags & 0x04) p += 4;
    const perSample =
      (flags & 0x100 ? 4 : 0) +
      (flags & 0x200 ? 4 : 0) +
      (flags & 0x400 ? 4 : 0) +
      (flags & 0x800 ? 4 : 0);
    if (p + count * perSample > trun.end) throw new Error('a track run longer than its box');
    const ctoAt = (flags & 0x100 ? 4 : 0) + (flags & 0x200 ? 4 : 0) + (flags & 0x400 ? 4 : 0);
    for (let i = 0; i < count; i++) {
      const d = flags & 0x100 ? moof.readUInt32BE(p) : fragmentDefault;
      const cto =
        flags & 0x800 ? (signed ? moof.readInt32BE(p + ctoAt) : moof.readUInt32BE(p + ctoAt)) : 0;
      t = Math.min(t, dts + cto);
      end = Math.max(end, dts + cto + d);
      dts += d;
      p += perSample;
    }
  }
  return { t, end };
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function dec2(n: number): string {
  return String(n).padStart(2, '0');
}

/** A track of a progressive (not fragmented) MP4 file, from its sample tables. */
export interface Mp4Track {
  kind: 'video' | 'audio' | 'other';
  /** The sample entry's four-character code (`avc1`, `mp4a`, …). */
  sampleEntry: string;
  /** Its RFC 6381 codec string, when this reader knows the entry (`mp4a.40.2`, `avc1.64001f`). */
  codecs: string | null;
  timescale: number;
  /** Display size (tkhd), video only. */
  width: number;
  height: number;
  /** Presentation times (seconds, from the track's first shown sample) of its sync samples. */
  keyframes: number[];
  /** From the first shown sample to the end of the last. */
  durationSeconds: number;
  /**
   * The first keyframe after the first one that pictures following it in decode order are shown
   * before (seconds, like `keyframes`): an open GOP, whose leading pictures need the GOP before.
   */
  openGopAt: number | null;
  /** The most common sample duration, in timescale units. */
  sampleDelta: number;
  channels: number | null;
  sampleRate: number | null;
  /** ISO 639-2 code from mdhd ('und' when unset). */
  language: string;
}

/** Samples a track may have here: 24 hours at 120 fps. */
const MAX_SAMPLES = 10_368_000;
/** Sample tables bigger than this are not read in memory (a 2-hour title's moov is a few MB). */
const MAX_MOOV_BYTES = 256 * 1024 * 1024;

/**
 * The tracks of a progressive MP4/MOV file, read from its moov without running a process; null
 * when the file is not one (another container, or a fragmented MP4 whose samples live in its
 * fragments).
 */
export async function readMp4Tracks(file: string): Promise<Mp4Track[] | null> {
  // Only a regular file: a FIFO named in a manifest must not block a thread.
  const opened = await openRegularFile(file);
  if (!opened.ok) return null;
  const fh = opened.handle;
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(16);
    let at = 0;
    let first = true;
    while (at + 8 <= size) {
      const { bytesRead } = await fh.read(head, 0, 16, at);
      if (bytesRead < 8) return null;
      let boxSize = head.readUInt32BE(0);
      const type = head.toString('latin1', 4, 8);
      if (first && type !== 'ftyp' && type !== 'moov' && type !== 'wide' && type !== 'free')
        return null;
      first = false;
      if (boxSize === 1) boxSize = Number(head.readBigUInt64BE(8));
      else if (boxSize === 0) boxSize = size - at;
      if (boxSize < 8 || at + boxSize > size) return null;
      if (type === 'moov') {
        if (boxSize > MAX_MOOV_BYTES) return null;
        const moov = Buffer.alloc(boxSize);
        await fh.read(moov, 0, boxSize, at);
        return tracksOf(moov);
      }
      at += boxSize;
    }
    return null;
  } finally {
    await fh.close();
  }
}

function tracksOf(moov: Buffer): Mp4Track[] | null {
  const root = boxes(moov)[0]!;
  const inner = boxes(moov, root.start, root.end);
  if (inner.some((b) => b.type === 'mvex')) return null; // fragmented: samples are in the fragments
  const out: Mp4Track[] = [];
  for (const trak of inner.filter((b) => b.type === 'trak')) {
    const hdlr = child(moov, trak, ['mdia', 'hdlr']);
    const mdhd = child(moov, trak, ['mdia', 'mdhd']);
    const stbl = child(moov, trak, ['mdia', 'minf', 'stbl']);
    const tkhd = child(moov, trak, ['tkhd']);
    if (!hdlr || !mdhd || !stbl || !tkhd) continue;
    const handler = moov.toString('latin1', hdlr.start + 8, hdlr.start + 12);
    const kind = handler === 'vide' ? 'video' : handler === 'soun' ? 'audio' : 'other';
    const mv = moov[mdhd.start]!;
    const timescale = moov.readUInt32BE(mdhd.start + (mv === 1 ? 20 : 12));
    const langBits = moov.readUInt16BE(mdhd.start + (mv === 1 ? 32 : 20));
    const language = String.fromCharCode(
      ((langBits >> 10) & 0x1f) + 0x60,
      ((langBits >> 5) & 0x1f) + 0x60,
      (langBits & 0x1f) + 0x60,
    );
    const sizeAt = tkhd.end - 8; // width and height end tkhd in both versions
    const width = Math.round(moov.readUInt32BE(sizeAt) / 65536);
    const height = Math.round(moov.readUInt32BE(sizeAt + 4) / 65536);
    const tables = boxes(moov, stbl.start, stbl.end);
    const get = (t: string): Box | undefined => tables.find((b) => b.type === t);
    const stsd = get('stsd');
    const entry = stsd ? boxes(moov, stsd.start + 8, stsd.end)[0] : undefined;
    const stts = get('stts');
    if (!entry || !stts || timescale <= 0) continue;
    // Decode times from stts, composition offsets from ctts, sync samples from stss.
    // The sample count is stsz's, bounded: a crafted stts cannot make it larger.
    const stsz = get('stsz') ?? get('stz2');
    const declared = stsz ? moov.readUInt32BE(stsz.start + 8) : 0;
    if (declared === 0 || declared > MAX_SAMPLES) return null;
    const count = declared;
    const deltas = new Float64Array(count);
    const sttsCount = Math.min(
      moov.readUInt32BE(stts.start + 4),
      Math.floor((stts.end - stts.start - 8) / 8),
    );
    let filled = 0;
    for (let i = 0; i < sttsCount && filled < count; i++) {
      const n = moov.readUInt32BE(stts.start + 8 + i * 8);
      const d = moov.readUInt32BE(stts.start + 12 + i * 8);
      for (let k = 0; k < n && filled < count; k++) deltas[filled++] = d;
    }
    if (filled < count) return null; // a table that does not cover its samples
    const offsets = new Float64Array(count);
    const ctts = get('ctts');
    if (ctts) {
      const signed = moov[ctts.start] === 1;
      const entries = Math.min(
        moov.readUInt32BE(ctts.start + 4),
        Math.floor((ctts.end - ctts.start - 8) / 8),
      );
      let s = 0;
      for (let i = 0; i < entries && s < count; i++) {
        const n = moov.readUInt32BE(ctts.start + 8 + i * 8);
        const o = signed
          ? moov.readInt32BE(ctts.start + 12 + i * 8)
          : moov.readUInt32BE(ctts.start + 12 + i * 8);
        for (let k = 0; k < n && s < count; k++) offsets[s++] = o;
      }
    }
    const stss = get('stss');
    let sync: number[] | null = null;
    if (stss) {
      const n = Math.min(
        moov.readUInt32BE(stss.start + 4),
        Math.floor((stss.end - stss.start - 8) / 4),
      );
      sync = [];
      for (let i = 0; i < n; i++) sync.push(moov.readUInt32BE(stss.start + 8 + i * 4) - 1);
    }
    const pts = new Float64Array(count);
    let dts = 0;
    for (let i = 0; i < count; i++) {
      pts[i] = dts + offsets[i]!;
      dts += deltas[i]!;
    }
    let firstPts = Infinity;
    let lastEnd = -Infinity;
    for (let i = 0; i < count; i++) {
      firstPts = Math.min(firstPts, pts[i]!);
      lastEnd = Math.max(lastEnd, pts[i]! + deltas[i]!);
    }
    const keyIdx = sync ?? Array.from({ length: count }, (_, i) => i);
    const keyframes = keyIdx
      .filter((i) => i >= 0 && i < count)
      .map((i) => (pts[i]! - firstPts) / timescale)
      .sort((a, b) => a - b);
    const syncSet = new Set(keyIdx);
    let openGopAt: number | null = null;
    for (const i of keyIdx) {
      if (i <= 0 || i >= count || pts[i]! === firstPts) continue;
      for (let j = i + 1; j < Math.min(count, i + 32) && !syncSet.has(j); j++) {
        if (pts[j]! < pts[i]!) {
          openGopAt = (pts[i]! - firstPts) / timescale;
          break;
        }
      }
      if (openGopAt !== null) break;
    }
    const counts = new Map<number, number>();
    for (let i = 0; i < count; i++) counts.set(deltas[i]!, (counts.get(deltas[i]!) ?? 0) + 1);
    const sampleDelta = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 0;
    let channels: number | null = null;
    let sampleRate: number | null = null;
    if (kind === 'audio' && entry.end - entry.start >= AUDIO_ENTRY_BYTES) {
      channels = moov.readUInt16BE(entry.start + 16);
      sampleRate = moov.readUInt32BE(entry.start + 24) >>> 16;
    }
    let codecs: string | null = null;
    try {
      codecs = codecString(moov, entry);
    } catch {
      // an entry this reader has no codec string for
    }
    out.push({
      kind,
      sampleEntry: entry.type,
      codecs,
      timescale,
      width,
      height,
      keyframes,
      durationSeconds: count > 0 ? (lastEnd - firstPts) / timescale : 0,
      openGopAt,
      sampleDelta,
      channels,
      sampleRate,
      language,
    });
  }
  return out;
}
