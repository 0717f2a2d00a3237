/**
 * Reads everything the library holds about some sources into a {@link ProjectFile}: the sources,
 * their batches and jobs, renditions, score runs and results (with per-frame series and libvmaf's
 * elementary features), the saved ladders, and per-title runs when the library has them. Reads
 * the rows directly, so nothing is lost or recomputed on the way (series come out of their
 * float64 BLOBs bit for bit).
 */
import { VqError } from '../../../shared/errors';
import {
  PROJECT_FORMAT,
  PROJECT_VERSION,
  encodeSeriesValue,
  projectReferenceProblems,
  type ProjectBatch,
  type ProjectFile,
  type ProjectJob,
  type ProjectRendition,
  type ProjectScoreFeature,
  type ProjectScoreResult,
  type ProjectScoreRun,
  type ProjectSource,
} from '../../../shared/project';
import { SCORE_SERIES, SERIES_COLUMNS, type ScoreSeries } from '../../../shared/score';
import { unpackSeries } from '../store/frameBlob';
import { statFile, type FileIdentity } from '../media/fileIdentity';
import type { Db } from '../store/db';
import { identityOf, readFeatures } from '../store/scoreRepo';
import { LadderRepo } from '../store/ladderRepo';
import { PerTitleRepo } from '../analysis/perTitleRepo';
import { hasPerTitleRuns, type Row } from './projectRows';

/** Options of {@link exportProject}. */
export interface ExportOptions {
  /** Sources to export; every source in the library when left out. */
  sourceIds?: readonly string[];
  appVersion: string;
  /** The export time (ISO); now by default. */
  now?: string;
}

/**
 * The project of the given sources (all when none given). Sources their scores refer to (a library
 * item scored against another, a rendition of another source) come along with everything of
 * theirs, so the file is self-contained. Throws UNKNOWN_ITEM for an id not in the library.
 */
export function exportProject(db: Db, opts: ExportOptions): ProjectFile {
  const all = opts.sourceIds === undefined;
  const chosen = new Set<string>();
  if (all) {
    for (const r of db.prepare('SELECT id FROM sources').all() as { id: string }[])
      chosen.add(r.id);
  } else {
    for (const id of opts.sourceIds!) {
      if (!db.prepare('SELECT 1 FROM sources WHERE id = ?').get(id)) {
        throw new VqError(
          'UNKNOWN_ITEM',
          `No library item with id ${id} to export.`,
          'See the library (`vq list`) for the ids.',
        );
      }
      chosen.add(id);
    }
  }
  closeOverScoreTargets(db, chosen);
  const ids = [...chosen];

  const sourceRows = selectIn(
    db,
    'SELECT * FROM sources WHERE id IN',
    ids,
    'ORDER BY added_at, rowid',
  );
  const batchRows = selectIn(
    db,
    'SELECT * FROM batches WHERE source_id IN',
    ids,
    'ORDER BY created_at, rowid',
  );
  const batchIds = batchRows.map((b) => b.id as string);
  const jobRows = selectIn(
    db,
    'SELECT * FROM jobs WHERE batch_id IN',
    batchIds,
    'ORDER BY queue_order',
  );
  const renditionRows = selectIn(
    db,
    'SELECT * FROM renditions WHERE source_id IN',
    ids,
    'ORDER BY created_at, rowid',
  );
  const runRows = selectIn(
    db,
    'SELECT * FROM score_runs WHERE reference_id IN',
    ids,
    'ORDER BY started_at, rowid',
  );
  const runIds = runRows.map((r) => r.id as string);
  const resultRows = selectIn(
    db,
    'SELECT * FROM score_results WHERE run_id IN',
    runIds,
    'ORDER BY created_at, rowid',
  );

  const renditionIds = new Set(renditionRows.map((r) => r.id as string));
  const ladderIdsUsed = new Set(
    batchRows
      .map((b) => (JSON.parse(b.ladder_json as string) as { id?: string } | null)?.id)
      .filter(Boolean),
  );
  const ladders = new LadderRepo(db)
    .list()
    .filter((s) => all || ladderIdsUsed.has(s.ladder.id))
    .map((s) => ({ ladder: s.ladder, updatedAt: s.updatedAt }));

  const file: ProjectFile = {
    format: PROJECT_FORMAT,
    version: PROJECT_VERSION,
    exportedAt: opts.now ?? new Date().toISOString(),
    app: { version: opts.appVersion },
    sources: sourceRows.map(sourceOf),
    ladders,
    batches: batchRows.map(batchOf),
    jobs: jobRows.map(jobOf),
    renditions: renditionRows.map(renditionOf),
    scoreRuns: runRows.map(runOf),
    scoreResults: resultRows.map((r) => resultOf(r, chosen, renditionIds)),
  };
  const features = resultRows.flatMap((r) => featuresOf(db, r.id as string));
  // Only when there are any: a file without them stays readable by apps that keep none.
  if (features.length) file.scoreFeatures = features;
  if (hasPerTitleRuns(db)) {
    const repo = new PerTitleRepo(db);
    file.perTitleRuns = ids.flatMap((id) => repo.listBySource(id).reverse());
  }
  // Never write a file this app would refuse to import.
  const problems = projectReferenceProblems(file);
  if (problems.length) {
    throw new VqError(
      'INTERNAL',
      `The library's records do not fit together: ${problems.slice(0, 5).join('; ')}`,
      'Please report this.',
    );
  }
  return file;
}

