import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import { createCore } from '../core';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

// A project import adds its sources refused until this machine probes them as video (issue 10,
// item 1). A person who then imports the file by hand must get a readable item, not the refused
// row back as "already in the library" (review of issue 10, finding 6). Real ffprobe throughout.
const tempDir = useTempDirs('vq-refused-');

describe('importing by hand a source a project import left refused', () => {
  it('probes it again and, now that it is a video, clears the mark', async () => {
    const media = tempDir();
    const clip = makeClip(media, { width: 160, height: 96, seconds: 1, name: 'shared.mp4' });
    const a = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    const id = (await a.api['library.import']({ paths: [clip] })).imported[0]!.id;
    const project = (await a.api['project.export']({})).text;
    a.close();

    // On the second machine the file is not there yet when the project arrives.
    const away = path.join(media, 'away.mp4');
    fs.renameSync(clip, away);
    const b = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    try {
      await b.api['project.import']({ text: project });
      expect(b.mediaPath('file', id)).toBeNull(); // refused: not readable

      fs.renameSync(away, clip);
      const events: VqEvent[] = [];
      const off = b.events.subscribe((e) => events.push(e));
      const outcome = await b.api['library.import']({ paths: [clip] });
      off();
      expect(outcome.failed).toEqual([]);
      const item = [...outcome.imported, ...outcome.existing][0]!;
      expect(item.id).toBe(id);
      expect(item.media.video).toMatchObject({ width: 160, height: 96 });
      expect(b.mediaPath('file', id)).toBe(clip);
      expect(b.library.get(id)?.refused).toBeNull();
      expect(events.some((e) => e.type === 'library.added' && e.item.id === id)).toBe(true);
      // Readable for the other services too: frames come from the file now.
      expect((await b.api['frames.info']({ id })).count).toBe(30);
    } finally {
      b.close();
    }
  });

  it('keeps the mark, and says why, when the file at that path is still not a video', async () => {
    const media = tempDir();
    const clip = makeClip(media, { width: 160, height: 96, seconds: 1, name: 'shared.mp4' });
    const a = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    const id = (await a.api['library.import']({ paths: [clip] })).imported[0]!.id;
    const project = (await a.api['project.export']({})).text;
    a.close();

    fs.rmSync(clip);
    const b = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    try {
      await b.api['project.import']({ text: project });
      fs.writeFileSync(clip, 'not a video at all\n'.repeat(100));
      const outcome = await b.api['library.import']({ paths: [clip] });
      expect(outcome.imported).toEqual([]);
      expect(outcome.existing).toEqual([]);
      expect(outcome.failed).toHaveLength(1);
      expect(b.mediaPath('file', id)).toBeNull();
      expect(b.library.get(id)?.refused).toMatch(/Not read/);
    } finally {
      b.close();
    }
  });
});
