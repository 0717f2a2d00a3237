/**
 * The project file (`*.vqproj.json`): one JSON document with the metadata and results of one or
 * more library sources — sources, saved ladders, batches, jobs, renditions, score runs and score
 * results with their per-frame series. Media travels by path: sources and renditions keep their
 * absolute paths plus size and mtime, so an import can say which files are missing or changed on
 * this machine. Pure: the zod schema validates strictly (unknown keys are refused) and
 * {@link projectProblems} names every bad field as `path.to.field: what is wrong`.
 *
 * Choices worth knowing:
 * - Records are historical: a batch's ladder and a rendition's rung are kept as they were
 *   encoded (loosely checked), while saved ladders must pass today's {@link LadderSchema}, as
 *   `ladders.save` demands.
 * - Per-frame values are numbers; JSON has no NaN or ±Infinity, so NaN is written as null and
 *   ±Infinity (the PSNR of a frame identical to the reference) as the strings "inf" / "-inf",
 *   the spelling ffmpeg uses. An export→import round trip is therefore bit-exact.
 * - libvmaf's elementary features (`integer_adm2`, `integer_motion2`…) travel as records of
 *   their own (`scoreFeatures`: one feature of one result each), so no single record grows with
 *   the number of features; their values are finite numbers or null (libvmaf logs no infinity).
 *   Files without features (written before they were kept) have no `scoreFeatures`.
 * - Pooled figures are re-derived from the per-frame series at import (with the file's "share
 *   below" thresholds), never taken from the file: a hand-edited mean cannot disagree with its
 *   frames.
 * - References must resolve inside the file (a batch's source, a job's batch, a result's run…).
 *   A score result whose target was removed from the library before export keeps its snapshot
 *   (path, label, size) and says so with `targetRemoved: true`.
 */
import { z } from 'zod';
import { FrameMatchSchema } from './frameMatch';
import { HdrHandlingSchema, LadderSchema } from './ladder';
import { PER_TITLE_QUALITIES } from './perTitle';
import { JOB_STATUSES } from './queue';
import { SCORE_SERIES, type ScoreSeries } from './score';

/** The format tag every project file starts with. */
export const PROJECT_FORMAT = 'vq-studio-project';

/**
 * The format version this app writes. Version 2 added XPSNR and CAMBI series, the VMAF v1 scale
 * and libvmaf's elementary features (`scoreFeatures`); an app that reads only version 1 then says
 * the file is newer instead of failing on an unknown key.
 */
export const PROJECT_VERSION = 2;

/** The format versions this app reads: version 1 files are version 2 files without the additions. */
export const READABLE_PROJECT_VERSIONS: readonly number[] = [1, 2];

/** File name suffix of project files. */
export const PROJECT_EXTENSION = '.vqproj.json';

/** Largest project text `project.import` accepts (characters). */
export const MAX_PROJECT_CHARS = 200 * 1024 * 1024;

