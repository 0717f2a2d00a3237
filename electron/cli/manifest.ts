/**
 * `DIR/manifest.json` of `vq encode`: the source, the ladder, every rendition with its measured
 * facts, the command that made it and (with `--score`) its pooled scores, and what was skipped or
 * failed. Pure.
 */
import type { Ladder } from '../../shared/ladder';
import type { LibraryItem } from '../../shared/library';
import type { Batch, Job, QueueSnapshot, Rendition, SkippedRung } from '../../shared/queue';
import type { ScoreSeries } from '../../shared/score';
import type { PooledView, ScoreResultSummary } from '../../shared/scoreResults';

/** Pooled scores of a rendition against the source (`vq encode --score`). */
export interface ManifestScores {
  /** Stored result id (`scores.get`). */
  resultId: string;
  frames: number;
  /**
   * Pooled figures per series computed: vmaf, psnrY, psnr, ssimY, ssim, msSsim, xpsnr (luma, dB),
   * xpsnrU, xpsnrV, cambi (lower is better); null = +∞.
   */
  metrics: Partial<Record<ScoreSeries, PooledView>>;
  model: string | null;
  /** The top of the VMAF model's scale when it is not 100 (110 for the VMAF v1 4K-at-3H models, 3d0h_2160). */
  vmafMaxScore?: number;
  warnings: string[];
}

/** One rendition in the manifest. */
export interface ManifestRendition {
  rungId: string;
  path: string;
  encoder: string;
  width: number;
  height: number;
  /** Measured from the output. */
  bitrateKbps: number | null;
  sizeBytes: number;
  /** Wall time of the process that made it (shared by the rungs of a decode-once job). */
  encodeSeconds: number | null;
  /** The argument array that wrote the file (the last pass of a two-pass encode). */
  command: string[];
  /** Every pass, when there were two. */
  passes?: string[][];
  /** Its scores against the source, when it was scored. */
  scores?: ManifestScores;
  /** The `vq worker` (its --name) that made it, when the shared queue (VQ_REDIS_URL) ran the job. */
  worker?: string;
}

/** The manifest file. */
export interface EncodeManifest {
  source: {
    path: string;
    codec: string;
    width: number;
    height: number;
    frameRate: number | null;
    frameCount: number | null;
    durationSeconds: number | null;
    bitrateKbps: number | null;
    pixFmt: string;
    bitDepth: number;
  };
  ladder: { id: string; name: string };
  outDir: string;
  decodeOnce: boolean;
  renditions: ManifestRendition[];
  skipped: SkippedRung[];
  failed: { rungId: string; status: string; reason: string; stderrTail: string | null }[];
  /** Score jobs that did not finish (`--score`): the rungs they were to score and why. */
  scoreFailed?: { rungIds: string[]; status: string; reason: string }[];
}

/**
 * The batch, jobs and renditions a manifest is built from: as stored in the snapshot, or — when
 * the batch is gone from it (cleared from another process's queue; its jobs went with it and its
 * renditions lost their batch link) — the batch as planned with the jobs and renditions this run
 * was told of (`seen`). `stored` says which.
 */
export function batchRecord(
  snapshot: Pick<QueueSnapshot, 'batches' | 'jobs' | 'renditions'>,
  plan: Batch,
  seen: { jobs: Iterable<Job>; renditions: Iterable<Rendition> },
): { stored: boolean; batch: Batch; jobs: Job[]; renditions: Rendition[] } {
  const stored = snapshot.batches.find((b) => b.id === plan.id);
  const ours = <T extends { batchId: string | null }>(list: Iterable<T>): T[] =>
    [...list].filter((x) => x.batchId === plan.id);
  return stored
    ? { stored: true, batch: stored, jobs: ours(snapshot.jobs), renditions: ours(snapshot.renditions) }
    : { stored: false, batch: plan, jobs: ours(seen.jobs), renditions: ours(seen.renditions) };
}

