/**
 * The library items whose frames were matched to a source's by their pictures: those whose newest
 * stored score against it was taken on such a match (its fixes name align-frames). Compare offers
 * them whatever their length. Fetched when the source changes and when its scores change.
 */
import { useEffect, useState } from 'react';
import { useClient } from '../../hooks/useClient';

const NONE: ReadonlySet<string> = new Set();

/** Ids of the items matched to `sourceId` by their pictures (empty until known). */
export function useMatchedItems(sourceId: string | null): ReadonlySet<string> {
  const client = useClient();
  const [matched, setMatched] = useState<{ sourceId: string | null; ids: ReadonlySet<string> }>({
    sourceId: null,
    ids: NONE,
  });
  useEffect(() => {
    if (sourceId === null) return;
    let alive = true;
    const refresh = async (): Promise<void> => {
      try {
        const { results } = await client.call('scores.list', { sourceId });
        // scores.list is newest first: the first row of a target is its newest score.
        const newest = new Map<string, boolean>();
        for (const r of results) {
          if (r.target.kind !== 'source' || newest.has(r.target.id)) continue;
          newest.set(r.target.id, r.fixes.includes('align-frames'));
        }
        const ids = new Set([...newest].filter(([, m]) => m).map(([id]) => id));
        if (alive) setMatched({ sourceId, ids });
      } catch {
        // Keep what is known; the next score event fetches again.
      }
    };
    const off = client.onEvent((event) => {
      if (
        (event.type === 'score.added' && event.result.referenceId === sourceId) ||
        event.type === 'score.removed'
      ) {
        void refresh();
      }
    });
    void refresh();
    return () => {
      alive = false;
      off();
    };
  }, [client, sourceId]);
  return matched.sourceId === sourceId ? matched.ids : NONE;
}
