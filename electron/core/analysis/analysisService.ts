/**
 * Rate–quality data of a source as the API offers it (`analysis.get`, `analysis.export`): every
 * rendition of the source with a score against it, as one point with its measured bitrate, the
 * facts of its rung and, per figure, the pooled value of the newest fresh score that has it.
 */
import { z } from 'zod';
import {
  analysisCsv,
  analysisJson,
  type AnalysisData,
  type RdRendition,
} from '../../../shared/analysis';
import { VqError } from '../../../shared/errors';
import { RateControlSchema } from '../../../shared/ladder';
import type { Batch, Rendition } from '../../../shared/queue';
import { rateControlText } from '../../../shared/rungText';
import type { ScoreSeries } from '../../../shared/score';
import type { PooledView, ScoreExport, ScoreResultSummary } from '../../../shared/scoreResults';
import type { JobStore } from '../queue/jobStore';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreRepo } from '../store/scoreRepo';

/** What the analysis service reads. */
export interface AnalysisServiceDeps {
  library: LibraryRepo;
  renditions: RenditionRepo;
  scores: ScoreRepo;
  jobs: JobStore;
}

const RateModeSchema = z.enum(['crf', 'abr', 'cbr']);

/**
 * The facts of a rendition's rung a point shows and curves group by. A rung may come from an
 * imported project, where only its shape was checked: each fact is taken only when it has today's
 * type (a preset that is not a short string reads as the encoder's default, rate-control settings
 * that do not parse as unreadable). Null when even the rate-control mode is not one VQ Studio knows.
 */
function rungFacts(
  rung: Rendition['rung'],
): Pick<RdRendition, 'rateControl' | 'preset' | 'rateMode'> | null {
  const rc: unknown = (rung as { rateControl?: unknown }).rateControl;
  const mode = RateModeSchema.safeParse((rc as { mode?: unknown } | null)?.mode);
  if (!mode.success) return null;
  const parsed = RateControlSchema.safeParse(rc);
  const preset: unknown = (rung as { preset?: unknown }).preset;
  return {
    rateControl: parsed.success
      ? rateControlText(parsed.data)
      : `${mode.data.toUpperCase()} (settings not readable)`,
    preset: typeof preset === 'string' && preset.length <= 16 ? preset : null,
    rateMode: mode.data,
  };
}

/**
 * The results a point's figures come from, out of a rendition's current results (newest first):
 * the fresh ones, or all of them when none is fresh (the point is then stale). A stale result never
 * gives a figure to a fresh point: its numbers describe bytes that are no longer there.
 */
export function feedingResults(
  scores: readonly ScoreResultSummary[],
): readonly ScoreResultSummary[] {
  const fresh = scores.filter((s) => s.stale === null);
  return fresh.length ? fresh : scores;
}

/**
 * One rendition and its current scores (newest first; shared/scoreResults.ts `currentScores`) as
 * a rate–quality point. Each figure comes from the newest {@link feedingResults} result that has
 * its series, the VMAF model from the result that gave VMAF; the point is stale only when no fresh
 * result is left. The bitrate is the rendition's measured video bitrate (probe), else the one
 * stored with the newest feeding result, else file size × 8 over duration. Null without scores or
 * when its rung's rate-control mode cannot be read ({@link rungFacts}).
 */
export function rdRendition(
  rendition: Rendition,
  scores: readonly ScoreResultSummary[],
  batch: Pick<Batch, 'ladder'> | null,
): RdRendition | null {
  const facts = rungFacts(rendition.rung);
  const feeding = feedingResults(scores);
  const newest = feeding[0];
  if (!facts || !newest) return null;
  const given = new Set<ScoreResultSummary>();
  const from = (series: ScoreSeries): ScoreResultSummary | undefined => {
    const r = feeding.find((x) => x.metrics[series] !== undefined);
    if (r) given.add(r);
    return r;
  };
  const pooled = (series: ScoreSeries): PooledView | undefined => from(series)?.metrics[series];
  const vmafFrom = from('vmaf');
  const vmaf = vmafFrom?.metrics.vmaf;
  const metrics: RdRendition['metrics'] = {
    vmafMean: vmaf?.mean ?? null,
    vmafHmean: vmaf?.harmonicMean ?? null,
    vmafP5: vmaf?.p5 ?? null,
    psnr: pooled('psnr')?.mean ?? null,
    psnrY: pooled('psnrY')?.mean ?? null,
    ssim: pooled('ssim')?.mean ?? null,
    msSsim: pooled('msSsim')?.mean ?? null,
    xpsnr: pooled('xpsnr')?.mean ?? null,
    cambi: pooled('cambi')?.mean ?? null,
  };
  const model = vmafFrom?.model;
  const cambiModel = from('cambi')?.model?.name ?? null;
  const kbps = rendition.bitrateKbps ?? newest.bitrateKbps;
  const duration = rendition.media.durationSeconds;
  const bitrate =
    kbps !== null ? kbps * 1000 : duration ? (rendition.sizeBytes * 8) / duration : Number.NaN;
  return {
    renditionId: rendition.id,
    scoreResultId: newest.id,
    scoreResultIds: feeding.filter((r) => r === newest || given.has(r)).map((r) => r.id),
    batchId: rendition.batchId ?? '',
    jobId: rendition.jobId,
    ladderId: batch?.ladder?.id ?? null,
    ladderName: batch?.ladder?.name ?? null,
    rungId: rendition.rungId,
    label: rendition.rungId,
    encoder: rendition.encoder,
    width: rendition.width,
    height: rendition.height,
    ...facts,
    bitrate,
    sizeBytes: rendition.sizeBytes,
    metrics,
    vmafModel: model ? { name: model.name, maxScore: model.maxScore ?? 100, ...(model.transform ? { transform: true } : {}) } : null,
    ...(cambiModel ? { cambiModel } : {}),
    createdAt: newest.createdAt,
    stale: newest.stale,
  };
}

