import { describe, expect, it } from 'vitest';
import type { Job, Rendition } from '../../shared/queue';
import { testBatch } from '../core/testing/queueRecords';
import { batchRecord } from './manifest';

// What `vq encode` writes its manifest from when its batch was cleared from another app's queue
// between "batch finished" and reading it back.
const job = (id: string, batchId: string): Job => ({
  id,
  batchId,
  kind: 'encode',
  status: 'done',
  rungIds: [id],
  plan: { kind: 'encode', rungs: [], outputs: [], twoPass: false },
  dependsOn: null,
  queueOrder: 1,
  attempts: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  startedAt: null,
  finishedAt: null,
  binary: null,
  commands: [],
  stderrTail: null,
  error: null,
  encodeSeconds: 1,
});
const rendition = (id: string, batchId: string | null): Rendition =>
  ({ id, batchId, jobId: batchId ? 'j1' : null, rungId: id }) as Rendition;

describe('batchRecord', () => {
  const plan = testBatch('b');
  const seen = { jobs: [job('j1', 'b'), job('x', 'other')], renditions: [rendition('r1', 'b')] };

  it('reads the stored batch, its jobs and renditions while the batch is in the snapshot', () => {
    const stored = { ...plan, outDir: '/stored' };
    const snapshot = {
      batches: [stored],
      jobs: [job('j1', 'b'), job('j2', 'b'), job('x', 'other')],
      renditions: [rendition('r1', 'b'), rendition('r2', 'b'), rendition('y', 'other')],
    };
    const r = batchRecord(snapshot, plan, seen);
    expect(r.stored).toBe(true);
    expect(r.batch).toBe(stored);
    expect(r.jobs.map((j) => j.id)).toEqual(['j1', 'j2']);
    expect(r.renditions.map((x) => x.id)).toEqual(['r1', 'r2']);
  });

  it('falls back to the plan and what the run was told when the batch was cleared', () => {
    // Cleared: no batch, no jobs, and the rendition's batch link is NULL in the database.
    const snapshot = { batches: [], jobs: [], renditions: [rendition('r1', null)] };
    const r = batchRecord(snapshot, plan, seen);
    expect(r.stored).toBe(false);
    expect(r.batch).toBe(plan);
    expect(r.jobs.map((j) => j.id)).toEqual(['j1']);
    expect(r.renditions.map((x) => x.id)).toEqual(['r1']);
  });
});
