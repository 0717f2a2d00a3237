import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { moveDbAsideCommand, openDatabase } from '../core/store/db';
import { makeClip } from '../testing/clips';
import { damagePagesOf } from '../testing/damage';
import { useTempDirs } from '../testing/tempDir';

// The real `vq` command in child processes, each test over its own data dir.
const tempDir = useTempDirs();

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function env(dataDir: string): NodeJS.ProcessEnv {
  return { ...process.env, VQ_DATA_DIR: dataDir };
}

function vq(args: string[], dataDir: string): Run {
  const r = spawnSync(process.execPath, [path.resolve('bin/vq.mjs'), ...args], {
    env: env(dataDir),
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Starts `vq` without waiting, so several run at the same moment. */
function vqAsync(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), ...args], { env: env(dataDir) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('vq import of one file by several processes at once (issue 10, 7a)', () => {
  it('gives every process the same item, one row and one thumbnail, round after round', async () => {
    const media = tempDir();
    const rounds = 3;
    for (let round = 0; round < rounds; round++) {
      // A fresh data dir each round: the first open also races to create and migrate library.db.
      const dataDir = tempDir();
      const clip = makeClip(media, { width: 160, height: 96, seconds: 1, name: `clip-${round}.mp4` });
      const runs = await Promise.all([0, 1, 2].map(() => vqAsync(['import', clip, '--json'], dataDir)));
      for (const r of runs) expect(r.stderr).not.toMatch(/UNIQUE|INTERNAL/);
      expect(runs.map((r) => r.code)).toEqual([0, 0, 0]);
      const ids = runs.map((r) => {
        const outcome = JSON.parse(r.stdout) as { imported: { id: string }[]; existing: { id: string }[] };
        const items = [...outcome.imported, ...outcome.existing];
        expect(items).toHaveLength(1);
        return items[0]!.id;
      });
      expect(new Set(ids).size).toBe(1);

      const db = new Database(path.join(dataDir, 'library.db'), { readonly: true });
      const rows = db.prepare('SELECT id, thumb_path FROM sources').all() as { id: string; thumb_path: string | null }[];
      db.close();
      expect(rows).toHaveLength(1);
      expect(rows[0]!.id).toBe(ids[0]);
      // Exactly the winner's thumbnail: the losers deleted theirs, no temporary file is left.
      const thumbs = fs.readdirSync(path.join(dataDir, 'cache', 'thumbs'));
      expect(thumbs).toEqual([`${ids[0]}.jpg`]);
      expect(rows[0]!.thumb_path).toBe(path.join(dataDir, 'cache', 'thumbs', `${ids[0]}.jpg`));
    }
  }, 180_000);
});

describe('a data folder that cannot be used (issue 10, 7b)', () => {
  it('names a damaged library.db, offers `vq data move-db-aside`, which moves it aside and deletes nothing', () => {
    const dataDir = tempDir();
    const garbage = 'this is not a database\n'.repeat(200);
    fs.writeFileSync(path.join(dataDir, 'library.db'), garbage);
    const r = vq(['list'], dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(path.join(dataDir, 'library.db'));
    expect(r.stderr).toMatch(/damaged|not a VQ Studio database/);
    expect(r.stderr).toContain('vq data move-db-aside');
    expect(r.stderr).toContain('[DATABASE_CORRUPT]');
    expect(r.stderr).not.toMatch(/INTERNAL|at .*\.ts:\d+/);

    const moved = vq(['data', 'move-db-aside'], dataDir);
    expect(moved.code).toBe(0);
    const aside = fs.readdirSync(dataDir).filter((f) => f.startsWith('library.db.corrupt-'));
    expect(aside).toHaveLength(1);
    expect(fs.readFileSync(path.join(dataDir, aside[0]!), 'utf8')).toBe(garbage);
    expect(moved.stdout).toContain(aside[0]);

    const fresh = vq(['list'], dataDir);
    expect(fresh.code).toBe(0);
    expect(fresh.stdout).toMatch(/library is empty/);
  });

  it('says the data folder is a file, not a folder, and what to do', () => {
    const parent = tempDir();
    const file = path.join(parent, 'data');
    fs.writeFileSync(file, 'not a folder');
    for (const dataDir of [file, path.join(file, 'below')]) {
      const r = vq(['list'], dataDir);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/is a file, not a folder/);
      expect(r.stderr).toContain('VQ_DATA_DIR');
      expect(r.stderr).toContain('[PERMISSION_DENIED]');
    }
  });

  it('`vq data move-db-aside` without a database says there is nothing to move', () => {
    const r = vq(['data', 'move-db-aside'], tempDir());
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no library database/);
  });
});

/** Starts `vq serve` on `dataDir` and resolves once it prints its URL (it then holds library.db). */
function startServe(dataDir: string): Promise<{ child: ReturnType<typeof spawn>; exited: Promise<void> }> {
  const child = spawn(process.execPath, [path.resolve('bin/vq.mjs'), 'serve', '--port', '0'], { env: env(dataDir) });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (/\?token=/.test(out)) resolve({ child, exited });
    });
    child.once('exit', (code) => reject(new Error(`vq serve exited with ${code}: ${err}`)));
  });
}

