import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createCore } from '../core';
import { processTag, processTagAlive } from '../processIdentity';
import { openDatabase } from '../store/db';
import { makeClip } from '../../testing/clips';
import { useTempDirs } from '../../testing/tempDir';
import { ImportJournal } from './importJournal';

const tempDir = useTempDirs('vq-journal-');

/** An identity no running process has: a pid past the kernel's limit. */
const DEAD = '4194305:gone/1';

function addSource(
  db: Database.Database,
  journal: ImportJournal,
  importId: string,
  id: string,
): void {
  db.transaction(() => {
    db.prepare(
      `INSERT INTO sources (id, path, file_name, size_bytes, mtime_ms, added_at, media_json) VALUES (?, ?, ?, 0, 0, '', '{}')`,
    ).run(id, `/nowhere/${id}.mp4`, `${id}.mp4`);
    journal.record(importId, 'sources', id);
  })();
}

const count = (db: Database.Database, table: string): number =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('ImportJournal', () => {
  it('rolls back an unfinished import of a dead process, keeps a committed one, leaves a live one alone', async () => {
    const db = openDatabase(tempDir());
    const journal = new ImportJournal(db);
    const alive = (runner: string): boolean => runner === processTag();
    const dead = journal.begin(DEAD, alive);
    for (let i = 0; i < 2500; i++) addSource(db, journal, dead, `dead-${i}`);
    const done = journal.begin(DEAD, alive);
    addSource(db, journal, done, 'kept');
    journal.commit(done);
    const live = journal.begin(processTag(), alive);
    addSource(db, journal, live, 'live');

    expect(await journal.recover((runner) => runner === processTag())).toEqual([dead]);
    expect(count(db, 'sources')).toBe(2);
    expect(
      (db.prepare('SELECT id FROM sources ORDER BY id').all() as { id: string }[]).map((r) => r.id),
    ).toEqual(['kept', 'live']);
    expect(journal.pending()).toBe(1); // the live one
    expect(count(db, 'project_import_rows')).toBe(1);
    db.close();
  });

  it('refuses a second import while another live process imports (one import per data folder)', () => {
    const db = openDatabase(tempDir());
    const journal = new ImportJournal(db);
    const other = 'other-process';
    journal.begin(other, () => true);
    expect(() => journal.begin(processTag(), (r) => r === other)).toThrow(
      /Another VQ Studio process .* is importing/,
    );
    // Once that process is gone (its import is then rolled back by recovery), imports go on.
    expect(journal.begin(processTag(), () => false)).toMatch(/^[0-9a-f]{16}$/);
    db.close();
  });

  it('knows a process by pid and start time, so a reused pid is not taken for it', () => {
    const me = processTag();
    expect(me.startsWith(`${process.pid}:`)).toBe(true);
    expect(processTagAlive(me)).toBe(true);
    // The same pid with another start time is another process.
    expect(processTagAlive(`${process.pid}:${me.split(':')[1]}:1`)).toBe(false);
    expect(processTagAlive(DEAD)).toBe(false);
  });
});

describe('a `vq project import` killed half-way', () => {
  it('is rolled back on the next start, and importing again adds everything', async () => {
    const dir = tempDir();
    const source = makeClip(dir, { width: 160, height: 90, seconds: 1 });
    // A real export, padded to many sources so the import runs long enough to be killed inside.
    const first = tempDir();
    const core = createCore({ dataDir: first, host: { mode: 'web' }, queue: 'off' });
    await core.api['library.import']({ paths: [source] });
    const exported = JSON.parse((await core.api['project.export']({})).text) as {
      sources: Record<string, unknown>[];
    };
    core.close();
    const base = exported.sources[0]!;
    const total = 20_000;
    for (let i = 1; i < total; i++)
      exported.sources.push({
        ...base,
        id: `s-${i}`,
        path: path.join(dir, 'missing', `c-${i}.mp4`),
        fileName: `c-${i}.mp4`,
      });
    const file = path.join(dir, 'big.vqproj.json');
    fs.writeFileSync(file, JSON.stringify(exported));

    const dataDir = tempDir();
    const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), 'project', 'import', file], {
      env: { ...process.env, VQ_DATA_DIR: dataDir },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    // Kill it once some sources, but not all, are in.
    let seen = 0;
    for (let i = 0; i < 1200 && seen === 0; i++) {
      await new Promise((r) => setTimeout(r, 25));
      try {
        const db = new Database(path.join(dataDir, 'library.db'), {
          readonly: true,
          fileMustExist: true,
        });
        seen = count(db, 'sources');
        db.close();
      } catch {
        // not created yet
      }
    }
    child.kill('SIGKILL');
    await exited;
    expect(seen).toBeGreaterThan(0);
    let db = new Database(path.join(dataDir, 'library.db'));
    const afterKill = count(db, 'sources');
    db.close();
    expect(afterKill).toBeGreaterThan(0);
    expect(afterKill).toBeLessThan(total);

    // The next start (the app / vq serve: queue on) rolls the half-import back.
    const again = createCore({ dataDir, host: { mode: 'web' }, queue: 'all' });
    const watcher = openDatabase(dataDir);
    const journal = new ImportJournal(watcher);
    for (let i = 0; i < 400 && journal.pending() > 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(journal.pending()).toBe(0);
    watcher.close();
    expect((await again.api['library.list']({})).items).toHaveLength(0);
    // And importing the file again brings all of it.
    const summary = await again.api['project.import']({ text: fs.readFileSync(file, 'utf8') });
    expect(summary.sources.added).toBe(total);
    again.close();
    db = new Database(path.join(dataDir, 'library.db'));
    expect(count(db, 'sources')).toBe(total);
    expect(count(db, 'project_import_rows')).toBe(0);
    db.close();
  }, 300_000);
});
