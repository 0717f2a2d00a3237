/**
 * Library state as a pure reducer over a snapshot and the event stream. Events that arrive before
 * the snapshot wait in `pending`; once the snapshot lands, only events newer than its `seq` apply.
 * Every event at or below the applied `seq` is ignored, so a replayed event changes nothing.
 */
import type { VqEvent } from '../../../shared/api';
import type { LibraryItem } from '../../../shared/library';

/** The library as the renderer knows it. */
export interface LibraryData {
  items: LibraryItem[];
  /** The seq the items are current to; null while waiting for a snapshot. */
  seq: number | null;
  /** Events received while waiting for a snapshot. */
  pending: VqEvent[];
}

/** Before the first snapshot. */
export const initialLibraryData: LibraryData = { items: [], seq: null, pending: [] };

function applyToItems(items: LibraryItem[], event: VqEvent): LibraryItem[] {
  switch (event.type) {
    case 'library.added': {
      const at = items.findIndex((i) => i.id === event.item.id);
      if (at === -1) return [...items, event.item];
      const next = items.slice();
      next[at] = event.item;
      return next;
    }
    case 'library.removed':
      return items.some((i) => i.id === event.id) ? items.filter((i) => i.id !== event.id) : items;
    default:
      return items;
  }
}

/** Applies one event: buffered while no snapshot, ignored when not newer than `seq`. */
export function applyLibraryEvent(data: LibraryData, event: VqEvent): LibraryData {
  if (data.seq === null) return { ...data, pending: [...data.pending, event] };
  if (event.seq <= data.seq) return data;
  return { items: applyToItems(data.items, event), seq: event.seq, pending: data.pending };
}

/** Replaces the items with a snapshot, then applies the buffered events newer than it. */
export function applyLibrarySnapshot(
  data: LibraryData,
  snapshot: { items: LibraryItem[]; seq: number },
): LibraryData {
  const newer = data.pending.filter((e) => e.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
  let next: LibraryData = { items: snapshot.items, seq: snapshot.seq, pending: [] };
  for (const event of newer) next = applyLibraryEvent(next, event);
  return next;
}

/**
 * Starts waiting for a fresh snapshot (after a reconnect: events may have been missed, and a
 * restarted server counts seq from 0 again). The old items stay visible until it lands.
 */
export function awaitLibrarySnapshot(data: LibraryData): LibraryData {
  return { items: data.items, seq: null, pending: [] };
}
