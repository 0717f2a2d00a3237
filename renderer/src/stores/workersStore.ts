/**
 * The workers of the shared queue as the Workers view shows them: `workers.list` read every two
 * seconds while the view is open (workers write their records to Redis, which sends no events).
 * A failed read keeps the last listing and says why; a read that lands after the view closed is
 * dropped.
 */
import { create } from 'zustand';
import type { VqClient } from '../../../shared/api';
import type { WorkersStatus } from '../../../shared/workers';
import { messageOf } from './messageOf';

/** How often the open Workers view reads the workers again. */
export const WORKERS_POLL_MS = 2_000;

/** What the workers store holds. */
export interface WorkersState {
  /** The last status read; null before the first read lands. */
  status: WorkersStatus | null;
  /** When it was read (epoch ms, this computer's clock); null before the first read. */
  readAt: number | null;
  /** Why the last call failed (the app could not be asked); null after a good read. */
  error: string | null;
}

/** Before the first read. */
export const initialWorkersState: WorkersState = { status: null, readAt: null, error: null };

/** The zustand store of the workers. */
export const useWorkersStore = create<WorkersState>()(() => initialWorkersState);

/**
 * Reads `workers.list` now and then every `intervalMs` after each answer (so slow answers never
 * pile up), until the returned function is called; an answer that lands after that is dropped.
 */
export function pollWorkers(
  client: Pick<VqClient, 'call'>,
  intervalMs = WORKERS_POLL_MS,
): () => void {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const round = async (): Promise<void> => {
    // A hidden window asks nothing (each read opens a connection to Redis); it reads on its next
    // round once it is shown again.
    if (typeof document !== 'undefined' && document.hidden) {
      timer = setTimeout(() => void round(), intervalMs);
      return;
    }
    try {
      const status = await client.call('workers.list', {});
      if (stopped) return;
      useWorkersStore.setState({ status, readAt: Date.now(), error: null });
    } catch (err) {
      if (stopped) return;
      useWorkersStore.setState({ error: messageOf(err) });
    }
    timer = setTimeout(() => void round(), intervalMs);
  };
  void round();
  return () => {
    stopped = true;
    if (timer !== null) clearTimeout(timer);
  };
}
