/**
 * Frame signatures kept on disk beside the frame indexes (the data dir's cache, `signatures/`),
 * so a long title is decoded for alignment once, not each time it is aligned. An entry names the
 * file, raw spec and ffmpeg it was made from (frameIndexStore's identity) and holds the grey
 * levels; one for anything else, or that does not read back whole, is ignored and made again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { identityHash, sourceIdentity, storeCacheEntry } from '../frames/frameIndexStore';
import { barsOf, type Box } from './pictureArea';
import {
  SIGNATURE_DIMS,
  decodeLevels,
  normalise,
  type DecodedLevels,
  type SignatureOptions,
  type Signatures,
} from './signatures';

const MAGIC = Buffer.from('VQSIG2\n');

/** Where the signatures of `identity` are kept under `cacheDir`. */
export function storedSignaturesPath(cacheDir: string, identity: string): string {
  return path.join(cacheDir, 'signatures', `${identityHash(identity)}.bin`);
}

/** The entry's grey levels when it is one for `identity` and whole, else null. */
export function readEntry(
  data: Buffer,
  identity: string,
): { count: number; levels: Uint8Array } | null {
  if (data.length < MAGIC.length + 8 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
  let at = MAGIC.length;
  const idLength = data.readUInt32LE(at);
  at += 4;
  if (at + idLength + 4 > data.length) return null;
  if (data.subarray(at, at + idLength).toString('utf8') !== identity) return null;
  at += idLength;
  const count = data.readUInt32LE(at);
  at += 4;
  if (count === 0 || data.length - at !== count * SIGNATURE_DIMS) return null;
  return { count, levels: data.subarray(at) };
}

function entryOf(identity: string, count: number, levels: Uint8Array): Buffer {
  const id = Buffer.from(identity, 'utf8');
  const head = Buffer.alloc(MAGIC.length + 8 + id.length);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(id.length, MAGIC.length);
  id.copy(head, MAGIC.length + 4);
  head.writeUInt32LE(count, MAGIC.length + 4 + id.length);
  return Buffer.concat([head, levels]);
}

/** Where a video's pictures are and their signatures, as {@link loadPictureSignatures} gives them. */
export interface PictureSignatures {
  /** Signatures of the picture area (the whole frame when there are no bars). */
  signatures: Signatures;
  /** The picture area inside black bars, or null. */
  bars: Box | null;
}

/**
 * A video's bars and the signatures of its picture: from `cacheDir` when valid entries are
 * there, else decoded — once with the bars looked for in the same pass, and once more of the
 * picture alone only when it has bars — and then stored (best effort: a failed write only costs
 * a decode next time).
 */
export async function loadPictureSignatures(
  o: Omit<SignatureOptions, 'crop' | 'findBars'> & {
    size: { width: number; height: number };
    cacheDir?: string | null;
  },
): Promise<PictureSignatures> {
  const source = await sourceIdentity({ ffmpeg: o.ffmpeg, input: o.input, raw: o.raw });
  const areaId = `${source}\narea`;
  const areaFile = o.cacheDir
    ? path.join(o.cacheDir, 'signatures', `${identityHash(areaId)}.area.json`)
    : null;
  const storedText = areaFile ? await fs.readFile(areaFile, 'utf8').catch(() => null) : null;
  const stored = storedText ? areaEntry(storedText, areaId, o.size) : undefined;
  let bars: Box | null;
  if (stored === undefined) {
    // Not known yet: the whole frame's signatures and the bars in one decode (stored signatures
    // alone cannot say where the bars are).
    const whole = await decodeLevels({ ...o, findBars: o.size });
    if (o.cacheDir) {
      await storeCacheEntry(
        storedSignaturesPath(o.cacheDir, source),
        entryOf(source, whole.count, whole.levels),
      );
    }
    bars = whole.bars;
    if (areaFile) await storeCacheEntry(areaFile, JSON.stringify({ identity: areaId, area: bars }));
    if (!bars) return { signatures: signaturesOf(whole), bars };
  } else {
    bars = stored;
  }
  const crop = bars;
  const identity = crop
    ? `${source}\ncrop=${crop.x},${crop.y},${crop.width},${crop.height}`
    : source;
  const levels = await cachedLevels(identity, o, () => decodeLevels({ ...o, crop }));
  return { signatures: signaturesOf(levels), bars };
}

function signaturesOf(l: { count: number; levels: Uint8Array }): Signatures {
  return { count: l.count, data: normalise(l.levels, l.count) };
}

/** The grey levels stored for `identity`, or decoded by `decode` and stored. */
async function cachedLevels(
  identity: string,
  o: { cacheDir?: string | null },
  decode: () => Promise<DecodedLevels>,
): Promise<DecodedLevels> {
  const file = o.cacheDir ? storedSignaturesPath(o.cacheDir, identity) : null;
  if (file) {
    const stored = await fs.readFile(file).catch(() => null);
    const entry = stored ? readEntry(stored, identity) : null;
    if (entry) return { ...entry, bars: null };
  }
  const decoded = await decode();
  if (file) await storeCacheEntry(file, entryOf(identity, decoded.count, decoded.levels));
  return decoded;
}

/** The area an entry holds for `identity` (null: no bars), or undefined when it is not one. */
function areaEntry(
  text: string,
  identity: string,
  frame: { width: number; height: number },
): Box | null | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { identity: id, area } = parsed as { identity?: unknown; area?: unknown };
  if (id !== identity) return undefined;
  if (area === null) return null;
  if (typeof area !== 'object') return undefined;
  const b = area as Record<string, unknown>;
  const whole = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;
  if (!whole(b.x) || !whole(b.y) || !whole(b.width) || !whole(b.height)) return undefined;
  // Re-derived, not replayed: the box must be bars of this frame.
  return (
    barsOf({ x: b.x, y: b.y, width: b.width, height: b.height }, frame.width, frame.height) ??
    undefined
  );
}
