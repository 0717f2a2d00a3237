import { describe, expect, it } from 'vitest';
import { SERIES_COLUMNS, type DistortedScore } from '../../../shared/score';
import { testFullScore, testScore } from '../../testing/scores';
import { useTempDirs } from '../../testing/tempDir';
import { openDatabase, type Db } from './db';
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

  it('stores XPSNR, CAMBI and the elementary features bit for bit; deleting the result deletes them', () => {
    const db = openDatabase(tempDir());
    const repo = new ScoreRepo(db);
    const full = testFullScore();
    full.libvmafFeatures.integer_motion2 = [0, 1.25, -0];
    const [summary] = repo.insertRun(run, [{ id: 'res1', scored, score: full, createdAt: 'now' }]);
    expect(Object.keys(summary!.metrics).sort()).toEqual(
      ['cambi', 'psnr', 'psnrY', 'vmaf', 'xpsnr', 'xpsnrU', 'xpsnrV'].sort(),
    );
    expect(summary!.metrics.cambi).toMatchObject({ count: 2, skipped: 1, mean: 1.875 });
    expect(summary!.model?.maxScore).toBe(110);
    const got = repo.get('res1')!;
    for (const [k, values] of Object.entries(full.perFrame)) {
      expect(sameBits(got.perFrame[k as keyof typeof full.perFrame]!, values), k).toBe(true);
    }
    expect(Object.keys(got.features).sort()).toEqual(Object.keys(full.libvmafFeatures).sort());
    for (const [name, values] of Object.entries(full.libvmafFeatures)) {
      expect(sameBits(got.features[name]!, values), name).toBe(true);
    }
    expect(Object.is(got.features.integer_motion2![2], -0)).toBe(true);
    expect(rows(db, 'score_features')).toBe(3);
    repo.remove('res1');
    expect(rows(db, 'score_features')).toBe(0);
    db.close();
  });

  it('reads a result without features as having none', () => {
    const db = openDatabase(tempDir());
    const repo = new ScoreRepo(db);
    repo.insertRun(run, [
      { id: 'res1', scored, score: score({ vmaf: [90, 91] }, [0, 1]), createdAt: 'now' },
    ]);
    expect(repo.get('res1')!.features).toEqual({});
    db.close();
  });

  it('stores nothing of a run when one of its results cannot be stored (one transaction)', () => {
    const db = openDatabase(tempDir());
    const repo = new ScoreRepo(db);
    const good = { id: 'res1', scored, score: testFullScore(), createdAt: 'now' };
    // The second result's feature has 2 values for 3 frames: refused after the first was written.
    const misaligned = {
      id: 'res2',
      scored,
      score: testFullScore({ libvmafFeatures: { integer_adm2: [1, 2] } }),
      createdAt: 'now',
    };
    expect(() => repo.insertRun(run, [good, misaligned])).toThrow(
      /integer_adm2 has 2 values for 3 scored frames/,
    );
    // A series of the wrong length is refused the same way.
    const short = { ...good, id: 'res3', score: testFullScore({ perFrame: { cambi: [1] } }) };
    expect(() => repo.insertRun(run, [good, short])).toThrow(/cambi series has 1 values for 3/);
    // A database error half-way (the same result id twice) also leaves nothing.
    expect(() => repo.insertRun(run, [good, good])).toThrow(/UNIQUE/);
    for (const t of ['score_runs', 'score_results', 'score_features'])
      expect(rows(db, t), t).toBe(0);
    db.close();
  });
});

/** True when both arrays hold the same float64 bit patterns (NaN, -0 and ±Infinity included). */
function sameBits(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
}

function rows(db: Db, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('the series columns', () => {
  it('every series has its SERIES_COLUMNS column in score_results (renaming one needs a migration)', () => {
    const db = openDatabase(tempDir());
    try {
      const columns = (
        db.prepare('PRAGMA table_info(score_results)').all() as { name: string }[]
      ).map((c) => c.name);
      expect(columns).toEqual(expect.arrayContaining(Object.values(SERIES_COLUMNS)));
    } finally {
      db.close();
    }
  });
});
