/**
 * The one API contract between the renderer and the main-side services. Every request is one
 * argument object validated by its zod schema in the main-side dispatcher (the same for IPC and
 * WebSocket); every result travels as an {@link Envelope}. Events form one typed stream with an
 * increasing `seq`, so a client can take a snapshot and apply only newer events.
 */
import { z } from 'zod';
import type { CommandEntry } from './activity';
import type { WorkersStatus } from './workers';
import { CrfSearchRequestSchema, type TargetSearch } from './crfSearch';
import type { TitleShots } from './shots';
import {
  NetworkProfileSchema,
  PlaybackReportSchema,
  type PackageEntry,
  type PlaybackSummary,
} from './playback';
import { ShotEncodeRequestSchema, type ShotEncodeRun } from './shotEncode';
import type { AnalysisData } from './analysis';
import type { PerTitleRun } from './perTitle';
import type { ApiError } from './errors';
import { HdrHandlingSchema, LadderSchema, type LadderEntry } from './ladder';
import type { FrameInfo, FrameSamples } from './frames';
import type { DirListing, ImportOutcome, LibraryItem } from './library';
import { PerTitleOptionsSchema } from './perTitle';
import { MAX_PROJECT_CHARS, type ProjectExport, type ProjectImportSummary } from './project';
import type { Batch, EncodePlan, Job, JobProgress, QueueSnapshot, Rendition } from './queue';
import {
  ScoreAfterEncodeSchema,
  ScoreStartSchema,
  type ScoreExport,
  type ScorePlanView,
  type ScoreResultDetail,
  type ScoreResultSummary,
} from './scoreResults';
import type { ToolchainReport } from './toolchain';

/** A file path as typed by a person: non-empty, no NUL byte. */
const PathArg = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte');

/** Library item id. */
const IdArg = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not an item id');

/** Job, batch or rendition id. */
const QueueIdArg = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a queue id');

/** Package id (a UUID as `vq package` writes it). */
const PackageIdArg = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'not a package id');

/** What to encode: a source, a ladder (saved/preset id or the ladder itself), and where to. */
const EncodeRequest = z
  .object({
    sourceId: IdArg,
    /** A preset or saved ladder id. */
    ladderId: z.string().min(1).max(64).optional(),
    /** A ladder given inline (an edited, unsaved ladder or a ladder file). */
    ladder: LadderSchema.optional(),
    /** One process for all single-pass rungs (default true); false runs one process per rung. */
    decodeOnce: z.boolean().optional(),
    /** Output folder; default `<dataDir>/renditions/<sourceId>/<ladderId>/`. */
    outDir: PathArg.optional(),
    /** After each encode job, a score job scores its renditions against the source. */
    scoreAfterEncode: ScoreAfterEncodeSchema.optional(),
    /**
     * Replace renditions that already exist in the output folder. Without it, `encode.start`
     * refuses (OUTPUT_EXISTS) when any output file exists: nothing is overwritten silently.
     */
    overwrite: z.boolean().optional(),
    /** An HDR source: keep it HDR or tone-map it to SDR (default: the ladder's, else keep). */
    hdr: HdrHandlingSchema.optional(),
    /**
     * Split the title into chunks of about this many seconds across the shared queue's workers
     * (needs VQ_REDIS_URL); implies one process per rung.
     */
    chunkSeconds: z.number().min(1).max(3600).optional(),
  })
  .strict()
  .refine((r) => (r.ladderId === undefined) !== (r.ladder === undefined), {
    message: 'give either ladderId or ladder',
    path: ['ladderId'],
  });

/** `WxH:pix_fmt[:fps]` given as parts. */
export const RawSpecArg = z
  .object({
    width: z.number().int().min(2).max(16384),
    height: z.number().int().min(2).max(16384),
    pixFmt: z.string().regex(/^[a-z0-9_]+$/, 'not a pix_fmt name'),
    fps: z.number().positive().max(1000),
  })
  .strict();

/** User settings stored in the library database. */
export const SettingsSchema = z
  .object({
    /** An ffmpeg binary the person chose; null to let the toolchain decide. */
    ffmpegPath: z.string().max(4096).nullable(),
    /** An ffprobe binary the person chose; null to let the toolchain decide. */
    ffprobePath: z.string().max(4096).nullable(),
    /** Queue jobs run at once; null chooses from the cores (see `autoConcurrency`). */
    concurrency: z.number().int().min(1).max(16).nullable(),
    /** What happens on start to jobs that were running when the app stopped. */
    onRestart: z.enum(['requeue', 'mark-interrupted']),
  })
  .strict();

