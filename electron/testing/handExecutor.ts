/**
 * Test helper: a JobExecutor whose runs the test ends by hand, for tests of the queue's
 * bookkeeping (not of ffmpeg).
 */
import type { Job } from '../../shared/queue';
import type { JobExecutor, JobOutcome } from '../core/queue/jobQueue';

/** Records what it was asked to run; each run ends when the test calls {@link finish}. */
export class HandExecutor implements JobExecutor {
  readonly started: string[] = [];
  private readonly pending = new Map<string, (o: JobOutcome) => void>();

  run(j: Job): Promise<JobOutcome> {
    this.started.push(j.id);
    return new Promise((resolve) => this.pending.set(j.id, resolve));
  }

  removeLeftovers(): void {}

  async finish(id: string, status: 'done' | 'canceled' = 'done'): Promise<void> {
    const resolve = this.pending.get(id);
    if (!resolve) throw new Error(`${id} is not running`);
    this.pending.delete(id);
    resolve(
      status === 'done'
        ? { status, stderrTail: null, encodeSeconds: 1 }
        : { status, error: 'Canceled.', stderrTail: null, encodeSeconds: 1 },
    );
    // The queue saves the outcome and starts the next job in the promise chain of the run, with no
    // I/O of its own (SQLite is synchronous): one macrotask turn lets every queued step finish.
    await new Promise((r) => setImmediate(r));
  }
}
