import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { damagePagesOf } from '../../testing/damage';
import { useTempDirs } from '../../testing/tempDir';
import { commandShellFor, quoteArg } from '../../../shared/shellQuote';
import { dataFolderError, moveDatabaseAside, moveDbAsideCommand, openDatabase, renameAll } from './db';

// Issue 10, 7b: a data folder that cannot be used answers with the file and what to do. Each error
// below is produced by a real better-sqlite3 or fs call where this machine can produce it (tests
// run as root here, so chmod cannot make a folder read-only: EACCES and EROFS are built by hand).
const tempDir = useTempDirs();

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

function vqError(err: unknown): VqError {
  expect(err).toBeInstanceOf(VqError);
  return err as VqError;
}

describe('openDatabase on a damaged library.db', () => {
  it('SQLITE_NOTADB (a file that is not a database) → DATABASE_CORRUPT naming the file and the way out', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'library.db'), 'not sqlite\n'.repeat(500));
    const e = vqError(thrown(() => openDatabase(dir)));
    expect(e.code).toBe('DATABASE_CORRUPT');
    expect(e.message).toContain(path.join(dir, 'library.db'));
    expect(e.message).toContain('file is not a database');
    expect(e.hint).toContain('vq data move-db-aside');
    // The command names this data folder: the app's (Electron's userData) is not the CLI's default.
    expect(e.hint).toContain(
      `vq data move-db-aside --data-dir ${quoteArg(dir, commandShellFor(process.platform))}`,
    );
  });

  it('SQLITE_CORRUPT (a valid header over damaged pages) → DATABASE_CORRUPT', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t(a); INSERT INTO t VALUES (1);');
    db.close();
    const bytes = fs.readFileSync(file);
    bytes.fill(0xff, 100, 4096); // keep the 100-byte header, damage the schema page
    fs.writeFileSync(file, bytes);
    const e = vqError(thrown(() => openDatabase(dir)));
    expect(e.code).toBe('DATABASE_CORRUPT');
    expect(e.message).toContain(file);
  });
});

describe('dataFolderError', () => {
  it('SQLITE_READONLY from a real write to a read-only connection → PERMISSION_DENIED with a hint', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    new Database(file).exec('CREATE TABLE t(a)');
    const ro = new Database(file, { readonly: true });
    const err = thrown(() => ro.exec('INSERT INTO t VALUES (1)'));
    ro.close();
    expect((err as { code: string }).code).toBe('SQLITE_READONLY');
    const e = dataFolderError(err, file)!;
    expect(e.code).toBe('PERMISSION_DENIED');
    expect(e.message).toContain(file);
    expect(e.hint).toMatch(/writable folder/);
  });

  it('SQLITE_CANTOPEN from a real open under a file → PERMISSION_DENIED', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    const file = path.join(dir, 'plain', 'library.db');
    const err = thrown(() => new Database(file));
    expect((err as { code: string }).code).toBe('SQLITE_CANTOPEN');
    expect(dataFolderError(err, file)?.code).toBe('PERMISSION_DENIED');
  });

  it('ENOTDIR / EEXIST from a real mkdir where a file is → "is a file, not a folder"', () => {
    const dir = tempDir();
    const plain = path.join(dir, 'plain');
    fs.writeFileSync(plain, 'x');
    for (const target of [plain, path.join(plain, 'below')]) {
      expect(() => openDatabase(target)).toThrow(/is a file, not a folder/);
      const e = vqError(thrown(() => openDatabase(target)));
      expect(e.code).toBe('PERMISSION_DENIED');
      expect(e.hint).toContain('VQ_DATA_DIR');
    }
  });

  it('SQLITE_FULL from a real insert past max_page_count → DATA_FOLDER_FULL', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    const db = new Database(file);
    db.exec('CREATE TABLE t(a)');
    db.pragma('max_page_count = 3');
    const err = thrown(() => {
      for (let i = 0; i < 100; i++) db.prepare('INSERT INTO t VALUES (?)').run('x'.repeat(4000));
    });
    db.close();
    expect((err as { code: string }).code).toBe('SQLITE_FULL');
    const e = dataFolderError(err, file)!;
    expect(e.code).toBe('DATA_FOLDER_FULL');
    expect(e.message).toContain(file);
    expect(e.hint).toMatch(/Free some space/);
  });

  it.runIf(fs.existsSync('/dev/full'))('ENOSPC from a real write to /dev/full → DATA_FOLDER_FULL', () => {
    const err = thrown(() => fs.writeFileSync('/dev/full', 'x'));
    expect((err as { code: string }).code).toBe('ENOSPC');
    expect(dataFolderError(err, '/data/library.db')?.code).toBe('DATA_FOLDER_FULL');
  });

  it('EACCES, EROFS and extended SQLite codes (not reproducible as root) map by their code', () => {
    const errno = (code: string): Error => Object.assign(new Error(`${code}: denied`), { code });
    expect(dataFolderError(errno('EACCES'), '/d/library.db')?.code).toBe('PERMISSION_DENIED');
    expect(dataFolderError(errno('EROFS'), '/d/library.db')?.code).toBe('PERMISSION_DENIED');
    expect(dataFolderError(errno('SQLITE_READONLY_DBMOVED'), '/d/library.db')?.code).toBe('PERMISSION_DENIED');
    expect(dataFolderError(errno('SQLITE_CORRUPT_INDEX'), '/d/library.db')?.code).toBe('DATABASE_CORRUPT');
  });

  it('leaves other errors alone', () => {
    expect(dataFolderError(new Error('boom'), '/d/library.db')).toBeNull();
    expect(dataFolderError(Object.assign(new Error('x'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }), '/d/library.db')).toBeNull();
    expect(dataFolderError('text', '/d/library.db')).toBeNull();
  });
});

