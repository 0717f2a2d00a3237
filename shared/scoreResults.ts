/**
 * Scoring as the API offers it (issue 4): what `score.plan` shows before anything runs, the stored
 * results `scores.list` / `scores.get` return, and the export. Pure types and small pure functions,
 * shared by the main-side services and the renderer.
 *
 * Departures from the first draft of this contract (kept small, each for a reason):
 * - Pooled figures are {@link PooledView}, not `PooledStats`: results cross a WebSocket as JSON,
 *   where Infinity and NaN become null, so the type says `number | null` instead of lying. null
 *   means "not finite": in practice +∞, the PSNR of frames identical to the reference (the result
 *   then carries a `psnr-infinite` warning). The same holds for per-frame values.
 * - {@link ScorePlanView} also carries the applied fixes per distorted video and the scoring
 *   geometry (`scoring`), and the summary carries `runId` (results of one process share it).
 * - A scoring batch has no ladder: `Batch.ladder` is null for it (shared/queue.ts).
 */
import { z } from 'zod';
import type { PooledStats } from './pooling';
import type { PictureCheck } from './frameMatch';
import { FIX_IDS, type FixId, type PreflightFinding } from './preflight';
import {
  LOWER_IS_BETTER,
  ScoreOptionsSchema,
  type Alignment,
  type ModelUsed,
  type ScoreBuild,
  type ScoreMetric,
  type ScoreSeries,
  type ScoreWarning,
  type UnavailableMetric,
} from './score';

/** Library item or rendition id (both are short url-safe ids). */
const TargetIdArg = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an item id');

/** Most distorted videos scored in one process. */
export const MAX_DISTORTED = 16;

/** What can be scored: a library item (a source can be a distorted target too) or a rendition. */
export const ScoreTargetSchema = z
  .object({ kind: z.enum(['source', 'rendition']), id: TargetIdArg })
  .strict();

/** A {@link ScoreTargetSchema} value. */
export type ScoreTarget = z.infer<typeof ScoreTargetSchema>;

/** `score.plan` / `score.start`: one reference (a library item), 1..16 distorted videos. */
export const ScoreStartSchema = z
  .object({
    /** Library item id of the reference. */
    referenceId: TargetIdArg,
    distorted: z.array(ScoreTargetSchema).min(1).max(MAX_DISTORTED),
    options: ScoreOptionsSchema.optional(),
    /** Fixes chosen per distorted video, aligned with `distorted` by index (recorded). */
    fixes: z
      .array(z.array(z.enum(FIX_IDS)).max(FIX_IDS.length))
      .max(MAX_DISTORTED)
      .optional(),
  })
  .strict()
  .refine((r) => r.fixes === undefined || r.fixes.length <= r.distorted.length, {
    message: 'fixes has more entries than distorted',
    path: ['fixes'],
  });

/** Score the renditions of each encode job once it is done (`encode.start`). */
export const ScoreAfterEncodeSchema = z.object({ options: ScoreOptionsSchema.optional() }).strict();

/** A {@link ScoreAfterEncodeSchema} value. */
export type ScoreAfterEncode = z.infer<typeof ScoreAfterEncodeSchema>;

/** Pooled statistics as they travel: `PooledStats` with non-finite values as null (+∞ in practice). */
export interface PooledView {
  count: number;
  skipped: number;
  mean: number | null;
  /** libvmaf's harmonic mean: n / Σ 1/(s+1) − 1. */
  harmonicMean: number | null;
  min: number | null;
  max: number | null;
  p1: number | null;
  p5: number | null;
  stdev: number | null;
  /** Share (0..1) of frames strictly below the threshold; null when no threshold applies. */
  below: { threshold: number; share: number | null } | null;
}

/** One distorted video of a {@link ScorePlanView}. */
export interface PlannedDistorted {
  target: ScoreTarget;
  /** Rung id of a rendition, file name of a library item. */
  label: string;
  width: number;
  height: number;
  bitrateKbps: number | null;
  /** Every pre-flight finding of this pair (block, warn, info). */
  findings: PreflightFinding[];
  /** Fixes that will be applied (chosen and applicable). */
  fixes: FixId[];
  /** True when a blocking finding has no chosen fix: `score.start` refuses. */
  blocked: boolean;
  /** What the pictures say of the frames' timing, when they were looked at (align). */
  pictures: PictureCheck | null;
}