/** Settings as stored and returned. */
export type Settings = z.infer<typeof SettingsSchema>;

/** Request schemas, one per method. The method names are namespaced `area.action`. */
export const requestSchemas = {
  /** App name, version, mode and what this transport can do. */
  'app.info': z.object({}).strict(),
  /** The toolchain report; `refresh` re-probes every binary (ignoring the cache). */
  'toolchain.get': z.object({ refresh: z.boolean().optional() }).strict(),
  /** All library items, with the event `seq` the snapshot is current to. */
  'library.list': z.object({}).strict(),
  /** One library item by id. */
  'library.get': z.object({ id: IdArg }).strict(),
  /** Import files by path; each path lands or fails on its own. `raw` applies to raw .yuv files. */
  'library.import': z
    .object({ paths: z.array(PathArg).min(1).max(1000), raw: RawSpecArg.optional() })
    .strict(),
  /** Electron only: show the native open dialog and import what the person picks. */
  'library.importWithDialog': z.object({}).strict(),
  /** Which library items' files are gone from disk (deleted, moved, or no longer a regular file). */
  'library.check': z.object({}).strict(),
  /** Remove an item from the library. The file on disk is never touched. */
  'library.remove': z.object({ id: IdArg }).strict(),
  /** Server-side file browser (web mode): list a directory; default is the home directory. */
  'fs.list': z.object({ dir: PathArg.optional(), showHidden: z.boolean().optional() }).strict(),
  /** Current settings. */
  'settings.get': z.object({}).strict(),
  /** Change settings; fields left out keep their value. */
  'settings.set': SettingsSchema.partial().strict(),
  /** Built-in presets, then saved ladders. */
  'ladders.list': z.object({}).strict(),
  /** Save a ladder under its id (replacing a saved one); built-in ids are refused. */
  'ladders.save': z.object({ ladder: LadderSchema }).strict(),
  /** Delete a saved ladder; built-in ladders cannot be deleted. */
  'ladders.delete': z.object({ id: z.string().min(1).max(64) }).strict(),
  /** What `encode.start` would queue: rungs, skipped rungs with reasons, exact commands per job. */
  'encode.plan': EncodeRequest,
  /** Queue a ladder on a source; fails at once when an encoder or the output folder is unusable. */
  'encode.start': EncodeRequest,
  /** Batches, jobs and renditions, with the event `seq` the snapshot is current to. */
  'queue.snapshot': z.object({}).strict(),
  /** Cancel one job: a queued job never starts; a running one is killed and its partial output deleted. */
  'queue.cancel': z.object({ jobId: QueueIdArg }).strict(),
  /** Cancel every queued and running job (of one batch, when given). */
  'queue.cancelAll': z.object({ batchId: QueueIdArg.optional() }).strict(),
  /** Queue a failed, canceled or interrupted job again. */
  'queue.retry': z.object({ jobId: QueueIdArg }).strict(),
  /** Encode one rung of a batch again, as a new job. */
  'queue.rerunRung': z.object({ batchId: QueueIdArg, rungId: z.string().min(1).max(48) }).strict(),
  /** Pause the queue (no new job starts; running ones finish) or resume it. */
  'queue.pause': z.object({ paused: z.boolean() }).strict(),
  /** Move a queued job one place earlier or later in the queue, or before every other queued job. */
  'queue.move': z.object({ jobId: QueueIdArg, to: z.enum(['up', 'down', 'first']) }).strict(),
  /** Put the queued jobs of a batch before every other queued job. */
  'queue.runBatchNext': z.object({ batchId: QueueIdArg }).strict(),
  /** Remove the batches whose every job finished from the queue; renditions and scores stay. */
  'queue.clearFinished': z.object({}).strict(),
  /** Finished renditions, newest first; of one source when given. */
  'renditions.list': z.object({ sourceId: IdArg.optional() }).strict(),
  /** What `score.start` would run: pre-flight findings per pair, the exact command, the model. */
  'score.plan': ScoreStartSchema,
  /** Queue one score job (one process for the set); refused while a pair is blocked without a fix. */
  'score.start': ScoreStartSchema,
  /** Stored scores with this library item as the reference, newest first. */
  'scores.list': z.object({ sourceId: IdArg }).strict(),
  /** One stored score with its per-frame values, worst frames and how it was computed. */
  'scores.get': z
    .object({
      resultId: QueueIdArg,
      /** Also send libvmaf's elementary features per frame (default: no, they are large). */
      features: z.boolean().optional(),
    })
    .strict(),
  /** Delete one stored score. */
  'scores.delete': z.object({ resultId: QueueIdArg }).strict(),
  /** Per-frame CSV or JSON of stored scores, as text the renderer offers as a download. */
  'scores.export': z
    .object({ resultIds: z.array(QueueIdArg).min(1).max(50), format: z.enum(['csv', 'json']) })
    .strict(),
  /** One self-contained HTML report of a source (facts, toolchain, ladders, scores, charts, commands). */
  'report.html': z.object({ sourceId: IdArg }).strict(),
  /** Every scored rendition of a source as a rate–quality point (newest score per rendition). */
  'analysis.get': z.object({ sourceId: IdArg }).strict(),
  /** Pooled results per rendition of a source as CSV (`bitrate`, `quality` = VMAF mean, …) or JSON. */
  'analysis.export': z.object({ sourceId: IdArg, format: z.enum(['csv', 'json']) }).strict(),
  /** Per-title: encode and score a CRF grid on a source, then recommend a ladder (one button). */
  'pertitle.start': z
    .object({ sourceId: IdArg, options: PerTitleOptionsSchema.optional() })
    .strict(),
  /** Per-title runs of a source, newest first. */
  'pertitle.list': z.object({ sourceId: IdArg }).strict(),
  /** Frame count, presentation times, picture types and keyframes of a library item or rendition. */
  'frames.info': z.object({ id: IdArg }).strict(),
  /**
   * Frames a viewer is likely to show next (a chart's worst frames): decoded ahead into the frame
   * server's memory, so a click on one is served at once. At most 16; `size` as the viewer asks.
   */
  'frames.prefetch': z
    .object({
      id: IdArg,
      frames: z.array(z.number().int().min(0).max(100_000_000)).min(1).max(16),
      size: z
        .object({
          width: z.number().int().min(1).max(16384),
          height: z.number().int().min(1).max(16384),
        })
        .strict()
        .optional(),
    })
    .strict(),
  /** Decoded sample values (Y′/U/V or R/G/B, the decoder's own codes) of pixel x, y of frame `index`. */
  'frames.samples': z
    .object({
      id: IdArg,
      index: z.number().int().min(0).max(100_000_000),
      x: z.number().int().min(0).max(16383),
      y: z.number().int().min(0).max(16383),
    })
    .strict(),
  /** One project file (`.vqproj.json`) with the metadata and results of some sources (all when none given); media by path. */
  'project.export': z.object({ sourceIds: z.array(IdArg).min(1).max(10_000).optional() }).strict(),
  /** Import a project file's text: adds what the library lacks in one transaction (all or nothing). */
  'project.import': z
    .object({
      text: z
        .string()
        .min(1, 'the project file is empty')
        .max(MAX_PROJECT_CHARS, 'the project file is larger than 200 MB'),
    })
    .strict(),
  /** The command log: the latest processes the app started (ffmpeg, ffprobe, vmaf), oldest first. */
  'activity.list': z.object({}).strict(),
  /** The machines registered as workers in the shared queue's Redis (VQ_REDIS_URL), if one is set. */
  'workers.list': z.object({}).strict(),
  /** The shots of a source (scene scores cached per source; other rules need no decode). */
  'shots.get': z
    .object({
      sourceId: IdArg,
      threshold: z.number().gt(0).max(100).optional(),
      minSeconds: z.number().min(0).max(600).optional(),
      maxSeconds: z.number().positive().max(3600).optional(),
    })
    .strict(),
  /** Starts a CRF search for a quality target on a source (one at a time; `target.updated` events). */
  'target.start': CrfSearchRequestSchema,
  'target.cancel': z.object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'not a search id') }).strict(),
  /** The CRF searches of a source run since the app started, newest first. */
  'target.list': z.object({ sourceId: IdArg }).strict(),
  /** Starts a per-shot encode of a source to one target (one run at a time; `shotencode.updated`). */
  'shotencode.start': ShotEncodeRequestSchema,
  'shotencode.cancel': z
    .object({ id: z.string().regex(/^[0-9a-f]{16}$/, 'not a run id') })
    .strict(),
  'shotencode.list': z.object({ sourceId: IdArg }).strict(),
  /** Streaming packages made (`vq package`, or a batch packaged here), newest first. */
  'packages.list': z.object({}).strict(),
  /** Packages the renditions of a batch as HLS and/or DASH (CMAF) into the data folder. */
  'packages.create': z
    .object({
      batchId: QueueIdArg,
      hls: z.boolean().default(true),
      dash: z.boolean().default(true),
      segmentSeconds: z.number().min(0.5).max(60).optional(),
      /** Re-encode rungs whose keyframes miss the segment boundaries, instead of refusing them. */
      align: z.boolean().default(false),
    })
    .strict(),
  /** Starts playing a package over a shaped network: its files are fetched under the session. */
  'playback.start': z.object({ packageId: PackageIdArg, profile: NetworkProfileSchema }).strict(),
  /** A finished playback's report: summarised from the stored scores and kept with the package. */
  'playback.save': PlaybackReportSchema,
} as const;