const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an id (letters, digits, - and _)');
const AbsPath = z
  .string()
  .min(1, 'path is empty')
  .max(4096)
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
  .refine(
    (p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\'),
    'not an absolute path',
  );
const Timestamp = z.string().min(1).max(64);
const Count = z.number().int().min(0);
const Dim = z.number().int().min(1).max(65536);
const Command = z.array(z.string());

/** Probe facts of a file: checked for the fields the app reads, the rest kept as written. */
const MediaSchema = z.looseObject({
  path: z.string(),
  fileName: z.string(),
  container: z.string(),
  sizeBytes: z.number(),
  video: z.looseObject({
    codec: z.string(),
    width: z.number(),
    height: z.number(),
    pixFmt: z.string(),
  }),
  audio: z.array(z.unknown()),
});

/**
 * A rung or ladder as it was encoded (historical, so only its shape is checked). The rate control
 * must name its mode: the Analysis view and the report describe every rendition's rate control.
 */
const HistoricalRung = z.looseObject({
  id: z.string().min(1),
  encoder: z.string(),
  rateControl: z.looseObject({ mode: z.enum(['crf', 'abr', 'cbr']) }),
});
const HistoricalLadder = z.looseObject({
  id: z.string().min(1),
  name: z.string(),
  rungs: z.array(HistoricalRung),
});

/**
 * What a scored file was when it was measured (electron/core/media/fileIdentity.ts): its size,
 * its mtime in whole ms, and the sampled content hash `p1:` + 64 lower-case hex digits.
 */
export const FileIdentitySchema = z.strictObject({
  sizeBytes: Count,
  mtimeMs: Count,
  hash: z.string().regex(/^p1:[0-9a-f]{64}$/, 'not a file hash (p1: and 64 hex digits)'),
});

/** One per-frame value: a number, null (NaN) or "inf" / "-inf". */
export const SeriesValueSchema = z.union([
  z.number(),
  z.null(),
  z.literal('inf'),
  z.literal('-inf'),
]);

/** A source file of the library. */
export const ProjectSourceSchema = z.strictObject({
  id: Id,
  path: AbsPath,
  fileName: z.string().min(1),
  sizeBytes: Count,
  /** The file's mtime when it was imported (ms since the epoch). */
  mtimeMs: z.number().min(0),
  addedAt: Timestamp,
  media: MediaSchema,
  /** Geometry of raw video, given by the person at import. */
  raw: z
    .strictObject({
      width: Dim,
      height: Dim,
      pixFmt: z.string().min(1),
      fps: z.number().positive(),
    })
    .nullable(),
});

/** A saved ladder. */
export const ProjectLadderSchema = z.strictObject({ ladder: LadderSchema, updatedAt: Timestamp });

/** A batch: a ladder run on one source, or a scoring request. */
export const ProjectBatchSchema = z.strictObject({
  id: Id,
  sourceId: Id,
  ladder: HistoricalLadder.nullable(),
  /** Absolute; a retry or re-run writes only `<outDir>/<rung id>.<ext>` (re-derived, never replayed). */
  outDir: AbsPath,
  decodeOnce: z.boolean(),
  skipped: z.array(z.strictObject({ rungId: z.string(), reason: z.string() })),
  createdAt: Timestamp,
});

/** A queue job as it ended (an import never makes a job runnable). */
export const ProjectJobSchema = z.strictObject({
  id: Id,
  batchId: Id,
  kind: z.enum(['encode', 'score']),
  status: z.enum(JOB_STATUSES),
  rungIds: z.array(z.string()),
  plan: z.looseObject({ kind: z.enum(['encode', 'score']) }),
  dependsOn: Id.nullable(),
  /** Position in the queue it came from (imports keep the relative order). */
  queueOrder: z.number().int(),
  attempts: Count,
  createdAt: Timestamp,
  startedAt: Timestamp.nullable(),
  finishedAt: Timestamp.nullable(),
  binary: z.string().nullable(),
  commands: z.array(Command),
  stderrTail: z.string().nullable(),
  error: z.string().nullable(),
  encodeSeconds: z.number().min(0).nullable(),
});

/** A finished rendition (the file stays where it was written). */
export const ProjectRenditionSchema = z.strictObject({
  id: Id,
  sourceId: Id,
  batchId: Id.nullable(),
  jobId: Id.nullable(),
  rungId: z.string().min(1),
  rung: HistoricalRung,
  path: AbsPath,
  encoder: z.string().min(1),
  width: Dim,
  height: Dim,
  bitrateKbps: z.number().min(0).nullable(),
  sizeBytes: Count,
  /** The file's mtime at export (ms since the epoch), null when it was missing then. */
  mtimeMs: z.number().min(0).nullable(),
  encodeSeconds: z.number().min(0).nullable(),
  command: z.array(Command),
  media: MediaSchema,
  createdAt: Timestamp,
});

/** The model a score used, as stored: its name and, when not 100, the top of its scale. */
const ProjectModelSchema = z.looseObject({
  name: z.string(),
  /** 110 for the VMAF v1 4K-at-3H models (3d0h_2160); absent = 100. */
  maxScore: z.union([z.literal(100), z.literal(110)]).optional(),
});

/** One scoring process. */
export const ProjectScoreRunSchema = z.strictObject({
  id: Id,
  jobId: Id.nullable(),
  referenceId: Id,
  referencePath: z.string().min(1),
  command: Command,
  ffmpeg: z.looseObject({ path: z.string(), version: z.string().nullable() }),
  model: ProjectModelSchema.nullable(),
  startedAt: Timestamp,
  durationMs: Count,
  /** The reference file as it was scored; absent for runs scored before identities were kept. */
  referenceIdentity: FileIdentitySchema.optional(),
});

/** One scored video of a run, with every per-frame series it computed. */
export const ProjectScoreResultSchema = z.strictObject({
  id: Id,
  runId: Id,
  referenceId: Id,
  target: z.strictObject({ kind: z.enum(['source', 'rendition']), id: Id }),
  /** True when the target was no longer in the library at export (the snapshot below remains). */
  targetRemoved: z.boolean().optional(),
  path: z.string().min(1),
  label: z.string(),
  encoder: z.string().nullable(),
  width: Dim,
  height: Dim,
  bitrateKbps: z.number().min(0).nullable(),
  frames: Count,
  frameNumbers: z.array(z.number().int()),
  series: z.partialRecord(z.enum(SCORE_SERIES), z.array(SeriesValueSchema)),
  /**
   * Pooled figures per series as stored (`PooledView`). Only the "share below" threshold is read
   * back: the figures are pooled again from `series` at import.
   */
  pooled: z.partialRecord(
    z.enum(SCORE_SERIES),
    z.looseObject({
      count: z.number(),
      mean: z.number().nullable(),
      below: z.looseObject({ threshold: z.number() }).nullable().optional(),
    }),
  ),
  warnings: z.array(z.looseObject({ id: z.string(), message: z.string() })),
  unavailable: z.array(z.looseObject({ metric: z.string(), reason: z.string() })),
  preflight: z.array(z.looseObject({ id: z.string() })),
  fixes: z.array(z.string()),
  /** How the pair was compared; a match by pictures is checked, as Compare steps on it. */
  alignment: z.looseObject({
    width: z.number(),
    height: z.number(),
    frameMatch: FrameMatchSchema.nullable().optional(),
  }),
  model: ProjectModelSchema.nullable(),
  createdAt: Timestamp,
  /** The scored file as it was scored; absent for scores stored before identities were kept. */
  identity: FileIdentitySchema.optional(),
});

/** Most elementary features one score result may carry (libvmaf logs about 10 to 20). */
export const MAX_FEATURES_PER_RESULT = 256;

/**
 * A libvmaf elementary feature name as libvmaf logs it: `integer_adm2`,
 * `VMAF_integer_feature_motion_sad_score_mmxv_18`, `cambi_hrs_1080_cmxv_17_vlt_0.06`.
 */
export const FeatureNameSchema = z
  .string()
  .min(1)
  .max(200)
  .regex(
    /^[A-Za-z][A-Za-z0-9_.-]*$/,
    'not a libvmaf feature name (a letter, then letters, digits, "_", "." and "-")',
  );

/** One libvmaf elementary feature of one score result, per frame. */
export const ProjectScoreFeatureSchema = z.strictObject({
  resultId: Id,
  name: FeatureNameSchema,
  /** One value per frame of the result (aligned with its `frameNumbers`), encoded as series are. */
  values: z.array(SeriesValueSchema),
});

/** A hull point or a pick of a finished per-title run: the numbers the Analysis view shows. */
const PerTitlePoint = {
  renditionId: z.string(),
  width: z.number(),
  height: z.number(),
  bitrate: z.number(),
  quality: z.number(),
};

/**
 * A per-title run (`PerTitleRun` of shared/analysis.ts): its references are checked, and every
 * field the app reads back (status, options, the recommended ladder, hull and picks) must have
 * its shape, so a hand-edited file cannot store a run that breaks the Analysis view or make the
 * import fail with a raw SQLite error. Imported when this library has per-title runs.
 */
export const ProjectPerTitleRunSchema = z.looseObject({
  id: Id,
  sourceId: Id,
  batchId: Id,
  status: z.enum(['encoding', 'scoring', 'done', 'failed']),
  options: z.object({
    encoder: z.string().min(1),
    preset: z.string(),
    heights: z.array(z.number()),
    crfs: z.array(z.number()),
    quality: z.enum(PER_TITLE_QUALITIES),
    // As stored: a run that failed on its options is history too, so no ranges here.
    pick: z
      .object({
        targetQuality: z.number(),
        minStepRatio: z.number(),
        maxStepRatio: z.number(),
        maxQualityGap: z.number(),
        floorBitrate: z.number(),
        maxRungs: z.number(),
      })
      .partial(),
    hdr: HdrHandlingSchema.nullable().optional(),
    outDir: z.string().nullable(),
  }),
  ladder: LadderSchema.nullable(),
  hull: z.array(z.object({ ...PerTitlePoint, group: z.string() })).nullable(),
  picks: z.array(z.object({ ...PerTitlePoint, rungId: z.string(), why: z.string() })).nullable(),
  scoredPoints: z.number().int().min(0).nullable(),
  error: z.string().nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/** The whole project file. */
export const ProjectFileSchema = z.strictObject({
  format: z.literal(PROJECT_FORMAT, {
    error: `not a VQ Studio project (format must be "${PROJECT_FORMAT}")`,
  }),
  version: z.union([z.literal(1), z.literal(PROJECT_VERSION)], {
    error: (i) =>
      `version ${JSON.stringify(i.input)} is not supported (this app reads versions ${READABLE_PROJECT_VERSIONS.join(' and ')})`,
  }),
  exportedAt: Timestamp,
  app: z.looseObject({ version: z.string() }),
  sources: z.array(ProjectSourceSchema),
  ladders: z.array(ProjectLadderSchema),
  batches: z.array(ProjectBatchSchema),
  jobs: z.array(ProjectJobSchema),
  renditions: z.array(ProjectRenditionSchema),
  scoreRuns: z.array(ProjectScoreRunSchema),
  scoreResults: z.array(ProjectScoreResultSchema),
  /** Elementary features of the score results; absent when no result has any. */
  scoreFeatures: z.array(ProjectScoreFeatureSchema).optional(),
  perTitleRuns: z.array(ProjectPerTitleRunSchema).optional(),
});

/** A parsed project file. */
export type ProjectFile = z.infer<typeof ProjectFileSchema>;
/** A source of a project. */
export type ProjectSource = z.infer<typeof ProjectSourceSchema>;
/** A batch of a project. */
export type ProjectBatch = z.infer<typeof ProjectBatchSchema>;
/** A job of a project. */
export type ProjectJob = z.infer<typeof ProjectJobSchema>;
/** A rendition of a project. */
export type ProjectRendition = z.infer<typeof ProjectRenditionSchema>;
/** A score run of a project. */
export type ProjectScoreRun = z.infer<typeof ProjectScoreRunSchema>;
/** A score result of a project. */
export type ProjectScoreResult = z.infer<typeof ProjectScoreResultSchema>;
/** An elementary feature of a project. */
export type ProjectScoreFeature = z.infer<typeof ProjectScoreFeatureSchema>;
/** A per-frame value as the file carries it. */
export type SeriesValue = z.infer<typeof SeriesValueSchema>;

/** Added / already-there counts of one kind of record. */
export interface ImportCount {
  added: number;
  /** Already in the library (same id, or a source or rendition at the same path). */
  skipped: number;
}

/** `project.import`: what landed, what was already there, and which media is not on this machine. */
export interface ProjectImportSummary {
  sources: ImportCount;
  ladders: ImportCount;
  batches: ImportCount;
  jobs: ImportCount;
  renditions: ImportCount;
  scoreRuns: ImportCount;
  scoreResults: ImportCount;
  perTitleRuns: ImportCount;
  /** Sources or renditions found in the library at the same path under another id (references were remapped). */
  remapped: { kind: 'source' | 'rendition'; fromId: string; toId: string; path: string }[];
  /** Jobs that were queued or running in the file: imported as interrupted, never run. */
  interruptedJobs: string[];
  /** Media paths that do not exist on this machine. */
  missingFiles: string[];
  /** Media paths that exist but whose size or mtime differ from the file's record. */
  changedFiles: string[];
}

/** `project.export`: a file the client offers as a download (or the CLI writes). */
export interface ProjectExport {
  fileName: string;
  mimeType: string;
  text: string;
}

/** A per-frame value as JSON carries it. */
export function encodeSeriesValue(v: number): SeriesValue {
  if (Number.isNaN(v)) return null;
  if (v === Infinity) return 'inf';
  if (v === -Infinity) return '-inf';
  return v;
}

/** The number a {@link SeriesValue} stands for. */
export function decodeSeriesValue(v: SeriesValue): number {
  if (v === null) return Number.NaN;
  if (v === 'inf') return Infinity;
  if (v === '-inf') return -Infinity;
  return v;
}

/** One line per problem, `path.to.field: message`, for a value that is not a valid project. */
export function projectProblems(input: unknown): string[] {
  const parsed = ProjectFileSchema.safeParse(input);
  if (!parsed.success) return schemaProblems(parsed.error);
  return projectReferenceProblems(parsed.data);
}

/** zod issues as `path.to.field: message` lines ("missing" for a field that is not there). */
export function schemaProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const message = i.message.replace(
      /^Invalid input: expected (\w+), received undefined$/,
      'missing (expected $1)',
    );
    return `${i.path.length ? `${i.path.join('.')}: ` : ''}${message}`;
  });
}

