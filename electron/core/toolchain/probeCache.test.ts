import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeData } from './probeBinary';
import { CACHE_FILE_NAME, ProbeCache } from './probeCache';

const DATA: ProbeData = {
  program: 'ffmpeg',
  version: '5.1.9-0+deb12u1',
  major: 5,
  encoders: ['libx264'],
  filters: ['psnr', 'ssim'],
  libvmafApi: null,
  libvmafBuild: null,
  hardware: {},
};

describe('ProbeCache', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'vq-probecache-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('hands back an entry only while size and mtime match', async () => {
    const a = new ProbeCache(path.join(dir, 'sub'));
    await a.load();
    a.set('ffmpeg:/x', { size: 10, mtimeMs: 1000 }, DATA);
    expect(await a.save()).toBe(true);

    const b = new ProbeCache(path.join(dir, 'sub'));
    await b.load();
    expect(b.get('ffmpeg:/x', { size: 10, mtimeMs: 1000 })).toEqual(DATA);
    expect(b.get('ffmpeg:/x', { size: 11, mtimeMs: 1000 })).toBeNull();
    expect(b.get('ffmpeg:/x', { size: 10, mtimeMs: 2000 })).toBeNull();
    expect(b.get('ffmpeg:/y', { size: 10, mtimeMs: 1000 })).toBeNull();
    // Same content as on disk: nothing is written.
    expect(await b.save()).toBe(false);
  });

  it('drops entries whose binary is gone', async () => {
    const c = new ProbeCache(path.join(dir, 'sub'));
    await c.load();
    expect(await c.save()).toBe(true);
    const text = await readFile(path.join(dir, 'sub', CACHE_FILE_NAME), 'utf8');
    expect(JSON.parse(text)).toEqual({ schema: 3, entries: {} });
  });

  it('keeps entries of other binaries that still exist', async () => {
    const bin = path.join(dir, 'fake-ffmpeg');
    await writeFile(bin, '');
    const f = new ProbeCache(path.join(dir, 'keep'));
    await f.load();
    f.set(`ffmpeg:${bin}`, { size: 0, mtimeMs: 5 }, DATA);
    await f.save();
    const g = new ProbeCache(path.join(dir, 'keep'));
    await g.load();
    // Nothing used in this run, but the binary is still there: the file stays as it is.
    expect(await g.save()).toBe(false);
    const text = await readFile(path.join(dir, 'keep', CACHE_FILE_NAME), 'utf8');
    expect(Object.keys((JSON.parse(text) as { entries: object }).entries)).toEqual([
      `ffmpeg:${bin}`,
    ]);
  });

  it('treats a corrupt or foreign file as empty', async () => {
    await writeFile(path.join(dir, CACHE_FILE_NAME), '{"schema": 2, "entries": ');
    const d = new ProbeCache(dir);
    await d.load();
    expect(d.get('ffmpeg:/x', { size: 10, mtimeMs: 1000 })).toBeNull();
    await writeFile(
      path.join(dir, CACHE_FILE_NAME),
      JSON.stringify({
        schema: 2,
        entries: { k: { size: 1, mtimeMs: 1, data: { program: 'x' } } },
      }),
    );
    const e = new ProbeCache(dir);
    await e.load();
    expect(e.get('k', { size: 1, mtimeMs: 1 })).toBeNull();
  });
});
