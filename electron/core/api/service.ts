/**
 * The implementation of the API contract. Transports (IPC, WebSocket) and the CLI all call these
 * same methods; nothing here knows which one is asking.
 */
import { randomUUID } from 'node:crypto';
import { hasVideoExtension } from '../../../shared/media';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { AppInfo, VqApi, VqParsedArgs } from '../../../shared/api';
import { VqError, toApiError } from '../../../shared/errors';
import type { FrameInfo, FrameSamples } from '../../../shared/frames';
import type { DirEntry, DirListing, ImportOutcome, LibraryItem } from '../../../shared/library';
import type { RawVideoSpec } from '../../../shared/media';
import { PRESET_LADDERS } from '../../../shared/presets';
import { isRetryable, type ConcurrencyInfo } from '../../../shared/queue';
import type { AnalysisService } from '../analysis/analysisService';
import type { PerTitleService } from '../analysis/perTitleService';
import type { PlaybackService } from '../playback/playbackService';
import type { TargetService } from '../target/targetService';
import type { TitleShots } from '../../../shared/shots';
import type { EncodeService } from '../encode/encodeService';
import type { EventHub } from '../events';
import { commandLog } from '../ffmpeg/commandLog';
import { storeItemThumbnail } from '../ffmpeg/thumbnail';
import { checkInputFile, probeFile } from '../probe';
import type { ProjectService } from '../project/projectService';
import type { JobQueue } from '../queue/jobQueue';
import type { JobStore } from '../queue/jobStore';
import { fileStatOf } from '../media/fileIdentity';
import type { ScoreService } from '../scoreService/scoreService';
import type { LadderRepo } from '../store/ladderRepo';
import { isSqliteError } from '../store/db';
import type { LibraryRepo, StoredSource } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { SettingsRepo } from '../store/settingsRepo';
import type { Toolchain } from '../toolchain';
import type { WorkersStatus } from '../../../shared/workers';
import { buildReport } from '../report';

/** What the host (Electron or the web server) adds to the services. */
export interface HostHooks {
  mode: 'electron' | 'web';
  /** Shows a native open dialog; resolves to the chosen paths, or null when canceled. */
  pickFiles?: () => Promise<string[] | null>;
}

/** Everything the service needs, passed in so tests can build one over a temp data dir. */
export interface ServiceDeps {
  dataDir: string;
  thumbsDir: string;
  version: string;
  library: LibraryRepo;
  settings: SettingsRepo;
  toolchain: Toolchain;
  events: EventHub;
  host: HostHooks;
  ladders: LadderRepo;
  renditions: RenditionRepo;
  jobs: JobStore;
  queue: JobQueue;
  encode: EncodeService;
  scores: ScoreService;
  /** Rate–quality points and pooled exports of a source. */
  analysis: AnalysisService;
  /** The per-title flow. */
  perTitle: PerTitleService;
  /** Project files: export and import. */
  project: ProjectService;
  /** The concurrency in force (setting, automatic choice, effective). */
  concurrency: () => ConcurrencyInfo;
  /** The frame timeline of a library item or rendition; null for an unknown id. */
  frameInfo: (id: string) => Promise<FrameInfo | null>;
  /** Frames decoded ahead (see `frames.prefetch`); null for an unknown id. */
  framePrefetch: (args: VqParsedArgs<'frames.prefetch'>) => Promise<{ queued: number } | null>;
  /** Decoded values of one pixel of a frame (see `frames.samples`); null for an unknown id. */
  frameSamples: (args: {
    id: string;
    index: number;
    x: number;
    y: number;
  }) => Promise<FrameSamples | null>;
  /** The workers of the shared queue (`workers.list`). */
  workers: () => Promise<WorkersStatus>;
  /** The shots of a library source (`shots.get`); null for an unknown id. */
  shots: (args: VqParsedArgs<'shots.get'>) => Promise<TitleShots | null>;
  /** The app's CRF searches. */
  target: TargetService;
  /** Streaming packages and their playbacks. */
  playback: PlaybackService;
}