/** `score.plan`: what `score.start` with the same arguments would run. Nothing runs. */
export interface ScorePlanView {
  reference: { id: string; fileName: string; width: number; height: number };
  distorted: PlannedDistorted[];
  /** True when any distorted video is blocked. */
  blocked: boolean;
  /** The exact command, binary first (logs go to the job's folder). */
  command: string[];
  binary: { path: string; version: string | null; libvmafApi: 1 | 2 | null };
  model: ModelUsed | null;
  unavailable: UnavailableMetric[];
  warnings: ScoreWarning[];
  /** How the pairs are compared. */
  scoring: {
    metrics: ScoreMetric[];
    width: number;
    height: number;
    pixFmt: string;
    frameRate: string | null;
    startFrame: number;
    frames: number | null;
    subsample: number;
    threads: number;
  };
}

/** One stored result: one distorted video scored against one reference. */
export interface ScoreResultSummary {
  id: string;
  /** The scoring process (results of one process share it). */
  runId: string;
  /** The queue job that scored it; null when it was scored outside the queue. */
  jobId: string | null;
  /** Library item id of the reference. */
  referenceId: string;
  target: ScoreTarget;
  /** Rung id of a rendition, file name of a library item. */
  label: string;
  /** Encoder of a rendition; null for a library item. */
  encoder: string | null;
  width: number;
  height: number;
  bitrateKbps: number | null;
  /** Frames scored (after subsampling). */
  frames: number;
  /** Pooled figures of each computed series. */
  metrics: Partial<Record<ScoreSeries, PooledView>>;
  warnings: ScoreWarning[];
  unavailable: UnavailableMetric[];
  model: ModelUsed | null;
  /** Pre-flight fixes applied to this pair (the person's recorded choice). */
  fixes: FixId[];
  createdAt: string;
  /**
   * Null while the scored files are the bytes this score measured; else why the numbers no longer
   * describe them (the rendition was encoded again, a file is missing or changed). Judged on read.
   */
  stale: ScoreStale;
}

/** Why a stored score no longer describes its files, or null when it still does. */
export type ScoreStale = { reason: string } | null;

/** What {@link currentScores} reads of a result: its target, when, and which series it has. */
export type ScoreCandidate = Pick<ScoreResultSummary, 'target' | 'createdAt'> & {
  metrics: Partial<Record<ScoreSeries, unknown>>;
};

/** The series a result computed: those with pooled figures. */
export function seriesOf(result: Pick<ScoreCandidate, 'metrics'>): ScoreSeries[] {
  return (Object.keys(result.metrics) as ScoreSeries[]).filter(
    (s) => result.metrics[s] !== undefined,
  );
}

/**
 * The results of each target (rendition or library item), newest first: a strictly later
 * `createdAt` is newer; a tie counts the result met first in `results` as the newer.
 */
function byTargetNewestFirst<T extends ScoreCandidate>(results: readonly T[]): T[][] {
  const groups = new Map<string, T[]>();
  for (const r of results) {
    const key = `${r.target.kind}:${r.target.id}`;
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  // Array.prototype.sort is stable: ties keep the order of `results`.
  return [...groups.values()].map((g) =>
    g.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)),
  );
}

/**
 * The scores a reference's views show: the newest result of each target (a rendition or library
 * item), plus every older result of it that still has a series no newer result of that target
 * has — "the newest result per target and series" — in the order of `results`. So a later score
 * of only CAMBI or XPSNR (metrics asked for by name) hides neither the VMAF, PSNR and SSIM of the
 * earlier score nor its rate–quality point. An older result whose every series a newer one has is
 * history, kept but not shown. The Library's Scores table and Analysis both read this selection,
 * so they show the same numbers; staleness is judged per result, not here.
 */
export function currentScores<T extends ScoreCandidate>(results: readonly T[]): T[] {
  const kept = new Set<T>();
  for (const group of byTargetNewestFirst(results)) {
    const covered = new Set<ScoreSeries>();
    group.forEach((r, i) => {
      const series = seriesOf(r);
      if (i === 0 || series.some((s) => !covered.has(s))) kept.add(r);
      for (const s of series) covered.add(s);
    });
  }
  return results.filter((r) => kept.has(r));
}

/**
 * For each result (by id) with a newer result of the same target in `results` (an earlier score
 * that {@link currentScores} kept): its series that a newer one has too, maybe none. The Scores
 * table marks such a row as an earlier score and shows those figures as replaced; a result absent
 * from the map is the newest of its target.
 */
export function replacedSeries<T extends ScoreCandidate & { id: string }>(
  results: readonly T[],
): Map<string, ScoreSeries[]> {
  const out = new Map<string, ScoreSeries[]>();
  for (const group of byTargetNewestFirst(results)) {
    const covered = new Set<ScoreSeries>();
    group.forEach((r, i) => {
      const series = seriesOf(r);
      const replaced = series.filter((s) => covered.has(s));
      if (i > 0) out.set(r.id, replaced);
      for (const s of series) covered.add(s);
    });
  }
  return out;
}

