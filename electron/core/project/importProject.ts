/**
 * Imports a project file into the library: parse and validate first (nothing is touched when the
 * file is bad), then insert what is not there yet in short transactions (the event loop is never
 * held for long), journaled so that a failure half-way — or a crash — leaves the library as it was
 * (importJournal.ts). Rules:
 * - A record whose id is already in the library is skipped ("already in the library").
 * - A source (or rendition) whose path is already in the library under another id is not added:
 *   its id is mapped to the existing one and every reference to it (batches, renditions, score
 *   runs and results, score job plans, per-title runs) follows.
 * - Jobs are history: a job that was queued or running in the file arrives as `interrupted` (a
 *   person may retry it; nothing runs by itself), a per-title run still encoding or scoring
 *   arrives as `failed`.
 * - Thumbnails are not carried (they are caches); the service makes new ones after the commit.
 */
import { z } from 'zod';
import { VqError } from '../../../shared/errors';
import { JsonPieceError, JsonPieceReader, assemblePiece } from '../../../shared/jsonPieces';
import { PRESET_LADDERS } from '../../../shared/presets';
import {
  MAX_PROJECT_CHARS,
  PROJECT_FORMAT,
  PROJECT_VERSION,
  READABLE_PROJECT_VERSIONS,
  ProjectBatchSchema,
  ProjectFileSchema,
  ProjectJobSchema,
  ProjectLadderSchema,
  ProjectPerTitleRunSchema,
  ProjectRenditionSchema,
  ProjectScoreFeatureSchema,
  ProjectScoreResultSchema,
  ProjectScoreRunSchema,
  ProjectSourceSchema,
  decodeSeriesValue,
  projectReferenceProblems,
  schemaProblems,
  type ImportCount,
  type ProjectFile,
  type ProjectImportSummary,
  type ProjectJob,
  type ProjectScoreResult,
} from '../../../shared/project';
import { poolAll } from '../../../shared/pooling';
import { SCORE_SERIES, SERIES_COLUMNS, type ScoreSeries } from '../../../shared/score';
import { pooledView, thresholdsOf, type PooledView } from '../../../shared/scoreResults';
import { PerTitleRepo } from '../analysis/perTitleRepo';
import { packSeries } from '../store/frameBlob';
import { statFile, wholeMs, type FileIdentity, type FileStat } from '../media/fileIdentity';
import type { Db } from '../store/db';
import { REFUSED_KEY } from '../store/libraryRepo';
import { insertFeatures } from '../store/scoreRepo';
import type { ImportJournal, ImportTable } from './importJournal';
import { hasPerTitleRuns } from './projectRows';

/** Why an imported source is not read until its file has been probed on this machine. */
export const NOT_YET_PROBED =
  'This file came from a project file and has not been checked on this machine yet.';

/** Problems listed in an error message before "and N more". */
const SHOWN_PROBLEMS = 8;

/** Ids of the records an import added, in insertion order (for events). */
export interface ImportedIds {
  sources: string[];
  ladders: string[];
  batches: string[];
  jobs: string[];
  renditions: string[];
  scoreResults: string[];
  perTitleRuns: string[];
}

/** Characters of project text read between two yields to the event loop. */
const TEXT_SLICE = 256 * 1024;

/**
 * Largest single record (one source, one score result with its per-frame series…). Each record is
 * parsed in one step: a score result of a 2-hour 60 fps title is ~25 MB and takes ~150 ms.
 */
const MAX_RECORD_CHARS = 64 * 1024 * 1024;

/** Project text as a whole string, or as chunks that arrive over time (an upload being read). */
export type ProjectText = string | AsyncIterable<string>;

/**
 * Parses and validates project text. Throws INVALID_ARGS naming what is wrong: not JSON (with the
 * position), not a project, an unsupported version, or the bad fields (`scoreResults.3.target.id:
 * rendition "…" is not in the file`). The text is read piece by piece (jsonPieces.ts) with yields
 * between slices, so even a 200 MB file never holds the event loop in one `JSON.parse`.
 */
