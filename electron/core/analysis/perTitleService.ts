/**
 * The one-button per-title flow: a CRF grid (heights × CRF values) is encoded on a source through
 * the ordinary encode path with "score after encode"; once every job of that batch has finished,
 * the grid's points go through the convex hull and the ladder picker (shared/rd) and the run
 * stores the recommended ladder. The run follows the queue's events, and `resume()` completes runs
 * whose batch finished while the app was closed.
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { PerTitleHullPoint, PerTitlePick, PerTitleRun, PerTitleStatus } from '../../../shared/perTitle';
import { rdQualityOf } from '../../../shared/analysis';
import { RD_QUALITY_LABELS } from '../../../shared/rd/quality';
import type { VqEvent } from '../../../shared/api';
import { VqError, toApiError } from '../../../shared/errors';
import {
  PER_TITLE_SCORE_METRICS,
  perTitleGridLadder,
  resolvePerTitleOptions,
  type PerTitleOptions,
  type PerTitleSettings,
} from '../../../shared/perTitle';
import type { Batch, Job } from '../../../shared/queue';
import { batchTally } from '../../../shared/queue';
import { ladderFromPicks, recommendLadder, convexHull, type HullInput } from '../../../shared/rd';
import type { ScoreOptions } from '../../../shared/score';
import type { EncodeService } from '../encode/encodeService';
import { sourceGeometry } from '../encode/planBatch';
import type { EventHub } from '../events';
import type { JobStore } from '../queue/jobStore';
import type { LibraryRepo } from '../store/libraryRepo';
import type { AnalysisService } from './analysisService';
import type { PerTitleRepo } from './perTitleRepo';

/** What the per-title service needs. */
export interface PerTitleServiceDeps {
  library: LibraryRepo;
  encode: EncodeService;
  jobs: JobStore;
  analysis: AnalysisService;
  runs: PerTitleRepo;
  events: EventHub;
}

/**
 * What the grid's score jobs measure (shared/perTitle.ts `PER_TITLE_SCORE_METRICS` says why these):
 * VMAF with the model chosen from the source size, PSNR and SSIM.
 */
export const PER_TITLE_SCORE_OPTIONS: ScoreOptions = { metrics: [...PER_TITLE_SCORE_METRICS] };

