/**
 * Figures of an older score that a newer score of the same video replaced (issue 12). A target
 * keeps an older row while it has a series the newer score lacks (shared/scoreResults.ts
 * `currentScores`); its other figures are history there: the Scores table shows them as "–" and
 * sorts them as missing, so a column orders the figures it shows.
 */
import type { ScoreSeries } from '../../../../../shared/score';
import type { ScoreResultSummary } from '../../../../../shared/scoreResults';
import { sortResults, type ScoreSort } from './scoreColumns';

/**
 * Each earlier score (by id) and its series a newer score of the same video has too
 * (shared/scoreResults.ts `replacedSeries`); absent: the newest score of its video.
 */
export type ReplacedSeries = ReadonlyMap<string, readonly ScoreSeries[]>;

/** The result without its replaced figures (the same object when none is). */
function withoutReplaced(r: ScoreResultSummary, replaced: ReplacedSeries): ScoreResultSummary {
  const gone = replaced.get(r.id);
  if (!gone?.length) return r;
  const metrics = { ...r.metrics };
  for (const s of gone) delete metrics[s];
  return { ...r, metrics };
}

/** {@link sortResults} with replaced figures counted as missing; returns the given objects. */
export function sortShownFigures(
  results: readonly ScoreResultSummary[],
  replaced: ReplacedSeries,
  sort: ScoreSort | null,
): ScoreResultSummary[] {
  const byId = new Map(results.map((r) => [r.id, r] as const));
  return sortResults(
    results.map((r) => withoutReplaced(r, replaced)),
    sort,
  ).map((r) => byId.get(r.id)!);
}
