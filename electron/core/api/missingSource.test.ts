import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCore } from '../core';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

// A source deleted or moved after its import is told apart from one still on disk (issue 11,
// item 7): `library.check` stats every item's file. Real files, a real library database.
const tempDir = useTempDirs();

describe('library.check', () => {
  it('names the sources whose file is gone, and no others', async () => {
    const c = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
    try {
      const work = tempDir();
      const kept = makeClip(work, { width: 160, height: 120, seconds: 1, name: 'kept.mp4' });
      const gone = makeClip(work, { width: 160, height: 120, seconds: 1, name: 'gone.mp4' });
      const moved = makeClip(work, { width: 160, height: 120, seconds: 1, name: 'moved.mp4' });
      const out = await c.api['library.import']({ paths: [kept, gone, moved] });
      expect(out.failed).toEqual([]);
      const id = (name: string): string => out.imported.find((i) => i.fileName === name)!.id;
      expect(await c.api['library.check']({})).toEqual({ missing: [] });

      fs.rmSync(gone);
      fs.renameSync(moved, path.join(work, 'elsewhere.mp4'));
      const { missing } = await c.api['library.check']({});
      expect(missing.sort()).toEqual([id('gone.mp4'), id('moved.mp4')].sort());

      // A folder where the file was is no source either.
      fs.mkdirSync(gone);
      expect((await c.api['library.check']({})).missing).toContain(id('gone.mp4'));
    } finally {
      c.close();
    }
  });
});
