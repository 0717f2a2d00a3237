/**
 * Frame indexes kept on disk under the data dir's cache, so a file is decoded for its index once,
 * not once per app start. An entry names the file (path, size, mtime), the raw spec and the ffmpeg
 * binary (path, size, mtime) it was built from; an entry for anything else, or one that does not
 * parse, is ignored and rebuilt.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import type { HdrKind, RawVideoSpec } from '../../../shared/media';
import {
  buildFrameIndex,
  parseStoredFrameIndex,
  serializeFrameIndex,
  type FrameIndex,
} from './frameIndex';
import { buildPacketIndex } from './packetIndex';

/** A file to decode and how: the input of every frame-server call. */
export interface FrameSource {
  /** The ffmpeg binary (the toolchain's `decode` choice). */
  ffmpeg: string;
  /** Path of the file to read. */
  input: string;
  /** How to read headerless raw video. */
  raw?: RawVideoSpec | null;
  /**
   * The file's HDR transfer as probed (MediaInfo.video.hdr): its frames are then tone-mapped for
   * display where `ffmpeg` can (hdrDisplay.ts). Absent or null: SDR, frames served as decoded.
   */
  hdr?: HdrKind;
  /** The filters `ffmpeg` has, as the toolchain report lists them: zscale tone-maps HDR. */
  filters?: readonly string[];
}

/**
 * What an index (and any frame decoded from it) depends on: the file's path, size and mtime, the
 * raw spec and the ffmpeg binary. Throws NOT_FOUND when the file cannot be read.
 */
export async function sourceIdentity(o: FrameSource): Promise<string> {
  const stat = await fs.stat(o.input).catch((err: NodeJS.ErrnoException) => {
    throw new VqError('NOT_FOUND', `Cannot read ${o.input}: ${err.code ?? err.message}.`);
  });
  // A bare command name ('ffmpeg' on PATH) has no stat; its name stands for it.
  const bin = await fs.stat(o.ffmpeg).catch(() => null);
  const raw = o.raw ? `${o.raw.width}x${o.raw.height}:${o.raw.pixFmt}:${o.raw.fps}` : '';
  return JSON.stringify([
    o.input,
    stat.size,
    stat.mtimeMs,
    raw,
    o.ffmpeg,
    bin?.size ?? null,
    bin?.mtimeMs ?? null,
  ]);
}

/** File name of an identity's entry in a cache folder. */
export function identityHash(identity: string): string {
  return createHash('sha256').update(identity).digest('hex').slice(0, 32);
}

/** Where the index of `identity` is stored under `cacheDir`. */
export function storedIndexPath(cacheDir: string, identity: string): string {
  return path.join(cacheDir, 'frame-index', `${identityHash(identity)}.json`);
}

/**
 * The index of a file: read from `cacheDir` when a valid entry for this identity is there,
 * otherwise listed from its packets (packetIndex.ts; `onProgress` sees it grow), or, where packets
 * cannot name frames, built by decoding the whole file; then stored (best effort: a failed write
 * only costs a rebuild next time).
 */
export async function loadOrBuildFrameIndex(
  o: FrameSource & {
    cacheDir?: string | null;
    identity: string;
    signal?: AbortSignal;
    /** The index as listed so far (null: forget it, the file is being decoded instead). */
    onProgress?: (partial: FrameIndex | null) => void;
  },
): Promise<FrameIndex> {
  const file = o.cacheDir ? storedIndexPath(o.cacheDir, o.identity) : null;
  if (file) {
    const text = await fs.readFile(file, 'utf8').catch(() => null);
    const stored = text === null ? null : parseStoredFrameIndex(text, o.identity);
    if (stored) return stored;
  }
  const index = (await buildPacketIndex(o)) ?? (await buildFrameIndex(o));
  if (file && !(await storeCacheEntry(file, serializeFrameIndex(index, o.identity))))
    console.warn(`could not store the frame index of ${o.input} in ${file}`);
  return index;
}

/**
 * Writes a cache entry whole or not at all (a temporary name, then a rename), so a reader never
 * sees half of one. Best effort: false when it could not be written, which only costs a decode
 * next time.
 */
export async function storeCacheEntry(file: string, data: Buffer | string): Promise<boolean> {
  const tmp = `${file}.${process.pid}.${Date.now()}.part`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(tmp, data);
    await fs.rename(tmp, file);
    return true;
  } catch {
    await fs.rm(tmp, { force: true });
    return false;
  }
}
