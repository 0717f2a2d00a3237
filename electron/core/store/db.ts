/**
 * The library database: one SQLite file (`library.db`) in the data dir, WAL mode, with versioned
 * migrations tracked in `PRAGMA user_version`. Later features add migrations at the end of the list;
 * a migration never changes once released.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';

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
];

/**
 * Opens (and creates or migrates) the database at `<dataDir>/library.db`. `nativeBinding` points
 * at a better-sqlite3 addon built for another runtime (Electron in development, see
 * scripts/electronSqlite.mjs).
 */
export function openDatabase(dataDir: string, nativeBinding?: string): Db {
  fs.mkdirSync(dataDir, { recursive: true });
  const db = new Database(path.join(dataDir, 'library.db'), nativeBinding ? { nativeBinding } : {});
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}

/** Applies every migration newer than the file's `user_version`, each in its own transaction. */
export function migrate(db: Db): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `library.db has schema version ${current}, newer than this app knows (${MIGRATIONS.length}). ` +
        'Update VQ Studio, or point VQ_DATA_DIR at another folder.',
    );
  }
  for (let v = current; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
  return MIGRATIONS.length;
}
