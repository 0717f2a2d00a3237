/**
 * The HTML report of a source (`report.html`, `vq report`): gathers what the library knows about
 * the source — its scored renditions (the analysis service's points), their score results with
 * per-frame values and commands, the batches and ladders that made them, the ffmpeg builds — and
 * renders it with {@link renderReportHtml}.
 */
import type { PlaybackService } from '../playback/playbackService';
import { RD_QUALITIES, rdQualityDirection, type RdQuality } from '../../../shared/rd/quality';
import { VqError } from '../../../shared/errors';
import type { Batch } from '../../../shared/queue';
import type { ScoreResultDetail } from '../../../shared/scoreResults';
import type { AnalysisService } from '../analysis/analysisService';
import type { JobStore } from '../queue/jobStore';
import type { ScoreService } from '../scoreService/scoreService';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { Toolchain } from '../toolchain';
import { renderReportHtml, type ReportBinary, type ReportData } from './reportHtml';

export {
  renderReportHtml,
  bdRows,
  curvePoints,
  type ReportData,
  type ReportBinary,
  type BdRow,
} from './reportHtml';
export { decimateMinMax, perFrameChartSvg, rdChartSvg, logTicks, linearTicks } from './svgCharts';
export { esc } from './html';

/** What the report reads (a subset of the API service's dependencies). */
export interface ReportDeps {
  version: string;
  library: Pick<LibraryRepo, 'get'>;
  analysis: Pick<AnalysisService, 'get'>;
  scores: Pick<ScoreService, 'get'>;
  renditions: Pick<RenditionRepo, 'list'>;
  jobs: Pick<JobStore, 'getBatch'>;
  /** For the versions of the encoding builds; optional. */
  toolchain?: Pick<Toolchain, 'report'>;
  /** Streaming packages (and their playbacks); optional. */
  playback?: Pick<PlaybackService, 'list'>;
}

/** Gathers the report's data; NOT_FOUND for an unknown source. */
export async function gatherReport(deps: ReportDeps, sourceId: string): Promise<ReportData> {
  const stored = deps.library.get(sourceId);
  if (!stored)
    throw new VqError(
      'NOT_FOUND',
      `No library item with id ${sourceId}.`,
      'See `vq list` for the ids, or pass the file path.',
    );
  const { points, stalePoints } = deps.analysis.get(sourceId);
  const renditions = deps.renditions.list({ sourceId });
  const scores = new Map<string, ScoreResultDetail>();
  for (const p of points) {
    // A point's figures can come from several results (an earlier score kept a series).
    for (const id of p.scoreResultIds ?? [p.scoreResultId]) {
      if (scores.has(id)) continue;
      try {
        scores.set(id, deps.scores.get(id));
      } catch {
        // deleted between the two reads: the row still shows its pooled figures
      }
    }
  }
  const batchIds = [
    ...new Set(renditions.map((r) => r.batchId).filter((id): id is string => id !== null)),
  ];
  const batches = batchIds
    .map((id) => deps.jobs.getBatch(id))
    .filter((b): b is Batch => b !== null)
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));

  const versions = new Map<string, string | null>();
  if (deps.toolchain) {
    try {
      for (const b of (await deps.toolchain.report()).binaries) versions.set(b.path, b.version);
    } catch {
      // the report still lists the paths
    }
  }
  const binaries = new Map<string, ReportBinary>();
  const add = (role: string, path: string, version: string | null, note?: string): void => {
    const key = `${role}|${path}`;
    const had = binaries.get(key) ?? { role, path, version, notes: [] };
    if (note && !had.notes.includes(note)) had.notes.push(note);
    binaries.set(key, had);
  };
  for (const r of renditions) {
    const bin = r.command[0]?.[0];
    if (bin) add('encoding', bin, versions.get(bin) ?? null, r.encoder);
  }
  for (const s of scores.values()) {
    const b = s.ffmpeg;
    const vmaf = b.libvmafApi
      ? `libvmaf ${b.libvmafVersion ?? '?'} (filter API ${b.libvmafApi})`
      : undefined;
    add('scoring', b.path, b.version ?? versions.get(b.path) ?? null, vmaf);
  }
  // The first higher-is-better figure some point has (VMAF first); its curves, hull and BD-rate
  // are drawn. CAMBI is never the report's figure: it rates banding alone (see ladderQualityProblem).
  const quality: RdQuality =
    RD_QUALITIES.find(
      (q) => rdQualityDirection(q) === 'higher' && points.some((p) => p.metrics[q] !== null),
    ) ?? 'vmafMean';
  return {
    generatedAt: new Date().toISOString(),
    appVersion: deps.version,
    source: stored.item,
    quality,
    points,
    stalePoints,
    renditions,
    scores,
    batches,
    binaries: [...binaries.values()],
    packages: deps.playback?.list().filter((p) => p.sourceId === sourceId) ?? [],
  };
}

/** `report.html`: the self-contained HTML report of a source and a file name for it. */
export async function buildReport(
  deps: ReportDeps,
  sourceId: string,
): Promise<{ fileName: string; html: string }> {
  const data = await gatherReport(deps, sourceId);
  const base =
    data.source.fileName.replace(/\.[^.]+$/, '').replace(/[^A-Za-z0-9._-]+/g, '_') || 'source';
  return { fileName: `${base}-report.html`, html: renderReportHtml(data) };
}