/** One of the worst frames: its number and the value of every series there (null = +∞ / NaN). */
export type WorstFrame = { frame: number } & Partial<Record<ScoreSeries, number | null>>;

/** `scores.get`: a result with its per-frame values and everything needed to reproduce it. */
export interface ScoreResultDetail extends ScoreResultSummary {
  /** Index of each scored frame (0 = first frame after `alignment.startFrame`). */
  frameNumbers: number[];
  /** Per-frame values aligned with `frameNumbers`; null where not finite. */
  perFrame: Partial<Record<ScoreSeries, (number | null)[]>>;
  /**
   * libvmaf's elementary features per frame, aligned with `frameNumbers` (null where not
   * finite): the ADM, VIF and motion values a VMAF score is made of. Empty when not stored.
   */
  features: Record<string, (number | null)[]>;
  alignment: Alignment;
  /** The exact command, binary first. */
  command: string[];
  ffmpeg: ScoreBuild;
  /** Every pre-flight finding of the pair. */
  preflight: PreflightFinding[];
  /**
   * The series the worst frames are ranked by: VMAF, else PSNR, else SSIM, else MS-SSIM, else
   * XPSNR, else CAMBI ({@link WORST_BY_ORDER}).
   */
  worstBy: ScoreSeries | null;
  /** The 10 worst frames in `worstBy` (lowest; highest for CAMBI), worst first. */
  worstFrames: WorstFrame[];
}

/** `scores.export`: a file the renderer offers as a download. */
export interface ScoreExport {
  fileName: string;
  mimeType: string;
  text: string;
}

/**
 * Order in which a series ranks the worst frames: the first one a result has. CAMBI comes last:
 * it measures banding only, so any fidelity metric says more about a frame.
 */
export const WORST_BY_ORDER: readonly ScoreSeries[] = [
  'vmaf',
  'psnrY',
  'psnr',
  'ssimY',
  'ssim',
  'msSsim',
  'xpsnr',
  'cambi',
];

/**
 * The "share below" thresholds pooled figures were computed with, by series: pooling the
 * per-frame values again with them gives the same figures (an export, a project import).
 */
export function thresholdsOf(
  metrics: Partial<Record<ScoreSeries, { below?: { threshold: number } | null }>>,
): Partial<Record<ScoreSeries, number>> {
  const out: Partial<Record<ScoreSeries, number>> = {};
  for (const [k, v] of Object.entries(metrics)) {
    if (v?.below) out[k as ScoreSeries] = v.below.threshold;
  }
  return out;
}

/** A number as JSON can carry it: non-finite values become null. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

/** {@link PooledStats} as a {@link PooledView}. */
export function pooledView(s: PooledStats): PooledView {
  return {
    count: s.count,
    skipped: s.skipped,
    mean: finiteOrNull(s.mean),
    harmonicMean: finiteOrNull(s.harmonicMean),
    min: finiteOrNull(s.min),
    max: finiteOrNull(s.max),
    p1: finiteOrNull(s.p1),
    p5: finiteOrNull(s.p5),
    stdev: finiteOrNull(s.stdev),
    below: s.below ? { threshold: s.below.threshold, share: finiteOrNull(s.below.share) } : null,
  };
}

/**
 * The `count` worst frames in the first series of {@link WORST_BY_ORDER} that is present, worst
 * first (ties by frame number): the lowest values, or the highest for a series where lower is
 * better ({@link LOWER_IS_BETTER}: CAMBI). NaN never ranks; +∞ (identical frames) ranks last.
 */
export function worstFrames(
  frameNumbers: readonly number[],
  perFrame: Partial<Record<ScoreSeries, readonly number[]>>,
  count = 10,
): { by: ScoreSeries | null; frames: WorstFrame[] } {
  const by = WORST_BY_ORDER.find((s) => perFrame[s] !== undefined) ?? null;
  if (by === null) return { by, frames: [] };
  const values = perFrame[by]!;
  const worse = LOWER_IS_BETTER.has(by) ? -1 : 1;
  const order = frameNumbers
    .map((_, i) => i)
    .filter((i) => !Number.isNaN(values[i]))
    .sort((a, b) => worse * (values[a]! - values[b]!) || a - b)
    .slice(0, count);
  const series = Object.keys(perFrame) as ScoreSeries[];
  return {
    by,
    frames: order.map((i) => {
      const row: WorstFrame = { frame: frameNumbers[i]! };
      for (const s of series) row[s] = finiteOrNull(perFrame[s]![i]!);
      return row;
    }),
  };
}