/** A file name for the export: the source's name for one source, else the date. */
export function exportFileName(file: ProjectFile): string {
  const stamp = file.exportedAt.replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const base =
    file.sources.length === 1
      ? file.sources[0]!.fileName.replace(/\.[^.]*$/, '').replace(/[^A-Za-z0-9._-]+/g, '_')
      : 'vq-project';
  return `${base || 'vq-project'}-${stamp}.vqproj.json`;
}

/** Adds the sources that scores of the chosen sources target (directly or through a rendition). */
function closeOverScoreTargets(db: Db, chosen: Set<string>): void {
  let grew = true;
  while (grew) {
    grew = false;
    const targets = selectIn(
      db,
      'SELECT DISTINCT target_kind, target_id FROM score_results WHERE reference_id IN',
      [...chosen],
      '',
    );
    for (const t of targets) {
      const sourceId =
        t.target_kind === 'source'
          ? (t.target_id as string)
          : ((
              db.prepare('SELECT source_id FROM renditions WHERE id = ?').get(t.target_id) as
                { source_id: string } | undefined
            )?.source_id ?? null);
      if (
        sourceId &&
        !chosen.has(sourceId) &&
        db.prepare('SELECT 1 FROM sources WHERE id = ?').get(sourceId)
      ) {
        chosen.add(sourceId);
        grew = true;
      }
    }
  }
}

/** `SELECT … WHERE col IN (ids)` in chunks (SQLite limits bound parameters). */
function selectIn(db: Db, head: string, ids: readonly string[], tail: string): Row[] {
  const out: Row[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    out.push(
      ...(db
        .prepare(`${head} (${chunk.map(() => '?').join(', ')}) ${tail}`)
        .all(...chunk) as Row[]),
    );
  }
  return out;
}

function sourceOf(r: Row): ProjectSource {
  return {
    id: r.id as string,
    path: r.path as string,
    fileName: r.file_name as string,
    sizeBytes: r.size_bytes as number,
    mtimeMs: r.mtime_ms as number,
    addedAt: r.added_at as string,
    media: JSON.parse(r.media_json as string) as ProjectSource['media'],
    raw: r.raw_spec ? (JSON.parse(r.raw_spec as string) as ProjectSource['raw']) : null,
  };
}

function batchOf(r: Row): ProjectBatch {
  return {
    id: r.id as string,
    sourceId: r.source_id as string,
    ladder: JSON.parse(r.ladder_json as string) as ProjectBatch['ladder'],
    outDir: r.out_dir as string,
    decodeOnce: r.decode_once === 1,
    skipped: JSON.parse(r.skipped_json as string) as ProjectBatch['skipped'],
    createdAt: r.created_at as string,
  };
}

function jobOf(r: Row): ProjectJob {
  return {
    id: r.id as string,
    batchId: r.batch_id as string,
    kind: r.kind as ProjectJob['kind'],
    status: r.status as ProjectJob['status'],
    rungIds: JSON.parse(r.rung_ids as string) as string[],
    plan: JSON.parse(r.plan_json as string) as ProjectJob['plan'],
    dependsOn: r.depends_on as string | null,
    queueOrder: r.queue_order as number,
    attempts: r.attempts as number,
    createdAt: r.created_at as string,
    startedAt: r.started_at as string | null,
    finishedAt: r.finished_at as string | null,
    binary: r.binary as string | null,
    commands: JSON.parse(r.command_json as string) as string[][],
    stderrTail: r.stderr_tail as string | null,
    error: r.error as string | null,
    encodeSeconds: r.encode_seconds as number | null,
  };
}