/**
 * Problems with how the records of a (schema-valid) project refer to each other: duplicate ids
 * or paths, and references that do not resolve inside the file.
 */
export function projectReferenceProblems(p: ProjectFile): string[] {
  const out: string[] = [];
  const ids = <T extends { id: string }>(
    kind: keyof ProjectFile,
    list: readonly T[],
  ): Map<string, T> => {
    const m = new Map<string, T>();
    list.forEach((r, i) => {
      if (m.has(r.id)) out.push(`${kind}.${i}.id: "${r.id}" appears twice`);
      m.set(r.id, r);
    });
    return m;
  };
  const sources = ids('sources', p.sources);
  const batches = ids('batches', p.batches);
  const jobs = ids('jobs', p.jobs);
  const renditions = ids('renditions', p.renditions);
  const runs = ids('scoreRuns', p.scoreRuns);
  const results = ids('scoreResults', p.scoreResults);
  ids('perTitleRuns', p.perTitleRuns ?? []);
  const ladderIds = new Set<string>();
  p.ladders.forEach((l, i) => {
    if (ladderIds.has(l.ladder.id))
      out.push(`ladders.${i}.ladder.id: "${l.ladder.id}" appears twice`);
    ladderIds.add(l.ladder.id);
  });
  const paths = new Map<string, string>();
  const uniquePath = (where: string, path: string): void => {
    const seen = paths.get(path);
    if (seen) out.push(`${where}: "${path}" is also the path of ${seen}`);
    else paths.set(path, where);
  };
  p.sources.forEach((s, i) => uniquePath(`sources.${i}.path`, s.path));
  p.renditions.forEach((r, i) => uniquePath(`renditions.${i}.path`, r.path));

  const need = (
    where: string,
    what: string,
    id: string | null,
    table: Map<string, unknown>,
  ): void => {
    if (id !== null && !table.has(id)) out.push(`${where}: ${what} "${id}" is not in the file`);
  };
  p.batches.forEach((b, i) => need(`batches.${i}.sourceId`, 'source', b.sourceId, sources));
  p.jobs.forEach((j, i) => {
    need(`jobs.${i}.batchId`, 'batch', j.batchId, batches);
    need(`jobs.${i}.dependsOn`, 'job', j.dependsOn, jobs);
    if (j.plan.kind !== j.kind)
      out.push(`jobs.${i}.plan.kind: "${j.plan.kind}" differs from the job's kind "${j.kind}"`);
  });
  p.renditions.forEach((r, i) => {
    need(`renditions.${i}.sourceId`, 'source', r.sourceId, sources);
    need(`renditions.${i}.batchId`, 'batch', r.batchId, batches);
    need(`renditions.${i}.jobId`, 'job', r.jobId, jobs);
  });
  p.scoreRuns.forEach((r, i) => {
    need(`scoreRuns.${i}.referenceId`, 'source', r.referenceId, sources);
    need(`scoreRuns.${i}.jobId`, 'job', r.jobId, jobs);
  });
  p.scoreResults.forEach((r, i) => {
    const at = `scoreResults.${i}`;
    const run = runs.get(r.runId);
    if (!run) out.push(`${at}.runId: score run "${r.runId}" is not in the file`);
    else if (run.referenceId !== r.referenceId) {
      out.push(
        `${at}.referenceId: "${r.referenceId}" differs from its run's reference "${run.referenceId}"`,
      );
    }
    if (!r.targetRemoved) {
      need(
        `${at}.target.id`,
        r.target.kind,
        r.target.id,
        r.target.kind === 'source' ? sources : renditions,
      );
    }
    const n = r.frameNumbers.length;
    if (r.frames !== n) out.push(`${at}.frames: ${r.frames} but frameNumbers has ${n} entries`);
    for (const [s, values] of Object.entries(r.series) as [ScoreSeries, SeriesValue[]][]) {
      if (values.length !== n)
        out.push(`${at}.series.${s}: ${values.length} values for ${n} frames`);
    }
  });
  const featuresOf = new Map<string, Set<string>>();
  (p.scoreFeatures ?? []).forEach((f, i) => {
    const at = `scoreFeatures.${i}`;
    const result = results.get(f.resultId);
    if (!result) {
      out.push(`${at}.resultId: score result "${f.resultId}" is not in the file`);
      return;
    }
    const names = featuresOf.get(f.resultId) ?? new Set<string>();
    featuresOf.set(f.resultId, names);
    if (names.has(f.name)) {
      out.push(`${at}.name: "${f.name}" appears twice for score result "${f.resultId}"`);
    } else if (names.size === MAX_FEATURES_PER_RESULT) {
      const many = `more than ${MAX_FEATURES_PER_RESULT} features`;
      out.push(`${at}: score result "${f.resultId}" has ${many}`);
    }
    names.add(f.name);
    const n = result.frameNumbers.length;
    if (f.values.length !== n) out.push(`${at}.values: ${f.values.length} values for ${n} frames`);
  });
  // A per-title run's batch may be gone (pertitle_runs has no foreign keys); its source may not.
  (p.perTitleRuns ?? []).forEach((r, i) =>
    need(`perTitleRuns.${i}.sourceId`, 'source', r.sourceId, sources),
  );
  return out;
}
