// The app's CRF searches and per-shot encodes through the API, on a real core (SQLite, the
// FFmpeg 7.1 + libvmaf 3.2 build): events as they go, one run at a time, cancel, and what a bad
// request gets. FAILS (never skips) without the build.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { TargetSearch } from '../../../shared/crfSearch';
import type { ShotEncodeRun } from '../../../shared/shotEncode';
import { createCore, type Core } from '../core';
import { makeEditedClip } from '../../testing/sceneClip';
import { scoreEnv } from '../../testing/scoreFixtures';
import { useTempDirs } from '../../testing/tempDir';
import { sharedVmaf3Build } from '../../testing/vmaf3Build';

const tempDir = useTempDirs('vq-target-api-');
const savedLdPath = process.env.LD_LIBRARY_PATH;
let media: string;
let clip: string;

beforeAll(() => {
  const b = sharedVmaf3Build();
  if (b.env.LD_LIBRARY_PATH) process.env.LD_LIBRARY_PATH = b.env.LD_LIBRARY_PATH;
  media = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-target-api-media-'));
  clip = makeEditedClip(media, {
    parts: [60, 60, 80],
    transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    width: 320,
    height: 180,
  }).path;
});
afterAll(() => {
  if (savedLdPath === undefined) delete process.env.LD_LIBRARY_PATH;
  else process.env.LD_LIBRARY_PATH = savedLdPath;
  if (media) fs.rmSync(media, { recursive: true, force: true });
});

function core(): Core {
  const b = sharedVmaf3Build();
  return createCore({
    dataDir: tempDir(),
    host: { mode: 'web' },
    queue: 'off',
    env: scoreEnv({ VQ_FFMPEG: b.ffmpeg, VQ_FFPROBE: b.ffprobe }),
  });
}

/** Resolves with the first event `pick` returns something for. */
function until<T>(c: Core, pick: (e: VqEvent) => T | undefined): Promise<T> {
  return new Promise((resolve) => {
    const off = c.events.subscribe((e) => {
      const v = pick(e);
      if (v !== undefined) {
        off();
        resolve(v);
      }
    });
  });
}

describe('target.* and shotencode.*', () => {
  it('runs a search with live events, one run at a time, and can cancel', async () => {
    const c = core();
    try {
      const id = (await c.api['library.import']({ paths: [clip] })).imported[0]!.id;
      const shots = await c.api['shots.get']({ sourceId: id });
      expect(shots.shots.map((s) => s.start)).toEqual([0, 60, 120]);

      const seen: TargetSearch[] = [];
      c.events.subscribe((e) => {
        if (e.type === 'target.updated') seen.push(e.search);
      });
      const ended = until(c, (e) =>
        e.type === 'target.updated' && e.search.status !== 'running' ? e.search : undefined,
      );
      const started = await c.api['target.start']({
        sourceId: id,
        encoder: 'libx264',
        preset: 'ultrafast',
        target: 92,
        samples: 2,
        sampleSeconds: 1,
      });
      expect(started.status).toBe('running');
      // One at a time: a per-shot encode waits its turn.
      await expect(
        c.api['shotencode.start']({ sourceId: id, encoder: 'libx264', target: { kbps: 300 } }),
      ).rejects.toMatchObject({ code: 'BUSY' });
      const done = await ended;
      expect(done.status).toBe('done');
      expect(done.result!.crf).toBeGreaterThan(0);
      expect(done.steps.length).toBe(done.result!.steps.length);
      // Each step reached the clients as it ended, before the search did.
      const withSteps = seen.filter((s) => s.status === 'running' && s.steps.length > 0);
      expect(withSteps.length).toBeGreaterThanOrEqual(1);
      expect((await c.api['target.list']({ sourceId: id })).searches[0]!.id).toBe(started.id);

      // A cancel stops it; the next can start.
      const canceled = until(c, (e) =>
        e.type === 'shotencode.updated' && e.run.status !== 'running' ? e.run : undefined,
      );
      const run = await c.api['shotencode.start']({
        sourceId: id,
        encoder: 'libx264',
        preset: 'ultrafast',
        target: { quality: 90 },
      });
      await until(c, (e) => (e.type === 'shotencode.updated' && e.run.done > 0 ? true : undefined));
      await c.api['shotencode.cancel']({ id: run.id });
      expect(((await canceled) as ShotEncodeRun).status).toBe('canceled');
    } finally {
      c.close();
    }
  }, 120_000);

  it('refuses bad requests before any work, saying what is wrong', async () => {
    const c = core();
    try {
      const id = (await c.api['library.import']({ paths: [clip] })).imported[0]!.id;
      await expect(
        c.api['target.start']({ sourceId: id, encoder: 'libx264', preset: 'warp', target: 93 }),
      ).rejects.toMatchObject({
        code: 'INVALID_ARGS',
        message: expect.stringContaining('no preset "warp"') as unknown,
      });
      await expect(
        c.api['target.start']({ sourceId: 'nope', encoder: 'libx264', target: 93 }),
      ).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(
        c.dispatch('target.start', { sourceId: id, encoder: 'libx264', target: 0 }),
      ).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS' },
      });
      await expect(
        c.dispatch('shotencode.start', { sourceId: id, encoder: 'h266', target: { kbps: 1 } }),
      ).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS' },
      });
      await expect(c.dispatch('target.cancel', { id: '../../etc' })).resolves.toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS' },
      });
    } finally {
      c.close();
    }
  });
});
