/** The batch queue: batches, jobs, renditions and live progress (via the reducer). */
import { create } from 'zustand';
import type { VqClient, VqEvent } from '../../../shared/api';
import type { QueueSnapshot } from '../../../shared/queue';
import { messageOf } from './messageOf';
import {
  applyQueueEvent,
  applyQueueSnapshot,
  awaitQueueSnapshot,
  initialQueueData,
  type QueueData,
} from './queueReducer';

/** What the queue store holds. */
export interface QueueState {
  data: QueueData;
  /** True until the first snapshot has arrived. */
  loading: boolean;
  /** Set when the snapshot could not be fetched. */
  loadError: string | null;
  /** The batch this window started last; the Queue view brings it into sight. */
  focusBatchId: string | null;
}

/** The zustand store of the queue. */
export const useQueueStore = create<QueueState>()(() => ({
  data: initialQueueData,
  loading: true,
  loadError: null,
  focusBatchId: null,
}));

/** Feeds one event to the reducer. */
export function queueEventArrived(event: VqEvent): void {
  useQueueStore.setState((s) => ({ data: applyQueueEvent(s.data, event) }));
}

/** Applies a fetched snapshot. */
export function queueSnapshotArrived(snapshot: QueueSnapshot): void {
  useQueueStore.setState((s) => ({
    data: applyQueueSnapshot(s.data, snapshot),
    loading: false,
    loadError: null,
  }));
}

/** Marks the data as stale until the next snapshot (after a reconnect). */
export function queueResyncStarted(): void {
  useQueueStore.setState((s) => ({ data: awaitQueueSnapshot(s.data) }));
}

/** Fetches the snapshot. */
export async function loadQueue(client: VqClient): Promise<void> {
  try {
    queueSnapshotArrived(await client.call('queue.snapshot', {}));
  } catch (err) {
    useQueueStore.setState({ loading: false, loadError: messageOf(err) });
  }
}

/** Remembers the batch just started here, for the Queue view to show first. */
export function focusBatch(batchId: string | null): void {
  useQueueStore.setState({ focusBatchId: batchId });
}