describe('a damaged library.db and `vq data move-db-aside` (review of issue 10, findings 1 and 2)', () => {
  it('damage met by a command after opening answers DATABASE_CORRUPT with the hint, not INTERNAL', () => {
    const dataDir = tempDir();
    openDatabase(dataDir).close();
    damagePagesOf(dataDir, 'sources');
    for (const args of [['list'], ['import', path.join(dataDir, 'library.db')]]) {
      const r = vq(args, dataDir);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toContain('[DATABASE_CORRUPT]');
      expect(r.stderr, args.join(' ')).toContain(moveDbAsideCommand(dataDir));
      expect(r.stderr, args.join(' ')).not.toMatch(/INTERNAL/);
    }
  });

  it('--data-dir names the folder (the data folder of the app is not the default of the CLI), and the command in the hint works', () => {
    const appData = tempDir();
    fs.writeFileSync(path.join(appData, 'library.db'), 'this is not a database\n'.repeat(200));
    const other = tempDir(); // what VQ_DATA_DIR says for the CLI
    const r = vq(['list'], appData);
    const command = /`(vq data move-db-aside --data-dir [^`]+)`/.exec(r.stderr)?.[1];
    expect(command).toBe(moveDbAsideCommand(appData));
    // Run the hint's command through a real shell, with VQ_DATA_DIR pointing elsewhere.
    const moved = spawnSync('sh', ['-c', command!.replace(/^vq /, `"${process.execPath}" "${path.resolve('bin/vq.mjs')}" `)], {
      env: env(other),
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(moved.status, moved.stderr).toBe(0);
    expect(fs.existsSync(path.join(appData, 'library.db'))).toBe(false);
    expect(fs.readdirSync(appData).some((f) => f.startsWith('library.db.corrupt-'))).toBe(true);
    expect(fs.readdirSync(other)).toEqual([]);
  });

  it('refuses a healthy library.db unless --force', () => {
    const dataDir = tempDir();
    openDatabase(dataDir).close();
    const r = vq(['data', 'move-db-aside'], dataDir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not damaged/);
    expect(r.stderr).toContain('--force');
    expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('library.db'))).toEqual(['library.db']);
    expect(vq(['data', 'move-db-aside', '--force'], dataDir).code).toBe(0);
    expect(fs.existsSync(path.join(dataDir, 'library.db'))).toBe(false);
  });

  it('refuses, even with --force, while `vq serve` runs on the data folder, and renames nothing', async () => {
    const dataDir = tempDir();
    const served = await startServe(dataDir);
    try {
      const before = fs.readdirSync(dataDir).filter((f) => f.startsWith('library.db')).sort();
      const r = vq(['data', 'move-db-aside', '--force'], dataDir);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[DATABASE_BUSY]');
      expect(r.stderr).toMatch(new RegExp(`in use by process ${served.child.pid}`));
      expect(fs.readdirSync(dataDir).filter((f) => f.startsWith('library.db')).sort()).toEqual(before);
    } finally {
      served.child.kill('SIGTERM');
      await served.exited;
    }
    expect(vq(['data', 'move-db-aside', '--force'], dataDir).code).toBe(0);
  }, 120_000);
});