/** Reads rate–quality points and exports them. */
export class AnalysisService {
  constructor(private readonly deps: AnalysisServiceDeps) {}

  /**
   * `analysis.get`: every rendition of the source scored against it (one point each, its figures
   * from its newest fresh results: {@link rdRendition}), by bitrate ascending; those with no
   * fresh score apart, in `stalePoints`.
   * Renditions of other sources scored against this one are left out: they are not points of
   * this source's curves. NOT_FOUND for an unknown source.
   */
  get(sourceId: string): AnalysisData {
    this.requireSource(sourceId);
    const all = this.allPoints(sourceId);
    return {
      sourceId,
      points: all.filter((p) => p.stale === null),
      stalePoints: all.filter((p) => p.stale !== null),
    };
  }

  /**
   * The points of a source whose scores are fresh, optionally only those of one batch (the
   * per-title grid): what curves, hulls, BD-rates and exports are computed from.
   */
  points(sourceId: string, batchId?: string): RdRendition[] {
    return this.allPoints(sourceId, batchId).filter((p) => p.stale === null);
  }

  /**
   * Every point of a source, stale ones too: the renditions of the Library's selection of scores
   * ({@link ScoreRepo.currentByReference}). A rendition a new encode replaced is read as it was
   * (its score is stale), so it shows as left out instead of vanishing.
   */
  private allPoints(sourceId: string, batchId?: string): RdRendition[] {
    const renditions = new Map(
      this.deps.renditions.list({ sourceId, batchId }).map((r) => [r.id, r] as const),
    );
    const renditionOf = (id: string): Rendition | null => {
      const found = renditions.get(id);
      if (found) return found;
      const replaced = this.deps.renditions.replaced(id);
      const ours =
        replaced?.sourceId === sourceId && (batchId === undefined || replaced.batchId === batchId);
      return ours ? replaced : null;
    };
    const batches = new Map<string, Batch | null>();
    const batchOf = (id: string | null): Batch | null => {
      if (id === null) return null;
      if (!batches.has(id)) batches.set(id, this.deps.jobs.getBatch(id));
      return batches.get(id) ?? null;
    };
    // The current results of each rendition, newest first (the order of currentByReference).
    const scoresOf = new Map<string, ScoreResultSummary[]>();
    for (const score of this.deps.scores.currentByReference(sourceId)) {
      if (score.target.kind !== 'rendition') continue;
      const had = scoresOf.get(score.target.id);
      if (had) had.push(score);
      else scoresOf.set(score.target.id, [score]);
    }
    const points: RdRendition[] = [];
    for (const [id, scores] of scoresOf) {
      const rendition = renditionOf(id);
      if (!rendition) continue;
      const point = rdRendition(rendition, scores, batchOf(rendition.batchId));
      // No measured bitrate, none stored with the score and no duration: not a rate–quality point.
      if (point && Number.isFinite(point.bitrate) && point.bitrate > 0) points.push(point);
    }
    return points.sort(
      (a, b) => a.bitrate - b.bitrate || a.renditionId.localeCompare(b.renditionId),
    );
  }

  /**
   * `analysis.export`: pooled results per rendition as a download. CSV: one row per rendition,
   * `bitrate` in bits/s and `quality` = VMAF mean, so one group's rows feed `vq bdrate` as they
   * are (see `analysisCsv`); JSON: the {@link RdRendition} objects.
   */
  export(sourceId: string, format: 'csv' | 'json'): ScoreExport {
    const source = this.requireSource(sourceId);
    const data = { sourceId, points: this.points(sourceId) };
    if (data.points.length === 0) {
      throw new VqError(
        'NOT_FOUND',
        `No rendition of ${source.item.fileName} has been scored yet; there is nothing to export.`,
        'Encode a ladder with "score after encode", or score its renditions, then export.',
      );
    }
    const base = source.item.fileName.replace(/\.[^.]+$/, '') || 'source';
    return format === 'csv'
      ? { fileName: `${base}-pooled.csv`, mimeType: 'text/csv', text: analysisCsv(data.points) }
      : {
          fileName: `${base}-pooled.json`,
          mimeType: 'application/json',
          text: analysisJson(data, source.item),
        };
  }

  private requireSource(id: string): NonNullable<ReturnType<LibraryRepo['get']>> {
    const source = this.deps.library.get(id);
    if (!source) {
      throw new VqError(
        'NOT_FOUND',
        `No library item with id ${id}.`,
        'It may have been removed; refresh the library.',
      );
    }
    return source;
  }
}
