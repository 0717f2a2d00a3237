import { describe, expect, it } from 'vitest';
import { autoConcurrency, batchTally, isFinished, isRetryable } from './queue';

describe('autoConcurrency', () => {
  it('runs one job at a time on small machines, a quarter of the cores (at most 4) on big ones', () => {
    expect([1, 2, 3, 4, 8, 12, 16, 64].map(autoConcurrency)).toEqual([1, 1, 1, 1, 2, 3, 4, 4]);
    expect(autoConcurrency(Number.NaN)).toBe(1);
  });
});

describe('job statuses', () => {
  it('knows which statuses are finished and which can be retried', () => {
    expect(isFinished('queued')).toBe(false);
    expect(isFinished('running')).toBe(false);
    expect(isFinished('interrupted')).toBe(true);
    expect(
      ['done', 'failed', 'canceled', 'interrupted'].filter((s) => isRetryable(s as never)),
    ).toEqual(['failed', 'canceled', 'interrupted']);
  });

  it('tallies a batch; interrupted counts as failed; finished only when nothing is waiting', () => {
    const t = batchTally([
      { status: 'done' },
      { status: 'failed' },
      { status: 'interrupted' },
      { status: 'canceled' },
    ]);
    expect(t).toEqual({ done: 1, failed: 2, canceled: 1, active: 0, finished: true });
    expect(batchTally([{ status: 'done' }, { status: 'queued' }]).finished).toBe(false);
  });
});
