/**
 * Assembles the main-side services over one data dir: database, toolchain, events, the batch
 * queue, the API implementation and its dispatcher. Electron's main process, `vq serve` and the
 * CLI each build one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AnalysisService } from './analysis/analysisService';
import { PerTitleRepo } from './analysis/perTitleRepo';
import { PerTitleService } from './analysis/perTitleService';
import { describeDatabaseError, withDatabaseErrors } from './api/databaseErrors';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createService, type HostHooks } from './api/service';
import { EncodeExecutor } from './encode/encodeExecutor';
import { EncodeService } from './encode/encodeService';
import { sourceHdr } from './encode/planBatch';
import { ClusterEncodeExecutor } from './cluster/clusterExecutor';
import { ClusterScoreExecutor } from './cluster/clusterScoreExecutor';
import { sharedQueueOf, transferOf, type SharedQueue } from './cluster/sharedQueue';
import { readWorkersStatus } from './cluster/workersStatus';
import { EventHub } from './events';
import { commandLog } from './ffmpeg/commandLog';
import { killAllProcesses } from './ffmpeg/process';
import { FrameService, type FrameSource } from './frames';
import { dataLayout } from './paths';
import type { ProjectText } from './project/importProject';
import { ProjectService } from './project/projectService';
import { CrossProcessEvents } from './queue/crossProcessEvents';
import { JobQueue } from './queue/jobQueue';
import { SqliteJobStore } from './queue/sqliteJobStore';
import { dataFolderError, databaseFile, openDatabase, type Db } from './store/db';
import { LadderRepo } from './store/ladderRepo';
import { LibraryRepo } from './store/libraryRepo';
import { PackageRepo } from './store/packageRepo';
import { PlaybackService } from './playback/playbackService';
import { RenditionRepo } from './store/renditionRepo';
import { ScoreRepo } from './store/scoreRepo';
import { ScoreExecutor } from './scoreService/scoreExecutor';
import { ScoreService } from './scoreService/scoreService';
import { SettingsRepo } from './store/settingsRepo';
import { Toolchain } from './toolchain';
import type { VqApi } from '../../shared/api';
import type { ProjectImportSummary } from '../../shared/project';
import type { VqError } from '../../shared/errors';
import { autoConcurrency, type ConcurrencyInfo } from '../../shared/queue';
import { APP_VERSION } from './version';
import { queueEncodes, type QueueEncodes } from './target/queueEncodes';
import { TargetService } from './target/targetService';
import { findShots } from './shots/findShots';
import type { TitleShots } from '../../shared/shots';

/** The running services. */
export interface Core {
  dataDir: string;
  api: VqApi;
  dispatch: Dispatch;
  events: EventHub;
  library: LibraryRepo;
  toolchain: Toolchain;
  queue: JobQueue;
  encode: EncodeService;
  scores: ScoreService;
  /** Rate–quality points of a source, and the per-title flow. */
  analysis: AnalysisService;
  perTitle: PerTitleService;
  /**
   * The shared queue's workers for target-quality work (a per-shot encode's streams), when
   * encodes go there on a shared disk; else null (the work runs here).
   */
  workers: QueueEncodes | null;
  /** Streaming packages, and playing them over a shaped network (the Play view's media route). */
  playback: PlaybackService;
  /**
   * Absolute path of a library item's file or thumbnail, or of a rendition's file (renditions are
   * served by id like sources); null for an unknown id. Media routes use it.
   */
  mediaPath(kind: 'file' | 'thumb', id: string): string | null;
  /**
   * Frame `index` (presentation order, 0-based) of a library item or rendition as an RGB PNG,
   * decoded by ffmpeg; null for an unknown id. Throws VqError INVALID_ARGS past the last frame,
   * CANCELED when `signal` aborts first (the decode stops if nobody else waits for it).
   */
  framePng(
    id: string,
    index: number,
    size?: { width: number; height: number },
    signal?: AbortSignal,
  ): Promise<Buffer | null>;
  /** The frame server: running decoders, frame caches (memory and `cache/frames`), indexes. */
  frames: FrameService;
  /**
   * Imports a project file given as text or as text chunks arriving over time (an HTTP upload),
   * parsed piece by piece so the event loop is never held for long (`project.import` takes text).
   */
  importProject(text: ProjectText): Promise<ProjectImportSummary>;
  /** Kills running ffmpeg processes, deletes their partial outputs and closes the database. */
  close(): void;
}

