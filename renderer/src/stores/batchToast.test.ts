import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/queue';
import { batchFinishedToast, scoreBatchFinishedToast } from './batchToast';

const job = (status: Job['status'], rungs: number): Pick<Job, 'status' | 'rungIds'> => ({
  status,
  rungIds: Array.from({ length: rungs }, (_, i) => `r${i}`),
});

describe('batchFinishedToast', () => {
  it('counts renditions of decode-once jobs', () => {
    expect(
      batchFinishedToast('clip.mp4', { done: 1, failed: 0, canceled: 0 }, [job('done', 4)]),
    ).toEqual({
      kind: 'info',
      title: 'Encoded 4 renditions of clip.mp4 — 0 failed',
      message: undefined,
    });
  });

  it('reports failures and cancellations', () => {
    const t = batchFinishedToast('clip.mp4', { done: 1, failed: 1, canceled: 1 }, [
      job('done', 1),
      job('interrupted', 2),
      job('canceled', 1),
    ]);
    expect(t.kind).toBe('error');
    expect(t.title).toBe('Encoded 1 rendition of clip.mp4 — 2 failed, 1 canceled');
  });

  it('says canceled when nothing was encoded or failed', () => {
    expect(
      batchFinishedToast('a.mp4', { done: 0, failed: 0, canceled: 2 }, [job('canceled', 2)]).title,
    ).toBe('Canceled 2 renditions of a.mp4');
  });

  it('falls back to the event counts and a generic name', () => {
    expect(batchFinishedToast(null, { done: 2, failed: 0, canceled: 0 }, []).title).toBe(
      'Encoded 2 renditions of the source — 0 failed',
    );
  });
});

describe('scoreBatchFinishedToast', () => {
  const scoreJob = (status: Job['status'], targets: number): Pick<Job, 'status' | 'plan'> => ({
    status,
    plan: {
      kind: 'score',
      referenceId: 'src',
      targets: Array.from({ length: targets }, (_, i) => ({ kind: 'rendition', id: `r${i}` })),
      fromJob: null,
      options: {},
      fixes: [],
    },
  });

  it('counts the videos scored', () => {
    expect(scoreBatchFinishedToast('clip.mp4', [scoreJob('done', 2)])).toEqual({
      kind: 'info',
      title: 'Scored 2 videos against clip.mp4',
      message: 'The scores are in the Library, below the sources.',
    });
  });

  it('reports failures and cancellations', () => {
    expect(scoreBatchFinishedToast('a.mp4', [scoreJob('failed', 1)]).kind).toBe('error');
    expect(scoreBatchFinishedToast(null, [scoreJob('canceled', 1)]).title).toBe(
      'Canceled scoring 1 video against the source',
    );
  });
});