/** Builds the service object that implements every API method. */
export function createService(deps: ServiceDeps): VqApi {
  const { library, events, toolchain } = deps;

  function refuseBuiltIn(id: string, verb: string): void {
    if (PRESET_LADDERS.some((p) => p.ladder.id === id)) {
      throw new VqError(
        'INVALID_ARGS',
        `"${id}" is a built-in ladder and cannot be ${verb}.`,
        'Save your version under another id.',
      );
    }
  }

  async function importOne(
    inputPath: string,
    raw: RawVideoSpec | undefined,
  ): Promise<{ item: LibraryItem; existed: boolean }> {
    const absolute = path.resolve(inputPath);
    const checked = await checkInputFile(absolute, { raw });
    const existing = library.getByPath(checked.realPath);
    if (existing?.refused)
      return { item: await reprobe(existing, checked.realPath, checked.sizeBytes), existed: true };
    if (existing) return { item: existing.item, existed: true };

    const ffprobe = await toolchain.binaryFor('probe');
    const media = await probeFile(checked.realPath, { ffprobe, raw });
    const stat = await fs.stat(checked.realPath);
    const id = randomUUID().replace(/-/g, '').slice(0, 16);
    const thumbPath = await storeItemThumbnail(deps, {
      id,
      file: checked.realPath,
      durationSeconds: media.durationSeconds,
      raw: raw ?? null,
    });
    const item: LibraryItem = {
      id,
      path: checked.realPath,
      fileName: path.basename(checked.realPath),
      addedAt: new Date().toISOString(),
      sizeBytes: checked.sizeBytes,
      media,
      hasThumbnail: thumbPath !== null,
    };
    // Another process (a second `vq import`, the app) may have imported the same file meanwhile:
    // its row wins, and our thumbnail, named by our id, is deleted so none is left orphaned.
    let saved: ReturnType<LibraryRepo['insertOrGet']>;
    try {
      saved = library.insertOrGet({ item, thumbPath, raw: raw ?? null, mtimeMs: stat.mtimeMs });
    } catch (err) {
      if (thumbPath) await fs.rm(thumbPath, { force: true });
      throw err;
    }
    const { stored, inserted } = saved;
    if (!inserted) {
      if (thumbPath) await fs.rm(thumbPath, { force: true });
      return { item: stored.item, existed: true };
    }
    events.emit({ type: 'library.added', item });
    return { item, existed: false };
  }

  /**
   * A source a project import added but could not read here (missing, not a regular file, not a
   * video) becomes readable when the person imports its file by hand: it is probed again and, when
   * it now is a video, its fresh facts replace the refused mark. A failed probe throws as for a
   * new file, and the row stays refused.
   */
  async function reprobe(src: StoredSource, file: string, sizeBytes: number): Promise<LibraryItem> {
    const raw = src.raw ?? undefined;
    const ffprobe = await toolchain.binaryFor('probe');
    const media = await probeFile(file, { ffprobe, raw });
    const stat = await fs.stat(file);
    const thumbPath =
      src.thumbPath ??
      (await storeItemThumbnail(deps, {
        id: src.item.id,
        file,
        durationSeconds: media.durationSeconds,
        raw: src.raw,
      }));
    const stored = library.replaceMedia(src.item.id, media, sizeBytes, stat.mtimeMs, thumbPath);
    if (!stored) throw unknownItem(src.item.id); // removed meanwhile
    events.emit({ type: 'library.added', item: stored.item });
    return stored.item;
  }

  async function importMany(
    paths: string[],
    raw: RawVideoSpec | undefined,
  ): Promise<ImportOutcome> {
    const outcome: ImportOutcome = { imported: [], existing: [], failed: [] };
    for (const p of paths) {
      try {
        const { item, existed } = await importOne(p, raw);
        (existed ? outcome.existing : outcome.imported).push(item);
      } catch (err) {
        // A database that cannot be read or written fails the whole call (described once, by
        // api/databaseErrors.ts): no later file would fare better.
        if (isSqliteError(err)) throw err;
        const error = toApiError(err);
        outcome.failed.push({ path: p, ...error });
        events.emit({ type: 'library.importFailed', path: p, error });
      }
    }
    return outcome;
  }

  return {
    async 'app.info'(): Promise<AppInfo> {
      return {
        name: 'VQ Studio',
        version: deps.version,
        mode: deps.host.mode,
        platform: process.platform,
        dataDir: deps.dataDir,
        capabilities: {
          nativeDialog: Boolean(deps.host.pickFiles),
          dropImport: deps.host.mode === 'electron',
          fileBrowser: true,
        },
      };
    },

    async 'toolchain.get'(args) {
      const report = await toolchain.report({ refresh: args.refresh });
      if (args.refresh) events.emit({ type: 'toolchain.changed', report });
      return report;
    },

    async 'library.list'() {
      // Read seq first: an event emitted after this point is newer than the snapshot.
      const seq = events.seq;
      return { items: library.list().map((s) => s.item), seq };
    },

    async 'library.get'(args) {
      const found = library.get(args.id);
      if (!found) throw unknownItem(args.id);
      return found.item;
    },

    async 'library.import'(args: VqParsedArgs<'library.import'>) {
      return importMany(args.paths, args.raw);
    },

    async 'library.importWithDialog'() {
      if (!deps.host.pickFiles) {
        throw new VqError(
          'UNSUPPORTED',
          'There is no native file dialog in the browser.',
          'Type a path or use Browse… to pick a file on the server.',
        );
      }
      const picked = await deps.host.pickFiles();
      if (!picked || picked.length === 0)
        return { imported: [], existing: [], failed: [], canceled: true };
      return { ...(await importMany(picked, undefined)), canceled: false };
    },

    async 'library.check'() {
      return { missing: await missingSources(library.list().map((s) => s.item)) };
    },

    async 'library.remove'(args) {
      const found = library.get(args.id);
      if (!found) throw unknownItem(args.id);
      library.remove(args.id);
      // The thumbnail is ours (cache); the source file is the person's and is never touched.
      if (found.thumbPath) await fs.rm(found.thumbPath, { force: true });
      events.emit({ type: 'library.removed', id: args.id });
      return { id: args.id };
    },

    async 'fs.list'(args) {
      return listDirectory(args.dir ?? os.homedir(), args.showHidden ?? false);
    },

    async 'settings.get'() {
      return deps.settings.get();
    },

    async 'settings.set'(args) {
      const settings = deps.settings.set(args);
      events.emit({ type: 'settings.changed', settings });
      if (args.ffmpegPath !== undefined || args.ffprobePath !== undefined) {
        toolchain.invalidate();
        const report = await toolchain.report();
        events.emit({ type: 'toolchain.changed', report });
      }
      // A raised concurrency starts waiting jobs now; a lowered one lets running jobs finish.
      if (args.concurrency !== undefined) deps.queue.pump();
      return settings;
    },

    async 'ladders.list'() {
      return deps.ladders.entries();
    },

    async 'ladders.save'(args) {
      refuseBuiltIn(args.ladder.id, 'replaced');
      deps.ladders.save(args.ladder);
      events.emit({ type: 'ladders.changed', ladders: deps.ladders.entries() });
      return { ladder: args.ladder, builtIn: false };
    },

    async 'ladders.delete'(args) {
      refuseBuiltIn(args.id, 'deleted');
      if (!deps.ladders.remove(args.id))
        throw new VqError('NOT_FOUND', `No saved ladder with id "${args.id}".`);
      events.emit({ type: 'ladders.changed', ladders: deps.ladders.entries() });
      return { id: args.id };
    },

    async 'encode.plan'(args) {
      return deps.encode.plan(args);
    },

    async 'encode.start'(args) {
      return deps.encode.start(args);
    },

    async 'queue.snapshot'() {
      // Read seq first: an event emitted after this point is newer than the snapshot.
      const seq = events.seq;
      return {
        batches: deps.jobs.listBatches(),
        jobs: deps.jobs.listJobs(),
        renditions: deps.renditions.list(),
        concurrency: deps.concurrency(),
        paused: deps.queue.paused,
        seq,
      };
    },

    async 'queue.cancel'(args) {
      return deps.queue.cancel(args.jobId, 'Canceled.');
    },

    async 'queue.cancelAll'(args) {
      return { canceled: await deps.queue.cancelAll(args.batchId, 'Canceled.') };
    },

    async 'queue.retry'(args) {
      // What a retry runs is planned again now, by the same code the run uses, and shown on the
      // job as it is queued; a job whose stored data is not valid (an imported project) is
      // refused with the reason. The stored plan stays as history. The new commands are written
      // by the requeue itself, only while the job is still retryable: a retry that loses a race
      // (another process retried and started it meanwhile) changes nothing.
      const job = deps.jobs.getJob(args.jobId);
      if (!job || !isRetryable(job.status)) return deps.queue.retry(args.jobId);
      let fresh: { binary: string | null; commands: string[][] };
      try {
        fresh =
          job.kind === 'encode'
            ? await deps.encode.retryCommands(job)
            : await deps.scores.retryCommands(job);
      } catch (err) {
        const e = toApiError(err);
        throw new VqError('INVALID_ARGS', `Job ${job.id} cannot be retried: ${e.message}`, e.hint);
      }
      return deps.queue.retry(args.jobId, fresh);
    },

    async 'queue.rerunRung'(args) {
      return deps.encode.rerunRung(args.batchId, args.rungId);
    },

    async 'queue.pause'(args) {
      return { paused: deps.queue.setPaused(args.paused) };
    },

    async 'queue.move'(args) {
      return deps.queue.move(args.jobId, args.to);
    },

    async 'queue.runBatchNext'(args) {
      return { moved: deps.queue.runBatchNext(args.batchId) };
    },

    async 'queue.clearFinished'() {
      return { removed: deps.queue.clearFinished() };
    },

    async 'renditions.list'(args) {
      const seq = events.seq;
      return { renditions: deps.renditions.list({ sourceId: args.sourceId }), seq };
    },

    async 'score.plan'(args) {
      return deps.scores.plan(args);
    },

    async 'score.start'(args) {
      return deps.scores.start(args);
    },

    async 'scores.list'(args) {
      return deps.scores.list(args.sourceId);
    },

    async 'scores.get'(args) {
      return deps.scores.get(args.resultId, { features: args.features === true });
    },

    async 'scores.delete'(args) {
      return deps.scores.delete(args.resultId);
    },

    async 'scores.export'(args) {
      return deps.scores.export(args.resultIds, args.format);
    },

    async 'project.export'(args) {
      return deps.project.export(args.sourceIds);
    },

    async 'project.import'(args) {
      return deps.project.import(args.text);
    },

    async 'report.html'(args) {
      return buildReport(deps, args.sourceId);
    },

    async 'analysis.get'(args) {
      return deps.analysis.get(args.sourceId);
    },

    async 'analysis.export'(args) {
      return deps.analysis.export(args.sourceId, args.format);
    },

    async 'pertitle.start'(args) {
      return deps.perTitle.start(args.sourceId, args.options);
    },

    async 'pertitle.list'(args) {
      return deps.perTitle.list(args.sourceId);
    },

    async 'frames.info'(args) {
      const info = await deps.frameInfo(args.id);
      if (!info)
        throw new VqError(
          'NOT_FOUND',
          `No library item or rendition with id ${args.id}.`,
          'It may have been removed; refresh the library.',
        );
      return info;
    },

    async 'frames.prefetch'(args) {
      const queued = await deps.framePrefetch(args);
      if (!queued)
        throw new VqError(
          'NOT_FOUND',
          `No library item or rendition with id ${args.id}.`,
          'It may have been removed; refresh the library.',
        );
      return queued;
    },

    async 'frames.samples'(args) {
      const samples = await deps.frameSamples(args);
      if (!samples)
        throw new VqError(
          'NOT_FOUND',
          `No library item or rendition with id ${args.id}.`,
          'It may have been removed; refresh the library.',
        );
      return samples;
    },

    async 'activity.list'() {
      return { entries: commandLog.list(), seq: events.seq };
    },

    async 'workers.list'() {
      return deps.workers();
    },

    async 'shots.get'(args) {
      const shots = await deps.shots(args);
      if (!shots)
        throw new VqError(
          'NOT_FOUND',
          `No library item with id ${args.sourceId}.`,
          'It may have been removed; refresh the library.',
        );
      return shots;
    },

    async 'target.start'(args) {
      return deps.target.start(args);
    },

    async 'target.cancel'(args) {
      return deps.target.cancel(args.id);
    },

    async 'target.list'(args) {
      return { searches: deps.target.list(args.sourceId) };
    },

    async 'shotencode.start'(args) {
      return deps.target.startShotEncode(args);
    },

    async 'shotencode.cancel'(args) {
      return deps.target.cancelShotEncode(args.id);
    },

    async 'shotencode.list'(args) {
      return { runs: deps.target.listShotEncodes(args.sourceId) };
    },

    async 'packages.list'() {
      return { packages: deps.playback.list() };
    },

    async 'packages.create'(args) {
      return deps.playback.packageBatch(args);
    },

    async 'playback.start'(args) {
      return deps.playback.start(args.packageId, args.profile);
    },

    async 'playback.save'(args) {
      return deps.playback.save(args);
    },
  };
}

