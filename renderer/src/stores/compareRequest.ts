/**
 * A pending request to open renditions in Compare, set by other views (the Analysis chart's click)
 * and taken once by the Compare view when it shows: the source and the renditions to compare.
 */
import { create } from 'zustand';
import { showView } from './appStore';

/** Renditions of a source that another view asks Compare to show. */
export interface CompareRequest {
  /** Library item id of the source. */
  sourceId: string;
  /** Rendition ids, in the order they should be compared. */
  renditionIds: string[];
  /** Bumped per request, so asking twice for the same renditions is still a new request. */
  id: number;
}

/** What the compare request store holds. */
export interface CompareRequestState {
  request: CompareRequest | null;
}

/** The zustand store of the pending compare request. */
export const useCompareRequestStore = create<CompareRequestState>()(() => ({ request: null }));

let nextId = 1;

/** Asks Compare to show these renditions of the source, and switches to Compare. */
export function openInCompare(sourceId: string, renditionIds: readonly string[]): void {
  useCompareRequestStore.setState({
    request: { sourceId, renditionIds: [...renditionIds], id: nextId++ },
  });
  showView('compare');
}

/** The pending request, cleared as it is taken (null when there is none). */
export function takeCompareRequest(): CompareRequest | null {
  const { request } = useCompareRequestStore.getState();
  if (request) useCompareRequestStore.setState({ request: null });
  return request;
}
