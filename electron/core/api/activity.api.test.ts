/**
 * `activity.list` and the `activity.updated` event over a real core: importing a clip shows its
 * probe and thumbnail processes, a file ffprobe cannot read shows a failed probe with its exit code
 * and the end of its stderr.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { VqEvent, VqResults } from '../../../shared/api';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { createCore } from '../core';

const tempDir = useTempDirs('vq-activity-');

type ActivityList = VqResults['activity.list'];

describe('activity.list', () => {
  it('lists the probe and thumbnail of an import, and a failed probe with its stderr', async () => {
    const c = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    try {
      const dir = tempDir();
      const clip = makeClip(dir, { width: 160, height: 90, seconds: 1, name: 'clip one.mp4' });
      const notVideo = path.join(dir, 'notes.mp4');
      fs.writeFileSync(notVideo, 'this is not a video\n'.repeat(50));
      const out = await c.api['library.import']({ paths: [clip, notVideo] });
      expect(out.imported).toHaveLength(1);
      expect(out.failed.map((f) => f.code)).toEqual(['NOT_MEDIA']);

      const listed = await c.dispatch('activity.list', {});
      expect(listed.ok).toBe(true);
      const { entries, seq } = (listed.ok ? listed.value : null) as ActivityList;
      expect(seq).toBe(c.events.seq);
      const about = (file: string): typeof entries =>
        entries.filter((e) => e.argv.some((a) => a.endsWith(file)));

      const ofClip = about('clip one.mp4');
      expect(ofClip.map((e) => e.purpose)).toContain('probe');
      expect(ofClip.map((e) => e.purpose)).toContain('thumbnail');
      for (const e of ofClip) {
        expect(e).toMatchObject({ outcome: 'ok', exitCode: 0, signal: null });
        expect(e.endedAt! - e.startedAt).toBe(e.durationMs);
        expect(e.commandLine).toContain("'"); // the path with a space is quoted for a shell
      }

      const [failed] = about('notes.mp4');
      expect(failed).toMatchObject({ purpose: 'probe', outcome: 'failed', exitCode: 1 });
      expect(failed!.stderrTail).toMatch(/Invalid data found/);

      // Each process reached the clients twice: when it started and when it ended.
      const updates = events.flatMap((e) => (e.type === 'activity.updated' ? [e.entry] : []));
      for (const e of [...ofClip, failed!]) {
        expect(updates.filter((u) => u.id === e.id).map((u) => u.outcome)).toEqual([
          'running',
          e.outcome,
        ]);
      }

      const refused = await c.dispatch('activity.list', { purpose: 'probe' });
      expect(!refused.ok && refused.error.code).toBe('INVALID_ARGS');
    } finally {
      c.close();
    }
  });

  it('stops sending activity events once the core is closed', async () => {
    const c = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    const events: VqEvent[] = [];
    c.events.subscribe((e) => events.push(e));
    c.close();
    const other = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
    try {
      const clip = makeClip(tempDir(), { width: 160, height: 90, seconds: 1 });
      await other.api['library.import']({ paths: [clip] });
      expect(events).toEqual([]);
    } finally {
      other.close();
    }
  });
});
