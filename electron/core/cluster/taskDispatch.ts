/**
 * How the app hands a job to the shared queue and looks at it afterwards, for the shapes a job
 * takes there: one task (a whole encode), or a BullMQ flow (the chunks of a title as children of
 * their join, which BullMQ starts once every chunk is done; a whole encode as the child of the
 * score of its outputs). All answer "where is it now" in the same words, so the executor follows
 * any of them the same way.
 */
import {
  FlowProducer,
  type Job as BullJob,
  type JobState,
  type JobsOptions,
  type Queue,
} from 'bullmq';
import { WORKER_NAME_PATTERN } from '../../../shared/workers';
import { QUEUE_PREFIX, TaskProgressSchema, cancelKey } from './encodeTask';
import { SCORE_TASK_NAME } from './scoreTask';
import { chunkTaskId, joinTaskId } from './taskIds';
import type { ChunkRange } from '../encode/chunks/chunkPlan';
import type { SharedQueue } from './sharedQueue';

/** How long a finished task stays in Redis (for `vq workers` and people looking with BullMQ tools). */
export const KEEP_SECONDS = 24 * 3600;

/** Where a dispatched job is. */
export type Look =
  | { state: 'missing' }
  | { state: 'waiting'; progress: Progress | null; workers: string[] }
  | { state: 'active'; progress: Progress | null; workers: string[] }
  | { state: 'completed'; value: unknown }
  | { state: 'failed'; reason: string };

/** Progress of a whole job. */
export interface Progress {
  fraction: number | null;
  fps: number | null;
  speed: number | null;
}

/** A job in the shared queue, as the executor follows it. */
export interface Dispatch {
  /** Sends it (again, after Redis lost it: same ids, so a copy still there is not doubled). */
  send(): Promise<void>;
  look(): Promise<Look>;
  /** Asks whoever runs its tasks to stop, and takes the ones not started out of the queue. */
  cancel(): Promise<void>;
}

/** How every task is added: one attempt (the app decides retries), kept a day once finished. */
export const taskOptions = (jobId: string): JobsOptions => ({
  jobId,
  attempts: 1,
  removeOnComplete: { age: KEEP_SECONDS },
  removeOnFail: { age: KEEP_SECONDS },
});

/** A task's progress as its worker reported it, when it is one. */
export function progressOf(job: BullJob): Progress | null {
  const p = TaskProgressSchema.safeParse(job.progress);
  return p.success ? p.data : null;
}

/**
 * A task and its state, the state read first: a task read just before it completes has no value
 * yet, so reading it once its state says "completed" is what makes the value sure to be there.
 * Null when it is not in the lane.
 */
export async function readTask(
  q: Queue,
  id: string,
): Promise<{ job: BullJob; state: JobState } | null> {
  const state = await q.getJobState(id);
  if (state === 'unknown') return null;
  const job = await q.getJob(id);
  return job ? { job, state } : null;
}

/** BullMQ states of a task not taken yet. */
export const WAITING = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/** One task: a whole encode job in the lane of its encoders. */
export function wholeTask(
  shared: SharedQueue,
  lane: string,
  taskId: string,
  data: unknown,
): Dispatch {
  return {
    send: async () => {
      await (await shared.announce(lane)).add('encode', data, taskOptions(taskId));
    },
    look: async () => {
      const read = await readTask(shared.lane(lane), taskId);
      if (!read) return { state: 'missing' };
      const { job, state } = read;
      if (state === 'completed') return { state, value: job.returnvalue };
      if (state === 'failed') return { state, reason: reasonOf(job) };
      if (state === 'active')
        return {
          state,
          progress: progressOf(job),
          workers: workerOf(job),
        };
      if (WAITING.has(state)) return { state: 'waiting', progress: null, workers: [] };
      return { state: 'missing' };
    },
    cancel: async () => {
      await cancelRuns(shared, [taskId]);
      const job = await shared.lane(lane).getJob(taskId);
      await job?.remove().catch(() => {}); // refused while a worker holds it: the key stops it
    },
  };
}

/** A task in a lane. */
export interface LaneTask {
  lane: string;
  taskId: string;
  data: unknown;
}

/**
 * A whole encode with the score of its outputs above it in a BullMQ flow: BullMQ starts the score
 * task once the encode task is done (on whichever worker takes it), and fails it when the encode
 * fails. Looked at and canceled as the encode; the score job follows the score task itself.
 */
export function encodeThenScore(shared: SharedQueue, encode: LaneTask, score: LaneTask): Dispatch {
  const alone = wholeTask(shared, encode.lane, encode.taskId, encode.data);
  return {
    send: async () => {
      await shared.announce(encode.lane);
      await shared.announce(score.lane);
      const flow = new FlowProducer({ connection: shared.redis, prefix: QUEUE_PREFIX });
      try {
        await flow.add({
          name: SCORE_TASK_NAME,
          queueName: score.lane,
          data: score.data,
          opts: taskOptions(score.taskId),
          children: [
            {
              name: 'encode',
              queueName: encode.lane,
              data: encode.data,
              opts: { ...taskOptions(encode.taskId), failParentOnFailure: true },
            },
          ],
        });
      } finally {
        await flow.close();
      }
    },
    look: alone.look,
    cancel: async () => {
      // The score task's run is the encode run: this key stops both wherever they run.
      await cancelRuns(shared, [encode.taskId]);
      // The parent first, with its child: removing a waiting child alone would start the parent.
      await (
        await shared.lane(score.lane).getJob(score.taskId)
      )
        ?.remove({ removeChildren: true })
        .catch(() => {});
      await alone.cancel();
    },
  };
}

