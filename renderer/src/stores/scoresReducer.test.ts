import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { ScoreSeries } from '../../../shared/score';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import {
  applyScoresEvent,
  applyScoresSnapshot,
  awaitScoresSnapshot,
  initialScoresData,
} from './scoresReducer';

const VMAF_PSNR_SSIM: ScoreSeries[] = ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim'];
const result = (
  id: string,
  referenceId = 'src',
  target = `r-${id}`,
  series: ScoreSeries[] = VMAF_PSNR_SSIM,
): ScoreResultSummary =>
  ({
    id,
    referenceId,
    label: id,
    target: { kind: 'rendition', id: target },
    // Longer ids are newer (up to 9 characters).
    createdAt: `2026-01-01T00:00:00.${id.length}Z`,
    metrics: Object.fromEntries(series.map((s) => [s, { count: 1, mean: 1 }])),
  }) as unknown as ScoreResultSummary;
const added = (seq: number, id: string, referenceId = 'src'): VqEvent => ({
  seq,
  type: 'score.added',
  result: result(id, referenceId),
});
const removed = (seq: number, id: string): VqEvent => ({ seq, type: 'score.removed', id });
const ids = (d: { results: ScoreResultSummary[] }): string[] => d.results.map((r) => r.id);

describe('scores reducer', () => {
  it('buffers events until the snapshot and then applies only newer ones, newest first', () => {
    let d = awaitScoresSnapshot(initialScoresData, 'src');
    d = applyScoresEvent(d, added(3, 'old'));
    d = applyScoresEvent(d, added(6, 'new'));
    d = applyScoresEvent(d, removed(7, 'a'));
    expect(d.results).toEqual([]);
    d = applyScoresSnapshot(d, 'src', { results: [result('old'), result('a')], seq: 4 });
    expect(ids(d)).toEqual(['new', 'old']);
    expect(d.seq).toBe(7);
    expect(d.pending).toEqual([]);
  });

  it('ignores replayed events and scores of other references', () => {
    let d = applyScoresSnapshot(awaitScoresSnapshot(initialScoresData, 'src'), 'src', {
      results: [result('a')],
      seq: 10,
    });
    d = applyScoresEvent(d, removed(9, 'a'));
    expect(ids(d)).toEqual(['a']);
    d = applyScoresEvent(d, added(11, 'b', 'other'));
    expect(ids(d)).toEqual(['a']);
    expect(d.seq).toBe(11);
    d = applyScoresEvent(d, added(12, 'a'));
    expect(ids(d)).toEqual(['a']);
  });

  it('buffers only events that can change scores, and nothing while no reference is shown', () => {
    const progress: VqEvent = {
      seq: 2,
      type: 'job.progress',
      jobId: 'j',
      batchId: 'b',
      fraction: 0.5,
      fps: null,
      speed: null,
      etaSeconds: null,
    };
    expect(applyScoresEvent(initialScoresData, added(1, 'a'))).toBe(initialScoresData);
    const waiting = awaitScoresSnapshot(initialScoresData, 'src');
    expect(applyScoresEvent(waiting, progress).pending).toEqual([]);
    expect(applyScoresEvent(waiting, added(3, 'a')).pending).toHaveLength(1);
  });

  it('drops a snapshot of a reference no longer shown', () => {
    let d = awaitScoresSnapshot(initialScoresData, 'one');
    d = awaitScoresSnapshot(d, 'two');
    const after = applyScoresSnapshot(d, 'one', { results: [result('x', 'one')], seq: 3 });
    expect(after).toBe(d);
  });

  it('keeps the results of the same reference on screen while it resyncs', () => {
    let d = applyScoresSnapshot(awaitScoresSnapshot(initialScoresData, 'src'), 'src', {
      results: [result('a')],
      seq: 5,
    });
    expect(ids(awaitScoresSnapshot(d, 'src'))).toEqual(['a']);
    expect(ids(awaitScoresSnapshot(d, 'other'))).toEqual([]);
    d = applyScoresEvent(d, { seq: 6, type: 'library.removed', id: 'src' });
    expect(ids(d)).toEqual([]);
  });

  it('a new score of a target replaces its older one, as scores.list selects (issue 11)', () => {
    let d = applyScoresSnapshot(awaitScoresSnapshot(initialScoresData, 'src'), 'src', {
      results: [result('a', 'src', 'r1'), result('b', 'src', 'r2')],
      seq: 5,
    });
    d = applyScoresEvent(d, { seq: 6, type: 'score.added', result: result('a2', 'src', 'r1') });
    expect(ids(d)).toEqual(['a2', 'b']);
  });

  it('keeps the older row of a target while it has a series the new score lacks (issue 12)', () => {
    let d = applyScoresSnapshot(awaitScoresSnapshot(initialScoresData, 'src'), 'src', {
      results: [result('a', 'src', 'r1'), result('b', 'src', 'r2')],
      seq: 5,
    });
    // CAMBI asked for later: the VMAF, PSNR and SSIM of `a` stay on screen.
    d = applyScoresEvent(d, {
      seq: 6,
      type: 'score.added',
      result: result('cambi', 'src', 'r1', ['cambi']),
    });
    expect(ids(d)).toEqual(['cambi', 'a', 'b']);
    // VMAF again with another model: `a` still has the only PSNR and SSIM of r1.
    d = applyScoresEvent(d, {
      seq: 7,
      type: 'score.added',
      result: result('vmafv1', 'src', 'r1', ['vmaf']),
    });
    expect(ids(d)).toEqual(['vmafv1', 'cambi', 'a', 'b']);
    // Everything again: the one new row replaces all three older ones of r1, not r2's.
    d = applyScoresEvent(d, {
      seq: 8,
      type: 'score.added',
      result: result('all-of-it', 'src', 'r1', [...VMAF_PSNR_SSIM, 'cambi']),
    });
    expect(ids(d)).toEqual(['all-of-it', 'b']);
  });
});
