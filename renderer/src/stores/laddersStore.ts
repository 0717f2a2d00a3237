/**
 * The ladders on offer: built-in presets, then saved ladders. It starts with the presets (they
 * live in shared/), so the Ladders view works before the list arrives.
 */
import { create } from 'zustand';
import type { VqClient } from '../../../shared/api';
import type { Ladder, LadderEntry } from '../../../shared/ladder';
import { PRESET_LADDERS } from '../../../shared/presets';
import { failureOf, type Failure } from './failureOf';
import { messageOf } from './messageOf';

/** What the ladders store holds. */
export interface LaddersState {
  entries: LadderEntry[];
  /** True once the list came from main (saved ladders included). */
  loaded: boolean;
  error: string | null;
}

/** The zustand store of ladders. */
export const useLaddersStore = create<LaddersState>()(() => ({
  entries: [...PRESET_LADDERS],
  loaded: false,
  error: null,
}));

/** Fetches presets and saved ladders. */
export async function loadLadders(client: VqClient): Promise<void> {
  try {
    useLaddersStore.setState({
      entries: await client.call('ladders.list', {}),
      loaded: true,
      error: null,
    });
  } catch (err) {
    useLaddersStore.setState({ error: messageOf(err) });
  }
}

/** Replaces the list when main says it changed. */
export function laddersChanged(entries: LadderEntry[]): void {
  useLaddersStore.setState({ entries, loaded: true, error: null });
}

/** Saves a ladder under its id; resolves null on success, else what went wrong. */
export async function saveLadder(client: VqClient, ladder: Ladder): Promise<Failure | null> {
  try {
    const saved = await client.call('ladders.save', { ladder });
    useLaddersStore.setState((s) => {
      const at = s.entries.findIndex((e) => !e.builtIn && e.ladder.id === saved.ladder.id);
      const entries = s.entries.slice();
      if (at === -1) entries.push(saved);
      else entries[at] = saved;
      return { entries };
    });
    return null;
  } catch (err) {
    return failureOf(err);
  }
}

/** Deletes a saved ladder; resolves null on success, else what went wrong. */
export async function deleteLadder(client: VqClient, id: string): Promise<Failure | null> {
  try {
    await client.call('ladders.delete', { id });
    useLaddersStore.setState((s) => ({
      entries: s.entries.filter((e) => e.builtIn || e.ladder.id !== id),
    }));
    return null;
  } catch (err) {
    return failureOf(err);
  }
}