describe('moveDatabaseAside', () => {
  it('renames library.db with its -wal and -shm, deletes nothing, and a new library opens', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    fs.writeFileSync(file, 'damaged');
    fs.writeFileSync(`${file}-wal`, 'wal');
    fs.writeFileSync(`${file}-shm`, 'shm');
    const moved = moveDatabaseAside(dir, { now: new Date('2026-03-04T05:06:07.089Z') });
    expect(moved).toBe(path.join(dir, 'library.db.corrupt-2026-03-04T05-06-07-089Z'));
    expect(fs.readFileSync(moved, 'utf8')).toBe('damaged');
    expect(fs.readFileSync(`${moved}-wal`, 'utf8')).toBe('wal');
    expect(fs.readFileSync(`${moved}-shm`, 'utf8')).toBe('shm');
    expect(fs.existsSync(file)).toBe(false);
    openDatabase(dir).close();
  });

  it('never overwrites an earlier moved-aside file', () => {
    const dir = tempDir();
    const at = new Date('2026-03-04T05:06:07.089Z');
    fs.writeFileSync(path.join(dir, 'library.db'), 'one');
    const first = moveDatabaseAside(dir, { now: at });
    fs.writeFileSync(path.join(dir, 'library.db'), 'two');
    const second = moveDatabaseAside(dir, { now: at });
    expect(second).not.toBe(first);
    expect(fs.readFileSync(first, 'utf8')).toBe('one');
    expect(fs.readFileSync(second, 'utf8')).toBe('two');
  });

  it('says NOT_FOUND when there is no library.db', () => {
    expect(vqError(thrown(() => moveDatabaseAside(tempDir()))).code).toBe('NOT_FOUND');
  });
});

describe('the move-aside command in the hint', () => {
  it('quotes the data folder for the shell of the platform', () => {
    expect(moveDbAsideCommand('/home/a b/.config/VQ Studio', 'linux')).toBe(
      "vq data move-db-aside --data-dir '/home/a b/.config/VQ Studio'",
    );
    expect(moveDbAsideCommand("/tmp/it's", 'darwin')).toBe(
      "vq data move-db-aside --data-dir '/tmp/it'\\''s'",
    );
    expect(moveDbAsideCommand('C:\\Users\\a b\\AppData\\Roaming\\VQ Studio', 'win32')).toBe(
      'vq data move-db-aside --data-dir "C:\\Users\\a b\\AppData\\Roaming\\VQ Studio"',
    );
  });

  it('a quoted folder reaches a real shell as one argument, unchanged', () => {
    const dir = "/tmp/a b/it's $HOME `x`";
    const echoed = execFileSync('sh', ['-c', `printf %s ${quoteArg(dir, 'posix')}`], {
      encoding: 'utf8',
    });
    expect(echoed).toBe(dir);
  });
});

/** A data dir with a real, healthy library.db. */
function healthyDataDir(): string {
  const dir = tempDir();
  openDatabase(dir).close();
  return dir;
}

/** The files of a data dir that belong to the database, sorted. */
function dbFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('library.db'))
    .sort();
}

