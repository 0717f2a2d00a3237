import { describe, expect, it } from 'vitest';
import type { Rendition } from '../../../shared/queue';
import { renditionsMadeTogether, renditionTimeNote } from '../../../shared/queue';
import { createCore } from '../core';
import { makeClip, quickLadder, quickRung } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';

// Encode time per rendition (issue 11, item 7): one decode-once ffmpeg process makes several
// renditions and cannot say what each cost, so its time is shown as theirs together, never as each
// one's. Real encodes through the API on a generated clip.
const tempDir = useTempDirs();

async function encodeAll(decodeOnce: boolean): Promise<Rendition[]> {
  const c = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
  try {
    const src = makeClip(tempDir(), { width: 320, height: 240, seconds: 1 });
    const imported = await c.api['library.import']({ paths: [src] });
    const sourceId = imported.imported[0]!.id;
    const ladder = quickLadder('t', [
      quickRung({ id: 'a', height: 120 }),
      quickRung({ id: 'b', height: 180 }),
    ]);
    const finished = new Promise<void>((resolve) => {
      const off = c.events.subscribe((e) => {
        if (e.type === 'batch.finished') {
          off();
          resolve();
        }
      });
    });
    await c.api['encode.start']({ sourceId, ladder, decodeOnce });
    await finished;
    await c.queue.whenIdle();
    return (await c.api['renditions.list']({ sourceId })).renditions;
  } finally {
    c.close();
  }
}

describe('encode time of renditions', () => {
  it('says a decode-once time is shared by the renditions one process made', async () => {
    const together = await encodeAll(true);
    expect(together).toHaveLength(2);
    for (const r of together) {
      expect(r.command).toHaveLength(1);
      expect(renditionsMadeTogether(r.command)).toBe(2);
      expect(renditionTimeNote(r)).toBe('shared by 2 renditions (decode once)');
    }
    // Both carry the one process's wall time: the same number, not two measurements.
    expect(together[0]!.encodeSeconds).toBe(together[1]!.encodeSeconds);
  });

  it('gives a rendition of its own process its own time, with no note', async () => {
    const apart = await encodeAll(false);
    expect(apart).toHaveLength(2);
    for (const r of apart) {
      expect(renditionsMadeTogether(r.command)).toBe(1);
      expect(renditionTimeNote(r)).toBeNull();
      expect(r.encodeSeconds).toBeGreaterThan(0);
    }
  });
});
