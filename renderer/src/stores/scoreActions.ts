/** Score requests started by the person: queue a score, delete a stored score, export scores. */
import type { VqArgs, VqClient, VqResults } from '../../../shared/api';
import type { Job } from '../../../shared/queue';
import { pushToast } from './appStore';
import { failureOf, type Failure } from './failureOf';
import { rememberScoreJob } from './scoresStore';

/** Queues a score job; resolves the job, or what went wrong. */
export async function startScore(
  client: VqClient,
  request: VqArgs<'score.start'>,
): Promise<{ job: Job } | { failure: Failure }> {
  try {
    const { job } = await client.call('score.start', request);
    rememberScoreJob(job.id);
    return { job };
  } catch (err) {
    return { failure: failureOf(err) };
  }
}

/** Deletes a stored score (the files scored stay); failures become a toast. */
export async function deleteScore(client: VqClient, resultId: string): Promise<boolean> {
  try {
    await client.call('scores.delete', { resultId });
    return true;
  } catch (err) {
    const f = failureOf(err);
    pushToast({
      kind: 'error',
      title: 'Could not delete the score',
      message: f.message,
      hint: f.hint,
    });
    return false;
  }
}

/**
 * The per-frame values of stored scores as a CSV or JSON file for the view to offer as a download;
 * null when that failed (then a toast says why).
 */
export async function exportScores(
  client: VqClient,
  resultIds: string[],
  format: 'csv' | 'json',
): Promise<VqResults['scores.export'] | null> {
  try {
    return await client.call('scores.export', { resultIds, format });
  } catch (err) {
    const f = failureOf(err);
    pushToast({
      kind: 'error',
      title: 'Could not export the scores',
      message: f.message,
      hint: f.hint,
    });
    return null;
  }
}
