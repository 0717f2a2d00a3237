/**
 * A pending request to open renditions in Compare, set by other views (the Analysis chart's click,
 * a worst frame in the Library, the page's address) and taken once by the Compare view when it
 * shows: the source, the renditions to compare and the frame. Compare in turn says what it shows,
 * for the page's address (shell/useHashRoute.ts).
 */
import { create } from 'zustand';
import { showView } from './appStore';

/** Renditions of a source that another view asks Compare to show. */
export interface CompareRequest {
  /** Library item id of the source. */
  sourceId: string;
  /** Rendition ids, in the order they should be compared. */
  renditionIds: string[];
  /** The frame to show (presentation order of the source, 0-based). */
  frame: number;
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

/** Asks Compare to show these renditions of the source (at a frame), and switches to Compare. */
export function openInCompare(sourceId: string, renditionIds: readonly string[], frame = 0): void {
  useCompareRequestStore.setState({
    request: { sourceId, renditionIds: [...renditionIds], frame, id: nextId++ },
  });
  showView('compare');
}

/** The pending request, cleared as it is taken (null when there is none). */
export function takeCompareRequest(): CompareRequest | null {
  const { request } = useCompareRequestStore.getState();
  if (request) useCompareRequestStore.setState({ request: null });
  return request;
}

/** What Compare shows now: the source, the renditions next to it and the frame. */
export interface CompareShown {
  sourceId: string | null;
  renditionIds: readonly string[];
  frame: number;
}

/** The zustand store of what Compare shows (null until Compare has shown something). */
export const useCompareShownStore = create<{ shown: CompareShown | null }>()(() => ({
  shown: null,
}));

/** Compare says what it shows; only a change is stored. */
export function compareShown(shown: CompareShown): void {
  const was = useCompareShownStore.getState().shown;
  if (
    was &&
    was.sourceId === shown.sourceId &&
    was.frame === shown.frame &&
    was.renditionIds.join() === shown.renditionIds.join()
  )
    return;
  useCompareShownStore.setState({ shown });
}
