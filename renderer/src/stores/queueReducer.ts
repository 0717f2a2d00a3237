/**
 * The queue as a pure reducer over a snapshot and the event stream, like the library's: events
 * that arrive before the snapshot wait in `pending`; afterwards only events newer than `seq`
 * apply, so a replayed event changes nothing. Live progress is kept per running job and dropped
 * when the job leaves `running`.
 */
import type { VqEvent } from '../../../shared/api';
import type {
  Batch,
  ConcurrencyInfo,
  Job,
  JobProgress,
  QueueSnapshot,
  Rendition,
} from '../../../shared/queue';

/** The queue as the renderer knows it. */
export interface QueueData {
  batches: Batch[];
  jobs: Job[];
  /** Newest first. */
  renditions: Rendition[];
  /** Latest progress of each running job, by job id. */
  progress: Record<string, JobProgress>;
  concurrency: ConcurrencyInfo | null;
  /** True while the queue is paused: no new job starts. */
  paused: boolean;
  /** The seq the data is current to; null while waiting for a snapshot. */
  seq: number | null;
  /** Events received while waiting for a snapshot. */
  pending: VqEvent[];
}

/** Before the first snapshot. */
export const initialQueueData: QueueData = {
  batches: [],
  jobs: [],
  renditions: [],
  progress: {},
  concurrency: null,
  paused: false,
  seq: null,
  pending: [],
};

function upsert<T extends { id: string }>(list: T[], item: T, atStart = false): T[] {
  const at = list.findIndex((x) => x.id === item.id);
  if (at === -1) return atStart ? [item, ...list] : [...list, item];
  const next = list.slice();
  next[at] = item;
  return next;
}

function withoutKey<V>(record: Record<string, V>, key: string): Record<string, V> {
  if (!(key in record)) return record;
  const next = { ...record };
  delete next[key];
  return next;
}

/** Jobs sorted by their place in the queue, as the snapshot lists them (a move changes places). */
function inQueueOrder(jobs: Job[]): Job[] {
  for (let i = 1; i < jobs.length; i++) {
    if (jobs[i - 1]!.queueOrder > jobs[i]!.queueOrder)
      return jobs.slice().sort((a, b) => a.queueOrder - b.queueOrder);
  }
  return jobs;
}

type Contents = Omit<QueueData, 'seq' | 'pending'>;

function applyToContents(d: Contents, event: VqEvent): Contents {
  switch (event.type) {
    case 'batch.added':
      return { ...d, batches: upsert(d.batches, event.batch) };
    case 'batch.removed': {
      const gone = new Set(d.jobs.filter((j) => j.batchId === event.batchId).map((j) => j.id));
      return {
        ...d,
        batches: d.batches.filter((b) => b.id !== event.batchId),
        jobs: d.jobs.filter((j) => !gone.has(j.id)),
        progress: Object.fromEntries(Object.entries(d.progress).filter(([id]) => !gone.has(id))),
        // Its renditions stay, without the batch and job (the database sets both to NULL).
        renditions: d.renditions.some((r) => r.batchId === event.batchId)
          ? d.renditions.map((r) =>
              r.batchId === event.batchId ? { ...r, batchId: null, jobId: null } : r,
            )
          : d.renditions,
      };
    }
    case 'queue.paused':
      return { ...d, paused: event.paused };
    case 'job.updated':
      return {
        ...d,
        jobs: inQueueOrder(upsert(d.jobs, event.job)),
        progress:
          event.job.status === 'running' ? d.progress : withoutKey(d.progress, event.job.id),
      };
    case 'job.progress': {
      const job = d.jobs.find((j) => j.id === event.jobId);
      // Progress that trails the job's end (events are throttled) must not resurrect a bar.
      if (job && job.status !== 'running') return d;
      const { jobId, batchId, fraction, fps, speed, etaSeconds } = event;
      const waiting = typeof event.waiting === 'string' ? { waiting: event.waiting } : {};
      return {
        ...d,
        progress: {
          ...d.progress,
          [jobId]: { jobId, batchId, fraction, fps, speed, etaSeconds, ...waiting },
        },
      };
    }
    case 'rendition.added':
      return { ...d, renditions: upsert(d.renditions, event.rendition, true) };
    case 'rendition.removed':
      return { ...d, renditions: d.renditions.filter((r) => r.id !== event.id) };
    case 'settings.changed':
      return d.concurrency
        ? {
            ...d,
            concurrency: {
              ...d.concurrency,
              setting: event.settings.concurrency,
              effective: event.settings.concurrency ?? d.concurrency.auto,
            },
          }
        : d;
    default:
      return d;
  }
}

/** Applies one event: buffered while no snapshot, ignored when not newer than `seq`. */
export function applyQueueEvent(data: QueueData, event: VqEvent): QueueData {
  if (data.seq === null) return { ...data, pending: [...data.pending, event] };
  if (event.seq <= data.seq) return data;
  const { seq: _seq, pending, ...contents } = data;
  return { ...applyToContents(contents, event), seq: event.seq, pending };
}

/** Replaces the data with a snapshot, then applies the buffered events newer than it. */
export function applyQueueSnapshot(data: QueueData, snapshot: QueueSnapshot): QueueData {
  const newer = data.pending.filter((e) => e.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
  let next: QueueData = {
    batches: snapshot.batches,
    jobs: snapshot.jobs,
    renditions: snapshot.renditions,
    progress: {},
    concurrency: snapshot.concurrency,
    paused: snapshot.paused,
    seq: snapshot.seq,
    pending: [],
  };
  for (const event of newer) next = applyQueueEvent(next, event);
  return next;
}

/** Starts waiting for a fresh snapshot after a reconnect; the old data stays visible meanwhile. */
export function awaitQueueSnapshot(data: QueueData): QueueData {
  return { ...data, seq: null, pending: [] };
}
