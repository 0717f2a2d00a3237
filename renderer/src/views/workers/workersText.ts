/**
 * The words of the Workers view: how long ago a worker was heard from, whether it is late, and its
 * encoders and libvmaf summed up over its ffmpeg builds.
 */
import { WORKER_HEARTBEAT_MS, type ListedWorker } from '../../../../shared/workers';

/**
 * A worker silent for longer than this is marked late: two of the default five-second heartbeats
 * missed (after three its record expires and it leaves the list).
 */
export const LATE_AFTER_MS = 2 * WORKER_HEARTBEAT_MS;

/** True when the worker has been silent for more than {@link LATE_AFTER_MS}. */
export function isLate(silentMs: number): boolean {
  return silentMs > LATE_AFTER_MS;
}

/** "0.3 s ago", "12 s ago", "3 min 5 s ago", "2 h 4 min ago". */
export function lastHeardText(silentMs: number): string {
  const ms = Math.max(0, silentMs);
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s ago`;
  const s = Math.floor(ms / 1000);
  if (s < 60) return `${s} s ago`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min ${s % 60} s ago`;
  return `${Math.floor(min / 60)} h ${min % 60} min ago`;
}

/** "2 at once" with its threads per job when set: "2 at once × 4 threads". */
export function concurrencyText(worker: Pick<ListedWorker, 'concurrency' | 'threads'>): string {
  const threads =
    worker.threads === null ? '' : ` × ${worker.threads} thread${worker.threads === 1 ? '' : 's'}`;
  return `${worker.concurrency} at once${threads}`;
}

/**
 * The Redis address for a `vq worker --redis` line from the address the app shows, whose password
 * is masked (`redis://:***@host:6379/0`): the mask becomes a PASSWORD placeholder to fill in.
 */
export function redisForCommand(display: string): string {
  return display.replace(/:\*\*\*@/, ':PASSWORD@');
}