describe('moveDatabaseAside refuses what must not be moved (review of issue 10)', () => {
  it('refuses while another connection has the database open (DATABASE_BUSY), and moves it once closed', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    const other = openDatabase(dir);
    other.exec("CREATE TABLE t(a); INSERT INTO t VALUES ('kept')");
    const before = dbFiles(dir);
    try {
      const e = vqError(thrown(() => moveDatabaseAside(dir, { force: true })));
      expect(e.code).toBe('DATABASE_BUSY');
      expect(e.message).toContain(file);
      expect(dbFiles(dir)).toEqual(before); // nothing renamed, not even the -wal or -shm
      expect(other.prepare('SELECT a FROM t').pluck().get()).toBe('kept');
    } finally {
      other.close();
    }
    expect(moveDatabaseAside(dir, { force: true })).toMatch(/library\.db\.corrupt-/);
  });

  it('refuses a reader too (in WAL mode a reader holds the file open as well)', () => {
    const dir = healthyDataDir();
    const reader = new Database(path.join(dir, 'library.db'), { readonly: true });
    reader.prepare('SELECT count(*) FROM sources').get();
    try {
      expect(vqError(thrown(() => moveDatabaseAside(dir, { force: true }))).code).toBe(
        'DATABASE_BUSY',
      );
    } finally {
      reader.close();
    }
  });

  it('refuses a database that is not damaged (passes quick_check) unless forced', () => {
    const dir = healthyDataDir();
    const e = vqError(thrown(() => moveDatabaseAside(dir)));
    expect(e.code).toBe('INVALID_ARGS');
    expect(e.message).toMatch(/not damaged.*quick_check/);
    expect(e.hint).toMatch(/--force/);
    expect(dbFiles(dir)).toEqual(['library.db']);
    const moved = moveDatabaseAside(dir, { force: true });
    expect(dbFiles(dir)).toEqual([path.basename(moved)]);
  });

  it('moves a database whose data pages are damaged although its schema reads', () => {
    const dir = healthyDataDir();
    damagePagesOf(dir, 'sources');
    openDatabase(dir).close(); // opening reads only the schema: it does not see the damage
    expect(moveDatabaseAside(dir)).toMatch(/library\.db\.corrupt-/);
  });

  it('moves a real WAL aside byte for byte: checking the file never checkpoints or drops it', () => {
    // The files of a process killed with frames still in its WAL: copied while it has them open.
    const live = healthyDataDir();
    const db = openDatabase(live);
    db.pragma('wal_autocheckpoint = 0');
    db.prepare("INSERT INTO settings (key, value) VALUES ('k', 'in the wal only')").run();
    const dir = tempDir();
    for (const f of dbFiles(live)) fs.copyFileSync(path.join(live, f), path.join(dir, f));
    db.close();
    const wal = fs.readFileSync(path.join(dir, 'library.db-wal'));
    expect(wal.length).toBeGreaterThan(32);
    const moved = moveDatabaseAside(dir, { force: true });
    expect(fs.readFileSync(`${moved}-wal`).equals(wal)).toBe(true);
    expect(dbFiles(dir)).toEqual([
      path.basename(moved),
      `${path.basename(moved)}-shm`,
      `${path.basename(moved)}-wal`,
    ]);
    const aside = new Database(moved, { readonly: true });
    expect(aside.prepare("SELECT value FROM settings WHERE key = 'k'").pluck().get()).toBe(
      'in the wal only',
    );
    aside.close();
  });
});

describe('renameAll', () => {
  it('renames back what it renamed when a later rename fails, and names the file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    for (const f of ['library.db', 'library.db-wal', 'library.db-shm'])
      fs.writeFileSync(path.join(dir, f), f);
    // A non-empty folder where the database should go: the last rename fails for real.
    const target = `${file}.corrupt-x`;
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'inside'), '');
    const err = thrown(() =>
      renameAll(
        [
          { from: `${file}-wal`, to: `${target}-wal` },
          { from: `${file}-shm`, to: `${target}-shm` },
          { from: file, to: target },
        ],
        file,
      ),
    );
    expect((err as { code?: string }).code).toMatch(/EISDIR|ENOTEMPTY|EEXIST|ENOTDIR/);
    for (const f of ['library.db', 'library.db-wal', 'library.db-shm']) {
      expect(fs.readFileSync(path.join(dir, f), 'utf8')).toBe(f);
    }
    expect(fs.existsSync(`${target}-wal`) || fs.existsSync(`${target}-shm`)).toBe(false);
  });
});

describe('SQLITE_BUSY', () => {
  it('from a real write while another connection writes → DATABASE_BUSY naming the file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'library.db');
    const writer = new Database(file);
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE t(a)');
    const other = new Database(file, { timeout: 0 });
    writer.exec('BEGIN IMMEDIATE');
    try {
      const err = thrown(() => other.exec('INSERT INTO t VALUES (1)'));
      expect((err as { code: string }).code).toMatch(/^SQLITE_BUSY/);
      const e = dataFolderError(err, file)!;
      expect(e.code).toBe('DATABASE_BUSY');
      expect(e.message).toMatch(/busy in another VQ Studio process/);
      expect(e.message).toContain(file);
    } finally {
      writer.exec('ROLLBACK');
      writer.close();
      other.close();
    }
  });
});
