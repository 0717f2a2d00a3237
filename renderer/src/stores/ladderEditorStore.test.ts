import { describe, expect, it } from 'vitest';
import type { LibraryItem } from '../../../shared/library';
import type { MetricSupport } from '../../../shared/metricSupport';
import { SCORE_METRICS, type ScoreMetric } from '../../../shared/score';
import type { MetricSupportMap } from '../model/scores/scoringBuild';
import { encodeOptionsFor, scoreAfterEncodeProblem } from './ladderEditorStore';

/** A scoring build that computes only `ok` (the others unavailable with a reason). */
function support(ok: readonly ScoreMetric[]): MetricSupportMap {
  return Object.fromEntries(
    SCORE_METRICS.map((m): [ScoreMetric, MetricSupport] => [
      m,
      ok.includes(m) ? { ok: true } : { ok: false, reason: `${m} needs another build` },
    ]),
  ) as MetricSupportMap;
}

const sdr = { media: { video: { hdr: null } } } as unknown as LibraryItem;

describe('scoreAfterEncodeProblem (encode.start never gets metrics: [])', () => {
  it('is null when score after encode is off, or a chosen metric is computed', () => {
    const none = support([]);
    expect(scoreAfterEncodeProblem({ scoreAfterEncode: false, scoreMetrics: [] }, none)).toBeNull();
    const vmafOnly = support(['vmaf']);
    expect(
      scoreAfterEncodeProblem(
        { scoreAfterEncode: true, scoreMetrics: ['cambi', 'vmaf'] },
        vmafOnly,
      ),
    ).toBeNull();
    // While the toolchain report is not known, nothing is marked unavailable.
    expect(
      scoreAfterEncodeProblem({ scoreAfterEncode: true, scoreMetrics: ['cambi'] }, null),
    ).toBeNull();
  });

  it('says what to do when every chosen metric is one the scoring build cannot compute', () => {
    const s = { scoreAfterEncode: true, scoreMetrics: ['cambi', 'xpsnr'] as ScoreMetric[] };
    const problem = scoreAfterEncodeProblem(s, support(['vmaf', 'psnr']));
    expect(problem).toMatch(/Choose at least one metric .* the scoring ffmpeg computes/);
    // What the request would have carried without the check.
    const options = encodeOptionsFor(
      { ...s, decodeOnce: true, outDir: '', hdr: 'keep' },
      sdr,
      support(['vmaf', 'psnr']),
    );
    expect(options.scoreAfterEncode).toEqual({ options: { metrics: [] } });
  });
});
