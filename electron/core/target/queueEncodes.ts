/**
 * Target-quality work on the shared queue's workers (issue 16 on issue 14): a per-shot encode's
 * streams — every shot at each height and CRF — queued as one batch of one-rung jobs whose title
 * is split at the shots (`Batch.chunkStarts`), so the workers encode the shots in parallel and
 * join each stream, exactly as the queue runs any chunked encode: each job shows in the Queue with
 * its workers and progress, a cancel stops it there, and every output is checked (size, SHA-256,
 * probe) before it is listed. The streams stay listed as the batch's renditions, to compare.
 */
import { VqError } from '../../../shared/errors';
import type { Ladder } from '../../../shared/ladder';
import type { Job } from '../../../shared/queue';
import type { EncodeService } from '../encode/encodeService';
import type { EventHub } from '../events';
import type { JobQueue } from '../queue/jobQueue';
import type { JobStore } from '../queue/jobStore';

/** Encodes rungs of a source on the workers (see the file comment). */
export interface QueueEncodes {
  /**
   * Queues `ladder` on the source, each rung one job split at `chunkStarts`, and waits for every
   * job. Resolves to each rung's file by rung id. The first job that fails cancels the others and
   * is the error; an abort of `signal` cancels the batch.
   */
  encode(o: {
    sourceId: string;
    ladder: Ladder;
    chunkStarts: number[];
    outDir: string;
    /** Replace stream files already there (else the batch is refused, naming them). */
    overwrite: boolean;
    signal?: AbortSignal;
    /** Called as jobs end: how many of all. */
    onJobs?: (ended: number, total: number) => void;
  }): Promise<Map<string, string>>;
}

const ENDED: ReadonlySet<Job['status']> = new Set(['done', 'failed', 'canceled', 'interrupted']);

/** The {@link QueueEncodes} of an app whose encodes go to the shared queue. */
export function queueEncodes(deps: {
  encode: Pick<EncodeService, 'start'>;
  jobs: Pick<JobStore, 'listJobs'>;
  queue: Pick<JobQueue, 'cancelAll'>;
  events: Pick<EventHub, 'subscribe'>;
}): QueueEncodes {
  return {
    async encode(o) {
      if (o.signal?.aborted) throw new VqError('CANCELED', 'Canceled.');
      const { batch } = await deps.encode.start({
        sourceId: o.sourceId,
        ladder: o.ladder,
        outDir: o.outDir,
        overwrite: o.overwrite,
        chunkStarts: o.chunkStarts,
      });
      const jobs = await new Promise<Job[]>((resolve, reject) => {
        let settled = false;
        let seen = -1;
        const finish = (done: () => void): void => {
          if (settled) return;
          settled = true;
          off();
          o.signal?.removeEventListener('abort', onAbort);
          done();
        };
        const cancel = (why: string): void =>
          void deps.queue.cancelAll(batch.id, why).catch(() => undefined);
        // Every job's end is looked at; the first failure cancels the rest (they would be encoded
        // for nothing) and is the answer.
        const look = (): void => {
          if (settled) return;
          const now = deps.jobs.listJobs({ batchId: batch.id });
          const ended = now.filter((j) => ENDED.has(j.status));
          if (ended.length !== seen) o.onJobs?.((seen = ended.length), now.length);
          const bad = ended.find((j) => j.status !== 'done');
          if (bad) {
            if (ended.length < now.length) cancel('Another stream of this per-shot encode failed.');
            return finish(() => reject(failure(bad)));
          }
          if (ended.length === now.length) finish(() => resolve(now));
        };
        const onAbort = (): void => {
          cancel('The per-shot encode was canceled.');
          finish(() => reject(new VqError('CANCELED', 'Canceled.')));
        };
        const off = deps.events.subscribe((e) => {
          if (
            (e.type === 'job.updated' && e.job.batchId === batch.id && ENDED.has(e.job.status)) ||
            (e.type === 'batch.finished' && e.batchId === batch.id)
          )
            look();
        });
        o.signal?.addEventListener('abort', onAbort, { once: true });
        // An abort while the batch was being queued, or jobs that ended before this listened.
        if (o.signal?.aborted) onAbort();
        else look();
      });
      const files = new Map<string, string>();
      for (const j of jobs)
        if (j.plan.kind === 'encode')
          for (const out of j.plan.outputs) files.set(out.rungId, out.path);
      return files;
    },
  };
}

/** What a job that did not finish says, for the per-shot encode's error. */
function failure(j: Job): VqError {
  return new VqError(
    'FFMPEG_FAILED',
    `Encoding rung ${j.rungIds.join(', ')} on the workers ended ${j.status}: ${j.error ?? 'no reason given'}`,
    'The Queue shows the job, its workers and their commands.',
  );
}