/** Stops a task wherever it runs and takes it out of its lane (a flow parent not wanted any more). */
export async function removeTask(shared: SharedQueue, task: Omit<LaneTask, 'data'>): Promise<void> {
  await cancelRuns(shared, [task.taskId]);
  await (await shared.lane(task.lane).getJob(task.taskId))?.remove().catch(() => {});
}

/**
 * A chunked title: a flow whose children encode the chunks and whose parent joins them, all in the
 * lane of the encoders (the join plans the rung like the chunks do). A failed chunk fails the join
 * at once.
 */
export function chunkedFlow(
  shared: SharedQueue,
  lane: string,
  taskId: string,
  ranges: readonly ChunkRange[],
  facts: Record<string, unknown>,
): Dispatch {
  const joinId = joinTaskId(taskId);
  const chunkIds = ranges.map((r) => chunkTaskId(taskId, r.index));
  const frames = ranges.reduce((n, r) => n + (r.end - r.start), 0);
  return {
    send: async () => {
      await shared.announce(lane);
      const flow = new FlowProducer({ connection: shared.redis, prefix: QUEUE_PREFIX });
      try {
        await flow.add({
          name: 'join',
          queueName: lane,
          data: { ...facts, kind: 'join', ranges },
          opts: taskOptions(joinId),
          children: ranges.map((range, i) => ({
            name: 'chunk',
            queueName: lane,
            data: { ...facts, kind: 'chunk', range },
            opts: { ...taskOptions(chunkIds[i]!), failParentOnFailure: true },
          })),
        });
      } finally {
        await flow.close();
      }
    },
    look: async () => {
      const q = shared.lane(lane);
      const read = await readTask(q, joinId);
      if (!read) return { state: 'missing' };
      const { job: join, state } = read;
      if (state === 'completed') return { state, value: join.returnvalue };
      if (state === 'failed')
        return { state, reason: await flowFailure(shared, lane, chunkIds, join) };
      // Progress of the title: the share of its frames encoded, the join the last 2 %.
      let doneFrames = 0;
      let fps = 0;
      const workers = new Set<string>();
      for (const [i, id] of chunkIds.entries()) {
        const read = await readTask(q, id);
        if (!read) continue;
        const { job: chunk, state: s } = read;
        const length = ranges[i]!.end - ranges[i]!.start;
        if (s === 'completed') doneFrames += length;
        else if (s === 'active') {
          const p = progressOf(chunk);
          doneFrames += (p?.fraction ?? 0) * length;
          fps += p?.fps ?? 0;
          for (const w of workerOf(chunk)) workers.add(w);
        }
      }
      const joining = state === 'active';
      if (joining) for (const w of workerOf(join)) workers.add(w);
      const fraction = joining ? 0.98 : (0.98 * doneFrames) / Math.max(1, frames);
      const progress = { fraction, fps: fps || null, speed: null };
      return {
        state: workers.size > 0 ? 'active' : 'waiting',
        progress,
        workers: [...workers].sort(),
      };
    },
    cancel: async () => {
      // Every task of the run hears it (workers look for their run's key too).
      await cancelRuns(shared, [taskId]);
      const q = shared.lane(lane);
      // The join first, with its children: removing the last waiting child would start it.
      await (await q.getJob(joinId))?.remove({ removeChildren: true }).catch(() => {});
      for (const id of chunkIds) await (await q.getJob(id))?.remove().catch(() => {});
    },
  };
}

/** Why a flow failed: the first failed chunk's reason, which says more than the join's. */
async function flowFailure(
  shared: SharedQueue,
  lane: string,
  chunkIds: readonly string[],
  join: BullJob,
): Promise<string> {
  const q = shared.lane(lane);
  for (const id of chunkIds) {
    const chunk = await readTask(q, id);
    if (chunk?.state === 'failed') return reasonOf(chunk.job);
  }
  return reasonOf(join);
}

/**
 * Tells every worker running a task of these runs to stop it (workers look for their task's and
 * their run's key while they work). Not awaited by callers that must not wait for Redis.
 */
export async function cancelRuns(shared: SharedQueue, runIds: readonly string[]): Promise<void> {
  if (runIds.length === 0) return;
  const multi = shared.redis.multi();
  for (const id of runIds) multi.set(cancelKey(id), '1', 'EX', KEEP_SECONDS);
  await multi.exec();
}

/**
 * Why a task failed, as its worker said it, fit to show: one paragraph of printable text, at most
 * 2,000 characters (Redis may hold anything).
 */
export function reasonOf(job: BullJob): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is taken out
  const text = (job.failedReason ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  return text ? text.slice(0, 2_000) : 'The worker gave no reason.';
}

/** The worker holding a task, when its name is a worker's name. */
export function workerOf(job: BullJob): string[] {
  return job.processedBy && WORKER_NAME_PATTERN.test(job.processedBy) ? [job.processedBy] : [];
}