export async function parseProject(text: ProjectText): Promise<ProjectFile> {
  const json: Record<string, unknown> = {};
  const reader = new JsonPieceReader((piece) => assemblePiece(json, piece), MAX_RECORD_CHARS);
  let chars = 0;
  const tooLarge = (): VqError =>
    new VqError(
      'INVALID_ARGS',
      `The project file is larger than ${MAX_PROJECT_CHARS / 1024 / 1024} MB.`,
      'Export fewer sources per file.',
    );
  try {
    if (typeof text === 'string') {
      if (text.length > MAX_PROJECT_CHARS) throw tooLarge();
      for (let at = 0; at < text.length; at += TEXT_SLICE) {
        reader.push(text.slice(at, at + TEXT_SLICE));
        await yieldToEventLoop();
      }
    } else {
      for await (const chunk of text) {
        chars += chunk.length;
        if (chars > MAX_PROJECT_CHARS) throw tooLarge();
        for (let at = 0; at < chunk.length; at += TEXT_SLICE)
          reader.push(chunk.slice(at, at + TEXT_SLICE));
        await yieldToEventLoop();
      }
    }
    reader.end();
  } catch (err) {
    if (!(err instanceof JsonPieceError)) throw err;
    if (err.message.startsWith('A value longer')) {
      throw new VqError(
        'INVALID_ARGS',
        `One record of the project file is larger than ${MAX_RECORD_CHARS / 1024 / 1024} MB (at position ${err.position}).`,
        'Export fewer sources or fewer scores per file.',
      );
    }
    // A JSON document that is not an object (an array, a string…) is no project, whatever it is.
    if (!reader.started && !/end of JSON input/.test(err.message)) {
      throw new VqError(
        'INVALID_ARGS',
        'This is not a VQ Studio project: the file is not a JSON object.',
        'Choose a .vqproj.json file exported by VQ Studio.',
      );
    }
    throw new VqError(
      'INVALID_ARGS',
      `The project file is not valid JSON (${err.message}).`,
      'It may be truncated or not a VQ Studio project; export it again.',
    );
  }
  // Say the one thing that matters for a file of another kind or version, not fifty field errors.
  const head = (typeof json === 'object' && json !== null ? json : {}) as {
    format?: unknown;
    version?: unknown;
  };
  if (head.format !== PROJECT_FORMAT) {
    throw new VqError(
      'INVALID_ARGS',
      `This is not a VQ Studio project: "format" is ${JSON.stringify(head.format) ?? 'missing'}, not "${PROJECT_FORMAT}".`,
      'Choose a .vqproj.json file exported by VQ Studio.',
    );
  }
  if (typeof head.version !== 'number' || !READABLE_PROJECT_VERSIONS.includes(head.version)) {
    throw new VqError(
      'INVALID_ARGS',
      `Project version ${JSON.stringify(head.version) ?? '(missing)'} is not supported; this app reads versions ${READABLE_PROJECT_VERSIONS.join(' and ')}.`,
      typeof head.version === 'number' && head.version > PROJECT_VERSION
        ? 'It was written by a newer VQ Studio: update this app.'
        : 'Export the project again with this app.',
    );
  }
  const { file, problems } = await validateInSlices(json);
  if (!file || problems.length) {
    const more =
      problems.length > SHOWN_PROBLEMS ? `; and ${problems.length - SHOWN_PROBLEMS} more` : '';
    throw new VqError(
      'INVALID_ARGS',
      `The project file is not valid: ${problems.slice(0, SHOWN_PROBLEMS).join('; ')}${more}.`,
      'Nothing was imported. Export the project again, or fix the fields named.',
    );
  }
  return file;
}

