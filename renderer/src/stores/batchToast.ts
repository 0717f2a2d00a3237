/**
 * The toast a browser shows when a batch finishes: "Encoded 4 renditions of clip.mp4 — 0 failed",
 * or for a batch of score jobs "Scored 2 videos against clip.mp4".
 */
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

function videos(n: number): string {
  return n === 1 ? '1 video' : `${n} videos`;
}

/** The toast for a finished batch of score jobs; counts videos scored (a job may score several). */
export function scoreBatchFinishedToast(
  fileName: string | null,
  jobs: readonly Pick<Job, 'status' | 'plan'>[],
): Omit<Toast, 'id'> {
  const count = (pick: (s: Job['status']) => boolean): number =>
    jobs
      .filter((j) => pick(j.status))
      .reduce((n, j) => n + (j.plan.kind === 'score' ? Math.max(1, j.plan.targets.length) : 1), 0);
  const done = count((s) => s === 'done');
  const failed = count((s) => s === 'failed' || s === 'interrupted');
  const canceled = count((s) => s === 'canceled');
  const name = fileName ?? 'the source';
  if (done === 0 && failed === 0) {
    return { kind: 'info', title: `Canceled scoring ${videos(canceled)} against ${name}` };
  }
  if (failed > 0) {
    return {
      kind: 'error',
      title: `Scoring against ${name}: ${done} done, ${failed} failed`,
      message: 'The Queue shows why each failed job stopped.',
    };
  }
  return {
    kind: 'info',
    title: `Scored ${videos(done)} against ${name}`,
    message: 'The scores are in the Library, below the sources.',
  };
}
