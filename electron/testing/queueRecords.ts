/** Test helper: the smallest valid batch and encode job records, for queue and store tests. */
import type { Batch } from '../../shared/queue';
import type { NewJob } from '../core/queue/jobStore';

/** A ladder batch with no rungs on a made-up source. */
export function testBatch(id: string): Batch {
  return {
    id,
    sourceId: 'src',
    ladder: { id: 'l', name: 'l', rungs: [] },
    outDir: '/tmp/none',
    decodeOnce: true,
    createdAt: new Date().toISOString(),
    skipped: [],
  };
}

/** An encode job of `batchId` named after its one rung, optionally after another job. */
export function testJob(id: string, batchId: string, dependsOn: string | null = null): NewJob {
  return {
    id,
    batchId,
    kind: 'encode',
    rungIds: [id],
    plan: { kind: 'encode', rungs: [], outputs: [], twoPass: false },
    dependsOn,
    binary: null,
    commands: [],
  };
}
