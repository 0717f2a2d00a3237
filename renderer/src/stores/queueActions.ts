/** Queue requests started by the person: cancel, cancel all, retry, re-run a rung. Failures become toasts. */
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
