// scores.get and scores.export of stored results with XPSNR, CAMBI and libvmaf's elementary
// features, read back from a real SQLite file.
import { describe, expect, it } from 'vitest';
import { pool } from '../../../shared/pooling';
import { openDatabase } from '../store/db';
import { ScoreRepo, type ScoreRunRecord } from '../store/scoreRepo';
import { testFullScore } from '../../testing/scores';
import { useTempDirs } from '../../testing/tempDir';
import { asRunResult, exportScores, resultDetail } from './scoreViews';

const tempDir = useTempDirs('vq-views-');

const run: ScoreRunRecord = {
  id: 'run1',
  jobId: null,
  referenceId: 'ref',
  referencePath: '/v/ref.mkv',
  command: ['ffmpeg'],
  ffmpeg: { path: 'ffmpeg', version: '7.1', libvmafApi: 2, libvmafVersion: '3.2.0' },
  model: null,
  startedAt: 't',
  durationMs: 1,
};
const scored = {
  target: { kind: 'source' as const, id: 'd' },
  path: '/v/d.mp4',
  label: 'd.mp4',
  encoder: null,
  width: 64,
  height: 48,
  bitrateKbps: null,
};

function stored(score = testFullScore()): ReturnType<ScoreRepo['get']> & object {
  const db = openDatabase(tempDir());
  const repo = new ScoreRepo(db);
  repo.insertRun(run, [{ id: 'res1', scored, score, createdAt: 'now' }]);
  const got = repo.get('res1')!;
  db.close();
  return got;
}

describe('scores.get', () => {
  it('returns the features aligned with frameNumbers, null where not finite, and the new series', () => {
    const detail = resultDetail(stored());
    expect(detail.frameNumbers).toEqual([0, 1, 2]);
    expect(detail.features).toEqual({
      'cambi_hrs_1080_cmxv_17_vlt_0.06': [null, 2 / 7, 0.125],
      integer_adm2: [0.987654321, 0.9, 0.5],
      integer_motion2: [0, 1.25, 0],
    });
    expect(detail.perFrame.xpsnr).toEqual([37.1508, 1 / 3, 35.5]);
    expect(detail.perFrame.cambi).toEqual([0, 3.75, null]);
    expect(detail.model?.maxScore).toBe(110);
    // VMAF ranks the worst frames; CAMBI's values ride along.
    expect(detail.worstBy).toBe('vmaf');
    expect(detail.worstFrames[0]).toMatchObject({ frame: 2, cambi: null, xpsnr: 35.5 });
  });

  it('ranks the worst frames of a CAMBI-only score by the most banding', () => {
    const detail = resultDetail(
      stored(testFullScore({ perFrame: { cambi: [1, 9.5, 4] }, libvmafFeatures: {} })),
    );
    expect(detail.worstBy).toBe('cambi');
    expect(detail.worstFrames.map((f) => f.frame)).toEqual([1, 2, 0]);
    expect(detail.features).toEqual({});
  });
});

describe('scores.export', () => {
  it('CSV and JSON carry the new series and the features', () => {
    const s = stored();
    const csv = exportScores([s], 'csv').text.split('\n');
    expect(csv[0]).toBe(
      'distorted,frame,vmaf,psnr_y,psnr,xpsnr_y,xpsnr_u,xpsnr_v,cambi,' +
        'cambi_hrs_1080_cmxv_17_vlt_0.06,integer_adm2,integer_motion2',
    );
    expect(csv[1]).toBe('/v/d.mp4,0,104.25,inf,inf,37.1508,38.7122,38.4645,0,,0.987654321,0');
    const json = JSON.parse(exportScores([s], 'json').text) as {
      results: { features: Record<string, unknown[]> }[];
    };
    expect(json.results[0]!.features.integer_motion2).toEqual([0, 1.25, 0]);
  });

  it('pools an export again with the thresholds the score was pooled with', () => {
    const score = testFullScore();
    score.metrics.vmaf = pool(score.perFrame.vmaf!, 100);
    const s = stored(score);
    expect(s.summary.metrics.vmaf!.below).toEqual({ threshold: 100, share: 2 / 3 });
    expect(asRunResult([s]).results[0]!.metrics.vmaf!.below).toEqual({
      threshold: 100,
      share: 2 / 3,
    });
  });
});