/** Every method name. */
export type VqMethod = keyof typeof requestSchemas;

/** The argument object of a method, as the caller writes it. */
export type VqArgs<M extends VqMethod> = z.input<(typeof requestSchemas)[M]>;

/** The argument object of a method after validation. */
export type VqParsedArgs<M extends VqMethod> = z.output<(typeof requestSchemas)[M]>;

/** Facts about the running app and its transport. */
export interface AppInfo {
  name: string;
  version: string;
  /** 'electron' for the desktop app, 'web' for `vq serve`. */
  mode: 'electron' | 'web';
  platform: string;
  dataDir: string;
  capabilities: {
    /** A native open dialog is available (`library.importWithDialog`). */
    nativeDialog: boolean;
    /** Files dropped on the window are imported by path (Electron). */
    dropImport: boolean;
    /** The server-side file browser (`fs.list`) is offered. */
    fileBrowser: boolean;
  };
}

/** The result of each method. */
export interface VqResults {
  'app.info': AppInfo;
  'toolchain.get': ToolchainReport;
  'library.list': { items: LibraryItem[]; seq: number };
  'library.get': LibraryItem;
  'library.import': ImportOutcome;
  'library.importWithDialog': ImportOutcome & { canceled: boolean };
  'library.check': { missing: string[] };
  'library.remove': { id: string };
  'fs.list': DirListing;
  'settings.get': Settings;
  'settings.set': Settings;
  'ladders.list': LadderEntry[];
  'ladders.save': LadderEntry;
  'ladders.delete': { id: string };
  'encode.plan': EncodePlan;
  'encode.start': { batch: Batch; jobs: Job[] };
  'queue.snapshot': QueueSnapshot;
  'queue.cancel': Job;
  'queue.cancelAll': { canceled: string[] };
  'queue.retry': Job;
  'queue.rerunRung': Job;
  'queue.pause': { paused: boolean };
  'queue.move': Job;
  'queue.runBatchNext': { moved: string[] };
  'queue.clearFinished': { removed: string[] };
  'renditions.list': { renditions: Rendition[]; seq: number };
  'score.plan': ScorePlanView;
  'score.start': { job: Job };
  'scores.list': { results: ScoreResultSummary[]; seq: number };
  'scores.get': ScoreResultDetail;
  'scores.delete': { id: string };
  'scores.export': ScoreExport;
  'analysis.get': AnalysisData;
  'analysis.export': ScoreExport;
  'pertitle.start': { run: PerTitleRun; batch: Batch; jobs: Job[] };
  'pertitle.list': { runs: PerTitleRun[] };
  'frames.info': FrameInfo;
  'frames.samples': FrameSamples;
  /** How many of the frames were taken (those in range). */
  'frames.prefetch': { queued: number };
  'project.export': ProjectExport;
  'project.import': ProjectImportSummary;
  'report.html': { fileName: string; html: string };
  'activity.list': { entries: CommandEntry[]; seq: number };
  'workers.list': WorkersStatus;
  'shots.get': TitleShots;
  'target.start': TargetSearch;
  'target.cancel': TargetSearch;
  'target.list': { searches: TargetSearch[] };
  'shotencode.start': ShotEncodeRun;
  'shotencode.cancel': ShotEncodeRun;
  'shotencode.list': { runs: ShotEncodeRun[] };
  'packages.list': { packages: PackageEntry[] };
  'packages.create': PackageEntry;
  'playback.start': { sessionId: string };
  'playback.save': PlaybackSummary;
}