/** Runs and follows per-title runs. */
export class PerTitleService {
  /** Unfinished runs by batch id: the batches whose job events move a run on. */
  private readonly following = new Map<string, string>();
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: PerTitleServiceDeps) {
    this.unsubscribe = deps.events.subscribe((e) => this.onEvent(e));
  }

  /** Follows every unfinished run again and completes those whose batch has finished (start-up). */
  resume(): void {
    for (const run of this.deps.runs.listUnfinished()) {
      this.following.set(run.batchId, run.id);
      this.check(run.id);
    }
  }

  /** Stops following the queue (the core is closing). */
  close(): void {
    this.unsubscribe();
    this.following.clear();
  }

  /** `pertitle.start`: builds the grid, queues it with score after encode, records the run. */
  async start(
    sourceId: string,
    options: PerTitleOptions = {},
  ): Promise<{ run: PerTitleRun; batch: Batch; jobs: Job[] }> {
    const source = this.deps.library.get(sourceId);
    if (!source) {
      throw new VqError(
        'NOT_FOUND',
        `No library item with id ${sourceId}.`,
        'It may have been removed; refresh the library.',
      );
    }
    const geometry = sourceGeometry(source.item.media, source.raw);
    const settings = resolvePerTitleOptions(options, geometry);
    const id = newId();
    const grid = perTitleGridLadder(geometry, settings, {
      id: `pertitle-grid-${id}`,
      name: `Per-title grid: ${source.item.fileName}`,
    });
    // A new folder per run, named after its grid (the run id is in it): a run never meets another
    // run's files, so nothing needs overwriting.
    const outDir = settings.outDir
      ? path.join(path.resolve(settings.outDir), grid.id)
      : this.deps.encode.defaultOutDir(sourceId, grid.id);
    const { batch, jobs } = await this.deps.encode.start({
      sourceId,
      ladder: grid,
      outDir,
      scoreAfterEncode: { options: PER_TITLE_SCORE_OPTIONS },
    });
    const now = new Date().toISOString();
    const run = this.deps.runs.insert({
      id,
      sourceId,
      batchId: batch.id,
      status: 'encoding',
      options: { ...settings, outDir: batch.outDir },
      ladder: null,
      hull: null,
      picks: null,
      scoredPoints: null,
      error: null,
      createdAt: now,
      updatedAt: now,
    });
    this.following.set(batch.id, run.id);
    this.deps.events.emit({ type: 'pertitle.updated', run });
    // Jobs cannot finish before this point (they need I/O), but a check costs nothing.
    return { run: this.check(run.id) ?? run, batch, jobs };
  }

  /** `pertitle.list`: the source's runs, newest first. */
  list(sourceId: string): { runs: PerTitleRun[] } {
    return { runs: this.deps.runs.listBySource(sourceId) };
  }

  private onEvent(e: VqEvent): void {
    if (e.type !== 'job.updated' && e.type !== 'batch.finished') return;
    const batchId = e.type === 'job.updated' ? e.job.batchId : e.batchId;
    try {
      const runId = this.following.get(batchId);
      if (runId !== undefined) this.check(runId);
      else if (e.type === 'job.updated' && e.job.status === 'queued') this.revive(batchId);
    } catch (err) {
      console.error(`per-title batch ${batchId}:`, err instanceof Error ? err.message : err);
    }
  }

  /**
   * A job of a failed run's grid was queued again (queue.retry): the run follows its batch again
   * and completes when the grid does, instead of staying failed.
   */
  private revive(batchId: string): void {
    const run = this.deps.runs.byBatch(batchId);
    if (!run || run.status !== 'failed') return;
    this.following.set(batchId, run.id);
    const revived = this.deps.runs.update(run.id, { status: 'encoding', error: null });
    this.deps.events.emit({ type: 'pertitle.updated', run: revived });
    this.check(run.id);
  }

  /** Moves a run to the status its batch's jobs say; completes it when they have all finished. */
  private check(runId: string): PerTitleRun | null {
    const run = this.deps.runs.get(runId);
    if (!run) return null;
    if (run.status === 'done' || run.status === 'failed') {
      this.following.delete(run.batchId);
      return run;
    }
    const jobs = this.deps.jobs.listJobs({ batchId: run.batchId });
    if (jobs.length === 0)
      return this.finish(run, {
        status: 'failed',
        error: `The grid batch ${run.batchId} is gone.`,
      });
    const tally = batchTally(jobs);
    if (!tally.finished) {
      const encoding = jobs.some(
        (j) => j.kind === 'encode' && (j.status === 'queued' || j.status === 'running'),
      );
      const status: PerTitleStatus = encoding ? 'encoding' : 'scoring';
      if (status === run.status) return run;
      const updated = this.deps.runs.update(run.id, { status });
      this.deps.events.emit({ type: 'pertitle.updated', run: updated });
      return updated;
    }
    if (tally.failed > 0 || tally.canceled > 0) {
      return this.finish(run, { status: 'failed', error: jobFailure(jobs) });
    }
    try {
      return this.finish(run, { status: 'done', ...this.recommend(run) });
    } catch (err) {
      const e = toApiError(err);
      return this.finish(run, {
        status: 'failed',
        error: e.hint ? `${e.message} ${e.hint}` : e.message,
      });
    }
  }

  private finish(run: PerTitleRun, patch: Parameters<PerTitleRepo['update']>[1]): PerTitleRun {
    this.following.delete(run.batchId);
    const updated = this.deps.runs.update(run.id, patch);
    this.deps.events.emit({ type: 'pertitle.updated', run: updated });
    return updated;
  }

  /** Hull over the grid's scored points (grouped by height), then the picks and the ladder. */
  private recommend(run: PerTitleRun): {
    ladder: NonNullable<PerTitleRun['ladder']>;
    hull: PerTitleHullPoint[];
    picks: PerTitlePick[];
    scoredPoints: number;
    error: null;
  } {
    const s: PerTitleSettings = run.options;
    const points: HullInput[] = [];
    for (const p of this.deps.analysis.points(run.sourceId, run.batchId)) {
      const quality = rdQualityOf(p, s.quality);
      if (quality === null || !(p.bitrate > 0)) continue;
      points.push({
        id: p.renditionId,
        group: `${p.height}p`,
        bitrate: p.bitrate,
        quality,
        width: p.width,
        height: p.height,
      });
    }
    if (points.length < 2) {
      throw new VqError(
        'INVALID_CURVE',
        `Only ${points.length} grid point${points.length === 1 ? ' has' : 's have'} a ${RD_QUALITY_LABELS[s.quality]} score; a hull needs at least 2.`,
        'Check the score jobs of the grid batch in the queue, then start the per-title run again.',
      );
    }
    const hull = convexHull(points);
    const picked = recommendLadder(hull, s.pick);
    const fileName = this.deps.library.get(run.sourceId)?.item.fileName ?? run.sourceId;
    const picks = ladderFromPicks(picked, {
      id: `pertitle-${slug(fileName)}-${run.id.slice(0, 6)}`,
      name: `Per-title: ${fileName}`,
      encoder: s.encoder,
      preset: s.preset,
      description: `Recommended from ${points.length} scored points of a ${s.heights.length}×${s.crfs.length} CRF grid (${RD_QUALITY_LABELS[s.quality]}); per-title run ${run.id}.`,
    });
    // Its bitrates were measured with the grid's HDR handling: the ladder carries it.
    const ladder = s.hdr ? { ...picks, hdr: s.hdr } : picks;
    return {
      ladder,
      hull: hull.map((h) => ({
        renditionId: h.id,
        group: h.group,
        width: h.width!,
        height: h.height!,
        bitrate: h.bitrate,
        quality: h.quality,
      })),
      picks: picked.map((p, i) => ({
        rungId: ladder.rungs[i]!.id,
        renditionId: p.point.id,
        width: p.point.width!,
        height: p.point.height!,
        bitrate: p.bitrate,
        quality: p.quality,
        why: p.why,
      })),
      scoredPoints: points.length,
      error: null,
    };
  }
}

/** Why a finished batch did not give a ladder: counts, then the first job's own reason. */
function jobFailure(jobs: readonly Job[]): string {
  const bad = jobs.filter(
    (j) => j.status === 'failed' || j.status === 'canceled' || j.status === 'interrupted',
  );
  const count = (status: string): number => bad.filter((j) => j.status === status).length;
  const parts = [
    count('failed') ? `${count('failed')} failed` : '',
    count('canceled') ? `${count('canceled')} canceled` : '',
    count('interrupted') ? `${count('interrupted')} interrupted` : '',
  ].filter(Boolean);
  const first = bad.find((j) => j.error)?.error;
  return `The grid did not finish: ${parts.join(', ')} of ${jobs.length} jobs.${first ? ` ${first}` : ''} Start the per-title run again.`;
}

function slug(fileName: string): string {
  const s = fileName
    .replace(/\.[^.]+$/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return s || 'source';
}

function newId(): string {
  return randomBytes(8).toString('hex');
}
