import { describe, expect, it } from 'vitest';
import type { VqEvent } from '../../../shared/api';
import type { Batch, Job, QueueSnapshot, Rendition } from '../../../shared/queue';
import {
  applyQueueEvent,
  applyQueueSnapshot,
  awaitQueueSnapshot,
  initialQueueData,
} from './queueReducer';

const job = (id: string, status: Job['status']): Job =>
  ({ id, batchId: 'b', status }) as unknown as Job;
const batch = (id: string): Batch => ({ id }) as unknown as Batch;
const rendition = (id: string): Rendition => ({ id }) as unknown as Rendition;
const snapshot = (seq: number, jobs: Job[] = []): QueueSnapshot => ({
  batches: [batch('b')],
  jobs,
  renditions: [],
  concurrency: { setting: null, auto: 1, effective: 1 },
  paused: false,
  seq,
});
const updated = (seq: number, j: Job): VqEvent => ({ seq, type: 'job.updated', job: j });
const progress = (seq: number, jobId: string, fraction: number): VqEvent => ({
  seq,
  type: 'job.progress',
  jobId,
  batchId: 'b',
  fraction,
  fps: 50,
  speed: 2,
  etaSeconds: 3,
});

describe('queue reducer', () => {
  it('buffers events until the snapshot, then applies only newer ones in seq order', () => {
    let d = initialQueueData;
    d = applyQueueEvent(d, updated(7, job('j1', 'done')));
    d = applyQueueEvent(d, progress(6, 'j1', 0.5));
    d = applyQueueEvent(d, updated(4, job('j1', 'queued'))); // already in the snapshot
    expect(d.jobs).toEqual([]);
    d = applyQueueSnapshot(d, snapshot(5, [job('j1', 'running')]));
    expect(d.jobs.map((j) => j.status)).toEqual(['done']);
    expect(d.progress).toEqual({}); // the job finished after its progress
    expect(d.seq).toBe(7);
  });

  it('keeps progress of a running job and drops it when the job leaves running', () => {
    let d = applyQueueSnapshot(initialQueueData, snapshot(0, [job('j1', 'running')]));
    d = applyQueueEvent(d, progress(1, 'j1', 0.25));
    d = applyQueueEvent(d, progress(2, 'j1', 0.5));
    expect(d.progress.j1!.fraction).toBe(0.5);
    d = applyQueueEvent(d, updated(3, job('j1', 'done')));
    expect(d.progress).toEqual({});
    d = applyQueueEvent(d, progress(4, 'j1', 0.9)); // a late, throttled event
    expect(d.progress).toEqual({});
  });

  it('ignores events at or below seq', () => {
    const d = applyQueueSnapshot(initialQueueData, snapshot(10));
    expect(applyQueueEvent(d, progress(10, 'j1', 0.3))).toBe(d);
  });

  it('adds batches and renditions (newest first) and removes renditions', () => {
    let d = applyQueueSnapshot(initialQueueData, snapshot(0));
    d = applyQueueEvent(d, { seq: 1, type: 'batch.added', batch: batch('b2') });
    d = applyQueueEvent(d, { seq: 2, type: 'rendition.added', rendition: rendition('r1') });
    d = applyQueueEvent(d, { seq: 3, type: 'rendition.added', rendition: rendition('r2') });
    expect(d.batches.map((b) => b.id)).toEqual(['b', 'b2']);
    expect(d.renditions.map((r) => r.id)).toEqual(['r2', 'r1']);
    d = applyQueueEvent(d, { seq: 4, type: 'rendition.removed', id: 'r1' });
    expect(d.renditions.map((r) => r.id)).toEqual(['r2']);
  });

  it('keeps jobs in queue order when a move changes their places', () => {
    const at = (id: string, queueOrder: number): Job => ({ ...job(id, 'queued'), queueOrder });
    let d = applyQueueSnapshot(initialQueueData, snapshot(0, [at('a', 1), at('b', 2), at('c', 3)]));
    d = applyQueueEvent(d, updated(1, at('c', 0)));
    expect(d.jobs.map((j) => j.id)).toEqual(['c', 'a', 'b']);
  });

  it('drops a cleared batch with its jobs and their progress, and follows the pause', () => {
    const other = { ...job('k', 'done'), batchId: 'b2' };
    let d = applyQueueSnapshot(initialQueueData, {
      ...snapshot(0, [job('j1', 'running'), other]),
      batches: [batch('b'), batch('b2')],
    });
    d = applyQueueEvent(d, progress(1, 'j1', 0.5));
    d = applyQueueEvent(d, { seq: 2, type: 'batch.removed', batchId: 'b2' });
    expect(d.batches.map((b) => b.id)).toEqual(['b']);
    expect(d.jobs.map((j) => j.id)).toEqual(['j1']);
    expect(Object.keys(d.progress)).toEqual(['j1']);
    d = applyQueueEvent(d, { seq: 3, type: 'batch.removed', batchId: 'b' });
    expect(d.jobs).toEqual([]);
    expect(d.progress).toEqual({});
    expect(d.paused).toBe(false);
    d = applyQueueEvent(d, { seq: 4, type: 'queue.paused', paused: true });
    expect(d.paused).toBe(true);
  });

  it('unlinks the renditions of a cleared batch, as the database does, and keeps the others', () => {
    const made = (id: string, batchId: string | null): Rendition =>
      ({ id, batchId, jobId: batchId ? `job-of-${id}` : null }) as unknown as Rendition;
    let d = applyQueueSnapshot(initialQueueData, {
      ...snapshot(0),
      batches: [batch('b'), batch('b2')],
      renditions: [made('r1', 'b2'), made('r2', 'b'), made('r3', null)],
    });
    d = applyQueueEvent(d, { seq: 1, type: 'batch.removed', batchId: 'b2' });
    expect(d.renditions.map((r) => [r.id, r.batchId, r.jobId])).toEqual([
      ['r1', null, null],
      ['r2', 'b', 'job-of-r2'],
      ['r3', null, null],
    ]);
    const before = d.renditions;
    d = applyQueueEvent(d, { seq: 2, type: 'batch.removed', batchId: 'gone' });
    expect(d.renditions).toBe(before);
  });

  it('follows the concurrency setting', () => {
    let d = applyQueueSnapshot(initialQueueData, snapshot(0));
    d = applyQueueEvent(d, {
      seq: 1,
      type: 'settings.changed',
      settings: { ffmpegPath: null, ffprobePath: null, concurrency: 3, onRestart: 'requeue' },
    });
    expect(d.concurrency).toEqual({ setting: 3, auto: 1, effective: 3 });
  });

  it('takes a fresh snapshot after a reconnect, keeping the old data on screen meanwhile', () => {
    let d = applyQueueSnapshot(initialQueueData, snapshot(40, [job('j1', 'running')]));
    d = awaitQueueSnapshot(d);
    expect(d.jobs).toHaveLength(1);
    d = applyQueueEvent(d, updated(2, job('j1', 'failed')));
    d = applyQueueSnapshot(d, snapshot(1, [job('j1', 'running')]));
    expect(d.jobs[0]!.status).toBe('failed');
  });
});