/** Events pushed from main to every client. `seq` increases by one per event. */
export type VqEvent =
  | { seq: number; type: 'library.added'; item: LibraryItem }
  | { seq: number; type: 'library.removed'; id: string }
  | { seq: number; type: 'library.importFailed'; path: string; error: ApiError }
  | { seq: number; type: 'toolchain.changed'; report: ToolchainReport }
  | { seq: number; type: 'settings.changed'; settings: Settings }
  | { seq: number; type: 'ladders.changed'; ladders: LadderEntry[] }
  | { seq: number; type: 'batch.added'; batch: Batch }
  /**
   * A finished batch was cleared from the queue, with its jobs. Its renditions stay but lose their
   * batch and job links (`batchId` and `jobId` become null in the database, with no event of their
   * own): a client drops those links on this event.
   */
  | { seq: number; type: 'batch.removed'; batchId: string }
  /** The queue was paused or resumed (here or by another process of the same data folder). */
  | { seq: number; type: 'queue.paused'; paused: boolean }
  | { seq: number; type: 'job.updated'; job: Job }
  | ({ seq: number; type: 'job.progress' } & JobProgress)
  | { seq: number; type: 'rendition.added'; rendition: Rendition }
  | { seq: number; type: 'rendition.removed'; id: string }
  | { seq: number; type: 'score.added'; result: ScoreResultSummary }
  | { seq: number; type: 'score.removed'; id: string }
  | { seq: number; type: 'pertitle.updated'; run: PerTitleRun }
  /** A CRF search started, took a step, or ended. */
  | { seq: number; type: 'target.updated'; search: TargetSearch }
  /** A per-shot encode started, moved on, or ended. */
  | { seq: number; type: 'shotencode.updated'; run: ShotEncodeRun }
  /** A process was started, or ended (the same entry id again, with its outcome). */
  | { seq: number; type: 'activity.updated'; entry: CommandEntry }
  | {
      seq: number;
      type: 'batch.finished';
      batchId: string;
      done: number;
      failed: number;
      canceled: number;
    };