/** Options for {@link createCore}. */
export interface CoreOptions {
  dataDir: string;
  host: HostHooks;
  env?: NodeJS.ProcessEnv;
  /**
   * The queue: 'all' (default) recovers jobs a stopped app left running and runs every queued
   * job; 'own' runs only batches submitted through this core (`vq encode`); 'off' runs nothing
   * (short CLI commands, which must not start or recover encodes).
   */
  queue?: 'all' | 'own' | 'off';
  /** Jobs at once for this core only, overriding the setting (`vq encode --concurrency`). */
  concurrency?: number;
  /** Where two-pass logs go (default: the OS temp folder). */
  tmpDir?: string;
  /**
   * Hears every database error an API method met after start-up, already described (DATABASE_CORRUPT,
   * DATA_FOLDER_FULL, …): the app offers to move a damaged database aside, as at start-up.
   */
  onDatabaseError?: (err: VqError) => void;
  /**
   * Bytes of intra proxy chunks the frame server keeps in the data dir's cache (default 4 GiB; 0:
   * no proxy, every frame decoded from its file). See frames/intraProxy.ts.
   */
  frameProxyBytes?: number;
}

/**
 * `VQ_FRAME_PROXY_GB` as bytes (a number ≥ 0 of GiB); undefined (the default) when unset or not a
 * number, with a warning for the latter.
 */
function proxyBytesFrom(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const gb = Number(value);
  if (!Number.isFinite(gb) || gb < 0) {
    console.warn(`VQ_FRAME_PROXY_GB=${value} is not a number of GiB ≥ 0: the default is used.`);
    return undefined;
  }
  return Math.floor(gb * 1024 ** 3);
}

/**
 * Opens the data dir and builds every service. openDatabase reads only the schema, so damage in a
 * data page shows up while the services start (the queue's recovery, per-title resume): then
 * whatever started is stopped, the database is closed, and the error names library.db.
 */
export function createCore(opts: CoreOptions): Core {
  const env = opts.env ?? process.env;
  const db: Db = openDatabase(opts.dataDir, env.VQ_SQLITE_NATIVE);
  const started: (() => void)[] = [];
  try {
    return buildCore(opts, db, started);
  } catch (err) {
    for (const stop of started.reverse()) {
      try {
        stop();
      } catch (again) {
        console.error('stopping a half-started core failed:', again);
      }
    }
    db.close();
    throw describeDatabaseError(err, databaseFile(opts.dataDir));
  }
}

