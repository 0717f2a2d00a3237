/**
 * Frame signatures kept on disk beside the frame indexes (the data dir's cache, `signatures/`),
 * so a long title is decoded for alignment once, not each time it is aligned. An entry names the
 * file, raw spec and ffmpeg it was made from (frameIndexStore's identity) and holds the grey
 * levels; one for anything else, or that does not read back whole, is ignored and made again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { identityHash, sourceIdentity } from '../frames/frameIndexStore';
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
 * The signatures of a file: read from `cacheDir` when a valid entry is there, else decoded and
 * then stored (best effort: a failed write only costs a decode next time).
 */
export async function loadOrComputeSignatures(
  o: SignatureOptions & { cacheDir?: string | null },
): Promise<Signatures> {
  const identity = await sourceIdentity({ ffmpeg: o.ffmpeg, input: o.input, raw: o.raw });
  const file = o.cacheDir ? storedSignaturesPath(o.cacheDir, identity) : null;
  if (file) {
    const stored = await fs.readFile(file).catch(() => null);
    const entry = stored ? readEntry(stored, identity) : null;
    if (entry) return { count: entry.count, data: normalise(entry.levels, entry.count) };
  }
  const { count, levels } = await decodeLevels(o);
  if (file) {
    const tmp = `${file}.${process.pid}.${Date.now()}.part`;
    try {
      await fs.mkdir(path.dirname(file), { recursive: true });
      await fs.writeFile(tmp, entryOf(identity, count, levels));
      await fs.rename(tmp, file);
    } catch {
      await fs.rm(tmp, { force: true });
    }
  }
  return { count, data: normalise(levels, count) };
}
