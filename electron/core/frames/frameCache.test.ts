import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../testing/tempDir';
import { DiskFrameCache, MemoryFrameCache } from './frameCache';

const tempDir = useTempDirs('vq-frame-cache-');

describe('MemoryFrameCache', () => {
  it('keeps the most recently used entries within its byte budget', () => {
    const c = new MemoryFrameCache(30);
    c.set('a', Buffer.alloc(10));
    c.set('b', Buffer.alloc(10));
    c.set('c', Buffer.alloc(10));
    c.get('a');
    c.set('d', Buffer.alloc(10));
    expect([c.has('a'), c.has('b'), c.has('c'), c.has('d')]).toEqual([true, false, true, true]);
    expect(c.size).toBe(30);
    c.set('big', Buffer.alloc(31));
    expect(c.has('big')).toBe(false);
  });
});

describe('DiskFrameCache', () => {
  it('evicts the least recently used files beyond its budget', async () => {
    const dir = path.join(tempDir(), 'frames');
    const c = new DiskFrameCache(dir, 1000);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) {
      await c.set(key, Buffer.alloc(300, i));
      const t = new Date(Date.now() - (10 - i) * 1000);
      fs.utimesSync(path.join(dir, `${key}.png`), t, t);
    }
    // Over budget at d: the oldest go until the folder is at 80% of it.
    expect(fs.readdirSync(dir).sort()).toEqual(['c.png', 'd.png']);
    // A hit makes an entry recent: c, older than d until now, outlives d at the next eviction.
    expect((await c.get('c'))?.[0]).toBe(2);
    await c.set('x', Buffer.alloc(300));
    const old = new Date(Date.now() - 20_000);
    fs.utimesSync(path.join(dir, 'x.png'), old, old);
    await c.set('y', Buffer.alloc(300));
    expect(fs.readdirSync(dir).sort()).toEqual(['c.png', 'y.png']);
    expect(await c.get('d')).toBeNull();
  });
});