/** createCore after the database opened; `started` collects what to stop if a later step fails. */
function buildCore(opts: CoreOptions, db: Db, started: (() => void)[]): Core {
  const layout = dataLayout(opts.dataDir);
  const env = opts.env ?? process.env;
  try {
    fs.mkdirSync(layout.cache, { recursive: true });
  } catch (err) {
    throw dataFolderError(err, layout.cache) ?? err;
  }
  const library = new LibraryRepo(db);
  const settings = new SettingsRepo(db);
  const ladders = new LadderRepo(db);
  const renditions = new RenditionRepo(db);
  const jobs = new SqliteJobStore(db);
  const scoreRepo = new ScoreRepo(db);
  const events = new EventHub();
  // Each process the app starts reaches the clients when it starts and when it ends (Activity).
  const stopActivity = commandLog.subscribe((entry) =>
    events.emit({ type: 'activity.updated', entry }),
  );
  started.push(stopActivity);
  const toolchain = new Toolchain({
    cacheDir: layout.cache,
    settings: () => settings.get(),
    env,
  });
  const concurrency = (): ConcurrencyInfo => {
    const auto = autoConcurrency(os.availableParallelism());
    const setting = settings.get().concurrency;
    return { setting, auto, effective: opts.concurrency ?? setting ?? auto };
  };
  const mode = opts.queue ?? 'all';
  // With VQ_REDIS_URL, encodes go to the shared queue (BullMQ on Redis) for `vq worker`s to run.
  const shared = mode === 'off' ? null : sharedQueueOf(env);
  if (shared) started.push(() => void shared.close());
  const transfer = shared ? transferOf(env) : null;
  if (transfer) started.push(() => void transfer.close());
  const encodeDeps = { store: jobs, library, renditions, toolchain, events, tmpDir: opts.tmpDir };
  const scoreDeps = {
    dataDir: opts.dataDir,
    library,
    renditions,
    scores: scoreRepo,
    toolchain,
    events,
  };
  // On the shared queue, a ladder's score waits in BullMQ above the encode it follows (a flow).
  const clusterExecutors = (on: SharedQueue) => {
    const score = new ClusterScoreExecutor({
      ...scoreDeps,
      store: jobs,
      shared: on,
      env,
      transfer,
    });
    const scoreAfter = score.afterEncode.bind(score);
    return {
      encode: new ClusterEncodeExecutor({ ...encodeDeps, shared: on, transfer, scoreAfter }),
      score,
    };
  };
  const queue = new JobQueue({
    store: jobs,
    events,
    remoteKinds: shared ? ['encode', 'score'] : [],
    executors: shared
      ? clusterExecutors(shared)
      : {
          encode: new EncodeExecutor(encodeDeps),
          score: new ScoreExecutor(scoreDeps),
        },
    concurrency: () => concurrency().effective,
    onRestart: () => settings.get().onRestart,
    mode: mode === 'own' ? 'own' : 'all',
  });
  const scores = new ScoreService({ ...scoreDeps, queue });
  const encode = new EncodeService({
    dataDir: opts.dataDir,
    library,
    ladders,
    toolchain,
    store: jobs,
    queue,
    scores,
    tmpDir: opts.tmpDir,
    sharedQueue: shared !== null,
  });
  const analysis = new AnalysisService({ library, renditions, scores: scoreRepo, jobs });
  const perTitle = new PerTitleService({
    library,
    encode,
    jobs,
    analysis,
    runs: new PerTitleRepo(db),
    events,
  });
  /** Aborted when the core closes: stops work nobody waits for any more (a shot decode). */
  const closing = new AbortController();
  const shotsFinding = new Map<string, Promise<TitleShots>>();
  // Workers write a per-shot encode's streams to a shared disk; over HTTP they run here.
  const workers = shared && !transfer ? queueEncodes({ encode, jobs, queue, events }) : null;
  const target = new TargetService({
    library,
    toolchain,
    events,
    cacheDir: layout.cache,
    outDir: path.join(opts.dataDir, 'shot-encodes'),
    tmpDir: opts.tmpDir,
    workers,
  });
  const packages = new PackageRepo(db);
  const playback = new PlaybackService({
    dataDir: opts.dataDir,
    packages,
    library,
    renditions,
    scores,
    toolchain,
  });
  const project = new ProjectService({
    db,
    appVersion: APP_VERSION,
    thumbsDir: layout.thumbs,
    library,
    renditions,
    jobs,
    scores: scoreRepo,
    toolchain,
    events,
    ladderEntries: () => ladders.entries(),
  });
  const frames = new FrameService({
    cacheDir: layout.cache,
    proxyBytes: opts.frameProxyBytes ?? proxyBytesFrom(env.VQ_FRAME_PROXY_GB),
  });
  /** What to decode for a library item or rendition id; null for an unknown id. */
  const frameSource = async (id: string): Promise<FrameSource | null> => {
    const src = library.get(id);
    if (src?.refused) return null; // an imported source not (yet) probed as video here
    if (!src && renditions.refusal(id)) return null; // an imported rendition not (yet) probed here
    const rendition = src ? null : renditions.get(id);
    const input = src?.item.path ?? rendition?.path ?? null;
    if (!input) return null;
    const ffmpeg = await toolchain.binaryFor('decode');
    // An HDR picture is tone-mapped for display where this ffmpeg has zscale (frames/hdrDisplay.ts).
    const filters = (await toolchain.report()).binaries.find((b) => b.path === ffmpeg)?.filters;
    const hdr = src
      ? sourceHdr({ media: src.item.media, raw: src.raw })
      : (rendition?.media.video.hdr ?? null);
    return { ffmpeg, input, raw: src?.raw ?? null, hdr, filters };
  };
  const service = createService({
    dataDir: opts.dataDir,
    thumbsDir: layout.thumbs,
    version: APP_VERSION,
    library,
    settings,
    toolchain,
    events,
    host: opts.host,
    ladders,
    renditions,
    jobs,
    queue,
    encode,
    scores,
    analysis,
    perTitle,
    project,
    concurrency,
    frameInfo: async (id) => {
      const source = await frameSource(id);
      return source ? { id, ...(await frames.info(source)) } : null;
    },
    framePrefetch: async ({ id, frames: wanted, size }) => {
      const source = await frameSource(id);
      return source ? { queued: await frames.prefetch({ ...source, frames: wanted, size }) } : null;
    },
    frameSamples: async ({ id, index, x, y }) => {
      const source = await frameSource(id);
      return source ? { id, ...(await frames.samples({ ...source, index, x, y })) } : null;
    },
    workers: () => readWorkersStatus(env),
    shots: async ({ sourceId, ...rules }) => {
      const src = library.get(sourceId);
      if (!src || src.refused) return null;
      // One decode per source and rules at a time, however many views ask; stopped on close.
      const key = JSON.stringify([sourceId, rules]);
      let finding = shotsFinding.get(key);
      if (!finding) {
        finding = toolchain
          .binaryFor('decode')
          .then((ffmpeg) =>
            findShots({
              ffmpeg,
              input: src.item.path,
              raw: src.raw,
              fps: src.raw ? src.raw.fps : src.item.media.video.frameRate,
              cacheDir: layout.cache,
              signal: closing.signal,
              ...rules,
            }),
          )
          .finally(() => shotsFinding.delete(key));
        shotsFinding.set(key, finding);
      }
      return finding;
    },
    target,
    playback,
  });
  // Every caller (dispatcher and CLI alike) gets database errors described, mapped once here.
  const api = withDatabaseErrors(service, databaseFile(opts.dataDir), opts.onDatabaseError);
  // The app and `vq serve` show batches other processes (`vq encode`) run on the same data folder.
  const crossProcess =
    mode === 'all'
      ? new CrossProcessEvents({
          db,
          jobs,
          library,
          renditions,
          scores: scoreRepo,
          events,
          onChange: () => queue.pump(),
        })
      : null;
  started.push(
    () => perTitle.close(),
    () => void target.close(),
    () => frames.close(),
    () => queue.close(),
  );
  if (mode !== 'off') {
    queue.start();
    started.push(() => crossProcess?.close());
    crossProcess?.start();
    // After the queue's recovery: completes per-title runs whose grid finished while the app was
    // closed. Not for short CLI commands (queue off): reading must not change the library.
    perTitle.resume();
    // A project import killed half-way is rolled back (its rows were journaled as they went in).
    project
      .recoverImports()
      .catch((err: unknown) =>
        console.warn('project import recovery failed:', err instanceof Error ? err.message : err),
      );
  }
  let closed = false;
  return {
    dataDir: opts.dataDir,
    api,
    dispatch: createDispatcher(api),
    events,
    library,
    toolchain,
    queue,
    encode,
    scores,
    analysis,
    perTitle,
    workers,
    playback,
    mediaPath(kind, id) {
      const src = library.get(id);
      if (src?.refused) return null; // an imported source not (yet) probed as video here
      if (src) return kind === 'file' ? src.item.path : src.thumbPath;
      const rendition = kind === 'file' && !renditions.refusal(id) ? renditions.get(id) : null;
      return rendition?.path ?? null;
    },
    async framePng(id, index, size, signal) {
      const source = await frameSource(id);
      if (!source) return null;
      return frames.frame({ ...source, index, size, format: 'png', signal });
    },
    frames,
    importProject: (text) =>
      project.import(text).catch((err: unknown) => {
        throw describeDatabaseError(err, databaseFile(opts.dataDir), opts.onDatabaseError);
      }),
    close() {
      if (closed) return;
      closed = true;
      stopActivity();
      closing.abort();
      perTitle.close();
      void target.close();
      crossProcess?.close();
      queue.close();
      void shared?.close();
      void transfer?.close();
      frames.close();
      killAllProcesses();
      db.close();
    },
  };
}
