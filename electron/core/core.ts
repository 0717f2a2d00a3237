/**
 * Assembles the main-side services over one data dir: database, toolchain, events, the API
 * implementation and its dispatcher. Electron's main process, `vq serve` and the CLI each build one.
 */
import fs from 'node:fs';
import { createDispatcher, type Dispatch } from './api/dispatch';
import { createService, type HostHooks } from './api/service';
import { EventHub } from './events';
import { killAllProcesses } from './ffmpeg/process';
import { dataLayout } from './paths';
import { openDatabase, type Db } from './store/db';
import { LibraryRepo } from './store/libraryRepo';
import { SettingsRepo } from './store/settingsRepo';
import { Toolchain } from './toolchain';
import type { VqApi } from '../../shared/api';
import { APP_VERSION } from './version';

/** The running services. */
export interface Core {
  dataDir: string;
  api: VqApi;
  dispatch: Dispatch;
  events: EventHub;
  library: LibraryRepo;
  toolchain: Toolchain;
  /** Absolute path of a library item's file, or null for an unknown id (media routes use it). */
  mediaPath(kind: 'file' | 'thumb', id: string): string | null;
  /** Kills running ffmpeg processes and closes the database. */
  close(): void;
}

/** Options for {@link createCore}. */
export interface CoreOptions {
  dataDir: string;
  host: HostHooks;
  env?: NodeJS.ProcessEnv;
}

/** Opens the data dir and builds every service. */
export function createCore(opts: CoreOptions): Core {
  const layout = dataLayout(opts.dataDir);
  fs.mkdirSync(layout.cache, { recursive: true });
  const env = opts.env ?? process.env;
  const db: Db = openDatabase(opts.dataDir, env.VQ_SQLITE_NATIVE);
  const library = new LibraryRepo(db);
  const settings = new SettingsRepo(db);
  const events = new EventHub();
  const toolchain = new Toolchain({
    cacheDir: layout.cache,
    settings: () => settings.get(),
    env,
  });
  const api = createService({
    dataDir: opts.dataDir,
    thumbsDir: layout.thumbs,
    version: APP_VERSION,
    library,
    settings,
    toolchain,
    events,
    host: opts.host,
  });
  let closed = false;
  return {
    dataDir: opts.dataDir,
    api,
    dispatch: createDispatcher(api),
    events,
    library,
    toolchain,
    mediaPath(kind, id) {
      const src = library.get(id);
      if (!src) return null;
      return kind === 'file' ? src.item.path : src.thumbPath;
    },
    close() {
      if (closed) return;
      closed = true;
      killAllProcesses();
      db.close();
    },
  };
}
