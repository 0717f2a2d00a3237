/**
 * Frame signatures kept on disk beside the frame indexes (the data dir's cache, `signatures/`),
 * so a long title is decoded for alignment once, not each time it is aligned. An entry names the
 * file, raw spec and ffmpeg it was made from (frameIndexStore's identity) and holds the grey
 * levels; one for anything else, or that does not read back whole, is ignored and made again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { identityHash, sourceIdentity } from '../frames/frameIndexStore';
import { barsOf, detectPictureArea, type Box, type PictureAreaOptions } from './pictureArea';
import {
  SIGNATURE_DIMS,
  decodeLevels,
  normalise,
  type SignatureOptions,
  type Signatures,
} from './signatures';

const MAGIC = Buffer.from('VQSIG1\n');

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

/**
 * The signatures of a file (of its picture area when `crop` is given): read from `cacheDir` when
 * a valid entry is there, else decoded and then stored (best effort: a failed write only costs a
 * decode next time).
 */
export async function loadOrComputeSignatures(
  o: SignatureOptions & { cacheDir?: string | null },
): Promise<Signatures> {
  const source = await sourceIdentity({ ffmpeg: o.ffmpeg, input: o.input, raw: o.raw });
  const c = o.crop;
  const identity = c ? `${source}\ncrop=${c.x},${c.y},${c.width},${c.height}` : source;
  const file = o.cacheDir ? storedSignaturesPath(o.cacheDir, identity) : null;
  if (file) {
    const stored = await fs.readFile(file).catch(() => null);
    const entry = stored ? readEntry(stored, identity) : null;
    if (entry) return { count: entry.count, data: normalise(entry.levels, entry.count) };
  }
  const { count, levels } = await decodeLevels(o);
  if (file) await writeAtomically(file, entryOf(identity, count, levels));
  return { count, data: normalise(levels, count) };
}

/** Writes a cache entry whole or not at all (best effort). */
async function writeAtomically(file: string, data: Buffer | string): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.part`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
  } catch {
    await fs.rm(tmp, { force: true });
  }
}

/**
 * A file's picture area (pictureArea.ts), kept beside its signatures as `<hash>.area.json`
 * naming the identity it is for; an entry for anything else, or not of that shape, is ignored.
 */
export async function loadOrDetectArea(
  o: PictureAreaOptions & { cacheDir?: string | null },
): Promise<Box | null> {
  const identity = `${await sourceIdentity({ ffmpeg: o.ffmpeg, input: o.input, raw: o.raw })}\narea`;
  const file = o.cacheDir
    ? path.join(o.cacheDir, 'signatures', `${identityHash(identity)}.area.json`)
    : null;
  if (file) {
    const stored = await fs.readFile(file, 'utf8').catch(() => null);
    const entry = stored ? areaEntry(stored, identity, o) : undefined;
    if (entry !== undefined) return entry;
  }
  const area = await detectPictureArea(o);
  if (file) await writeAtomically(file, JSON.stringify({ identity, area }));
  return area;
}

/** The area an entry holds for `identity` (null: no bars), or undefined when it is not one. */
function areaEntry(
  text: string,
  identity: string,
  frame: PictureAreaOptions,
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
  const box = { x: b.x, y: b.y, width: b.width, height: b.height };
  // Re-derived, not replayed: the box must be bars of this frame.
  return barsOf(box, frame.width, frame.height) ?? undefined;
}
