// Shots of generated clips whose edits are known: hard cuts found at their exact first frame, a
// cross-dissolve and a fade through black reported as no cut (never as many), the shortest and
// longest shot applied, and the scene scores kept in the cache for the next ask.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cutFrames } from '../../../shared/shots';
import { makeEditedClip } from '../../testing/sceneClip';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import { findShots } from './findShots';
import { storedScenesPath } from './shotStore';

const tempDir = useTempDirs('vq-shots-');
const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });

describe('findShots', () => {
  it('finds each hard cut at its first frame and none inside a dissolve or a fade', async () => {
    const dir = tempDir();
    const clip = makeEditedClip(dir, {
      parts: [50, 50, 60, 50, 40],
      transitions: [
        { kind: 'cut' },
        { kind: 'dissolve', frames: 20 },
        { kind: 'fade', frames: 12 },
        { kind: 'cut' },
      ],
    });
    const found = await findShots({ ffmpeg, input: clip.path, fps: 25, cacheDir: null });
    expect(found.frames).toBe(clip.frames);
    expect(found.method).toBe('scdet');
    const hard = clip.spans.filter((s) => s.kind === 'cut').map((s) => s.from);
    expect(cutFrames(found.shots)).toEqual(hard);
    for (const span of clip.spans.filter((s) => s.kind !== 'cut')) {
      const inside = cutFrames(found.shots).filter((c) => c >= span.from && c < span.to);
      expect(inside.length, `${span.kind} ${span.from}–${span.to}`).toBeLessThanOrEqual(1);
    }
    // select's scene score (any ffmpeg) finds the same cuts.
    const bySelect = await findShots({ ffmpeg, input: clip.path, fps: 25, method: 'select' });
    expect(cutFrames(bySelect.shots)).toEqual(hard);
  });

  it('keeps the scene scores in the cache: other rules need no decode, a changed file is decoded again', async () => {
    const dir = tempDir();
    const cacheDir = path.join(dir, 'cache');
    const clip = makeEditedClip(dir, {
      parts: [60, 40, 60],
      transitions: [{ kind: 'cut' }, { kind: 'cut' }],
    });
    const first = await findShots({ ffmpeg, input: clip.path, fps: 25, cacheDir });
    expect(first.cached).toBe(false);
    expect(cutFrames(first.shots)).toEqual([60, 100]);
    const again = await findShots({
      ffmpeg,
      input: clip.path,
      fps: 25,
      cacheDir,
      minSeconds: 2, // 50 frames: the two cuts are 40 apart, so only the stronger stays
      maxSeconds: 4,
    });
    expect(again.cached).toBe(true);
    expect(again.rules).toEqual({ threshold: 10, minFrames: 50, maxFrames: 100 });
    expect(again.shots.map((s) => s.by)).toEqual(['title', 'cut']);
    expect([60, 100]).toContain(again.shots[1]!.start);

    // A damaged entry is ignored and made again.
    const entries = fs.readdirSync(path.join(cacheDir, 'scenes'));
    expect(entries).toHaveLength(1);
    const entry = path.join(cacheDir, 'scenes', entries[0]!);
    fs.writeFileSync(entry, fs.readFileSync(entry).subarray(0, 40));
    const remade = await findShots({ ffmpeg, input: clip.path, fps: 25, cacheDir });
    expect(remade.cached).toBe(false);
    expect(remade.shots).toEqual(first.shots);

    // The same path with other pictures is another entry.
    const other = makeEditedClip(dir, {
      parts: [20, 60],
      transitions: [{ kind: 'cut' }],
      name: 'edited.mp4',
    });
    const changed = await findShots({ ffmpeg, input: other.path, fps: 25, cacheDir });
    expect(changed.cached).toBe(false);
    expect(cutFrames(changed.shots)).toEqual([20]);
    expect(storedScenesPath(cacheDir, 'a')).toContain(path.join('cache', 'scenes'));
  });

  it('refuses rules that cannot work before decoding, and names a file that is not video', async () => {
    const bad = path.join(tempDir(), 'not-video.mp4');
    fs.writeFileSync(bad, 'this is not a video');
    await expect(findShots({ ffmpeg, input: bad, fps: 25, threshold: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGS',
    });
    await expect(findShots({ ffmpeg, input: bad, fps: null })).rejects.toMatchObject({
      code: 'INVALID_ARGS',
      message: expect.stringContaining('no frame rate') as unknown,
    });
    await expect(findShots({ ffmpeg, input: bad, fps: 25 })).rejects.toMatchObject({
      code: 'FFMPEG_FAILED',
      message: expect.stringContaining('not-video.mp4') as unknown,
    });
  });
});
