/**
 * What the Compare chart shows, as plain data: which series can be toggled, which one is shown,
 * how many frames the x axis spans, and the worst frames of a pane in viewer frames. Pure.
 */
import type { ScoreSeries } from '../../../../../shared/score';
import { seriesOf, type PaneScores } from './paneScores';

/**
 * Series the chart offers, in toggle order (luma PSNR/SSIM/XPSNR: what encoders are tuned for);
 * XPSNR and CAMBI when a pane's score has them.
 */
export const CHART_SERIES: readonly ScoreSeries[] = [
  'vmaf',
  'psnrY',
  'ssimY',
  'msSsim',
  'xpsnr',
  'cambi',
];

/** The chart series at least one pane has, in {@link CHART_SERIES} order. */
export function availableSeries(scores: Iterable<PaneScores>): ScoreSeries[] {
  const present = new Set<ScoreSeries>();
  for (const p of scores) for (const s of seriesOf(p)) present.add(s);
  return CHART_SERIES.filter((s) => present.has(s));
}

/** The series shown: the one chosen if present, else the first available, else VMAF. */
export function shownSeries(
  choice: ScoreSeries | null,
  available: readonly ScoreSeries[],
): ScoreSeries {
  if (choice !== null && available.includes(choice)) return choice;
  return available[0] ?? 'vmaf';
}

/** Frames one pane's scores reach on the viewer's axis (one past the last frame it stands for). */
export function scoredExtent(p: PaneScores): number {
  const fn = p.frameNumbers;
  if (fn.length === 0) return 0;
  const step = fn.length > 1 ? fn[fn.length - 1]! - fn[fn.length - 2]! : 1;
  return p.startFrame + fn[fn.length - 1]! + step;
}

/**
 * Frames on the chart's x axis: the viewer's frame count, or as far as the scores reach when the
 * viewer does not know it (≤ 1).
 */
export function chartFrameCount(viewerFrameCount: number, scores: Iterable<PaneScores>): number {
  if (viewerFrameCount > 1) return Math.floor(viewerFrameCount);
  let n = Math.max(0, Math.floor(viewerFrameCount));
  for (const p of scores) n = Math.max(n, scoredExtent(p));
  return n;
}

/** One entry of a pane's worst-frames list. */
export interface WorstEntry {
  /** Viewer frame (the stored number plus `startFrame`). */
  frame: number;
  /** Value of the ranking series there; null when not finite. */
  value: number | null;
}

/** The first `count` worst frames of a pane, in viewer frames, with their ranking value. */
export function worstEntries(p: PaneScores, count = 8): WorstEntry[] {
  const by = p.worstBy;
  return p.worstFrames.slice(0, count).map((w) => ({
    frame: p.startFrame + w.frame,
    value: by === null ? null : (w[by] ?? null),
  }));
}
