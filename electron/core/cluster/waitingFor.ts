/**
 * What a job sent to the shared queue and not taken yet is waiting for, in words for the Queue
 * view: no worker at all, no worker whose ffmpeg can run it (with each one's reasons), or a free
 * one among those that can. Read from the workers' records and the lane's name alone (the lane
 * says what the job needs of an ffmpeg), as a worker decides whether to take it.
 */
import { canRun, type JobNeeds, type WorkerListing } from '../../../shared/workers';
import { laneNeeds } from './encodeTask';
import { scoreLaneNeeds } from './scoreTask';
import type { SharedQueue } from './sharedQueue';
import { listWorkers } from './workerRegistry';

/** What a job in `lane` needs of the ffmpeg that runs it; null for a name that is not a lane. */
export function needsOfLane(lane: string): JobNeeds | null {
  return laneNeeds(lane) ?? scoreLaneNeeds(lane);
}

/** At most this many workers are named in one text. */
const NAMED = 4;

/** Why a job waiting in `lane` has not been taken, given the workers registered now. */
export function waitingText(lane: string, listing: WorkerListing): string {
  const { workers } = listing;
  if (workers.length === 0) {
    return 'Waiting for a worker: none is running. Start one with `vq worker` on a machine that reaches this Redis.';
  }
  const needs = needsOfLane(lane);
  const verdicts = workers.map((w) => ({ w, v: needs ? canRun(w, needs) : null }));
  const able = verdicts.filter((x) => x.v?.ok);
  if (able.length === 0) {
    const why = verdicts
      .slice(0, NAMED)
      .map(
        ({ w, v }) => `${w.name}: ${v && !v.ok ? v.reasons.join('; ') : 'cannot read the lane'}`,
      );
    const more = workers.length > NAMED ? `; and ${workers.length - NAMED} more` : '';
    return `Waiting for a worker that can run it (${lane}): ${why.join(' — ')}${more}.`;
  }
  const names = able.slice(0, NAMED).map((x) => x.w.name);
  const more = able.length > NAMED ? ` and ${able.length - NAMED} more` : '';
  return `Waiting for a free worker: ${names.join(', ')}${more} can run it.`;
}

/** What a job waiting in `lane` of `shared` waits for, from the workers registered there now. */
export async function whyWaiting(shared: SharedQueue, lane: string): Promise<string> {
  return waitingText(lane, await listWorkers(shared.redis));
}
