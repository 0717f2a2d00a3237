/**
 * Caches of served frames: a byte-bounded in-memory LRU, and a byte-bounded folder of PNGs on disk
 * (least recently used first out, by file mtime, which a hit refreshes). Keys name the file's
 * identity, the frame number, the size, the format and whether an HDR file is tone-mapped, so a
 * changed file never hits an old frame.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

/** An in-memory LRU of byte buffers, bounded by their total size. */
export class MemoryFrameCache {
  private readonly map = new Map<string, Buffer>();
  private bytes = 0;

  constructor(private readonly budgetBytes: number) {}

  /** The cached bytes, marked most recently used. */
  get(key: string): Buffer | undefined {
    const v = this.map.get(key);
    if (v) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  /** Stores bytes; the least recently used entries go once the budget is exceeded. */
  set(key: string, value: Buffer): void {
    if (value.length > this.budgetBytes) return;
    this.delete(key);
    this.map.set(key, value);
    this.bytes += value.length;
    while (this.bytes > this.budgetBytes) this.delete(this.map.keys().next().value!);
  }

  delete(key: string): void {
    const v = this.map.get(key);
    if (!v) return;
    this.map.delete(key);
    this.bytes -= v.length;
  }

  clear(): void {
    this.map.clear();
    this.bytes = 0;
  }

  /** Bytes held now. */
  get size(): number {
    return this.bytes;
  }
}

/** A folder of cached frames (PNG files), bounded by total size. */
export class DiskFrameCache {
  /** Total bytes in the folder as last counted and since added; null until first counted. */
  private bytes: number | null = null;
  private evicting: Promise<void> | null = null;

  constructor(
    readonly dir: string,
    private readonly budgetBytes: number,
  ) {}

  /** The cached file's bytes, or null; a hit refreshes its mtime (recency). */
  async get(key: string): Promise<Buffer | null> {
    const file = this.fileOf(key);
    const data = await fs.readFile(file).catch(() => null);
    if (data) {
      const now = new Date();
      void fs.utimes(file, now, now).catch(() => undefined);
    }
    return data;
  }

  /** Writes an entry atomically (temp name, rename) and evicts old ones beyond the budget. */
  async set(key: string, value: Buffer): Promise<void> {
    if (value.length > this.budgetBytes) return;
    const file = this.fileOf(key);
    const tmp = `${file}.${process.pid}.part`;
    try {
      await fs.mkdir(this.dir, { recursive: true });
      await fs.writeFile(tmp, value);
      await fs.rename(tmp, file);
    } catch {
      await fs.rm(tmp, { force: true });
      return; // a cache write that fails only costs a decode later
    }
    if (this.bytes === null) this.bytes = await this.count();
    else this.bytes += value.length;
    if (this.bytes > this.budgetBytes && !this.evicting) {
      this.evicting = this.evict().finally(() => (this.evicting = null));
    }
    await this.evicting;
  }

  /** Deletes every entry. */
  async clear(): Promise<void> {
    // File by file: a write that lands meanwhile must not make removing the folder fail.
    for (const e of await this.entries()) await fs.rm(e.file, { force: true });
    this.bytes = 0;
  }

  private fileOf(key: string): string {
    return path.join(this.dir, `${key}.png`);
  }

  private async entries(): Promise<{ file: string; size: number; mtimeMs: number }[]> {
    const names = await fs.readdir(this.dir).catch(() => [] as string[]);
    const out: { file: string; size: number; mtimeMs: number }[] = [];
    for (const name of names) {
      if (!name.endsWith('.png')) continue;
      const file = path.join(this.dir, name);
      const st = await fs.stat(file).catch(() => null);
      if (st?.isFile()) out.push({ file, size: st.size, mtimeMs: st.mtimeMs });
    }
    return out;
  }

  private async count(): Promise<number> {
    return (await this.entries()).reduce((sum, e) => sum + e.size, 0);
  }

  /** Drops least recently used entries until the folder is at 80% of its budget. */
  private async evict(): Promise<void> {
    const all = (await this.entries()).sort((a, b) => a.mtimeMs - b.mtimeMs);
    let total = all.reduce((sum, e) => sum + e.size, 0);
    for (const e of all) {
      if (total <= this.budgetBytes * 0.8) break;
      await fs.rm(e.file, { force: true });
      total -= e.size;
    }
    this.bytes = total;
  }
}
