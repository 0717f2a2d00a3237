/**
 * The Ladders view's working state, kept outside the view so an edit survives a trip to another
 * view: which ladder is shown, the draft being edited, and the encode form (source, options).
 */
import { create } from 'zustand';
import type { VqClient } from '../../../shared/api';
import type { HdrHandling, Ladder, LadderEntry } from '../../../shared/ladder';
import type { LibraryItem } from '../../../shared/library';
import type { HdrKind } from '../../../shared/media';
import { PRESET_LADDERS } from '../../../shared/presets';
import { DEFAULT_SCORE_METRICS, type ScoreMetric } from '../../../shared/score';
import type { ScoreAfterEncode } from '../../../shared/scoreResults';
import { startDraft, type LadderChoice, type LadderDraft } from '../model/ladders/ladderDraft';
import { isUsable, type MetricSupportMap } from '../model/scores/scoringBuild';
import { showView } from './appStore';
import { failureOf, type Failure } from './failureOf';
import { focusBatch } from './queueStore';

/** What the ladder editor store holds. */
export interface LadderEditorState {
  /** The listed ladder shown (preset or saved); null while a new, unsaved draft is shown. */
  listedId: string | null;
  /** The ladder being edited; null while a preset is shown read-only. */
  draft: LadderDraft | null;
  /** The library item to encode. */
  sourceId: string | null;
  decodeOnce: boolean;
  /** Queue a score job after each encode job (its renditions against the source). */
  scoreAfterEncode: boolean;
  /** What score after encode measures. */
  scoreMetrics: ScoreMetric[];
  /** An HDR source: keep it HDR or tone-map it to SDR (asked only for HDR sources). */
  hdr: HdrHandling;
  /** Output folder as typed; empty for the default. */
  outDir: string;
  /** Bumped when the Library's Encode… opens this view, so the view can focus the encode form. */
  encodeRequest: number;
  submitting: boolean;
  submitError: Failure | null;
}

/** The zustand store of the ladder editor. */
export const useLadderEditorStore = create<LadderEditorState>()(() => ({
  listedId: PRESET_LADDERS[0]!.ladder.id,
  draft: null,
  sourceId: null,
  decodeOnce: true,
  scoreAfterEncode: false,
  scoreMetrics: [...DEFAULT_SCORE_METRICS],
  hdr: 'keep',
  outDir: '',
  encodeRequest: 0,
  submitting: false,
  submitError: null,
}));

/** Shows a listed ladder: a preset read-only, a saved ladder as a draft to edit. */
export function showListedLadder(entry: LadderEntry): void {
  useLadderEditorStore.setState({
    listedId: entry.ladder.id,
    draft: entry.builtIn ? null : startDraft(entry.ladder, entry.ladder.id),
    submitError: null,
  });
}

/** Shows a new, unsaved ladder (new, duplicated or imported) in the editor. */
export function showNewDraft(ladder: Ladder): void {
  useLadderEditorStore.setState({
    listedId: null,
    draft: startDraft(ladder, null, true),
    submitError: null,
  });
}

/** Applies an edit to the draft. */
export function editDraft(edit: (draft: LadderDraft) => LadderDraft): void {
  useLadderEditorStore.setState((s) => (s.draft ? { draft: edit(s.draft) } : {}));
}

/** Marks the draft as saved under its id (it stays in the editor). */
export function draftSaved(ladder: Ladder): void {
  useLadderEditorStore.setState((s) => ({
    listedId: ladder.id,
    draft: s.draft ? { ...s.draft, savedId: ladder.id, dirty: false } : null,
  }));
}

/** Chooses the source to encode. */
export function setEncodeSource(sourceId: string | null): void {
  useLadderEditorStore.setState({ sourceId, submitError: null });
}

/** Sets the encode options. */
export function setEncodeOptions(options: {
  decodeOnce?: boolean;
  scoreAfterEncode?: boolean;
  scoreMetrics?: ScoreMetric[];
  hdr?: HdrHandling;
  outDir?: string;
}): void {
  useLadderEditorStore.setState({ ...options, submitError: null });
}

/** The HDR transfer of a source, or null for SDR (a raw file's is not known: treated as SDR). */
export function sourceHdr(item: LibraryItem): HdrKind {
  return item.media.raw ? null : item.media.video.hdr;
}

/**
 * Why the encode options cannot be sent, or null: score after encode is on but none of its
 * metrics is one the scoring build computes (`encode.start` would get `metrics: []`). Every
 * Encode (Ladders, a recommended ladder in Analysis) checks it before {@link encodeOptionsFor}.
 */
export function scoreAfterEncodeProblem(
  s: Pick<LadderEditorState, 'scoreAfterEncode' | 'scoreMetrics'>,
  support: MetricSupportMap | null,
): string | null {
  if (!s.scoreAfterEncode || s.scoreMetrics.some((m) => isUsable(support, m))) return null;
  return 'Choose at least one metric for score after encode that the scoring ffmpeg computes.';
}

/**
 * The encode options of the Ladders view as `encode.start` takes them for this source: every
 * Encode (Ladders, a recommended ladder in Analysis) queues with the same ones. Score after
 * encode asks only for the metrics the scoring build computes (`support`, scoringBuild.ts): the
 * others are shown unavailable with the reason.
 */
export function encodeOptionsFor(
  s: Pick<LadderEditorState, 'decodeOnce' | 'outDir' | 'scoreAfterEncode' | 'scoreMetrics' | 'hdr'>,
  source: LibraryItem,
  support: MetricSupportMap | null = null,
): {
  decodeOnce: boolean;
  outDir?: string;
  scoreAfterEncode?: ScoreAfterEncode;
  hdr?: HdrHandling;
} {
  return {
    decodeOnce: s.decodeOnce,
    ...(s.outDir.trim() ? { outDir: s.outDir.trim() } : {}),
    ...(s.scoreAfterEncode
      ? {
          scoreAfterEncode: {
            options: { metrics: s.scoreMetrics.filter((m) => isUsable(support, m)) },
          },
        }
      : {}),
    // Asked only of an HDR source; kept with the batch's copy of the ladder.
    ...(sourceHdr(source) ? { hdr: s.hdr } : {}),
  };
}

/** The Library's Encode…: opens the Ladders view with this source chosen. */
export function openEncodeFor(sourceId: string): void {
  useLadderEditorStore.setState((s) => ({
    sourceId,
    encodeRequest: s.encodeRequest + 1,
    submitError: null,
  }));
  showView('ladders');
}

/** Queues the ladder on the source; on success shows the Queue with the new batch. */
export async function startEncode(
  client: VqClient,
  request: LadderChoice & {
    sourceId: string;
    decodeOnce: boolean;
    outDir?: string;
    scoreAfterEncode?: ScoreAfterEncode;
    hdr?: HdrHandling;
    /** Replace renditions already in the folder (asked first: stores/encodeOverwrite.ts). */
    overwrite?: boolean;
  },
): Promise<boolean> {
  useLadderEditorStore.setState({ submitting: true, submitError: null });
  try {
    const { batch } = await client.call('encode.start', request);
    focusBatch(batch.id);
    showView('queue');
    return true;
  } catch (err) {
    useLadderEditorStore.setState({ submitError: failureOf(err) });
    return false;
  } finally {
    useLadderEditorStore.setState({ submitting: false });
  }
}
