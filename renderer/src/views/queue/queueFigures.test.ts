import { describe, expect, it } from 'vitest';
import type { Job, JobProgress } from '../../../../shared/queue';
import {
  batchEtaSeconds,
  batchFraction,
  clockDuration,
  encodeTimeText,
  jobFraction,
  percentText,
  rungTally,
  scoreTallyText,
  speedText,
} from './queueFigures';

type J = Pick<Job, 'id' | 'status' | 'rungIds' | 'encodeSeconds' | 'startedAt'>;
const job = (id: string, status: Job['status'], rungs = 1, extra: Partial<J> = {}): J => ({
  id,
  status,
  rungIds: Array.from({ length: rungs }, (_, i) => `${id}-${i}`),
  encodeSeconds: null,
  startedAt: null,
  ...extra,
});
const prog = (jobId: string, fraction: number | null, etaSeconds: number | null): JobProgress => ({
  jobId,
  batchId: 'b',
  fraction,
  fps: null,
  speed: null,
  etaSeconds,
});

describe('job and batch progress', () => {
  it('a job is whole when done, live while running, unknown before its first report', () => {
    expect(jobFraction({ status: 'done' }, undefined)).toBe(1);
    expect(jobFraction({ status: 'running' }, prog('j', 0.4, 1))).toBe(0.4);
    expect(jobFraction({ status: 'running' }, undefined)).toBeNull();
    expect(jobFraction({ status: 'queued' }, undefined)).toBe(0);
    expect(jobFraction({ status: 'failed' }, undefined)).toBeNull();
  });

  it('weights a batch by rungs: a 3-rung decode-once job counts three times', () => {
    const jobs = [job('a', 'running', 3), job('b', 'done')];
    expect(batchFraction(jobs, { a: prog('a', 0.5, 2) })).toBeCloseTo((3 * 0.5 + 1) / 4);
    expect(batchFraction([job('x', 'failed'), job('y', 'queued')], {})).toBe(0.5);
    expect(batchFraction([job('x', 'done'), job('y', 'canceled')], {})).toBe(1);
    expect(batchFraction([job('y', 'canceled')], {})).toBeNull();
    expect(batchFraction([], {})).toBeNull();
  });

  it('tallies rungs by outcome, interrupted as failed', () => {
    expect(
      rungTally([
        job('a', 'done', 2),
        job('b', 'interrupted'),
        job('c', 'canceled'),
        job('d', 'queued'),
      ]),
    ).toEqual({ total: 5, done: 2, failed: 1, canceled: 1, running: 0, queued: 1 });
  });
});

describe('batchEtaSeconds', () => {
  const now = Date.parse('2025-01-01T00:00:10Z');

  it('is 0 when nothing is left and null before the running job reports an ETA', () => {
    expect(batchEtaSeconds([job('a', 'done')], {}, null, now)).toBe(0);
    expect(batchEtaSeconds([job('a', 'running')], {}, null, now)).toBeNull();
  });

  it('adds queued rungs at the seconds per rung of finished jobs, shared among lanes', () => {
    const jobs = [
      job('a', 'done', 2, { encodeSeconds: 8 }),
      job('b', 'running'),
      job('c', 'queued', 2),
    ];
    const p = { b: prog('b', 0.5, 3) };
    expect(batchEtaSeconds(jobs, p, { effective: 1 }, now)).toBe(3 + 2 * 4);
    expect(batchEtaSeconds(jobs, p, { effective: 2 }, now)).toBe((3 + 2 * 4) / 2);
  });

  it('extrapolates from the running job when nothing finished yet', () => {
    const jobs = [
      job('a', 'running', 1, { startedAt: '2025-01-01T00:00:04Z' }),
      job('b', 'queued'),
    ];
    // 6 s elapsed + 4 s left = 10 s per rung; 4 + 10.
    expect(batchEtaSeconds(jobs, { a: prog('a', 0.6, 4) }, { effective: 1 }, now)).toBe(14);
  });
});

describe('texts', () => {
  it('formats percent, speed and durations', () => {
    expect(percentText(0.429)).toBe('42%');
    expect(percentText(1)).toBe('100%');
    expect(percentText(null)).toBe('–');
    expect(speedText(2.347)).toBe('2.35×');
    expect(speedText(12.34)).toBe('12.3×');
    expect(speedText(null)).toBe('–');
    expect(clockDuration(42)).toBe('0:42');
    expect(clockDuration(3725.4)).toBe('1:02:05');
    expect(encodeTimeText(4.21)).toBe('4.2 s');
    expect(encodeTimeText(75)).toBe('1:15');
    expect(encodeTimeText(null)).toBe('–');
  });
});

describe('scoreTallyText', () => {
  it('lists the counts that are not zero', () => {
    expect(scoreTallyText(rungTally([job('s', 'queued', 7)]))).toBe('Scores: 7 queued');
    expect(scoreTallyText(rungTally([job('s', 'done', 2), job('t', 'failed', 1)]))).toBe(
      'Scores: 2 done · 1 failed',
    );
    expect(scoreTallyText(rungTally([]))).toBeNull();
  });
});
