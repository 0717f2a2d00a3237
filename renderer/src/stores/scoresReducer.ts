/**
 * The stored scores of one reference (the source selected in the Library) as a pure reducer over
 * a `scores.list` snapshot and the event stream, like the library's: events that arrive before
 * the snapshot wait in `pending`; afterwards only events newer than `seq` apply. Scores of other
 * references pass by (they only advance `seq`).
 */
import type { VqEvent } from '../../../shared/api';
import { currentScores, type ScoreResultSummary } from '../../../shared/scoreResults';

/** The scores of one reference as the renderer knows them. */
export interface ScoresData {
  /** Library item id of the reference shown; null when none is. */
  sourceId: string | null;
  /**
   * Newest first: per target the newest result and any older one that still has a series no
   * newer result has (shared/scoreResults.ts `currentScores`).
   */
  results: ScoreResultSummary[];
  /** The seq the results are current to; null while waiting for a snapshot. */
  seq: number | null;
  /** Events received while waiting for a snapshot. */
  pending: VqEvent[];
}

/** Before any reference is shown. */
export const initialScoresData: ScoresData = {
  sourceId: null,
  results: [],
  seq: null,
  pending: [],
};

function applyToResults(
  sourceId: string | null,
  results: ScoreResultSummary[],
  event: VqEvent,
): ScoreResultSummary[] {
  switch (event.type) {
    case 'score.added': {
      if (event.result.referenceId !== sourceId) return results;
      const at = results.findIndex((r) => r.id === event.result.id);
      // A new score of a target replaces the older ones whose every series it has too; an older
      // one keeps its row while it has a series the new one lacks (`scores.list`'s currentScores).
      if (at === -1) return currentScores([event.result, ...results]);
      const next = results.slice();
      next[at] = event.result;
      return next;
    }
    case 'score.removed':
      return results.some((r) => r.id === event.id)
        ? results.filter((r) => r.id !== event.id)
        : results;
    case 'library.removed':
      // The reference left the library; its scores went with it.
      return event.id === sourceId ? [] : results;
    default:
      return results;
  }
}

function concernsScores(event: VqEvent): boolean {
  return (
    event.type === 'score.added' ||
    event.type === 'score.removed' ||
    event.type === 'library.removed'
  );
}

/**
 * Applies one event: buffered while no snapshot (only events that can change scores: progress
 * events run at 10 Hz), ignored when not newer than `seq`, dropped while no reference is shown.
 */
export function applyScoresEvent(data: ScoresData, event: VqEvent): ScoresData {
  if (data.sourceId === null) return data;
  if (data.seq === null) {
    return concernsScores(event) ? { ...data, pending: [...data.pending, event] } : data;
  }
  if (event.seq <= data.seq) return data;
  return {
    ...data,
    results: applyToResults(data.sourceId, data.results, event),
    seq: event.seq,
  };
}

/** Replaces the results with a snapshot of `sourceId`, then applies the buffered newer events. */
export function applyScoresSnapshot(
  data: ScoresData,
  sourceId: string,
  snapshot: { results: ScoreResultSummary[]; seq: number },
): ScoresData {
  // A snapshot of a reference no longer shown (the selection moved on meanwhile) is dropped.
  if (data.sourceId !== sourceId) return data;
  const newer = data.pending.filter((e) => e.seq > snapshot.seq).sort((a, b) => a.seq - b.seq);
  let next: ScoresData = { sourceId, results: snapshot.results, seq: snapshot.seq, pending: [] };
  for (const event of newer) next = applyScoresEvent(next, event);
  return next;
}

/**
 * Starts waiting for a snapshot of `sourceId`: another reference (its results are cleared) or the
 * same one after a reconnect (its results stay on screen until the snapshot lands).
 */
export function awaitScoresSnapshot(data: ScoresData, sourceId: string | null): ScoresData {
  return {
    sourceId,
    results: sourceId === data.sourceId ? data.results : [],
    seq: null,
    pending: [],
  };
}
