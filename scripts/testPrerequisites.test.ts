/**
 * The check `npm test` starts with: on a machine without ffmpeg, Chromium, the npm packages or the
 * workspace's ../shared folder it names each and how to get it on that platform (a VQ_CHROMIUM
 * naming no program is said as such); on this machine (where the suite runs) it finds everything.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  chromiumPath,
  findOnPath,
  missingPrerequisites,
  prerequisitesMessage,
} from './testPrerequisites.mjs';

const made: string[] = [];
afterAll(() => made.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-prereq-'));
  made.push(dir);
  return dir;
}

/** A folder holding empty executable files with these names (found by name, never run). */
function binDir(...names: string[]): string {
  const dir = tempDir();
  for (const name of names) fs.writeFileSync(path.join(dir, name), '', { mode: 0o755 });
  return dir;
}

/** A project folder `project` with nothing installed, inside an empty workspace. */
function bareProject(): string {
  const root = path.join(tempDir(), 'project');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'package.json'), '{"name":"bare"}');
  return root;
}

describe('missingPrerequisites', () => {
  it('on a fresh machine names every missing thing and how to install it', () => {
    const root = bareProject();
    const missing = missingPrerequisites({ root, env: { PATH: binDir() }, platform: 'linux' });
    expect(missing.map((m) => m.how)).toEqual([
      'system',
      'system',
      'system',
      'system',
      'system',
      'npm',
      'workspace',
      'workspace',
      'workspace',
    ]);
    const message = prerequisitesMessage(missing, 'linux');
    expect(message).toContain('ffmpeg and ffprobe on PATH');
    expect(message).toContain('Chromium');
    expect(message).toContain('redis-server on PATH');
    expect(message).toContain('openssl on PATH');
    expect(message).toContain('xmllint on PATH');
    expect(message).toContain('sudo apt-get install ffmpeg redis-server openssl libxml2-utils chromium');
    expect(message).toContain('npm ci');
    const shared = path.resolve(root, '..', 'shared');
    expect(message).toContain(`vmaf_v0.6.1.pkl in ${path.join(shared, 'vmaf-models')}`);
    expect(message).toContain(path.join(shared, 'testmedia'));
    expect(message).toContain(path.join(shared, 'toolchain', 'ffmpeg-7.1-vmaf-3.2'));
  });

  it('asks only for what is missing: ffprobe alone is still the ffmpeg package', () => {
    const env = { PATH: binDir('ffmpeg', 'chromium', 'redis-server', 'openssl', 'xmllint') };
    const missing = missingPrerequisites({ root: bareProject(), env, platform: 'linux' });
    const system = missing.filter((m) => m.how === 'system');
    expect(system).toHaveLength(1);
    expect(system[0]!.what).toMatch(/^ffprobe on PATH/);
    expect(prerequisitesMessage(missing, 'linux')).toContain('sudo apt-get install ffmpeg ');
  });

  it('says how to get ffmpeg and Chromium on each platform', () => {
    const advice = (platform: NodeJS.Platform): string =>
      prerequisitesMessage(
        missingPrerequisites({ root: bareProject(), env: { PATH: binDir() }, platform }),
        platform,
      );
    const linux = advice('linux');
    expect(linux).toContain(
      'sudo apt-get install ffmpeg redis-server openssl libxml2-utils chromium    (Debian/Ubuntu)',
    );
    expect(linux).not.toMatch(/brew|winget|choco/);

    const mac = advice('darwin');
    expect(mac).toContain('  brew install ffmpeg\n');
    expect(mac).toContain('  brew install redis\n');
    expect(mac).toContain('  brew install libxml2\n');
    expect(mac).toContain('brew install --cask chromium, then set VQ_CHROMIUM to its path');
    expect(mac).not.toMatch(/apt-get|winget|choco/);

    const windows = advice('win32');
    expect(windows).toContain('winget install Gyan.FFmpeg (or choco install ffmpeg)');
    expect(windows).toContain('ffmpeg.exe and ffprobe.exe on PATH');
    expect(windows).toContain('then set VQ_CHROMIUM to its chrome.exe');
    expect(windows).toContain('redis-server on PATH');
    expect(windows).not.toMatch(/apt-get|brew/);
  });

  it('says so when VQ_CHROMIUM names no program, instead of asking to install Chromium', () => {
    const dir = binDir('ffmpeg', 'ffprobe', 'chromium', 'redis-server', 'openssl', 'xmllint');
    const plain = path.join(tempDir(), 'chrome');
    fs.writeFileSync(plain, '', { mode: 0o644 });
    const cases: [string, string][] = [
      [path.join(dir, 'no-such-chrome'), 'no such file'],
      [dir, 'a folder, not the program'],
      [plain, 'not executable'],
    ];
    for (const [chosen, why] of cases) {
      const env = { PATH: dir, VQ_CHROMIUM: chosen };
      const missing = missingPrerequisites({ root: bareProject(), env, platform: 'linux' });
      // Not passed over for the chromium on PATH: the person asked for this one.
      expect(missing.filter((m) => m.how === 'system')).toEqual([]);
      const message = prerequisitesMessage(missing, 'linux');
      expect(message).toContain(`VQ_CHROMIUM names ${chosen} (${why})`);
      expect(message).toContain('set VQ_CHROMIUM to the Chromium or Chrome program itself');
      expect(message).not.toContain('apt-get');
    }
    const good = path.join(dir, 'chromium');
    const fine = missingPrerequisites({
      root: bareProject(),
      env: { PATH: dir, VQ_CHROMIUM: good },
    });
    expect(fine.filter((m) => m.what.includes('Chromium'))).toEqual([]);
  });

  it('finds everything on this machine, where the suite runs', () => {
    expect(missingPrerequisites({ root: path.resolve('.') })).toEqual([]);
  });
});

