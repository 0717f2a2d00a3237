/**
 * The stored scores of the Compare view's panes as plain data: which stored result belongs to a
 * pane (the newest one of that rendition or library item against the source), and the value of
 * each series at a frame of the viewer. Pure, so the hook and the chart only wire it up.
 */
import type { FrameMatch } from '../../../../../shared/frameMatch';
import type { ModelUsed, ScoreSeries } from '../../../../../shared/score';
import type {
  ScoreResultDetail,
  ScoreResultSummary,
  ScoreStale,
  WorstFrame,
} from '../../../../../shared/scoreResults';

/** The newest stored score of one pane, with its per-frame values. */
export interface PaneScores {
  /** The pane's rendition or library item id (the result's `target.id`). */
  paneId: string;
  resultId: string;
  /** Viewer frame of score frame 0 (`alignment.startFrame`). */
  startFrame: number;
  /** Scored frames, relative to `startFrame`, ascending (a step of `subsample` when subsampled). */
  frameNumbers: number[];
  /** Values aligned with `frameNumbers`; null where not finite (+∞ PSNR of identical frames). */
  perFrame: Partial<Record<ScoreSeries, (number | null)[]>>;
  /** The lowest frames in `worstBy`, worst first; `frame` is relative to `startFrame`. */
  worstFrames: WorstFrame[];
  worstBy: ScoreSeries | null;
  /** Null while the score describes the files shown; else why its numbers no longer do. */
  stale: ScoreStale;
  /**
   * The top of its VMAF model's scale (`maxScore`: 110 for the 4K-at-3H VMAF v1 models; absent or
   * no model: 100), read with seriesInfo.ts `vmafMaxScoreOf`.
   */
  model: Pick<ModelUsed, 'maxScore'> | null;
  /**
   * The match by pictures the score was taken on (its frames are then the reference's, and the
   * pane shows the distorted frame the match pairs with each), or null: frame i is frame i.
   */
  frameMatch: FrameMatch | null;
}

/**
 * For each pane id, the newest result (by `createdAt`, then list order) whose target is that pane.
 * The source itself has no score against itself, so `sourceId` is never matched.
 */
export function newestResultOfPanes(
  results: readonly ScoreResultSummary[],
  paneIds: readonly string[],
  sourceId: string,
): Map<string, ScoreResultSummary> {
  const wanted = new Set(paneIds.filter((id) => id !== sourceId));
  const out = new Map<string, ScoreResultSummary>();
  for (const r of results) {
    if (r.referenceId !== sourceId || !wanted.has(r.target.id)) continue;
    const had = out.get(r.target.id);
    // scores.list is newest first; a strictly later createdAt wins, a tie keeps the earlier row.
    if (!had || r.createdAt > had.createdAt) out.set(r.target.id, r);
  }
  return out;
}

/**
 * A pane's scores from a result's details and its row in `scores.list`. Staleness comes from the
 * row: it is judged when the list is read, while details are cached (their numbers never change).
 */
export function paneScoresOf(
  paneId: string,
  summary: Pick<ScoreResultSummary, 'stale'>,
  detail: ScoreResultDetail,
): PaneScores {
  return {
    paneId,
    resultId: detail.id,
    startFrame: detail.alignment.startFrame,
    frameNumbers: detail.frameNumbers,
    perFrame: detail.perFrame,
    worstFrames: detail.worstFrames,
    worstBy: detail.worstBy,
    stale: summary.stale,
    model: detail.model ? { maxScore: detail.model.maxScore } : null,
    frameMatch: detail.alignment.frameMatch ?? null,
  };
}

/** The series present in a pane's scores. */
export function seriesOf(p: PaneScores): ScoreSeries[] {
  return (Object.keys(p.perFrame) as ScoreSeries[]).filter((s) => p.perFrame[s] !== undefined);
}

/**
 * The index into `frameNumbers` whose value stands for viewer frame `frame`, or -1. A scored
 * frame stands for itself and, when subsampled, for the unscored frames up to the next scored one
 * (the last scored frame for as many frames as the step before it).
 */
export function sampleIndexAt(p: PaneScores, frame: number): number {
  const fn = p.frameNumbers;
  const n = fn.length;
  if (n === 0 || !Number.isFinite(frame)) return -1;
  const rel = Math.round(frame) - p.startFrame;
  if (rel < fn[0]!) return -1;
  let lo = 0;
  let hi = n - 1;
  // The last index with fn[i] <= rel.
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (fn[mid]! <= rel) lo = mid;
    else hi = mid - 1;
  }
  if (lo === n - 1) {
    const step = n > 1 ? fn[n - 1]! - fn[n - 2]! : 1;
    return rel - fn[lo]! < step ? lo : -1;
  }
  return lo;
}

/**
 * Each series' value at viewer frame `frame` (see {@link sampleIndexAt} for subsampling): a
 * number, null where the stored value is not finite (+∞ PSNR), and no key outside the scored span.
 */
export function scoreAt(p: PaneScores, frame: number): Partial<Record<ScoreSeries, number | null>> {
  const i = sampleIndexAt(p, frame);
  const out: Partial<Record<ScoreSeries, number | null>> = {};
  if (i < 0) return out;
  for (const s of seriesOf(p)) out[s] = p.perFrame[s]![i] ?? null;
  return out;
}

/** Viewer frame of a worst frame (whose number is relative to `startFrame`). */
export function viewerFrameOf(p: PaneScores, worst: WorstFrame): number {
  return p.startFrame + worst.frame;
}

/**
 * One series of a pane laid out on the viewer's frames 0…frameCount−1 for the chart: the value of
 * each frame as {@link scoreAt} gives it, NaN where there is none (a gap) or it is not finite.
 */
export function seriesOnViewerFrames(
  p: PaneScores,
  series: ScoreSeries,
  frameCount: number,
): Float64Array {
  const out = new Float64Array(Math.max(0, frameCount)).fill(NaN);
  const values = p.perFrame[series];
  const fn = p.frameNumbers;
  if (!values || fn.length === 0) return out;
  const lastStep = fn.length > 1 ? fn[fn.length - 1]! - fn[fn.length - 2]! : 1;
  for (let k = 0; k < fn.length; k++) {
    const v = values[k];
    if (v === null || v === undefined || !Number.isFinite(v)) continue;
    const from = p.startFrame + fn[k]!;
    const to = k + 1 < fn.length ? p.startFrame + fn[k + 1]! : from + lastStep;
    for (let f = Math.max(0, from); f < to && f < out.length; f++) out[f] = v;
  }
  return out;
}
