/**
 * Probe results on disk (`toolchain-cache.json`), keyed by binary path and checked against its size
 * and mtime, so a normal start does not run every ffmpeg on the machine again.
 */
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProbeData } from './probeBinary';

/** The cache file name inside the cache dir. */
export const CACHE_FILE_NAME = 'toolchain-cache.json';

/**
 * Bump when {@link ProbeData} changes meaning, so old entries are ignored rather than misread.
 * 2: entries of schema 1 may hold a hardware test that timed out, which is no longer cached.
 * 3: ffmpeg entries carry `libvmafBuild` (libvmaf version, built-in models, features).
 */
const SCHEMA = 3;

/** Size and modification time of a binary: a replaced or upgraded file changes at least one. */
export interface FileStamp {
  size: number;
  mtimeMs: number;
}

interface Entry extends FileStamp {
  data: ProbeData;
}

interface CacheFile {
  schema: number;
  entries: Record<string, Entry>;
}

/** Reads once, hands out entries whose stamp still matches, and writes back only on change. */
export class ProbeCache {
  readonly file: string;
  private loaded: Record<string, Entry> = {};
  private loadedText = '';
  private readonly used: Record<string, Entry> = {};

  /** A cache over `<dir>/toolchain-cache.json`; nothing is read until {@link load}. */
  constructor(dir: string) {
    this.file = path.join(dir, CACHE_FILE_NAME);
  }

  /** Reads the file; a missing or unreadable file is an empty cache (it is only a cache). */
  async load(): Promise<void> {
    try {
      this.loadedText = await readFile(this.file, 'utf8');
      const parsed = JSON.parse(this.loadedText) as Partial<CacheFile>;
      if (parsed.schema === SCHEMA && parsed.entries && typeof parsed.entries === 'object') {
        this.loaded = parsed.entries;
      }
    } catch {
      this.loaded = {};
    }
  }

  /** The cached result for `key` when its stamp matches, else null. */
  get(key: string, stamp: FileStamp): ProbeData | null {
    const e = this.loaded[key];
    if (!e || e.size !== stamp.size || e.mtimeMs !== stamp.mtimeMs || !isProbeData(e.data))
      return null;
    this.used[key] = e;
    return e.data;
  }

  /** Records a fresh result. */
  set(key: string, stamp: FileStamp, data: ProbeData): void {
    this.used[key] = { size: stamp.size, mtimeMs: stamp.mtimeMs, data };
  }

  /**
   * Writes the entries of this run plus older ones whose binary still exists (a settings change
   * back and forth then costs no probe), when that differs from the file; returns whether it
   * wrote. Atomic: a crash never leaves half a JSON file.
   */
  async save(): Promise<boolean> {
    const merged: Record<string, Entry> = { ...this.used };
    for (const [k, e] of Object.entries(this.loaded)) {
      if (!(k in merged) && (await exists(binaryPathOfKey(k)))) merged[k] = e;
    }
    const entries: Record<string, Entry> = {};
    for (const k of Object.keys(merged).sort()) entries[k] = merged[k] as Entry;
    const text = `${JSON.stringify({ schema: SCHEMA, entries } satisfies CacheFile, null, 2)}\n`;
    if (text === this.loadedText) return false;
    await mkdir(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, text, 'utf8');
    await rename(tmp, this.file);
    this.loadedText = text;
    return true;
  }
}

/** Cache keys are "<kind>:<realpath>". */
function binaryPathOfKey(key: string): string {
  return key.slice(key.indexOf(':') + 1);
}

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function isProbeData(v: unknown): v is ProbeData {
  if (typeof v !== 'object' || v === null) return false;
  const d = v as Record<string, unknown>;
  return (
    (d.program === 'ffmpeg' || d.program === 'ffprobe') &&
    (typeof d.version === 'string' || d.version === null) &&
    (typeof d.major === 'number' || d.major === null) &&
    Array.isArray(d.encoders) &&
    Array.isArray(d.filters) &&
    (d.libvmafApi === 1 || d.libvmafApi === 2 || d.libvmafApi === null) &&
    (d.libvmafBuild === null || isLibvmafBuild(d.libvmafBuild)) &&
    // Entries from before hardware encoders were test-encoded lack it: probed again.
    typeof d.hardware === 'object' &&
    d.hardware !== null
  );
}

function isLibvmafBuild(v: unknown): boolean {
  if (typeof v !== 'object' || v === null) return false;
  const b = v as Record<string, unknown>;
  return (
    (typeof b.version === 'string' || b.version === null) &&
    Array.isArray(b.builtinModels) &&
    b.builtinModels.every((m) => typeof m === 'string') &&
    Array.isArray(b.features) &&
    b.features.every((f) => typeof f === 'string') &&
    (typeof b.error === 'string' || b.error === null)
  );
}