/** The record arrays of a project and the schema of one element of each. */
const RECORD_ARRAYS = {
  sources: ProjectSourceSchema,
  ladders: ProjectLadderSchema,
  batches: ProjectBatchSchema,
  jobs: ProjectJobSchema,
  renditions: ProjectRenditionSchema,
  scoreRuns: ProjectScoreRunSchema,
  scoreResults: ProjectScoreResultSchema,
  scoreFeatures: ProjectScoreFeatureSchema,
  perTitleRuns: ProjectPerTitleRunSchema,
} as const;

/** Problems collected before validation stops: a file of a million bad records says so in eight. */
const MAX_PROBLEMS = 100;

/** Records checked between two yields to the event loop (validation and inserts alike). */
export const IMPORT_SLICE = 500;

/** Lets other requests run: an import of a large file never holds the event loop for long. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * {@link ProjectFileSchema} applied record by record, yielding between slices, with the same
 * problems (`sources.3.path: …`) a whole-file parse gives; then the references between records.
 */
async function validateInSlices(
  json: Record<string, unknown>,
): Promise<{ file: ProjectFile | null; problems: string[] }> {
  // The frame (format, version, app…) is checked with every record array emptied: checking 100M
  // array elements in one zod call would hold the event loop; each record is checked below.
  const lists: Partial<Record<keyof typeof RECORD_ARRAYS, unknown[]>> = {};
  const frameOnly: Record<string, unknown> = { ...json };
  for (const key of Object.keys(RECORD_ARRAYS) as (keyof typeof RECORD_ARRAYS)[]) {
    const value = json[key];
    if (Array.isArray(value)) {
      lists[key] = value;
      frameOnly[key] = [];
    }
  }
  const frame = ProjectFileSchema.safeParse(frameOnly);
  if (!frame.success) return { file: null, problems: schemaProblems(frame.error) };
  const problems: string[] = [];
  const out: Record<string, unknown> = { ...frame.data };
  let done = 0;
  for (const [key, schema] of Object.entries(RECORD_ARRAYS) as [
    keyof typeof RECORD_ARRAYS,
    z.ZodType,
  ][]) {
    const list = lists[key];
    if (list === undefined) continue;
    const parsed: unknown[] = new Array(list.length);
    for (let i = 0; i < list.length && problems.length < MAX_PROBLEMS; i++) {
      const r = schema.safeParse(list[i]);
      if (r.success) parsed[i] = r.data;
      else
        problems.push(
          ...schemaProblems(
            new z.ZodError(
              r.error.issues.map((issue) => ({ ...issue, path: [key, i, ...issue.path] })),
            ),
          ),
        );
      if (++done % IMPORT_SLICE === 0) await yieldToEventLoop();
    }
    out[key] = parsed;
  }
  if (problems.length) return { file: null, problems };
  const file = out as ProjectFile;
  await yieldToEventLoop();
  return { file, problems: projectReferenceProblems(file) };
}

/**
 * Imports a validated project; returns the summary and the ids added. Records are inserted in
 * short transactions of {@link IMPORT_SLICE} rows with a yield to the event loop between them, so
 * a large file never freezes the server. Every added row is journaled ({@link ImportJournal}):
 * when an insert fails the rows go again, and when the process dies the next recovery removes
 * them, so the library ends as it was. One import runs per data folder (`journal.begin` refuses a
 * second while another live process imports).
 */
