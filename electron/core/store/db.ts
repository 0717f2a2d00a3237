/**
 * The library database: one SQLite file (`library.db`) in the data dir, WAL mode, with versioned
 * migrations tracked in `PRAGMA user_version`. Later features add migrations at the end of the list;
 * a migration never changes once released.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { VqError } from '../../../shared/errors';

/** The open database handle type. */
export type Db = Database.Database;

/** Ordered schema migrations; index + 1 is the schema version it brings. */
export const MIGRATIONS: readonly string[] = [
  // 1: sources and settings
  `
  CREATE TABLE sources (
    id          TEXT PRIMARY KEY,
    path        TEXT NOT NULL UNIQUE,
    file_name   TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    mtime_ms    INTEGER NOT NULL,
    added_at    TEXT NOT NULL,
    media_json  TEXT NOT NULL,
    raw_spec    TEXT,
    thumb_path  TEXT
  );
  CREATE INDEX sources_added_at ON sources(added_at);
  CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: saved ladders, the batch queue and renditions. source_id has no foreign key: removing a
  // source from the library must not delete the record of what was encoded from it.
  `
  CREATE TABLE ladders (
    id          TEXT PRIMARY KEY,
    json        TEXT NOT NULL,
    updated_at  TEXT NOT NULL
  );
  CREATE TABLE batches (
    id            TEXT PRIMARY KEY,
    source_id     TEXT NOT NULL,
    ladder_json   TEXT NOT NULL,
    out_dir       TEXT NOT NULL,
    decode_once   INTEGER NOT NULL,
    skipped_json  TEXT NOT NULL,
    created_at    TEXT NOT NULL
  );
  CREATE INDEX batches_source ON batches(source_id);
  CREATE TABLE jobs (
    id              TEXT PRIMARY KEY,
    batch_id        TEXT NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    status          TEXT NOT NULL,
    rung_ids        TEXT NOT NULL,
    plan_json       TEXT NOT NULL,
    depends_on      TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    queue_order     INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      TEXT NOT NULL,
    started_at      TEXT,
    finished_at     TEXT,
    binary          TEXT,
    command_json    TEXT NOT NULL DEFAULT '[]',
    stderr_tail     TEXT,
    error           TEXT,
    encode_seconds  REAL,
    runner          TEXT,
    heartbeat_at    TEXT,
    pid             INTEGER
  );
  CREATE INDEX jobs_status ON jobs(status, queue_order);
  CREATE INDEX jobs_batch ON jobs(batch_id);
  CREATE TABLE renditions (
    id              TEXT PRIMARY KEY,
    source_id       TEXT NOT NULL,
    batch_id        TEXT REFERENCES batches(id) ON DELETE SET NULL,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    rung_id         TEXT NOT NULL,
    rung_json       TEXT NOT NULL,
    path            TEXT NOT NULL UNIQUE,
    encoder         TEXT NOT NULL,
    width           INTEGER NOT NULL,
    height          INTEGER NOT NULL,
    bitrate_kbps    REAL,
    size_bytes      INTEGER NOT NULL,
    encode_seconds  REAL,
    command_json    TEXT NOT NULL,
    media_json      TEXT NOT NULL,
    created_at      TEXT NOT NULL
  );
  CREATE INDEX renditions_source ON renditions(source_id, created_at);
  `,
  // 3: quality scores. A run is one ffmpeg process (one reference, 1..16 distorted videos); a
  // result is one distorted video of it. Everything needed to reproduce a number is stored with
  // it: the exact command, the ffmpeg/libvmaf build, the model, the alignment and the fixes the
  // person chose. Per-frame series are float64 BLOBs (score/frameBlob.ts). reference_id and
  // target_id have no foreign key, like renditions.source_id: removing a source or a rendition
  // must not erase what was measured.
  `
  CREATE TABLE score_runs (
    id              TEXT PRIMARY KEY,
    job_id          TEXT REFERENCES jobs(id) ON DELETE SET NULL,
    reference_id    TEXT NOT NULL,
    reference_path  TEXT NOT NULL,
    command_json    TEXT NOT NULL,
    ffmpeg_json     TEXT NOT NULL,
    model_json      TEXT,
    started_at      TEXT NOT NULL,
    duration_ms     INTEGER NOT NULL
  );
  CREATE INDEX score_runs_job ON score_runs(job_id);
  CREATE TABLE score_results (
    id                TEXT PRIMARY KEY,
    run_id            TEXT NOT NULL REFERENCES score_runs(id) ON DELETE CASCADE,
    reference_id      TEXT NOT NULL,
    target_kind       TEXT NOT NULL,
    target_id         TEXT NOT NULL,
    path              TEXT NOT NULL,
    label             TEXT NOT NULL,
    encoder           TEXT,
    width             INTEGER NOT NULL,
    height            INTEGER NOT NULL,
    bitrate_kbps      REAL,
    frames            INTEGER NOT NULL,
    frame_numbers     BLOB NOT NULL,
    vmaf              BLOB,
    psnr_y            BLOB,
    psnr              BLOB,
    ssim_y            BLOB,
    ssim              BLOB,
    ms_ssim           BLOB,
    pooled_json       TEXT NOT NULL,
    warnings_json     TEXT NOT NULL,
    unavailable_json  TEXT NOT NULL,
    preflight_json    TEXT NOT NULL,
    fixes_json        TEXT NOT NULL,
    alignment_json    TEXT NOT NULL,
    model_json        TEXT,
    created_at        TEXT NOT NULL
  );
  CREATE INDEX score_results_reference ON score_results(reference_id, created_at);
  CREATE INDEX score_results_target ON score_results(target_kind, target_id);
  `,
  // 4: per-title runs: a CRF grid batch on one source and, once it is encoded and scored, the
  // recommended ladder (ladder_json) with the hull and picks behind it (result_json). No foreign
  // keys, like the tables above: a run stays readable when its source or batch goes.
  `
  CREATE TABLE pertitle_runs (
    id            TEXT PRIMARY KEY,
    source_id     TEXT NOT NULL,
    batch_id      TEXT NOT NULL,
    options_json  TEXT NOT NULL,
    status        TEXT NOT NULL,
    ladder_json   TEXT,
    result_json   TEXT,
    error         TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
  );
  CREATE INDEX pertitle_runs_source ON pertitle_runs(source_id, created_at);
  CREATE INDEX pertitle_runs_status ON pertitle_runs(status);
  CREATE INDEX pertitle_runs_batch ON pertitle_runs(batch_id);
  `,
  // 5: one queue runner per data folder. queue_runners: every started queue (the app, `vq serve`,
  // `vq encode`) with a heartbeat, so another process can tell a live one from a dead one.
  // queue_lease: the one runner that runs unowned jobs and recovers orphans. jobs.owner: the
  // runner that alone may run a job while it lives (`vq encode`'s batches); NULL for the holder's.
  `
  CREATE TABLE queue_runners (
    runner        TEXT PRIMARY KEY,
    pid           INTEGER NOT NULL,
    mode          TEXT NOT NULL,
    started_at    TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL
  );
  CREATE TABLE queue_lease (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    runner        TEXT NOT NULL,
    pid           INTEGER NOT NULL,
    acquired_at   TEXT NOT NULL,
    heartbeat_at  TEXT NOT NULL
  );
  ALTER TABLE jobs ADD COLUMN owner TEXT;
  CREATE INDEX jobs_owner ON jobs(owner) WHERE owner IS NOT NULL;
  `,
];

/** The database file of a data dir. */
export function databaseFile(dataDir: string): string {
  return path.join(dataDir, 'library.db');
}

/**
 * Opens (and creates or migrates) the database at `<dataDir>/library.db`. `nativeBinding` points
 * at a better-sqlite3 addon built for another runtime (Electron in development, see
 * scripts/electronSqlite.mjs). A data folder that cannot be written, a full disk and a damaged
 * file throw a {@link VqError} that names the file and says what to do ({@link dataFolderError}).
 */
export function openDatabase(dataDir: string, nativeBinding?: string): Db {
  const file = databaseFile(dataDir);
  let db: Db | null = null;
  try {
    fs.mkdirSync(dataDir, { recursive: true });
    db = new Database(file, nativeBinding ? { nativeBinding } : {});
    // First, so that every statement below waits for another process (a second `vq`, the app)
    // instead of failing with SQLITE_BUSY while it opens or migrates the same file.
    db.pragma('busy_timeout = 5000');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // Reads the schema, so a file with a valid header but damaged pages fails here, not later.
    db.prepare('SELECT count(*) FROM sqlite_master').get();
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw dataFolderError(err, file) ?? err;
  }
}

const READ_ONLY_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM', 'SQLITE_AUTH']);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/** The command that moves a damaged database aside (electron/cli/main.ts). */
export const MOVE_DB_ASIDE_COMMAND = 'vq data move-db-aside';

/**
 * The error a person can act on for a failure to open or write the data folder: read-only or not a
 * folder → PERMISSION_DENIED, disk full → DATA_FOLDER_FULL, damaged database → DATABASE_CORRUPT,
 * each naming `file`. Null for any other error. SQLite's extended codes (SQLITE_READONLY_DBMOVED,
 * SQLITE_CANTOPEN_ISDIR, SQLITE_CORRUPT_VTAB, …) count as their primary code.
 */
export function dataFolderError(err: unknown, file: string): VqError | null {
  if (err instanceof VqError) return err;
  const raw = (err as { code?: unknown } | null)?.code;
  if (typeof raw !== 'string') return null;
  const code = /^SQLITE_[A-Z]+/.exec(raw)?.[0] ?? raw;
  const reason = err instanceof Error ? err.message : raw;
  const dir = path.dirname(file);
  if (CORRUPT_CODES.has(code)) {
    return new VqError(
      'DATABASE_CORRUPT',
      `The library database ${file} is damaged or is not a VQ Studio database (${reason}).`,
      `Run \`${MOVE_DB_ASIDE_COMMAND}\` to rename it to library.db.corrupt-<time> (nothing is deleted) and start with an empty library, or point VQ_DATA_DIR at another folder.`,
    );
  }
  if (FULL_CODES.has(code)) {
    return new VqError(
      'DATA_FOLDER_FULL',
      `The disk holding the data folder is full: ${file} cannot be written (${reason}).`,
      `Free some space on that disk, or point VQ_DATA_DIR at a folder on another disk.`,
    );
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    return new VqError(
      'PERMISSION_DENIED',
      `VQ Studio cannot use its data folder: ${dir} (or a folder above it) is a file, not a folder (${reason}).`,
      'Move that file away, or point VQ_DATA_DIR at a folder.',
    );
  }
  if (READ_ONLY_CODES.has(code)) {
    return new VqError(
      'PERMISSION_DENIED',
      `VQ Studio cannot write its data folder: ${file} cannot be opened for writing (${reason}).`,
      `Make ${dir} a writable folder, or point VQ_DATA_DIR at a writable folder.`,
    );
  }
  return null;
}

