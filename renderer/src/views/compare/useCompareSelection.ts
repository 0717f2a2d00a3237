import { useMemo } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { useLibraryStore } from '../../stores/libraryStore';
import { useQueueStore } from '../../stores/queueStore';
import type { CompareChartPane } from './chart/CompareChart';
import { useCompareScores, type PaneScores } from './chart/useCompareScores';
import { compareCandidates, sourceCandidate, type CompareCandidate } from './compareCandidates';
import { paneColor } from './paneColors';
import { useMatchedItems } from './useMatchedItems';

/** What Compare shows: the source, what could be next to it, what is, and their stored scores. */
export interface CompareSelection {
  source: LibraryItem | null;
  candidates: CompareCandidate[];
  /** The checked candidates, in candidate order. */
  compared: CompareCandidate[];
  /** The source, then the compared ones: one pane each. */
  chosen: CompareCandidate[];
  paneIds: readonly string[];
  scores: ReadonlyMap<string, PaneScores>;
  /** The panes as the per-frame chart takes them (same colours as the pane labels). */
  chartPanes: CompareChartPane[];
}

/**
 * The source (the one chosen here, else the Library's selection, else the first item) and the
 * checked renditions or items, with each pane's newest stored score against the source.
 */
export function useCompareSelection(
  sourceChoice: string | null,
  checked: readonly string[],
): CompareSelection {
  const items = useLibraryStore((s) => s.data.items);
  const selectedId = useLibraryStore((s) => s.selectedId);
  const renditions = useQueueStore((s) => s.data.renditions);
  const source =
    items.find((i) => i.id === sourceChoice) ??
    items.find((i) => i.id === selectedId) ??
    items[0] ??
    null;
  const matched = useMatchedItems(source?.id ?? null);
  const candidates = useMemo(
    () => (source ? compareCandidates(source, renditions, items, matched) : []),
    [source, renditions, items, matched],
  );
  const compared = candidates.filter((c) => checked.includes(c.id));
  const chosen: CompareCandidate[] = source ? [sourceCandidate(source), ...compared] : [];
  const paneKey = chosen.map((c) => c.id).join('\n');
  const paneIds = useMemo(() => (paneKey ? paneKey.split('\n') : []), [paneKey]);
  const scores = useCompareScores(source?.id ?? null, paneIds);
  const titleKey = chosen.map((c) => c.title).join('\n');
  const chartPanes = useMemo(() => {
    const titles = titleKey.split('\n');
    return paneIds.map((id, i) => ({ id, label: titles[i] ?? id, color: paneColor(i) }));
  }, [paneIds, titleKey]);
  return { source, candidates, compared, chosen, paneIds, scores, chartPanes };
}
