/**
 * The Analysis view's state, kept outside the view so a trip to Compare and back finds it as it
 * was: the source shown, its scored renditions (`analysis.get`) and per-title runs
 * (`pertitle.list`), and the chart and table choices. The data is fetched again when events say
 * it changed (a new score of this source, a per-title run moving on).
 */
import { create } from 'zustand';
import type { VqClient, VqEvent } from '../../../shared/api';
import type { AnalysisData } from '../../../shared/analysis';
import type { PerTitleRun } from '../../../shared/perTitle';
import type { RdQuality } from '../../../shared/rd/quality';
import type { BdMethod } from '../../../shared/rd';
import type { AxisKind } from '../model/analysis/rdChartModel';
import type { RdGrouping } from '../model/analysis/rdCurves';
import { messageOf } from './messageOf';

/** What the analysis store holds. */
export interface AnalysisState {
  /** The library item analysed; null until one is chosen. */
  sourceId: string | null;
  /** The scored renditions of `sourceId` (null until fetched). */
  data: AnalysisData | null;
  loading: boolean;
  loadError: string | null;
  /** Per-title runs of `sourceId`, newest first. */
  runs: PerTitleRun[];
  runsError: string | null;
  quality: RdQuality;
  grouping: RdGrouping;
  axis: AxisKind;
  /** The encoder setting (shared/rd `settingsOf` key) the hull is drawn over; null: the default. */
  hullSettings: string | null;
  /** The curve key of the BD-rate anchor; null picks the first curve. */
  anchorKey: string | null;
  bdMethod: BdMethod;
}

/** The zustand store of the Analysis view. */
export const useAnalysisStore = create<AnalysisState>()(() => ({
  sourceId: null,
  data: null,
  loading: false,
  loadError: null,
  runs: [],
  runsError: null,
  quality: 'vmafMean',
  grouping: 'settings',
  axis: 'log',
  hullSettings: null,
  anchorKey: null,
  bdMethod: 'pchip',
}));

/** Changes chart or table choices. */
export function setAnalysisChoice(
  choice: Partial<
    Pick<AnalysisState, 'quality' | 'grouping' | 'axis' | 'hullSettings' | 'anchorKey' | 'bdMethod'>
  >,
): void {
  useAnalysisStore.setState(choice);
}

/** Flips the bit-rate axis between linear and logarithmic. */
export function toggleAnalysisAxis(): void {
  useAnalysisStore.setState((s) => ({ axis: s.axis === 'log' ? 'linear' : 'log' }));
}

let fetchSeq = 0;

/** Fetches the points and the runs of the source shown; older answers are dropped. */
export async function refreshAnalysis(client: VqClient): Promise<void> {
  const { sourceId } = useAnalysisStore.getState();
  if (sourceId === null) return;
  const seq = ++fetchSeq;
  useAnalysisStore.setState({ loading: true });
  const [data, runs] = await Promise.allSettled([
    client.call('analysis.get', { sourceId }),
    client.call('pertitle.list', { sourceId }),
  ]);
  if (seq !== fetchSeq || useAnalysisStore.getState().sourceId !== sourceId) return;
  useAnalysisStore.setState({
    loading: false,
    ...(data.status === 'fulfilled'
      ? { data: data.value, loadError: null }
      : { loadError: messageOf(data.reason) }),
    ...(runs.status === 'fulfilled'
      ? { runs: runs.value.runs, runsError: null }
      : { runsError: messageOf(runs.reason) }),
  });
}

/**
 * Shows the analysis of a source (null: none) and fetches it. The source already shown keeps its
 * data on screen while it is fetched again (the view was away and may have missed events).
 */
export function showAnalysisOf(client: VqClient, sourceId: string | null): void {
  const s = useAnalysisStore.getState();
  if (s.sourceId === sourceId) {
    if (!s.loading) void refreshAnalysis(client);
    return;
  }
  useAnalysisStore.setState({
    sourceId,
    data: null,
    runs: [],
    loadError: null,
    runsError: null,
    hullSettings: null,
    anchorKey: null,
  });
  void refreshAnalysis(client);
}

/** Puts a run that changed into the list (newest first). */
export function perTitleRunArrived(run: PerTitleRun): void {
  useAnalysisStore.setState((s) => {
    if (run.sourceId !== s.sourceId) return {};
    const at = s.runs.findIndex((r) => r.id === run.id);
    if (at === -1) return { runs: [run, ...s.runs] };
    const runs = s.runs.slice();
    runs[at] = run;
    return { runs };
  });
}

/**
 * True when an event changes what the Analysis view shows of `sourceId`: a score or rendition of
 * that source came or went, the batch of one of its points was cleared, or one of its per-title
 * runs moved on.
 */
export function touchesAnalysis(
  event: VqEvent,
  sourceId: string | null,
  data: AnalysisData | null,
): boolean {
  if (sourceId === null) return false;
  switch (event.type) {
    case 'score.added':
      return event.result.referenceId === sourceId;
    case 'rendition.added':
      return event.rendition.sourceId === sourceId;
    case 'score.removed':
      // A point's figures can come from several results (shared/analysis.ts scoreResultIds).
      return [...(data?.points ?? []), ...(data?.stalePoints ?? [])].some(
        (p) => p.scoreResultId === event.id || (p.scoreResultIds ?? []).includes(event.id),
      );
    case 'rendition.removed':
      return [...(data?.points ?? []), ...(data?.stalePoints ?? [])].some(
        (p) => p.renditionId === event.id,
      );
    case 'batch.removed':
      // Its points lose their batch and ladder (the database unlinks them), as a reload shows.
      return [...(data?.points ?? []), ...(data?.stalePoints ?? [])].some(
        (p) => p.batchId === event.batchId,
      );
    case 'pertitle.updated':
      return event.run.sourceId === sourceId;
    default:
      return false;
  }
}
