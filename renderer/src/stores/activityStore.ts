/**
 * The command log as the Activity view shows it: a snapshot from `activity.list`, kept current by
 * `activity.updated` events (each process arrives when it starts and again when it ends). Like the
 * library, events that arrive before the snapshot wait, and only events newer than it apply.
 */
import { create } from 'zustand';
import type { CommandEntry } from '../../../shared/activity';
import type { VqClient, VqEvent } from '../../../shared/api';
import { messageOf } from './messageOf';

/** Entries the view keeps at most (the main side keeps as many). */
export const MAX_ACTIVITY_ENTRIES = 500;

/** The command log as the renderer knows it. */
export interface ActivityData {
  /** In the order the processes started (by id). */
  entries: CommandEntry[];
  /** The seq the entries are current to; null while waiting for a snapshot. */
  seq: number | null;
  /** Command log entries that arrived while waiting for a snapshot, with their event seq. */
  pending: { seq: number; entry: CommandEntry }[];
}

/** Before the first snapshot. */
export const initialActivityData: ActivityData = { entries: [], seq: null, pending: [] };

/**
 * Puts an entry in its place by id (replacing the running entry of the same process), then drops
 * the oldest ended entries beyond `max`; running ones stay.
 */
export function upsertEntry(
  entries: readonly CommandEntry[],
  entry: CommandEntry,
  max = MAX_ACTIVITY_ENTRIES,
): CommandEntry[] {
  const next = entries.slice();
  let at = next.length;
  while (at > 0 && next[at - 1]!.id > entry.id) at--;
  if (at > 0 && next[at - 1]!.id === entry.id) next[at - 1] = entry;
  else next.splice(at, 0, entry);
  let drop = next.filter((e) => e.outcome !== 'running').length - max;
  if (drop <= 0) return next;
  return next.filter((e) => {
    if (drop <= 0 || e.outcome === 'running') return true;
    drop--;
    return false;
  });
}

/** Applies one event: buffered while no snapshot, ignored when not newer than `seq`. */
export function applyActivityEvent(data: ActivityData, event: VqEvent): ActivityData {
  if (event.type !== 'activity.updated') return data;
  if (data.seq === null) {
    // Bounded: a snapshot that never lands must not make the buffer grow without end.
    const pending = [...data.pending, { seq: event.seq, entry: event.entry }];
    return { ...data, pending: pending.slice(-2 * MAX_ACTIVITY_ENTRIES) };
  }
  if (event.seq <= data.seq) return data;
  return { entries: upsertEntry(data.entries, event.entry), seq: event.seq, pending: [] };
}

/** Replaces the entries with a snapshot, then applies the buffered entries newer than it. */
export function applyActivitySnapshot(
  data: ActivityData,
  snapshot: { entries: CommandEntry[]; seq: number },
): ActivityData {
  let entries = snapshot.entries.slice(-MAX_ACTIVITY_ENTRIES);
  let seq = snapshot.seq;
  for (const p of [...data.pending].sort((a, b) => a.seq - b.seq)) {
    if (p.seq <= seq) continue;
    entries = upsertEntry(entries, p.entry);
    seq = p.seq;
  }
  return { entries, seq, pending: [] };
}

/** What the activity store holds. */
export interface ActivityState {
  data: ActivityData;
  /** True while a snapshot is being fetched. */
  loading: boolean;
  /** Set when the snapshot could not be fetched. */
  error: string | null;
}

/** The zustand store of the command log. */
export const useActivityStore = create<ActivityState>()(() => ({
  data: initialActivityData,
  loading: false,
  error: null,
}));

/** Feeds one event to the store (only `activity.updated` changes it). */
export function activityEventArrived(event: VqEvent): void {
  if (event.type !== 'activity.updated') return;
  useActivityStore.setState((s) => ({ data: applyActivityEvent(s.data, event) }));
}

/**
 * Fetches a fresh snapshot (at start and after a reconnect: events may have been missed, and a
 * restarted server counts seq from 0 again). The entries shown stay until it lands.
 */
export async function loadActivity(client: VqClient): Promise<void> {
  useActivityStore.setState((s) => ({
    data: { ...s.data, seq: null, pending: [] },
    loading: true,
    error: null,
  }));
  try {
    const snapshot = await client.call('activity.list', {});
    useActivityStore.setState((s) => ({ data: applyActivitySnapshot(s.data, snapshot) }));
  } catch (err) {
    useActivityStore.setState({ error: messageOf(err) });
  } finally {
    useActivityStore.setState({ loading: false });
  }
}