function renditionOf(r: Row): ProjectRendition {
  let mtimeMs: number | null = null;
  try {
    mtimeMs = statFile(r.path as string)?.mtimeMs ?? null;
  } catch {
    // Unreadable at export: no time to compare with on import.
  }
  return {
    id: r.id as string,
    sourceId: r.source_id as string,
    batchId: r.batch_id as string | null,
    jobId: r.job_id as string | null,
    rungId: r.rung_id as string,
    rung: JSON.parse(r.rung_json as string) as ProjectRendition['rung'],
    path: r.path as string,
    encoder: r.encoder as string,
    width: r.width as number,
    height: r.height as number,
    bitrateKbps: r.bitrate_kbps as number | null,
    sizeBytes: r.size_bytes as number,
    mtimeMs,
    encodeSeconds: r.encode_seconds as number | null,
    command: JSON.parse(r.command_json as string) as string[][],
    media: JSON.parse(r.media_json as string) as ProjectRendition['media'],
    createdAt: r.created_at as string,
  };
}

function runOf(r: Row): ProjectScoreRun {
  return {
    id: r.id as string,
    jobId: r.job_id as string | null,
    referenceId: r.reference_id as string,
    referencePath: r.reference_path as string,
    command: JSON.parse(r.command_json as string) as string[],
    ffmpeg: JSON.parse(r.ffmpeg_json as string) as ProjectScoreRun['ffmpeg'],
    model: r.model_json ? (JSON.parse(r.model_json as string) as ProjectScoreRun['model']) : null,
    startedAt: r.started_at as string,
    durationMs: r.duration_ms as number,
    ...optionalIdentity(
      'referenceIdentity',
      identityOf(
        r.reference_size as number | null,
        r.reference_mtime_ms as number | null,
        r.reference_hash as string | null,
      ),
    ),
  };
}

/** The elementary features of one stored result, by name; non-finite values as null. */
function featuresOf(db: Db, resultId: string): ProjectScoreFeature[] {
  return Object.entries(readFeatures(db, resultId)).map(([name, values]) => ({
    resultId,
    name,
    values: values.map(encodeSeriesValue),
  }));
}

/** `{ [key]: identity }`, or nothing for a row stored before identities were recorded. */
function optionalIdentity<K extends string>(
  key: K,
  identity: FileIdentity | null,
): Partial<Record<K, FileIdentity>> {
  return identity ? ({ [key]: identity } as Record<K, FileIdentity>) : {};
}

function resultOf(
  r: Row,
  sources: ReadonlySet<string>,
  renditions: ReadonlySet<string>,
): ProjectScoreResult {
  const kind = r.target_kind as 'source' | 'rendition';
  const targetId = r.target_id as string;
  const present = kind === 'source' ? sources.has(targetId) : renditions.has(targetId);
  const series: Partial<Record<ScoreSeries, ReturnType<typeof encodeSeriesValue>[]>> = {};
  for (const s of SCORE_SERIES) {
    const blob = r[SERIES_COLUMNS[s]] as Buffer | null;
    if (blob) series[s] = unpackSeries(blob).map(encodeSeriesValue);
  }
  return {
    id: r.id as string,
    runId: r.run_id as string,
    referenceId: r.reference_id as string,
    target: { kind, id: targetId },
    ...(present ? {} : { targetRemoved: true }),
    path: r.path as string,
    label: r.label as string,
    encoder: r.encoder as string | null,
    width: r.width as number,
    height: r.height as number,
    bitrateKbps: r.bitrate_kbps as number | null,
    frames: r.frames as number,
    frameNumbers: unpackSeries(r.frame_numbers as Buffer),
    series,
    pooled: JSON.parse(r.pooled_json as string) as ProjectScoreResult['pooled'],
    warnings: JSON.parse(r.warnings_json as string) as ProjectScoreResult['warnings'],
    unavailable: JSON.parse(r.unavailable_json as string) as ProjectScoreResult['unavailable'],
    preflight: JSON.parse(r.preflight_json as string) as ProjectScoreResult['preflight'],
    fixes: JSON.parse(r.fixes_json as string) as string[],
    alignment: JSON.parse(r.alignment_json as string) as ProjectScoreResult['alignment'],
    model: r.model_json
      ? (JSON.parse(r.model_json as string) as ProjectScoreResult['model'])
      : null,
    createdAt: r.created_at as string,
    ...optionalIdentity(
      'identity',
      identityOf(
        r.file_size as number | null,
        r.file_mtime_ms as number | null,
        r.file_hash as string | null,
      ),
    ),
  };
}
