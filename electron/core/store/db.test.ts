import Database from 'better-sqlite3';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../testing/tempDir';
import { MIGRATIONS, migrate, openDatabase } from './db';
import { LibraryRepo, type StoredSource } from './libraryRepo';
import { SettingsRepo } from './settingsRepo';

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
