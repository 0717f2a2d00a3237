/**
 * How the app hands a job to the shared queue and looks at it afterwards, for the two shapes a job
 * takes there: one task (a whole encode), or a BullMQ flow (the chunks of a title as children of
 * their join, which BullMQ starts once every chunk is done). Both answer "where is it now" in the
 * same words, so the executor follows either the same way.
 */
import { FlowProducer, type Job as BullJob, type JobsOptions } from 'bullmq';
import {
  JOIN_LANE,
  QUEUE_PREFIX,
  TaskProgressSchema,
  cancelKey,
  chunkTaskId,
  joinTaskId,
} from './encodeTask';
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
      await (await shared.lane(lane)).add('encode', data, taskOptions(taskId));
    },
    look: async () => {
      const job = await (await shared.lane(lane)).getJob(taskId);
      if (!job) return { state: 'missing' };
      const state = await job.getState();
      if (state === 'completed') return { state, value: job.returnvalue };
      if (state === 'failed')
        return { state, reason: job.failedReason || 'The worker gave no reason.' };
      if (state === 'active')
        return {
          state,
          progress: progressOf(job),
          workers: job.processedBy ? [job.processedBy] : [],
        };
      if (WAITING.has(state)) return { state: 'waiting', progress: null, workers: [] };
      return { state: 'missing' };
    },
    cancel: async () => {
      await shared.redis.set(cancelKey(taskId), '1', 'EX', KEEP_SECONDS);
      const job = await (await shared.lane(lane)).getJob(taskId);
      await job?.remove().catch(() => {}); // refused while a worker holds it: the key stops it
    },
  };
}

/**
 * A chunked title: a flow whose children encode the chunks (in the lane of the encoders) and whose
 * parent joins them (in the join lane, any worker). A failed chunk fails the join at once.
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
      await shared.lane(lane);
      await shared.lane(JOIN_LANE);
      const flow = new FlowProducer({ connection: shared.redis, prefix: QUEUE_PREFIX });
      try {
        await flow.add({
          name: 'join',
          queueName: JOIN_LANE,
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
      const join = await (await shared.lane(JOIN_LANE)).getJob(joinId);
      if (!join) return { state: 'missing' };
      const state = await join.getState();
      if (state === 'completed') return { state, value: join.returnvalue };
      if (state === 'failed')
        return { state, reason: await flowFailure(shared, lane, chunkIds, join) };
      // Progress of the title: the share of its frames encoded, the join the last 2 %.
      const q = await shared.lane(lane);
      let doneFrames = 0;
      let fps = 0;
      const workers = new Set<string>();
      for (const [i, id] of chunkIds.entries()) {
        const chunk = await q.getJob(id);
        if (!chunk) continue;
        const length = ranges[i]!.end - ranges[i]!.start;
        const s = await chunk.getState();
        if (s === 'completed') doneFrames += length;
        else if (s === 'active') {
          const p = progressOf(chunk);
          doneFrames += (p?.fraction ?? 0) * length;
          fps += p?.fps ?? 0;
          if (chunk.processedBy) workers.add(chunk.processedBy);
        }
      }
      const joining = state === 'active';
      if (joining && join.processedBy) workers.add(join.processedBy);
      const fraction = joining ? 0.98 : (0.98 * doneFrames) / Math.max(1, frames);
      const progress = { fraction, fps: fps || null, speed: null };
      return {
        state: workers.size > 0 ? 'active' : 'waiting',
        progress,
        workers: [...workers].sort(),
      };
    },
    cancel: async () => {
      const multi = shared.redis.multi();
      for (const id of [joinId, ...chunkIds]) multi.set(cancelKey(id), '1', 'EX', KEEP_SECONDS);
      await multi.exec();
      const q = await shared.lane(lane);
      for (const id of chunkIds) await (await q.getJob(id))?.remove().catch(() => {});
      await (
        await (await shared.lane(JOIN_LANE)).getJob(joinId)
      )
        ?.remove({ removeChildren: true })
        .catch(() => {});
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
  const q = await shared.lane(lane);
  for (const id of chunkIds) {
    const chunk = await q.getJob(id);
    if (chunk && (await chunk.getState()) === 'failed') return chunk.failedReason;
  }
  return join.failedReason || 'The worker gave no reason.';
}
