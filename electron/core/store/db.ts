/**
 * The library database: one SQLite file (`library.db`) in the data dir, WAL mode, with versioned
 * migrations tracked in `PRAGMA user_version`. Later features add migrations at the end of the list;
 * a migration never changes once released.
 */
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import { commandShellFor, quoteArg } from '../../../shared/shellQuote';
import { processExists } from '../processIdentity';

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
  // person chose. Per-frame series are float64 BLOBs (store/frameBlob.ts). reference_id and
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
  // 6: the journal that makes a project import (written in many short transactions) all or
  // nothing across crashes: each added row is listed with its import, and an import whose process
  // died before it was marked committed is rolled back by the next process (importJournal.ts).
  `
  CREATE TABLE project_imports (
    id          TEXT PRIMARY KEY,
    runner      TEXT NOT NULL,
    started_at  TEXT NOT NULL,
    committed   INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE project_import_rows (
    import_id  TEXT NOT NULL,
    tbl        TEXT NOT NULL,
    row_id     TEXT NOT NULL
  );
  CREATE INDEX project_import_rows_import ON project_import_rows(import_id, tbl);
  `,
  // 7: queue runners are recognised by process identity (boot id and start time, not a wall-clock
  // heartbeat), and other processes' changes are found by a change counter. Every insert, visible
  // update and delete of a job, rendition, score result, library source or batch stamps the row's
  // entry in `changes` with the next value of change_counter.seq (never reused, unlike a rowid); a
  // delete keeps the entry as a tombstone (removed_at, ms since 1970) until it is pruned. Only
  // columns a client sees count as an update: not the runner, pid, owner and heartbeat columns of
  // jobs (a queue's heartbeat stamps nothing), not a source's mtime_ms or raw_spec, and a source
  // update that leaves every counted column as it was stamps nothing either. The triggers upsert rather than
  // INSERT OR REPLACE: fired by a foreign-key action (deleting a job another depends on sets its
  // depends_on to NULL), a trigger's OR REPLACE gives way to the action's ABORT.
  `
  ALTER TABLE queue_runners ADD COLUMN identity TEXT;
  ALTER TABLE queue_lease ADD COLUMN identity TEXT;
  CREATE TABLE change_counter (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL
  );
  INSERT INTO change_counter (id, seq) VALUES (1, 0);
  CREATE TABLE changes (
    kind        TEXT NOT NULL,
    id          TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    removed_at  INTEGER,
    PRIMARY KEY (kind, id)
  ) WITHOUT ROWID;
  CREATE INDEX changes_seq ON changes(seq);
  CREATE INDEX changes_removed ON changes(removed_at) WHERE removed_at IS NOT NULL;
  CREATE TRIGGER jobs_changed_insert AFTER INSERT ON jobs BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('job', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER jobs_changed_update AFTER UPDATE OF status, queue_order, attempts, started_at,
    finished_at, binary, command_json, stderr_tail, error, encode_seconds, rung_ids, plan_json,
    depends_on, batch_id ON jobs BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('job', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER jobs_changed_delete AFTER DELETE ON jobs BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('job', OLD.id, (SELECT seq FROM change_counter WHERE id = 1), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER renditions_changed_insert AFTER INSERT ON renditions BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('rendition', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER renditions_changed_delete AFTER DELETE ON renditions BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('rendition', OLD.id, (SELECT seq FROM change_counter WHERE id = 1), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER score_results_changed_insert AFTER INSERT ON score_results BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('score', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER score_results_changed_delete AFTER DELETE ON score_results BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('score', OLD.id, (SELECT seq FROM change_counter WHERE id = 1), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER sources_changed_insert AFTER INSERT ON sources BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('source', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER sources_changed_update AFTER UPDATE OF path, file_name, added_at, size_bytes,
    media_json, thumb_path ON sources
    WHEN OLD.path IS NOT NEW.path OR OLD.file_name IS NOT NEW.file_name
      OR OLD.added_at IS NOT NEW.added_at OR OLD.size_bytes IS NOT NEW.size_bytes
      OR OLD.media_json IS NOT NEW.media_json OR OLD.thumb_path IS NOT NEW.thumb_path BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('source', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER sources_changed_delete AFTER DELETE ON sources BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('source', OLD.id, (SELECT seq FROM change_counter WHERE id = 1), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER batches_changed_insert AFTER INSERT ON batches BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('batch', NEW.id, (SELECT seq FROM change_counter WHERE id = 1), NULL)
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  CREATE TRIGGER batches_changed_delete AFTER DELETE ON batches BEGIN
    UPDATE change_counter SET seq = seq + 1 WHERE id = 1;
    INSERT INTO changes (kind, id, seq, removed_at)
      VALUES ('batch', OLD.id, (SELECT seq FROM change_counter WHERE id = 1), CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
      ON CONFLICT (kind, id) DO UPDATE SET seq = excluded.seq, removed_at = excluded.removed_at;
  END;
  `,
  // 8: a number belongs to the bytes it measured (issue 11). Each score result records the scored
  // file's identity (size, mtime in ms, a partial content hash: media/fileIdentity.ts) and each
  // run its reference's, so a score whose file changed since is shown stale (scoreFreshness.ts).
  // Rows stored before this carry NULLs: their identity is unknown, not stale. A rendition
  // replaced by a new encode at the same path is kept in replaced_renditions (its last row as
  // JSON and the id of the one that replaced it), so its old scores still show, marked stale.
  `
  ALTER TABLE score_results ADD COLUMN file_size INTEGER;
  ALTER TABLE score_results ADD COLUMN file_mtime_ms INTEGER;
  ALTER TABLE score_results ADD COLUMN file_hash TEXT;
  ALTER TABLE score_runs ADD COLUMN reference_size INTEGER;
  ALTER TABLE score_runs ADD COLUMN reference_mtime_ms INTEGER;
  ALTER TABLE score_runs ADD COLUMN reference_hash TEXT;
  CREATE TABLE replaced_renditions (
    id              TEXT PRIMARY KEY,
    path            TEXT NOT NULL,
    replaced_by     TEXT NOT NULL,
    replaced_at     TEXT NOT NULL,
    rendition_json  TEXT NOT NULL
  );
  CREATE INDEX replaced_renditions_path ON replaced_renditions(path);
  `,
  // 9: CAMBI and XPSNR (issue 12): their per-frame series as float64 BLOBs like the others
  // (xpsnr_y is the luma XPSNR, series `xpsnr`), and libvmaf's elementary features of each result
  // (the ADM, VIF and motion values a VMAF score is made of), one float64 BLOB per feature, aligned
  // with frame_numbers. A separate table: lists never read it, a result may have none (rows stored
  // before this have none), and deleting a result deletes its features (ON DELETE CASCADE).
  `
  ALTER TABLE score_results ADD COLUMN xpsnr_y BLOB;
  ALTER TABLE score_results ADD COLUMN xpsnr_u BLOB;
  ALTER TABLE score_results ADD COLUMN xpsnr_v BLOB;
  ALTER TABLE score_results ADD COLUMN cambi BLOB;
  CREATE TABLE score_features (
    result_id  TEXT NOT NULL REFERENCES score_results(id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (result_id, name)
  );
  `,
  // 10: scaling out (issue 14): the `vq worker` (its --name) that runs a job of the shared queue
  // and that made a rendition (NULL for work done on this machine), and the chunk length a batch
  // splits its title into across workers (NULL: whole).
  `
  ALTER TABLE jobs ADD COLUMN worker TEXT;
  ALTER TABLE renditions ADD COLUMN worker TEXT;
  ALTER TABLE batches ADD COLUMN chunk_seconds REAL;
  `,
  // 11: per-shot encoding on the shared queue (issue 16): the frames a batch's title is split at
  // (a JSON array of frame numbers; NULL: by chunk_seconds, or whole).
  `
  ALTER TABLE batches ADD COLUMN chunk_starts_json TEXT;
  `,
  // 12: streaming packages of a ladder (issue 18): where each was written and what it holds (its
  // package.json), and the summaries of playbacks of it in the Play view.
  `
  CREATE TABLE packages (
    id TEXT PRIMARY KEY,
    dir TEXT NOT NULL UNIQUE,
    source_id TEXT,
    created_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );
  CREATE TABLE playbacks (
    id TEXT PRIMARY KEY,
    package_id TEXT NOT NULL REFERENCES packages(id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    summary_json TEXT NOT NULL
  );
  CREATE INDEX playbacks_package ON playbacks(package_id);
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

const READ_ONLY_CODES = new Set([
  'EACCES',
  'EPERM',
  'EROFS',
  'SQLITE_READONLY',
  'SQLITE_CANTOPEN',
  'SQLITE_PERM',
  'SQLITE_AUTH',
]);
const FULL_CODES = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const CORRUPT_CODES = new Set(['SQLITE_CORRUPT', 'SQLITE_NOTADB']);

/** True for an error better-sqlite3 raised (its codes start with SQLITE_). */
export function isSqliteError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_');
}

/** SQLite's primary code of an error (SQLITE_BUSY for SQLITE_BUSY_SNAPSHOT), or its errno code. */
function primaryCode(err: unknown): string | null {
  const raw = (err as { code?: unknown } | null)?.code;
  if (typeof raw !== 'string') return null;
  return /^SQLITE_[A-Z]+/.exec(raw)?.[0] ?? raw;
}

/**
 * The command that moves the damaged database of `dataDir` aside (electron/cli/main.ts). It names
 * the folder: the app's data folder (Electron's userData) is not the CLI's default one.
 */
export function moveDbAsideCommand(
  dataDir: string,
  platform: NodeJS.Platform = process.platform,
): string {
  return `vq data move-db-aside --data-dir ${quoteArg(dataDir, commandShellFor(platform))}`;
}

/**
 * The error a person can act on for a failure to open or write the data folder: read-only or not a
 * folder → PERMISSION_DENIED, disk full → DATA_FOLDER_FULL, damaged database → DATABASE_CORRUPT,
 * locked by another process past the busy timeout → DATABASE_BUSY, each naming `file`. Null for any
 * other error. SQLite's extended codes (SQLITE_READONLY_DBMOVED, SQLITE_CANTOPEN_ISDIR,
 * SQLITE_CORRUPT_VTAB, …) count as their primary code.
 */
export function dataFolderError(err: unknown, file: string): VqError | null {
  if (err instanceof VqError) return err;
  const code = primaryCode(err);
  if (code === null) return null;
  const reason = err instanceof Error ? err.message : code;
  const dir = path.dirname(file);
  if (CORRUPT_CODES.has(code)) {
    return new VqError(
      'DATABASE_CORRUPT',
      `The library database ${file} is damaged or is not a VQ Studio database (${reason}).`,
      `Quit VQ Studio (and any \`vq serve\` on this folder), then run \`${moveDbAsideCommand(dir)}\` to rename it to library.db.corrupt-<time> (nothing is deleted) and start with an empty library, or point VQ_DATA_DIR at another folder.`,
    );
  }
  if (code === 'SQLITE_BUSY') {
    return new VqError(
      'DATABASE_BUSY',
      `The library is busy in another VQ Studio process: ${file} stayed locked (${reason}).`,
      'Try again in a moment; if it stays busy, look for a VQ Studio app, `vq serve` or `vq encode` using this data folder.',
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

/** Options for {@link moveDatabaseAside}. */
export interface MoveAsideOptions {
  /** The time in the new name (default: now). */
  now?: Date;
  /** Move the file even though it opens and passes `PRAGMA quick_check`. */
  force?: boolean;
  /** better-sqlite3 addon for another runtime, as for {@link openDatabase}. */
  nativeBinding?: string;
}

/**
 * Moves a damaged `library.db` (with its `-wal`, `-shm` and `-journal` files) aside as
 * `library.db.corrupt-<timestamp>`, so the next start creates an empty library. Nothing is deleted.
 * Refused (DATABASE_BUSY) while another connection — another process, or one this process left
 * open — has the file open or a live queue runner is registered in it; refused (INVALID_ARGS) when
 * the file opens and passes `PRAGMA quick_check`, unless `force`. Returns the new path of the
 * database file; NOT_FOUND when there is no library.db.
 */
export function moveDatabaseAside(dataDir: string, opts: MoveAsideOptions = {}): string {
  const file = databaseFile(dataDir);
  if (!fs.existsSync(file)) {
    throw new VqError(
      'NOT_FOUND',
      `There is no library database at ${file}.`,
      'Nothing to move aside.',
    );
  }
  const state = inspectDatabase(file, opts.nativeBinding);
  if (state.inUse) {
    const who = state.users.length ? ` by ${state.users.join(', ')}` : ' by another connection';
    throw new VqError(
      'DATABASE_BUSY',
      `The library database ${file} is in use${who}; it was not moved.`,
      'Quit VQ Studio and stop any `vq serve` or `vq encode` on this data folder, then run it again.',
    );
  }
  if (state.damage === null && !opts.force) {
    throw new VqError(
      'INVALID_ARGS',
      `The library database ${file} is not damaged: it opens and passes SQLite's quick_check. Nothing was moved.`,
      'To start with an empty library anyway, run it again with --force (the file is renamed, nothing is deleted).',
    );
  }
  const stamp = (opts.now ?? new Date()).toISOString().replace(/[:.]/g, '-');
  // A rollback journal too: left beside a new empty library.db, SQLite would apply it there.
  const SIDE_FILES = ['-wal', '-shm', '-journal'];
  const free = (t: string): boolean => !['', ...SIDE_FILES].some((s) => fs.existsSync(t + s));
  let target = `${file}.corrupt-${stamp}`;
  for (let n = 2; !free(target); n++) target = `${file}.corrupt-${stamp}-${n}`;
  // The side files first: a database renamed without its WAL would lose the WAL's pages.
  const moves = SIDE_FILES.filter((s) => fs.existsSync(file + s)).map((s) => ({
    from: file + s,
    to: target + s,
  }));
  renameAll([...moves, { from: file, to: target }], file);
  return target;
}

/**
 * Renames each pair in order; when one fails, the ones already renamed go back (so a database is
 * never left beside another one's WAL) and the error is thrown, described for `file`.
 */
export function renameAll(moves: readonly { from: string; to: string }[], file: string): void {
  const done: { from: string; to: string }[] = [];
  try {
    for (const m of moves) {
      fs.renameSync(m.from, m.to);
      done.push(m);
    }
  } catch (err) {
    for (const m of done.reverse()) {
      try {
        fs.renameSync(m.to, m.from);
      } catch (undo) {
        console.error(`could not rename ${m.to} back to ${m.from}:`, undo);
      }
    }
    throw dataFolderError(err, file) ?? err;
  }
}

/** How long the move waits for another connection to let go of the file. */
const LOCK_WAIT_MS = 250;

/** What {@link moveDatabaseAside} needs to know about a database file. */
interface DatabaseState {
  /** Another connection has the file open, or a live runner is registered in it. */
  inUse: boolean;
  /** The live runners registered in the file (pid and mode), for the message. */
  users: string[];
  /** Why the file is damaged; null when it opens and passes quick_check. */
  damage: string | null;
}

/**
 * Checks `file` without touching its `-wal` and `-shm`. A connection on the file's own path would,
 * when it closes as the last one, checkpoint the WAL and delete it (or drop a WAL whose header is
 * damaged): so the checks run on a hard link to the file, whose WAL is one of its own. Locks belong
 * to the file, not the name: in WAL mode every open connection holds a shared lock on the file for
 * its whole life, and with `locking_mode = EXCLUSIVE` the first read takes an exclusive lock, so
 * BEGIN EXCLUSIVE fails with SQLITE_BUSY while any other connection (another process, or one of
 * this process) has the database open, a reader too; in rollback mode BEGIN EXCLUSIVE waits out
 * readers the same way. quick_check then reads the database file itself (pages still only in the
 * WAL are not seen). A file too damaged to take the lock is judged by the runners it lists.
 */
function inspectDatabase(file: string, nativeBinding?: string): DatabaseState {
  const probe = `${file}.check-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    fs.linkSync(file, probe);
  } catch {
    // No hard links on this file system (FAT, some network shares): what the file lists is all.
    const users = liveRunners(file, nativeBinding);
    return {
      inUse: users.length > 0,
      users,
      damage: 'not checked (no hard links on this file system)',
    };
  }
  try {
    const { locked, damage } = lockAndCheck(probe, file, nativeBinding);
    if (locked) return { inUse: false, users: [], damage };
    // A copy of the WAL beside the link, so the runner rows written since the last checkpoint count.
    try {
      if (fs.existsSync(`${file}-wal`)) fs.copyFileSync(`${file}-wal`, `${probe}-wal`);
    } catch {
      // the rows in the database file still count
    }
    const users = liveRunners(probe, nativeBinding);
    return { inUse: locked === false || users.length > 0, users, damage };
  } finally {
    // The link and whatever SQLite left beside it are ours; the database's own files are untouched.
    for (const suffix of ['', '-wal', '-shm', '-journal'])
      fs.rmSync(probe + suffix, { force: true });
  }
}

/**
 * Takes the exclusive lock on `probe` (a link to `file`) and runs quick_check. `locked`: true when
 * the lock was taken (nobody else has the file open), false when another connection holds it, null
 * when the file is too damaged to tell. `damage`: why the file is damaged, null when it passes.
 */
function lockAndCheck(
  probe: string,
  file: string,
  nativeBinding?: string,
): { locked: boolean | null; damage: string | null } {
  let db: Db;
  try {
    db = new Database(probe, {
      fileMustExist: true,
      timeout: LOCK_WAIT_MS,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch (err) {
    if (!isCorrupt(err)) throw dataFolderError(err, file) ?? err;
    return { locked: null, damage: messageOf(err) };
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    try {
      db.exec('BEGIN EXCLUSIVE');
    } catch (err) {
      if (primaryCode(err) === 'SQLITE_BUSY') return { locked: false, damage: null };
      if (!isCorrupt(err)) throw dataFolderError(err, file) ?? err;
      return { locked: null, damage: messageOf(err) };
    }
    try {
      const findings = (db.pragma('quick_check(20)') as { quick_check: string }[]).map(
        (r) => r.quick_check,
      );
      return {
        locked: true,
        damage: findings.length === 1 && findings[0] === 'ok' ? null : findings.join('; '),
      };
    } catch (err) {
      if (!isCorrupt(err)) throw dataFolderError(err, file) ?? err;
      return { locked: true, damage: messageOf(err) };
    }
  } finally {
    try {
      if (db.inTransaction) db.exec('ROLLBACK');
      db.close();
    } catch {
      // a damaged file may fail to roll back; the link is removed either way
    }
  }
}

/**
 * The queue runners (the app, `vq serve`, `vq encode`) a database lists whose process exists,
 * other than this process, as "process 123 (the app or vq serve)". By pid alone, not by heartbeat:
 * a runner whose heartbeat cannot be written (the file is damaged) still runs. Read through a read-only connection, which never
 * checkpoints or deletes a WAL; every read may fail on a damaged file, and what cannot be read
 * counts as no runner.
 */
function liveRunners(file: string, nativeBinding?: string): string[] {
  let db: Db;
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      timeout: LOCK_WAIT_MS,
      ...(nativeBinding ? { nativeBinding } : {}),
    });
  } catch {
    return [];
  }
  const found = new Map<number, string>();
  const read = (sql: string): void => {
    try {
      for (const row of db.prepare(sql).all() as { pid: unknown; mode: unknown }[]) {
        const { pid } = row;
        if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) continue;
        if (pid === process.pid || found.has(pid) || !processExists(pid)) continue;
        found.set(
          pid,
          `process ${pid}${row.mode === 'own' ? ' (vq encode)' : ' (the app or vq serve)'}`,
        );
      }
    } catch {
      // unreadable table or page: nothing learned from it
    }
  };
  try {
    read('SELECT pid, mode FROM queue_runners');
    read('SELECT pid, NULL AS mode FROM queue_lease');
  } finally {
    try {
      db.close();
    } catch {
      // nothing to keep
    }
  }
  return [...found.values()];
}

function isCorrupt(err: unknown): boolean {
  const code = primaryCode(err);
  return code !== null && CORRUPT_CODES.has(code);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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
