import { describe, expect, it } from 'vitest';
import type { DistortedScore } from '../../../shared/score';
import { testScore } from '../testing/scores';
import { useTempDirs } from '../testing/tempDir';
import { openDatabase } from './db';
import { ScoreRepo, type ScoreRunRecord } from './scoreRepo';

const tempDir = useTempDirs();

function score(perFrame: DistortedScore['perFrame'], frameNumbers: number[]): DistortedScore {
  return testScore(perFrame, frameNumbers, {
    distorted: '/v/d.mp4',
    warnings: [{ id: 'w', message: 'a note' }],
    fixes: ['trim-to-shortest'],
    command: ['ffmpeg', '-i', 'x'],
    ffmpeg: { path: '/bin/ffmpeg', version: '7.1', libvmafApi: null, libvmafVersion: null },
  });
}

const run: ScoreRunRecord = {
  id: 'run1',
  jobId: null,
  referenceId: 'ref',
  referencePath: '/v/ref.mkv',
  command: ['ffmpeg', '-i', 'x'],
  ffmpeg: { path: '/bin/ffmpeg', version: '7.1', libvmafApi: null, libvmafVersion: null },
  model: null,
  startedAt: '2024-01-01T00:00:00.000Z',
  durationMs: 1234,
};
const scored = {
  target: { kind: 'source' as const, id: 'd' },
  path: '/v/d.mp4',
  label: 'd.mp4',
  encoder: null,
  width: 64,
  height: 48,
  bitrateKbps: 500,
};

describe('ScoreRepo', () => {
  it('stores per-frame series bit for bit (Infinity, NaN, 1e-17 steps) and lists without them', () => {
    const db = openDatabase(tempDir());
    const repo = new ScoreRepo(db);
    const psnr = [Infinity, 1 / 3, Number.NaN, 0.1 + 0.2];
    const [summary] = repo.insertRun(run, [
      {
        id: 'res1',
        scored,
        score: score({ psnr, ssim: [1, 0.5, 0.25, 0.125] }, [0, 2, 4, 6]),
        createdAt: 'now',
      },
    ]);
    expect(summary).toMatchObject({
      id: 'res1',
      runId: 'run1',
      jobId: null,
      label: 'd.mp4',
      frames: 4,
      fixes: ['trim-to-shortest'],
    });
    expect(summary!.metrics.psnr).toMatchObject({ mean: null, skipped: 1, count: 3 });
    expect(summary!.metrics.ssim!.mean).toBe(0.46875);
    const got = repo.get('res1')!;
    expect(got.frameNumbers).toEqual([0, 2, 4, 6]);
    expect(Object.is(got.perFrame.psnr![0], Infinity)).toBe(true);
    expect(Number.isNaN(got.perFrame.psnr![2])).toBe(true);
    expect(got.perFrame.psnr![1]).toBe(1 / 3);
    expect(got.perFrame.psnr![3]).toBe(0.30000000000000004);
    expect(got.perFrame.vmaf).toBeUndefined();
    expect(got.run).toEqual({ ...run, referenceIdentity: null });
    // Neither file exists here: the score says so wherever it is read.
    expect(summary!.stale).toEqual({ reason: 'the scored file is missing' });
    expect(repo.listByReference('ref')).toEqual([summary]);
    expect(repo.listByReference('other')).toEqual([]);
    expect(repo.remove('res1')).toEqual({ runId: 'run1', jobId: null, runRemoved: true });
    expect(repo.get('res1')).toBeNull();
    expect(repo.remove('res1')).toBeNull();
    db.close();
  });
});