/** Builds the manifest of a finished batch; renditions follow the ladder's rung order. */
export function buildManifest(
  source: LibraryItem,
  batch: Batch,
  jobs: Job[],
  renditions: Rendition[],
  scores: readonly ScoreResultSummary[] = [],
): EncodeManifest {
  const order = rungOrder(batch.ladder);
  const scoreOf = new Map<string, ScoreResultSummary>();
  for (const s of scores) {
    const had = s.target.kind === 'rendition' ? scoreOf.get(s.target.id) : undefined;
    if (s.target.kind === 'rendition' && (!had || had.createdAt < s.createdAt)) scoreOf.set(s.target.id, s);
  }
  const latest = new Map<string, Rendition>();
  for (const r of renditions) {
    const had = latest.get(r.rungId);
    if (!had || had.createdAt < r.createdAt) latest.set(r.rungId, r);
  }
  const failed: EncodeManifest['failed'] = [];
  const scoreJobs = jobs.filter((j) => j.kind === 'score');
  for (const j of jobs) {
    if (j.kind !== 'encode') continue;
    if (j.status === 'done' || j.status === 'queued' || j.status === 'running') continue;
    for (const rungId of j.rungIds) {
      if (latest.has(rungId)) continue; // a re-run made it after all
      failed.push({ rungId, status: j.status, reason: j.error ?? j.status, stderrTail: j.stderrTail });
    }
  }
  const v = source.media.video;
  return {
    source: {
      path: source.path,
      codec: v.codec,
      width: v.width,
      height: v.height,
      frameRate: v.frameRate,
      frameCount: v.frameCount,
      durationSeconds: source.media.durationSeconds,
      bitrateKbps: source.media.bitrateKbps,
      pixFmt: v.pixFmt,
      bitDepth: v.bitDepth,
    },
    ladder: { id: batch.ladder?.id ?? '', name: batch.ladder?.name ?? '' },
    outDir: batch.outDir,
    decodeOnce: batch.decodeOnce,
    renditions: [...latest.values()]
      .sort((a, b) => (order.get(a.rungId) ?? 0) - (order.get(b.rungId) ?? 0))
      .map((r) => ({
        rungId: r.rungId,
        path: r.path,
        encoder: r.encoder,
        width: r.width,
        height: r.height,
        bitrateKbps: r.bitrateKbps,
        sizeBytes: r.sizeBytes,
        encodeSeconds: r.encodeSeconds,
        command: r.command[r.command.length - 1] ?? [],
        ...(r.command.length > 1 ? { passes: r.command } : {}),
        ...(scoreOf.has(r.id) ? { scores: manifestScores(scoreOf.get(r.id)!) } : {}),
        ...(r.worker ? { worker: r.worker } : {}),
      })),
    skipped: batch.skipped,
    failed: failed.sort((a, b) => (order.get(a.rungId) ?? 0) - (order.get(b.rungId) ?? 0)),
    ...(scoreJobs.length > 0
      ? {
          scoreFailed: scoreJobs
            .filter((j) => j.status !== 'done' && j.status !== 'queued' && j.status !== 'running')
            .map((j) => ({ rungIds: j.rungIds, status: j.status, reason: j.error ?? j.status })),
        }
      : {}),
  };
}

function manifestScores(s: ScoreResultSummary): ManifestScores {
  return {
    resultId: s.id,
    frames: s.frames,
    metrics: s.metrics,
    model: s.model ? (s.model.path ?? s.model.name) : null,
    ...(s.model?.maxScore !== undefined && s.model.maxScore !== 100
      ? { vmafMaxScore: s.model.maxScore }
      : {}),
    warnings: s.warnings.map((w) => w.message),
  };
}

function rungOrder(ladder: Ladder | null): Map<string, number> {
  return new Map((ladder?.rungs ?? []).map((r, i) => [r.id, i]));
}
