/**
 * The stored scores of the Compare view's panes: for each pane (rendition or library item), the
 * newest result scored against the source, with its per-frame values. Fetched when the source or
 * the panes change, again when a score of this source is added or removed, and after a reconnect.
 */
import { useEffect, useMemo, useState } from 'react';
import type { VqClient } from '../../../../../shared/api';
import type { ScoreResultDetail } from '../../../../../shared/scoreResults';
import { useClient } from '../../../hooks/useClient';
import { newestResultOfPanes, paneScoresOf, type PaneScores } from './paneScores';

export { scoreAt, type PaneScores } from './paneScores';

/** Details kept (results never change once stored); each can hold 100k frames per series. */
const DETAIL_CACHE_SIZE = 12;
const detailCache = new Map<string, Promise<ScoreResultDetail>>();

/** A result's details, from the cache when fetched before (least recently used goes first). */
function fetchDetail(client: VqClient, resultId: string): Promise<ScoreResultDetail> {
  let p = detailCache.get(resultId);
  if (p) {
    detailCache.delete(resultId);
  } else {
    p = client.call('scores.get', { resultId });
    // A failed fetch is not kept: the next refresh asks again.
    p.catch(() => detailCache.delete(resultId));
  }
  detailCache.set(resultId, p);
  while (detailCache.size > DETAIL_CACHE_SIZE) detailCache.delete(detailCache.keys().next().value!);
  return p;
}

const EMPTY: ReadonlyMap<string, PaneScores> = new Map();

/** What the hook returns until the first answer for its source and panes (also empty). */
const PENDING: ReadonlyMap<string, PaneScores> = new Map();

/**
 * True while `useCompareScores` has no answer yet for its current source and panes (the map is
 * then empty, but "no scores" is not known yet).
 */
export function scoresPending(scores: ReadonlyMap<string, PaneScores>): boolean {
  return scores === PENDING;
}

/**
 * The newest stored score of each pane against `sourceId` (panes without one are absent; the
 * source pane never has one). Keep `paneIds` stable or pass a new array only when it changes.
 */
export function useCompareScores(
  sourceId: string | null,
  paneIds: readonly string[],
): ReadonlyMap<string, PaneScores> {
  const client = useClient();
  const [scores, setScores] = useState<{
    sourceId: string | null;
    paneKey: string;
    map: ReadonlyMap<string, PaneScores>;
  }>({ sourceId: null, paneKey: '', map: EMPTY });
  const paneKey = paneIds.join('\n');

  useEffect(() => {
    if (sourceId === null) return;
    const panes = paneKey === '' ? [] : paneKey.split('\n');
    let alive = true;
    let generation = 0;
    let shownIds = new Set<string>();

    const refresh = async (): Promise<void> => {
      const mine = ++generation;
      try {
        const { results } = await client.call('scores.list', { sourceId });
        const newest = newestResultOfPanes(results, panes, sourceId);
        const entries = await Promise.all(
          [...newest].map(async ([paneId, r]) =>
            paneScoresOf(paneId, r, await fetchDetail(client, r.id)),
          ),
        );
        if (!alive || mine !== generation) return;
        shownIds = new Set(entries.map((e) => e.resultId));
        setScores({ sourceId, paneKey, map: new Map(entries.map((e) => [e.paneId, e])) });
      } catch {
        // Keep what is shown (now as the answer for these panes); the next score event or
        // reconnect fetches again.
        if (alive && mine === generation) {
          setScores((s) => ({ sourceId, paneKey, map: s.sourceId === sourceId ? s.map : EMPTY }));
        }
      }
    };

    const offEvent = client.onEvent((event) => {
      if (
        (event.type === 'score.added' &&
          event.result.referenceId === sourceId &&
          panes.includes(event.result.target.id)) ||
        (event.type === 'score.removed' && shownIds.has(event.id))
      ) {
        void refresh();
      }
    });
    let wasOpen = client.connection().status === 'open';
    const offConnection = client.onConnection((state) => {
      const open = state.status === 'open';
      if (open && !wasOpen) void refresh();
      wasOpen = open;
    });
    void refresh();
    return () => {
      alive = false;
      offEvent();
      offConnection();
    };
  }, [client, sourceId, paneKey]);

  // While a new set of panes is fetched, the panes still shown keep their scores.
  return useMemo(() => {
    if (sourceId === null) return EMPTY;
    if (scores.sourceId !== sourceId) return PENDING;
    const panes = paneKey.split('\n');
    const kept = [...scores.map].filter(([id]) => panes.includes(id));
    if (kept.length === 0 && scores.paneKey !== paneKey) return PENDING;
    return kept.length === scores.map.size ? scores.map : new Map(kept);
  }, [scores, sourceId, paneKey]);
}