export async function importProject(
  db: Db,
  p: ProjectFile,
  journaling: { journal: ImportJournal; runner: string; isAlive: (runner: string) => boolean },
): Promise<{ summary: ProjectImportSummary; added: ImportedIds }> {
  const { journal } = journaling;
  const importId = journal.begin(journaling.runner, journaling.isAlive);
  const count = (): ImportCount => ({ added: 0, skipped: 0 });
  const summary: ProjectImportSummary = {
    sources: count(),
    ladders: count(),
    batches: count(),
    jobs: count(),
    renditions: count(),
    scoreRuns: count(),
    scoreResults: count(),
    perTitleRuns: count(),
    remapped: [],
    interruptedJobs: [],
    ...(await fileChecksInSlices(p)),
  };
  const added: ImportedIds = {
    sources: [],
    ladders: [],
    batches: [],
    jobs: [],
    renditions: [],
    scoreResults: [],
    perTitleRuns: [],
  };
  /** Runs `fn` on every item, a slice per transaction, yielding between slices. */
  const inSlices = async <T>(items: readonly T[], fn: (item: T) => void): Promise<void> => {
    for (let i = 0; i < items.length; i += IMPORT_SLICE) {
      const slice = items.slice(i, i + IMPORT_SLICE);
      // IMMEDIATE: each slice reads (is this id there?) and then writes; taking the write lock first
      // keeps another process's write from landing between the two (SQLITE_BUSY_SNAPSHOT in WAL).
      db.transaction(() => {
        for (const item of slice) fn(item);
      }).immediate();
      await yieldToEventLoop();
    }
  };
  const exists = (table: string, id: string): boolean =>
    Boolean(db.prepare(`SELECT 1 FROM ${table} WHERE id = ?`).get(id));
  /** Journals a row this import added (inside the slice's transaction). */
  const addedRow = (table: ImportTable, id: string): void => journal.record(importId, table, id);

  try {
    // Sources: same id → skip; same path under another id → map to it.
    const sourceId = new Map<string, string>();
    const insertSource = db.prepare(
      `INSERT INTO sources (id, path, file_name, size_bytes, mtime_ms, added_at, media_json, raw_spec, thumb_path)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL)`,
    );
    await inSlices(p.sources, (s) => {
      const atPath = db.prepare('SELECT id FROM sources WHERE path = ?').get(s.path) as
        { id: string } | undefined;
      if (exists('sources', s.id)) {
        sourceId.set(s.id, s.id);
        summary.sources.skipped++;
      } else if (atPath) {
        sourceId.set(s.id, atPath.id);
        summary.remapped.push({ kind: 'source', fromId: s.id, toId: atPath.id, path: s.path });
        summary.sources.skipped++;
      } else {
        // Refused for reading until the service has probed the file here (see verifySources).
        const media = { ...s.media, [REFUSED_KEY]: NOT_YET_PROBED };
        insertSource.run(
          s.id,
          s.path,
          s.fileName,
          s.sizeBytes,
          wholeMs(s.mtimeMs),
          s.addedAt,
          JSON.stringify(media),
          s.raw ? JSON.stringify(s.raw) : null,
        );
        sourceId.set(s.id, s.id);
        addedRow('sources', s.id);
        added.sources.push(s.id);
        summary.sources.added++;
      }
    });
    const src = (id: string): string => sourceId.get(id) ?? id;

    const builtIn = new Set(PRESET_LADDERS.map((l) => l.ladder.id));
    await inSlices(p.ladders, (l) => {
      if (builtIn.has(l.ladder.id) || exists('ladders', l.ladder.id)) {
        summary.ladders.skipped++;
        return;
      }
      db.prepare('INSERT INTO ladders (id, json, updated_at) VALUES (?, ?, ?)').run(
        l.ladder.id,
        JSON.stringify(l.ladder),
        l.updatedAt,
      );
      addedRow('ladders', l.ladder.id);
      added.ladders.push(l.ladder.id);
      summary.ladders.added++;
    });

    await inSlices(p.batches, (b) => {
      if (exists('batches', b.id)) {
        summary.batches.skipped++;
        return;
      }
      db.prepare(
        `INSERT INTO batches (id, source_id, ladder_json, out_dir, decode_once, skipped_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        b.id,
        src(b.sourceId),
        JSON.stringify(b.ladder),
        b.outDir,
        b.decodeOnce ? 1 : 0,
        JSON.stringify(b.skipped),
        b.createdAt,
      );
      addedRow('batches', b.id);
      added.batches.push(b.id);
      summary.batches.added++;
    });

    // Renditions before jobs' plans are remapped: a rendition at a known path keeps the old id.
    const renditionId = new Map<string, string>();
    await inSlices(p.renditions, (r) => {
      const atPath = db.prepare('SELECT id FROM renditions WHERE path = ?').get(r.path) as
        { id: string } | undefined;
      if (exists('renditions', r.id)) renditionId.set(r.id, r.id);
      else if (atPath) {
        renditionId.set(r.id, atPath.id);
        summary.remapped.push({ kind: 'rendition', fromId: r.id, toId: atPath.id, path: r.path });
      }
    });
    const rend = (id: string): string => renditionId.get(id) ?? id;

    // Jobs keep their relative order, after everything already queued; depends_on is set once all exist.
    const { m } = db.prepare('SELECT MAX(queue_order) AS m FROM jobs').get() as {
      m: number | null;
    };
    let order = (m ?? 0) + 1;
    const newJobs: ProjectJob[] = [];
    await inSlices(
      [...p.jobs].sort((a, b) => a.queueOrder - b.queueOrder),
      (j) => {
        if (exists('jobs', j.id)) {
          summary.jobs.skipped++;
          return;
        }
        const runnable = j.status === 'queued' || j.status === 'running';
        if (runnable) summary.interruptedJobs.push(j.id);
        db.prepare(
          `INSERT INTO jobs (id, batch_id, kind, status, rung_ids, plan_json, depends_on, queue_order, attempts,
           created_at, started_at, finished_at, binary, command_json, stderr_tail, error, encode_seconds,
           runner, heartbeat_at, pid)
         VALUES (?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, NULL)`,
        ).run(
          j.id,
          j.batchId,
          j.kind,
          runnable ? 'interrupted' : j.status,
          JSON.stringify(j.rungIds),
          JSON.stringify(remapPlan(j.plan, src, rend)),
          order++,
          j.attempts,
          j.createdAt,
          j.startedAt,
          j.finishedAt,
          j.binary,
          JSON.stringify(j.commands),
          j.stderrTail,
          runnable
            ? `Imported from a project while it was ${j.status}; it did not run here. Retry it to run it.`
            : j.error,
          j.encodeSeconds,
        );
        newJobs.push(j);
        addedRow('jobs', j.id);
        added.jobs.push(j.id);
        summary.jobs.added++;
      },
    );
    await inSlices(newJobs, (j) => {
      if (j.dependsOn)
        db.prepare('UPDATE jobs SET depends_on = ? WHERE id = ?').run(j.dependsOn, j.id);
    });

    await inSlices(p.renditions, (r) => {
      if (renditionId.has(r.id)) {
        summary.renditions.skipped++;
        return;
      }
      db.prepare(
        `INSERT INTO renditions (id, source_id, batch_id, job_id, rung_id, rung_json, path, encoder, width, height,
           bitrate_kbps, size_bytes, encode_seconds, command_json, media_json, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        src(r.sourceId),
        r.batchId,
        r.jobId,
        r.rungId,
        JSON.stringify(r.rung),
        r.path,
        r.encoder,
        r.width,
        r.height,
        r.bitrateKbps,
        r.sizeBytes,
        r.encodeSeconds,
        JSON.stringify(r.command),
        // Refused for reading until the service has probed the file here (see verifyRenditions).
        JSON.stringify({ ...r.media, [REFUSED_KEY]: NOT_YET_PROBED }),
        r.createdAt,
      );
      addedRow('renditions', r.id);
      added.renditions.push(r.id);
      summary.renditions.added++;
    });

    await inSlices(p.scoreRuns, (r) => {
      if (exists('score_runs', r.id)) {
        summary.scoreRuns.skipped++;
        return;
      }
      db.prepare(
        `INSERT INTO score_runs (id, job_id, reference_id, reference_path, command_json, ffmpeg_json, model_json,
           started_at, duration_ms, reference_size, reference_mtime_ms, reference_hash)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        r.id,
        r.jobId,
        src(r.referenceId),
        r.referencePath,
        JSON.stringify(r.command),
        JSON.stringify(r.ffmpeg),
        r.model ? JSON.stringify(r.model) : null,
        r.startedAt,
        r.durationMs,
        ...identityColumns(r.referenceIdentity),
      );
      addedRow('score_runs', r.id);
      summary.scoreRuns.added++;
    });

    const seriesColumns = SCORE_SERIES.map((s) => SERIES_COLUMNS[s]);
    const insertResult = db.prepare(
      `INSERT INTO score_results (id, run_id, reference_id, target_kind, target_id, path, label, encoder, width,
         height, bitrate_kbps, frames, frame_numbers, ${seriesColumns.join(', ')}, pooled_json, warnings_json,
         unavailable_json, preflight_json, fixes_json, alignment_json, model_json, created_at,
         file_size, file_mtime_ms, file_hash)
       VALUES (${Array.from({ length: 13 + seriesColumns.length + 8 + 3 }, () => '?').join(', ')})`,
    );
    await inSlices(p.scoreResults, (r) => {
      if (exists('score_results', r.id)) {
        summary.scoreResults.skipped++;
        return;
      }
      const targetId = r.target.kind === 'source' ? src(r.target.id) : rend(r.target.id);
      const series = decodedSeries(r);
      insertResult.run(
        r.id,
        r.runId,
        src(r.referenceId),
        r.target.kind,
        targetId,
        r.path,
        r.label,
        r.encoder,
        r.width,
        r.height,
        r.bitrateKbps,
        r.frames,
        packSeries(r.frameNumbers),
        ...SCORE_SERIES.map((s) => {
          const values = series[s];
          return values ? packSeries(values) : null;
        }),
        JSON.stringify(pooledOf(series, r)),
        JSON.stringify(r.warnings),
        JSON.stringify(r.unavailable),
        JSON.stringify(r.preflight),
        JSON.stringify(r.fixes),
        JSON.stringify(r.alignment),
        r.model ? JSON.stringify(r.model) : null,
        r.createdAt,
        ...identityColumns(r.identity),
      );
      addedRow('score_results', r.id);
      added.scoreResults.push(r.id);
      summary.scoreResults.added++;
    });

    // Features of the results this import added (a result already here keeps its own). They need
    // no journal: undoing the import deletes their result, and they go with it (ON DELETE CASCADE).
    const framesOf = new Map(p.scoreResults.map((r) => [r.id, r.frameNumbers.length]));
    const addedResults = new Set(added.scoreResults);
    await inSlices(p.scoreFeatures ?? [], (f) => {
      if (!addedResults.has(f.resultId)) return;
      const values = f.values.map(decodeSeriesValue);
      insertFeatures(db, f.resultId, { [f.name]: values }, framesOf.get(f.resultId) ?? -1);
    });

    const perTitle = p.perTitleRuns ?? [];
    if (perTitle.length && hasPerTitleRuns(db)) {
      const repo = new PerTitleRepo(db);
      await inSlices(perTitle, (run) => {
        if (repo.get(run.id)) {
          summary.perTitleRuns.skipped++;
          return;
        }
        const unfinished = run.status === 'encoding' || run.status === 'scoring';
        repo.insert({
          ...(run as unknown as Parameters<PerTitleRepo['insert']>[0]),
          sourceId: src(run.sourceId),
          ...(unfinished
            ? {
                status: 'failed',
                error: `Imported from a project while it was ${run.status}; it did not run here.`,
              }
            : {}),
        });
        addedRow('pertitle_runs', run.id);
        added.perTitleRuns.push(run.id);
        summary.perTitleRuns.added++;
      });
    } else {
      summary.perTitleRuns.skipped += perTitle.length;
    }
    journal.commit(importId);
  } catch (err) {
    // Undo: every row this import added goes again (children first), and the error stands. An
    // undo that fails itself is finished by the next recovery (the journal is still there).
    await journal
      .rollBack(importId)
      .catch((undoErr: unknown) =>
        console.warn(
          `project import: undoing import ${importId} failed, recovery will finish it:`,
          undoErr instanceof Error ? undoErr.message : undoErr,
        ),
      );
    throw err;
  }
  // Committed: a journal left behind here is only forgotten by the next recovery.
  await journal
    .forget(importId)
    .catch((e: unknown) =>
      console.warn(
        `project import: clearing the journal of ${importId} failed:`,
        e instanceof Error ? e.message : e,
      ),
    );
  return { summary, added };
}

/** The per-frame series of a result as numbers (NaN for null, ±Infinity for "inf"). */
function decodedSeries(r: ProjectScoreResult): Partial<Record<ScoreSeries, number[]>> {
  const series = Object.entries(r.series);
  return Object.fromEntries(series.map(([k, values]) => [k, values!.map(decodeSeriesValue)]));
}

/**
 * The pooled figures of a result, pooled again from its series with the file's "share below"
 * thresholds: the file's own figures are not trusted (a hand edit could make them disagree with
 * the frames they summarise).
 */
function pooledOf(
  series: Partial<Record<ScoreSeries, number[]>>,
  r: ProjectScoreResult,
): Partial<Record<ScoreSeries, PooledView>> {
  const pooled = Object.entries(poolAll(series, thresholdsOf(r.pooled)));
  return Object.fromEntries(pooled.map(([k, stats]) => [k, pooledView(stats!)]));
}

/** Source and rendition ids inside a score job's plan follow the remapping. */
function remapPlan(
  plan: ProjectJob['plan'],
  src: (id: string) => string,
  rend: (id: string) => string,
): ProjectJob['plan'] {
  if (plan.kind !== 'score') return plan;
  const out: Record<string, unknown> = { ...plan };
  if (typeof plan.referenceId === 'string') out.referenceId = src(plan.referenceId);
  if (Array.isArray(plan.targets)) {
    out.targets = (plan.targets as { kind?: unknown; id?: unknown }[]).map((t) =>
      typeof t.id !== 'string'
        ? t
        : {
            ...t,
            id: t.kind === 'source' ? src(t.id) : t.kind === 'rendition' ? rend(t.id) : t.id,
          },
    );
  }
  return out as ProjectJob['plan'];
}

/** The size, mtime and hash columns of a recorded file identity (NULLs when the file has none). */
function identityColumns(
  identity: FileIdentity | undefined,
): [number | null, number | null, string | null] {
  return identity ? [identity.sizeBytes, identity.mtimeMs, identity.hash] : [null, null, null];
}

/** Which media paths of the project are missing on this machine, or differ from the record. */
export async function fileChecksInSlices(
  p: ProjectFile,
): Promise<{ missingFiles: string[]; changedFiles: string[] }> {
  const missingFiles: string[] = [];
  const changedFiles: string[] = [];
  const check = (path: string, sizeBytes: number, mtimeMs: number | null): void => {
    let st: FileStat | null;
    try {
      st = statFile(path);
    } catch {
      st = null; // there but unreadable: as good as missing here
    }
    if (!st) missingFiles.push(path);
    // Whole ms on both sides: rounded down now, to the nearest by earlier exports (within 1 ms).
    else if (st.sizeBytes !== sizeBytes || (mtimeMs !== null && Math.abs(st.mtimeMs - mtimeMs) > 1))
      changedFiles.push(path);
  };
  const files = [
    ...p.sources.map((s) => [s.path, s.sizeBytes, s.mtimeMs] as const),
    ...p.renditions.map((r) => [r.path, r.sizeBytes, r.mtimeMs] as const),
  ];
  for (let i = 0; i < files.length; i++) {
    check(...files[i]!);
    if ((i + 1) % IMPORT_SLICE === 0) await yieldToEventLoop();
  }
  return { missingFiles, changedFiles };
}
