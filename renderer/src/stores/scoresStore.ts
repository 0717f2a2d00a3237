/**
 * The Scores panel's state: the stored scores of the reference shown (via the reducer), which
 * rows are checked (chart, export) and focused (worst frames, details), the per-frame details
 * fetched so far, and the score jobs this window queued (their failures show in the panel).
 * libvmaf's elementary features are large and only the focused result's FeatureChart shows them,
 * so only the focused result's details are fetched with them.
 */
import { create } from 'zustand';
import type { VqClient, VqEvent } from '../../../shared/api';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import { assignColors } from '../model/scores/seriesColors';
import { messageOf } from './messageOf';
import {
  initialSelection,
  pruneSelection,
  selectArrived,
  toggleChecked,
  type ScoreSelection,
} from './scoreSelection';
import {
  applyScoresEvent,
  applyScoresSnapshot,
  awaitScoresSnapshot,
  initialScoresData,
  type ScoresData,
} from './scoresReducer';

/**
 * A result's per-frame details as fetched. `features` says whether libvmaf's features came with
 * them ('with'; `detail.features` is then the stored ones), are being fetched ('loading': the
 * details without them stay shown meanwhile) or were not asked for ('without': `detail.features`
 * is empty).
 */
export type DetailEntry =
  | { status: 'loading' }
  | { status: 'ready'; detail: ScoreResultDetail; features: 'without' | 'loading' | 'with' }
  | { status: 'error'; message: string };

/** What the scores store holds. */
export interface ScoresState {
  data: ScoresData;
  /** True while the list of the reference shown is fetched. */
  loading: boolean;
  loadError: string | null;
  selection: ScoreSelection;
  /** Chart colour of each checked result; a result keeps its colour while others come and go. */
  colors: Record<string, string>;
  /** Details by result id (results never change once stored, so they are kept). */
  details: Record<string, DetailEntry>;
  /** Score jobs queued from this window, newest last. */
  ownJobIds: string[];
  /**
   * Bumped when the server's list may hold rows this one cannot derive from events, so it is
   * fetched again (ScoresPanel does the fetch): a rendition that a shown score measured was
   * replaced or removed (the server judges that score stale), or a shown score was deleted (an
   * earlier score of its video whose series it covered is listed again: shared currentScores).
   */
  staleChecks: number;
}

/** The zustand store of scores. */
export const useScoresStore = create<ScoresState>()(() => ({
  data: initialScoresData,
  loading: false,
  loadError: null,
  selection: { selected: [], focused: null },
  colors: {},
  details: {},
  ownJobIds: [],
  staleChecks: 0,
}));

/** The state change for a new selection: the selection and its chart colours. */
function select(
  s: Pick<ScoresState, 'colors'>,
  selection: ScoreSelection,
): Pick<ScoresState, 'selection' | 'colors'> {
  return { selection, colors: assignColors(selection.selected, s.colors) };
}

/** Feeds one event to the reducer; a new result of the reference shown is checked. */
export function scoresEventArrived(event: VqEvent): void {
  useScoresStore.setState((s) => {
    const measured =
      event.type === 'rendition.removed' &&
      s.data.results.some(
        (r) => r.target.kind === 'rendition' && r.target.id === event.id && r.stale === null,
      );
    if (measured) return { staleChecks: s.staleChecks + 1 };
    const data = applyScoresEvent(s.data, event);
    if (data === s.data) return {};
    let selection = s.selection;
    let details = s.details;
    if (event.type === 'score.added' && data.results.some((r) => r.id === event.result.id)) {
      selection = selectArrived(selection, event.result.id);
    }
    let staleChecks = s.staleChecks;
    if (event.type === 'score.removed') {
      staleChecks++;
      if (event.id in details) {
        details = { ...details };
        delete details[event.id];
      }
    }
    return {
      data,
      ...select(s, pruneSelection(selection, data.results)),
      details,
      staleChecks,
    };
  });
}

