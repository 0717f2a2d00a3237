import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { AnalysisData } from '../../../shared/analysis';
import type { PerTitleRun } from '../../../shared/perTitle';
import type { Rendition } from '../../../shared/queue';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import { perTitleRunArrived, touchesAnalysis, useAnalysisStore } from './analysisStore';

const data = {
  sourceId: 'src1',
  points: [{ renditionId: 'r1', scoreResultId: 's1', batchId: 'b1' }],
  stalePoints: [{ renditionId: 'r2', scoreResultId: 's2', batchId: 'b2' }],
} as unknown as AnalysisData;

function run(id: string, sourceId: string, status: PerTitleRun['status']): PerTitleRun {
  return { id, sourceId, status } as unknown as PerTitleRun;
}

describe('touchesAnalysis', () => {
  it('is true for scores, renditions and runs of the source shown', () => {
    const score = (referenceId: string): VqEvent => ({
      seq: 1,
      type: 'score.added',
      result: { referenceId } as unknown as ScoreResultSummary,
    });
    expect(touchesAnalysis(score('src1'), 'src1', data)).toBe(true);
    expect(touchesAnalysis(score('other'), 'src1', data)).toBe(false);
    const rendition: VqEvent = {
      seq: 2,
      type: 'rendition.added',
      rendition: { sourceId: 'src1' } as unknown as Rendition,
    };
    expect(touchesAnalysis(rendition, 'src1', data)).toBe(true);
    expect(
      touchesAnalysis(
        { seq: 3, type: 'pertitle.updated', run: run('p', 'src1', 'done') },
        'src1',
        data,
      ),
    ).toBe(true);
  });

  it('is true for a removed score or rendition only when it is on the chart', () => {
    expect(touchesAnalysis({ seq: 4, type: 'score.removed', id: 's1' }, 'src1', data)).toBe(true);
    expect(touchesAnalysis({ seq: 5, type: 'score.removed', id: 's9' }, 'src1', data)).toBe(false);
    expect(touchesAnalysis({ seq: 6, type: 'rendition.removed', id: 'r1' }, 'src1', data)).toBe(
      true,
    );
    expect(touchesAnalysis({ seq: 6, type: 'rendition.removed', id: 'r2' }, 'src1', data)).toBe(
      true,
    );
    expect(touchesAnalysis({ seq: 6, type: 'rendition.removed', id: 'r9' }, 'src1', data)).toBe(
      false,
    );
  });

  it('is true for a cleared batch only when a point (current or stale) came from it', () => {
    const removed = (batchId: string): VqEvent => ({ seq: 9, type: 'batch.removed', batchId });
    expect(touchesAnalysis(removed('b1'), 'src1', data)).toBe(true);
    expect(touchesAnalysis(removed('b2'), 'src1', data)).toBe(true);
    expect(touchesAnalysis(removed('b9'), 'src1', data)).toBe(false);
  });

  it('is false with no source shown and for other events', () => {
    expect(touchesAnalysis({ seq: 7, type: 'score.removed', id: 's1' }, null, data)).toBe(false);
    expect(touchesAnalysis({ seq: 8, type: 'library.removed', id: 'src1' }, 'src1', data)).toBe(
      false,
    );
  });
});

describe('perTitleRunArrived', () => {
  it('puts a new run first and replaces a known one; runs of other sources stay out', () => {
    useAnalysisStore.setState({ sourceId: 'src1', runs: [run('a', 'src1', 'done')] });
    perTitleRunArrived(run('b', 'src1', 'encoding'));
    expect(useAnalysisStore.getState().runs.map((r) => r.id)).toEqual(['b', 'a']);
    perTitleRunArrived(run('b', 'src1', 'scoring'));
    expect(useAnalysisStore.getState().runs.map((r) => r.status)).toEqual(['scoring', 'done']);
    perTitleRunArrived(run('c', 'other', 'encoding'));
    expect(useAnalysisStore.getState().runs).toHaveLength(2);
  });
});