/**
 * Ids of the items whose file is not a regular file at its path any more (deleted or moved since
 * the import), checked with one stat each, a few at a time.
 */
async function missingSources(items: readonly LibraryItem[]): Promise<string[]> {
  const missing: string[] = [];
  for (let at = 0; at < items.length; at += 32) {
    const slice = items.slice(at, at + 32);
    const found = await Promise.all(
      slice.map((item) =>
        fs.stat(item.path).then(
          (st) => fileStatOf(st) !== null,
          () => false,
        ),
      ),
    );
    slice.forEach((item, i) => {
      if (!found[i]) missing.push(item.id);
    });
  }
  return missing;
}

function unknownItem(id: string): VqError {
  return new VqError(
    'UNKNOWN_ITEM',
    `No library item with id ${id}.`,
    'It may have been removed; refresh the library.',
  );
}

/** Lists a directory for the server-side file browser: folders first, then files, by name. */
export async function listDirectory(dir: string, showHidden: boolean): Promise<DirListing> {
  const absolute = path.resolve(dir);
  let dirents;
  try {
    dirents = await fs.readdir(absolute, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VqError('NOT_FOUND', `Folder not found: ${absolute}`);
    if (code === 'ENOTDIR') throw new VqError('INVALID_ARGS', `Not a folder: ${absolute}`);
    if (code === 'EACCES' || code === 'EPERM')
      throw new VqError('PERMISSION_DENIED', `No permission to read ${absolute}`);
    throw err;
  }
  const entries: DirEntry[] = [];
  for (const d of dirents) {
    if (!showHidden && d.name.startsWith('.')) continue;
    let isDir = d.isDirectory();
    let size: number | null = null;
    if (d.isSymbolicLink() || d.isFile()) {
      const st = await fs.stat(path.join(absolute, d.name)).catch(() => null);
      if (!st) continue; // a dangling link
      isDir = st.isDirectory();
      size = st.isFile() ? st.size : null;
    } else if (!isDir) {
      continue; // sockets, devices
    }
    entries.push({
      name: d.name,
      kind: isDir ? 'dir' : 'file',
      sizeBytes: size,
      looksLikeVideo: !isDir && hasVideoExtension(d.name),
    });
  }
  entries.sort((a, b) =>
    a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'dir' ? -1 : 1,
  );
  const parent = path.dirname(absolute);
  return { dir: absolute, parent: parent === absolute ? null : parent, entries };
}