async function fetchList(client: VqClient, sourceId: string, fresh: boolean): Promise<void> {
  try {
    const snapshot = await client.call('scores.list', { sourceId });
    useScoresStore.setState((s) => {
      const data = applyScoresSnapshot(s.data, sourceId, snapshot);
      if (data === s.data) return {};
      const selection = fresh
        ? initialSelection(data.results)
        : pruneSelection(s.selection, data.results);
      return { data, ...select(s, selection), loading: false, loadError: null };
    });
  } catch (err) {
    if (useScoresStore.getState().data.sourceId !== sourceId) return;
    useScoresStore.setState({ loading: false, loadError: messageOf(err) });
  }
}

/** Shows the scores of a reference (null: none); fetches them unless they are already shown. */
export function showScoresOf(client: VqClient, sourceId: string | null): void {
  const s = useScoresStore.getState();
  if (s.data.sourceId === sourceId && (s.data.seq !== null || s.loading)) return;
  useScoresStore.setState({
    data: awaitScoresSnapshot(s.data, sourceId),
    loading: sourceId !== null,
    loadError: null,
    selection: { selected: [], focused: null },
  });
  if (sourceId !== null) void fetchList(client, sourceId, true);
}

/** Fetches the list again after a reconnect (events may have been missed); the rows stay. */
export function resyncScores(client: VqClient): void {
  const { data } = useScoresStore.getState();
  if (data.sourceId === null) return;
  useScoresStore.setState({ data: awaitScoresSnapshot(data, data.sourceId), loading: true });
  void fetchList(client, data.sourceId, false);
}

/**
 * Fetches a result's per-frame details unless they are here or on their way: with libvmaf's
 * features when it is the focused result (FeatureChart), else without. Details fetched without
 * them are fetched again with them once their result is focused; kept once here (results never
 * change).
 */
export async function loadScoreDetail(client: VqClient, resultId: string): Promise<void> {
  const entry = useScoresStore.getState().details[resultId];
  const focused = (): boolean => useScoresStore.getState().selection.focused === resultId;
  const wantsFeatures = entry?.status === 'ready' && entry.features === 'without' && focused();
  if (entry && entry.status !== 'error' && !wantsFeatures) return;
  const put = (e: DetailEntry): void =>
    useScoresStore.setState((s) => ({ details: { ...s.details, [resultId]: e } }));
  const features = focused();
  put(entry?.status === 'ready' ? { ...entry, features: 'loading' } : { status: 'loading' });
  try {
    const detail = await client.call('scores.get', { resultId, ...(features ? { features } : {}) });
    put({ status: 'ready', detail, features: features ? 'with' : 'without' });
  } catch (err) {
    put({ status: 'error', message: messageOf(err) });
    return;
  }
  // Focused while its details were on their way without the features: fetch them now.
  if (!features && focused()) await loadScoreDetail(client, resultId);
}

/** Checks or unchecks a row (chart and export). */
export function toggleScoreChecked(resultId: string): void {
  useScoresStore.setState((s) => select(s, toggleChecked(s.selection, resultId)));
}

/** Checks exactly these rows. */
export function setScoresChecked(resultIds: string[]): void {
  useScoresStore.setState((s) => select(s, { ...s.selection, selected: resultIds }));
}

/** Checks a row if it is not checked yet. */
export function checkScore(resultId: string): void {
  useScoresStore.setState((s) =>
    s.selection.selected.includes(resultId)
      ? {}
      : select(s, { ...s.selection, selected: [...s.selection.selected, resultId] }),
  );
}

/** Focuses a row (its worst frames and details show). */
export function focusScore(resultId: string): void {
  useScoresStore.setState((s) => ({ selection: { ...s.selection, focused: resultId } }));
}

/** Remembers a score job queued from this window. */
export function rememberScoreJob(jobId: string): void {
  useScoresStore.setState((s) => ({ ownJobIds: [...s.ownJobIds, jobId] }));
}

/** Stops showing a finished job of this window in the panel. */
export function forgetScoreJob(jobId: string): void {
  useScoresStore.setState((s) => ({ ownJobIds: s.ownJobIds.filter((id) => id !== jobId) }));
}
