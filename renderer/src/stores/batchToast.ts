/** The toast a browser shows when a batch finishes ("Encoded 4 renditions of clip.mp4 — 0 failed"). */
import type { Job } from '../../../shared/queue';
import type { Toast } from './appStore';

/** What a `batch.finished` event reports. */
export interface BatchFinishedTally {
  done: number;
  failed: number;
  canceled: number;
}

function renditions(n: number): string {
  return n === 1 ? '1 rendition' : `${n} renditions`;
}

/**
 * Counts renditions (rungs), not jobs: one decode-once job encodes several. Falls back to the
 * event's job counts when the batch's jobs are not known here.
 */
export function batchFinishedToast(
  fileName: string | null,
  tally: BatchFinishedTally,
  jobs: readonly Pick<Job, 'status' | 'rungIds'>[],
): Omit<Toast, 'id'> {
  let { done, failed, canceled } = tally;
  if (jobs.length > 0) {
    const rungs = (pick: (s: Job['status']) => boolean): number =>
      jobs.filter((j) => pick(j.status)).reduce((n, j) => n + Math.max(1, j.rungIds.length), 0);
    done = rungs((s) => s === 'done');
    failed = rungs((s) => s === 'failed' || s === 'interrupted');
    canceled = rungs((s) => s === 'canceled');
  }
  const name = fileName ?? 'the source';
  if (done === 0 && failed === 0) {
    return { kind: 'info', title: `Canceled ${renditions(canceled)} of ${name}` };
  }
  const title = `Encoded ${renditions(done)} of ${name} — ${failed} failed`;
  return {
    kind: failed > 0 ? 'error' : 'info',
    title: canceled > 0 ? `${title}, ${canceled} canceled` : title,
    message: failed > 0 ? 'The Queue shows why each failed job stopped.' : undefined,
  };
}