/** An event before the hub stamps its `seq`. */
export type VqEventInput = VqEvent extends infer E
  ? E extends { seq: number }
    ? Omit<E, 'seq'>
    : never
  : never;

/** The service interface: one async method per request, one argument object each. */
export type VqApi = { [M in VqMethod]: (args: VqParsedArgs<M>) => Promise<VqResults[M]> };

/** The client side as the renderer sees it, whatever the transport. */
export interface VqClient {
  /** Calls a method; rejects with an {@link ApiError}-shaped `VqError` when the envelope is not ok. */
  call<M extends VqMethod>(method: M, args: VqArgs<M>): Promise<VqResults[M]>;
  /** Subscribes to the event stream; returns the unsubscribe function. */
  onEvent(cb: (event: VqEvent) => void): () => void;
  /** URL of a library item's media (kind 'file' supports Range; 'thumb' is a JPEG). */
  mediaUrl(kind: 'file' | 'thumb', id: string): string;
  /**
   * URL of frame `index` (presentation order, 0-based) of a library item or rendition as an RGB
   * PNG; with `size`, scaled to that size (bicubic, as the scorer scales).
   */
  frameUrl(id: string, index: number, size?: { width: number; height: number }): string;
  /** URL of a file (`master.m3u8`, `v0/seg-00000.m4s`, …) of a playback session's package. */
  playUrl(sessionId: string, file: string): string;
  /**
   * A media URL as this page may fetch it: with the access token in a browser (a player resolves
   * segment URLs from a playlist, which drops the query), unchanged in the desktop app.
   */
  withAccess(url: string): string;
}

/** True when `name` is a method of the contract (used by dispatchers on untyped input). */
export function isVqMethod(name: unknown): name is VqMethod {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(requestSchemas, name);
}