describe('finding programs', () => {
  it('takes the first executable on PATH and skips files that are not executable', () => {
    const plain = tempDir();
    fs.writeFileSync(path.join(plain, 'ffmpeg'), '', { mode: 0o644 });
    const exe = binDir('ffmpeg');
    expect(findOnPath('ffmpeg', { PATH: [plain, exe].join(':') }, 'linux')).toBe(
      path.join(exe, 'ffmpeg'),
    );
    expect(findOnPath('ffmpeg', { PATH: '' }, 'linux')).toBeNull();
  });

  it('finds Chromium by VQ_CHROMIUM when it names a program, else by its usual names', () => {
    const chosen = path.join(binDir('chrome'), 'chrome');
    const dir = binDir('chromium-browser');
    expect(chromiumPath({ VQ_CHROMIUM: chosen, PATH: dir }, 'linux')).toBe(chosen);
    expect(chromiumPath({ PATH: dir }, 'linux')).toBe(path.join(dir, 'chromium-browser'));
    expect(chromiumPath({ PATH: binDir() }, 'linux')).toBeNull();
    // A VQ_CHROMIUM that names no program is not passed over for another Chromium.
    const missing = path.join(dir, 'no-such-chrome');
    expect(chromiumPath({ VQ_CHROMIUM: missing, PATH: dir }, 'linux')).toBeNull();
  });
});

describe('npm test on a fresh machine', () => {
  it('stops at once with the one message, before linting or building anything', () => {
    // Node alone on PATH: no ffmpeg, no ffprobe, no Chromium.
    const nodeOnly = tempDir();
    fs.symlinkSync(process.execPath, path.join(nodeOnly, 'node'));
    const started = Date.now();
    const r = spawnSync(process.execPath, ['scripts/test-all.mjs'], {
      env: { PATH: nodeOnly, HOME: process.env.HOME },
      encoding: 'utf8',
    });
    expect(r.status).toBe(1);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(r.stderr).toContain('npm test stopped before running anything');
    expect(r.stderr).toContain('sudo apt-get install ffmpeg redis-server openssl libxml2-utils chromium');
    expect(r.stdout).not.toContain('━━'); // no step ran
  });
});
