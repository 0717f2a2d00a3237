import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../testing/tempDir';
import { MIGRATIONS, migrate, openDatabase } from './db';
import { LibraryRepo, type StoredSource } from './libraryRepo';
import { ScoreRepo } from './scoreRepo';
import { SettingsRepo } from './settingsRepo';
import { packSeries } from './frameBlob';
import { testFullScore } from '../../testing/scores';

const tempDir = useTempDirs();

function source(id: string, p: string): StoredSource {
  return {
    item: {
      id,
      path: p,
      fileName: path.basename(p),
      addedAt: new Date(2026, 0, Number(id.replace(/\D/g, '')) || 1).toISOString(),
      sizeBytes: 123,
      // Only the fields the repo round-trips matter here; probe output is tested with real files.
      media: { path: p, fileName: path.basename(p) } as StoredSource['item']['media'],
      hasThumbnail: false,
    },
    thumbPath: null,
    raw: null,
    mtimeMs: 1000,
  };
}

describe('openDatabase', () => {
  it('creates library.db in WAL mode at the latest schema version', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    db.close();
  });

  it('migrates an older file forward and leaves a current one alone', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    const raw = new Database(file);
    expect(raw.pragma('user_version', { simple: true })).toBe(0);
    expect(migrate(raw)).toBe(MIGRATIONS.length);
    expect(migrate(raw)).toBe(MIGRATIONS.length);
    raw.close();
  });

  it('refuses a database from a newer app instead of damaging it', () => {
    const dir = tempDir();
    const raw = new Database(path.join(dir, 'library.db'));
    raw.pragma(`user_version = ${MIGRATIONS.length + 5}`);
    raw.close();
    expect(() => openDatabase(dir)).toThrow(/newer than this app knows/);
  });
});

describe('change tracking (migration 7)', () => {
  it('records a delete of a job another job depends on (a foreign-key action fires the triggers)', () => {
    const db = openDatabase(tempDir());
    db.prepare(`INSERT INTO batches (id, source_id, ladder_json, out_dir, decode_once, skipped_json, created_at) VALUES ('b', 's', 'null', '/o', 1, '[]', '')`).run();
    const job = db.prepare(`INSERT INTO jobs (id, batch_id, kind, status, rung_ids, plan_json, queue_order, created_at, depends_on) VALUES (?, 'b', 'encode', 'done', '[]', '{}', ?, '', ?)`);
    job.run('enc', 1, null);
    job.run('score', 2, 'enc');
    // Deleting `enc` sets score.depends_on to NULL: both triggers must upsert their change rows.
    db.prepare('DELETE FROM jobs WHERE id = ?').run('enc');
    const rows = db.prepare(`SELECT id, removed_at IS NOT NULL AS removed FROM changes WHERE kind = 'job' ORDER BY seq`).all();
    expect(rows).toEqual([
      { id: 'score', removed: 0 },
      { id: 'enc', removed: 1 },
    ]);
    expect((db.prepare(`SELECT depends_on FROM jobs WHERE id = 'score'`).get() as { depends_on: string | null }).depends_on).toBeNull();
    db.close();
  });
});

