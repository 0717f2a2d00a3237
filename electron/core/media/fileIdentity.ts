/**
 * What a file was when it was measured: its size, its modification time and a fast content hash
 * (SHA-256 over the size and the first, middle and last MiB; the whole file when it is smaller
 * than three MiB). Recorded with every score, compared on every read (scoreFreshness.ts).
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';

/** A file's identity as recorded beside a score (its format: `FileIdentitySchema` of shared/project.ts). */
export interface FileIdentity {
  sizeBytes: number;
  /** Whole milliseconds. */
  mtimeMs: number;
  /** `p1:` + hex SHA-256 of the size and the sampled bytes (p1 names the sampling). */
  hash: string;
}

/** Size and whole-ms modification time of a file; null when there is no file at `file`. */
export type FileStat = Pick<FileIdentity, 'sizeBytes' | 'mtimeMs'>;

const SAMPLE_BYTES = 1024 * 1024;
/** Hashes kept, by path; a hash is reused while the file's size and mtime stay the same. */
const CACHE_LIMIT = 4096;

/** A modification time as VQ Studio records it: whole milliseconds, rounded down. */
export function wholeMs(mtimeMs: number): number {
  return Math.floor(mtimeMs);
}

/** Size and whole-ms mtime of what a stat found; null when it is not a regular file. */
export function fileStatOf(s: fs.Stats): FileStat | null {
  return s.isFile() ? { sizeBytes: s.size, mtimeMs: wholeMs(s.mtimeMs) } : null;
}

/**
 * Stats a file; null when there is no regular file at `file` (nothing there, a folder on its path
 * is a file, or it is a folder or device). Throws for a file that is there but cannot be looked at
 * (EACCES, ELOOP, …).
 */
export function statFile(file: string): FileStat | null {
  try {
    return fileStatOf(fs.statSync(file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw err;
  }
}

function sampledHash(file: string, size: number): string {
  const hash = createHash('sha256').update(`${size}\n`);
  const fd = fs.openSync(file, 'r');
  try {
    const starts =
      size <= 3 * SAMPLE_BYTES
        ? [0]
        : [0, Math.floor(size / 2 - SAMPLE_BYTES / 2), size - SAMPLE_BYTES];
    const length = size <= 3 * SAMPLE_BYTES ? size : SAMPLE_BYTES;
    const buf = Buffer.alloc(length);
    for (const start of starts) {
      let read = 0;
      while (read < length) {
        const n = fs.readSync(fd, buf, read, length - read, start + read);
        if (n === 0) break;
        read += n;
      }
      hash.update(buf.subarray(0, read));
    }
  } finally {
    fs.closeSync(fd);
  }
  return `p1:${hash.digest('hex')}`;
}

/**
 * Content hashes by path, reused while a file's size and mtime are what they were when it was
 * hashed, so reading a list of scores does not read every file again.
 */
export class FileIdentities {
  private readonly cache = new Map<string, FileIdentity>();

  /** The identity of the file now; null when it does not exist. Throws when it cannot be read. */
  of(file: string): FileIdentity | null {
    const stat = statFile(file);
    return stat ? { ...stat, hash: this.hashOf(file, stat) } : null;
  }

  /** The content hash of a file whose stat was just taken; throws when it cannot be read. */
  hashOf(file: string, stat: FileStat): string {
    const known = this.cache.get(file);
    if (known && known.sizeBytes === stat.sizeBytes && known.mtimeMs === stat.mtimeMs) {
      return known.hash;
    }
    const hash = sampledHash(file, stat.sizeBytes);
    this.cache.delete(file);
    this.cache.set(file, { ...stat, hash });
    if (this.cache.size > CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
    return hash;
  }
}

/** The process's one cache: scoring records through it, reading scores compares through it. */
export const fileIdentities = new FileIdentities();
