import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeSceneClip } from '../../testing/sceneClip';
import { useTempDirs } from '../../testing/tempDir';
import { requiredTool } from '../../testing/tools';
import {
  detectSceneCuts,
  hasScdet,
  measureSceneScores,
  measureSceneScoresNear,
  SceneScores,
} from './sceneScores';

const tempDir = useTempDirs('vq-scenes-');
const ffmpeg = requiredTool('ffmpeg', { pathOnly: true });

describe('SceneScores', () => {
  it('reads metadata=print lines of both filters and keeps frames at or over the threshold', () => {
    const s = new SceneScores();
    const lines = [
      'frame:0    pts:0       pts_time:0',
      'lavfi.scd.score=0.000',
      'frame:1    pts:512     pts_time:0.04',
      'lavfi.scd.score=12.5',
      'frame:2    pts:1024    pts_time:0.08',
      'lavfi.scene_score=0.100000',
      'frame:3    pts:1536    pts_time:0.12',
      'lavfi.scd.score=10',
      'something else=99',
      '',
    ];
    for (const l of lines) s.addLine(l);
    expect(s.frames).toBe(4);
    expect(s.cuts(10)).toEqual([1, 3]);
    expect(s.cuts(0.05)).toEqual([1, 2, 3]); // frame 0 starts the title, never a cut
    expect([...s.dense(2)].map((v) => Math.round(v * 1000) / 1000)).toEqual([0, 25, 0.2, 20]);
  });
});

describe('detectSceneCuts', () => {
  it('finds the exact first frame of each scene with scdet and with select', async () => {
    const clip = makeSceneClip(tempDir(), { ffmpeg, scenes: [60, 70, 55, 65] });
    expect(clip.cuts).toEqual([60, 130, 185]);
    expect(await hasScdet(ffmpeg)).toBe(true); // Debian's ffmpeg 5.1 has it
    expect(await detectSceneCuts({ ffmpeg, input: clip.path })).toEqual(clip.cuts);
    expect(await detectSceneCuts({ ffmpeg, input: clip.path, method: 'scdet' })).toEqual(clip.cuts);
    expect(await detectSceneCuts({ ffmpeg, input: clip.path, method: 'select' })).toEqual(
      clip.cuts,
    );
  });

  it('applies one threshold alike to both filters (their scales differ by 10000/256)', async () => {
    // The three cuts score about 28.6, 27.6 and 26.1 on scdet's scale; 27 keeps the first two.
    const clip = makeSceneClip(tempDir(), { ffmpeg, scenes: [60, 70, 55, 65] });
    const scdet = await detectSceneCuts({
      ffmpeg,
      input: clip.path,
      threshold: 27,
      method: 'scdet',
    });
    const select = await detectSceneCuts({
      ffmpeg,
      input: clip.path,
      threshold: 27,
      method: 'select',
    });
    expect(scdet).toEqual([60, 130]);
    expect(select).toEqual(scdet);
  });

  it('finds no cut in one scene', async () => {
    const clip = makeSceneClip(tempDir(), { ffmpeg, scenes: [50] });
    expect(await detectSceneCuts({ ffmpeg, input: clip.path })).toEqual([]);
  });

  it('reads headerless raw video with its geometry', async () => {
    const dir = tempDir();
    const clip = makeSceneClip(dir, { ffmpeg, scenes: [10, 12], width: 160, height: 90 });
    const raw = path.join(dir, 'scenes.yuv');
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-i',
      clip.path,
      '-f',
      'rawvideo',
      '-pix_fmt',
      'yuv420p',
      raw,
    ]);
    const spec = { width: 160, height: 90, pixFmt: 'yuv420p', fps: 25 };
    expect(await detectSceneCuts({ ffmpeg, input: raw, raw: spec })).toEqual([10]);
  });

  it('says which file failed, and refuses a threshold out of range', async () => {
    const bad = path.join(tempDir(), 'not-video.mp4');
    fs.writeFileSync(bad, 'this is not a video');
    await expect(detectSceneCuts({ ffmpeg, input: bad })).rejects.toMatchObject({
      code: 'FFMPEG_FAILED',
      message: expect.stringContaining('not-video.mp4') as unknown,
    });
    await expect(detectSceneCuts({ ffmpeg, input: bad, threshold: 0 })).rejects.toMatchObject({
      code: 'INVALID_ARGS',
    });
  });

  it('stops when canceled', async () => {
    const clip = makeSceneClip(tempDir(), { ffmpeg, scenes: [60, 70] });
    const abort = new AbortController();
    abort.abort();
    await expect(
      detectSceneCuts({ ffmpeg, input: clip.path, signal: abort.signal, method: 'scdet' }),
    ).rejects.toMatchObject({ code: 'CANCELED' });
  });
});

describe('measureSceneScoresNear', () => {
  it('scores stretches as the whole decode does, by the title frame numbers', async () => {
    const clip = makeSceneClip(tempDir(), { ffmpeg, scenes: [60, 70, 55, 65] });
    const whole = await measureSceneScores({ ffmpeg, input: clip.path, method: 'scdet' });
    const near = await measureSceneScoresNear({
      ffmpeg,
      input: clip.path,
      method: 'scdet',
      rate: { num: 25, den: 1 },
      stretches: [
        { start: 50, frames: 20 },
        { start: 120, frames: 30 },
        { start: 0, frames: 5 },
      ],
    });
    // Every frame of the stretches (frame 0 never scores), as the whole decode scored it.
    const frames = [...near.scores.keys()].sort((a, b) => a - b);
    expect(frames).toEqual([
      ...Array.from({ length: 4 }, (_, i) => 1 + i),
      ...Array.from({ length: 20 }, (_, i) => 50 + i),
      ...Array.from({ length: 30 }, (_, i) => 120 + i),
    ]);
    for (const f of frames) expect(near.scores.get(f)!).toBeCloseTo(whole.scores[f]!, 3);
    // The cuts at 60 and 130 are among them, over the threshold.
    expect(near.scores.get(60)!).toBeGreaterThan(10);
    expect(near.scores.get(130)!).toBeGreaterThan(10);
  });
});