/**
 * Moves a damaged `library.db` (with its `-wal` and `-shm` files) aside as
 * `library.db.corrupt-<timestamp>`, so the next start creates an empty library. Nothing is deleted.
 * Returns the new path of the database file; NOT_FOUND when there is no library.db.
 */
export function moveDatabaseAside(dataDir: string, now: Date = new Date()): string {
  const file = databaseFile(dataDir);
  if (!fs.existsSync(file)) {
    throw new VqError('NOT_FOUND', `There is no library database at ${file}.`, 'Nothing to move aside.');
  }
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 2; fs.existsSync(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  try {
    // The side files first: a database renamed without its WAL would lose the WAL's pages.
    for (const suffix of ['-wal', '-shm']) {
      if (fs.existsSync(file + suffix)) fs.renameSync(file + suffix, target + suffix);
    }
    fs.renameSync(file, target);
  } catch (err) {
    throw dataFolderError(err, file) ?? err;
  }
  return target;
}

/**
 * Applies every migration newer than the file's `user_version`, each in its own IMMEDIATE
 * transaction that reads the version again, so two processes opening a new data folder at once
 * (three `vq import` at the same time) migrate it once instead of racing to CREATE the tables.
 */
export function migrate(db: Db): number {
  const version = (): number => db.pragma('user_version', { simple: true }) as number;
  const current = version();
  if (current > MIGRATIONS.length) {
    throw new VqError(
      'UNSUPPORTED',
      `library.db has schema version ${current}, newer than this app knows (${MIGRATIONS.length}).`,
      'Update VQ Studio, or point VQ_DATA_DIR at another folder.',
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      if (version() !== v) return; // another process applied it meanwhile
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
  return MIGRATIONS.length;
}
