import { describe, expect, it } from 'vitest';
import type { Job, JobProgress } from '../../../../shared/queue';
import {
  batchEtaSeconds,
  batchFraction,
  batchOutcome,
  batchProgress,
  clockDuration,
  encodeTimeText,
  jobFraction,
  percentText,
  placeText,
  queuePlaces,
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

describe('a batch with score jobs', () => {
  const kinded = (id: string, kind: Job['kind'], status: Job['status'], rungs = 1) => ({
    ...job(id, status, rungs),
    kind,
  });

  it('shows encodes and scores apart, so the batch percent reads against its running job', () => {
    // The issue: one 3-rung encode job at 42 %, its score job queued; the batch said 21 %.
    const jobs = [kinded('e', 'encode', 'running', 3), kinded('s', 'score', 'queued', 3)];
    const parts = batchProgress(jobs, { e: prog('e', 0.42, 5) });
    expect(parts.encodes).toBeCloseTo(0.42);
    expect(parts.scores).toBe(0);
    expect(parts.overall).toBeCloseTo(0.21);
    expect(batchProgress([kinded('e', 'encode', 'done')], {})).toEqual({
      overall: 1,
      encodes: 1,
      scores: null,
    });
  });

  it('is not a green "Finished" when its scores were canceled', () => {
    expect(batchOutcome([kinded('e', 'encode', 'done'), kinded('s', 'score', 'canceled')])).toEqual(
      { label: 'Finished, scores canceled', tone: 'warn' },
    );
    expect(batchOutcome([kinded('e', 'encode', 'done'), kinded('s', 'score', 'done')])).toEqual({
      label: 'Finished',
      tone: 'ok',
    });
    expect(
      batchOutcome([kinded('e', 'encode', 'done'), kinded('f', 'encode', 'canceled')]),
    ).toEqual({ label: 'Finished, some encodes canceled', tone: 'warn' });
    expect(
      batchOutcome([kinded('e', 'encode', 'interrupted'), kinded('s', 'score', 'canceled')]),
    ).toEqual({ label: 'Finished, 1 failed', tone: 'danger' });
    expect(batchOutcome([kinded('e', 'encode', 'canceled')])).toEqual({
      label: 'Canceled',
      tone: 'muted',
    });
    expect(
      batchOutcome([kinded('e', 'encode', 'done'), kinded('s', 'score', 'queued')]),
    ).toBeNull();
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

describe('places in the queue', () => {
  it('numbers queued jobs by queue order, across batches', () => {
    const places = queuePlaces([
      { id: 'a', status: 'running', queueOrder: 1 },
      { id: 'b', status: 'queued', queueOrder: 5 },
      { id: 'c', status: 'queued', queueOrder: -1 },
      { id: 'd', status: 'done', queueOrder: 2 },
    ]);
    expect([...places]).toEqual([
      ['c', 1],
      ['b', 2],
    ]);
  });

  it('says the place in words', () => {
    expect(placeText(1, 3)).toBe('next');
    expect(placeText(2, 3)).toBe('2nd of 3');
    expect(placeText(3, 3)).toBe('3rd of 3');
    expect(placeText(11, 12)).toBe('11th of 12');
    expect(placeText(22, 30)).toBe('22nd of 30');
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