describe('migration 9 (CAMBI, XPSNR and elementary features)', () => {
  /** A library.db at schema version 8 with one score of VMAF and PSNR, as the app stored it then. */
  function version8(dir: string): void {
    const raw = new Database(path.join(dir, 'library.db'));
    for (const sql of MIGRATIONS.slice(0, 8)) raw.exec(sql);
    raw.pragma('user_version = 8');
    raw
      .prepare(
        `INSERT INTO score_runs (id, job_id, reference_id, reference_path, command_json, ffmpeg_json, model_json, started_at, duration_ms)
       VALUES ('run8', NULL, 'ref', '/v/ref.mkv', '["ffmpeg"]', '{"path":"ffmpeg","version":"4.1","libvmafApi":1,"libvmafVersion":"1.3.9"}', NULL, 't', 1)`,
      )
      .run();
    raw
      .prepare(
        `INSERT INTO score_results (id, run_id, reference_id, target_kind, target_id, path, label, encoder, width, height,
         bitrate_kbps, frames, frame_numbers, vmaf, psnr_y, psnr, ssim_y, ssim, ms_ssim, pooled_json, warnings_json,
         unavailable_json, preflight_json, fixes_json, alignment_json, model_json, created_at)
       VALUES ('old', 'run8', 'ref', 'source', 'd', '/v/d.mp4', 'd.mp4', NULL, 64, 48, NULL, 2, ?, ?, NULL, NULL, NULL, NULL, NULL,
         '{}', '[]', '[]', '[]', '[]', '{"width":64,"height":48}', NULL, 't')`,
      )
      .run(packSeries([0, 1]), packSeries([90.5, 1 / 3]));
    raw.close();
  }

  it('migrates a version-8 library: old scores read back with no features, new ones keep theirs', () => {
    const dir = tempDir();
    version8(dir);
    const db = openDatabase(dir);
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    const repo = new ScoreRepo(db);
    const old = repo.get('old')!;
    expect(old.perFrame).toEqual({ vmaf: [90.5, 1 / 3] });
    expect(old.features).toEqual({});
    repo.insertRun({ ...old.run, id: 'run9' }, [
      {
        id: 'new',
        scored: {
          target: { kind: 'source', id: 'd' },
          path: '/v/d.mp4',
          label: 'd.mp4',
          encoder: null,
          width: 64,
          height: 48,
          bitrateKbps: null,
        },
        score: testFullScore(),
        createdAt: 'u',
      },
    ]);
    const fresh = repo.get('new')!;
    expect(fresh.perFrame.xpsnrU).toEqual(testFullScore().perFrame.xpsnrU);
    expect(Object.keys(fresh.features)).toHaveLength(3);
    // Deleting a result deletes its features (ON DELETE CASCADE, foreign keys on).
    repo.remove('new');
    expect((db.prepare('SELECT count(*) AS n FROM score_features').get() as { n: number }).n).toBe(
      0,
    );
    db.close();
  });

  it('lists scores without reading a series or feature BLOB', () => {
    const dir = tempDir();
    version8(dir);
    const db = openDatabase(dir);
    // A damaged BLOB would throw when unpacked: lists never touch one.
    db.prepare(`UPDATE score_results SET vmaf = x'00' WHERE id = 'old'`).run();
    db.prepare(
      `INSERT INTO score_features (result_id, name, data) VALUES ('old', 'integer_adm2', x'00')`,
    ).run();
    const repo = new ScoreRepo(db);
    expect(repo.listByReference('ref').map((s) => s.id)).toEqual(['old']);
    expect(() => repo.get('old')).toThrow(/not float64/);
    db.close();
  });
});

describe('LibraryRepo', () => {
  it('inserts, lists newest first, finds by id and path, and removes', () => {
    const db = openDatabase(tempDir());
    const repo = new LibraryRepo(db);
    repo.insert(source('a1', '/v/a.mp4'));
    repo.insert(source('b2', '/v/b.mp4'));
    expect(repo.list().map((s) => s.item.id)).toEqual(['b2', 'a1']);
    expect(repo.get('a1')?.item.path).toBe('/v/a.mp4');
    expect(repo.getByPath('/v/b.mp4')?.item.id).toBe('b2');
    expect(repo.remove('a1')).toBe(true);
    expect(repo.remove('a1')).toBe(false);
    expect(repo.get('a1')).toBeNull();
    db.close();
  });

  it('keeps one row per path', () => {
    const db = openDatabase(tempDir());
    const repo = new LibraryRepo(db);
    repo.insert(source('a1', '/v/a.mp4'));
    expect(() => repo.insert(source('a2', '/v/a.mp4'))).toThrow(/UNIQUE/);
    expect(repo.list()).toHaveLength(1);
    db.close();
  });

  it('survives reopening the file', () => {
    const dir = tempDir();
    const db = openDatabase(dir);
    new LibraryRepo(db).insert(source('a1', '/v/a.mp4'));
    db.close();
    const again = openDatabase(dir);
    expect(new LibraryRepo(again).list()).toHaveLength(1);
    again.close();
  });
});

describe('SettingsRepo', () => {
  it('has defaults and stores changes', () => {
    const db = openDatabase(tempDir());
    const repo = new SettingsRepo(db);
    const defaults = { ffmpegPath: null, ffprobePath: null, concurrency: null, onRestart: 'requeue' };
    expect(repo.get()).toEqual(defaults);
    expect(repo.set({ ffmpegPath: '/opt/ffmpeg' })).toEqual({ ...defaults, ffmpegPath: '/opt/ffmpeg' });
    expect(repo.set({ ffmpegPath: null }).ffmpegPath).toBeNull();
    db.close();
  });

  it('keeps the valid settings when one stored value is bad', () => {
    const db = openDatabase(tempDir());
    const repo = new SettingsRepo(db);
    repo.set({ concurrency: 2, ffmpegPath: '/opt/ffmpeg' });
    db.prepare(`UPDATE settings SET value = '99' WHERE key = 'concurrency'`).run();
    expect(repo.get()).toMatchObject({ concurrency: null, ffmpegPath: '/opt/ffmpeg', onRestart: 'requeue' });
    db.close();
  });
});
