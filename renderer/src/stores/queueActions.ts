/**
 * Queue requests started by the person: cancel, cancel all, retry, re-run a rung, pause, move,
 * clear finished. Failures become toasts.
 */
import type { VqClient } from '../../../shared/api';
import { pushToast } from './appStore';
import { failureOf } from './failureOf';

async function attempt(title: string, run: () => Promise<unknown>): Promise<boolean> {
  try {
    await run();
    return true;
  } catch (err) {
    const f = failureOf(err);
    pushToast({ kind: 'error', title, message: f.message, hint: f.hint });
    return false;
  }
}

/** Cancels one job (a running one is killed and its partial output deleted). */
export function cancelJob(client: VqClient, jobId: string): Promise<boolean> {
  return attempt('Could not cancel the job', () => client.call('queue.cancel', { jobId }));
}

/** Cancels every queued and running job, of one batch when given. */
export function cancelAll(client: VqClient, batchId?: string): Promise<boolean> {
  return attempt('Could not cancel', () =>
    client.call('queue.cancelAll', batchId ? { batchId } : {}),
  );
}

/** Queues a failed, canceled or interrupted job again. */
export function retryJob(client: VqClient, jobId: string): Promise<boolean> {
  return attempt('Could not retry the job', () => client.call('queue.retry', { jobId }));
}

/** Encodes one rung of a batch again, as a new job. */
export function rerunRung(client: VqClient, batchId: string, rungId: string): Promise<boolean> {
  return attempt(`Could not re-run ${rungId}`, () =>
    client.call('queue.rerunRung', { batchId, rungId }),
  );
}

/** Pauses the queue (no new job starts; running ones finish) or resumes it. */
export function pauseQueue(client: VqClient, paused: boolean): Promise<boolean> {
  return attempt(paused ? 'Could not pause the queue' : 'Could not resume the queue', () =>
    client.call('queue.pause', { paused }),
  );
}

/** Moves a queued job one place earlier or later, or to the front of the queue. */
export function moveJob(
  client: VqClient,
  jobId: string,
  to: 'up' | 'down' | 'first',
): Promise<boolean> {
  return attempt('Could not move the job', () => client.call('queue.move', { jobId, to }));
}

/** Puts the queued jobs of a batch before every other queued job. */
export function runBatchNext(client: VqClient, batchId: string): Promise<boolean> {
  return attempt('Could not move the batch', () => client.call('queue.runBatchNext', { batchId }));
}

/** Removes the finished batches from the queue (their renditions and scores stay). */
export function clearFinished(client: VqClient): Promise<boolean> {
  return attempt('Could not clear finished batches', () => client.call('queue.clearFinished', {}));
}
