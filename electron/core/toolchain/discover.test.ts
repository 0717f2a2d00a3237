import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { discoverCandidates, unpackedAsarPath } from './discover';

describe('unpackedAsarPath', () => {
  it('moves a path inside app.asar to app.asar.unpacked', () => {
    expect(
      unpackedAsarPath('/opt/VQ Studio/resources/app.asar/node_modules/ffmpeg-static/ffmpeg'),
    ).toBe('/opt/VQ Studio/resources/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg');
    expect(
      unpackedAsarPath('C:\\Program Files\\VQ\\resources\\app.asar\\node_modules\\x\\ffmpeg.exe'),
    ).toBe('C:\\Program Files\\VQ\\resources\\app.asar.unpacked\\node_modules\\x\\ffmpeg.exe');
  });

  it('leaves other paths alone, including already unpacked ones', () => {
    const unpacked = '/r/app.asar.unpacked/node_modules/ffmpeg-static/ffmpeg';
    expect(unpackedAsarPath(unpacked)).toBe(unpacked);
    expect(unpackedAsarPath('/usr/bin/ffmpeg')).toBe('/usr/bin/ffmpeg');
    expect(unpackedAsarPath('/home/me/my-app.asar/ffmpeg')).toBe('/home/me/my-app.asar/ffmpeg');
  });
});

describe.skipIf(process.platform === 'win32')('discoverCandidates', () => {
  let root: string;
  let dirA: string;
  let dirB: string;
  let pkgBin: string;

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'vq-discover-'));
    dirA = path.join(root, 'a');
    dirB = path.join(root, 'b');
    await mkdir(dirA);
    await mkdir(dirB);
    // Discovery runs nothing, so empty executable files stand in for binaries here.
    for (const p of [
      path.join(dirA, 'ffmpeg'),
      path.join(dirA, 'ffprobe'),
      path.join(root, 'pkg'),
    ]) {
      await writeFile(p, '');
      await chmod(p, 0o755);
    }
    pkgBin = path.join(root, 'pkg');
    // dirB/ffmpeg is the same file as dirA/ffmpeg (like /bin → /usr/bin on Debian).
    await symlink(path.join(dirA, 'ffmpeg'), path.join(dirB, 'ffmpeg'));
    // Not executable: PATH lookup skips it, as a shell would.
    await writeFile(path.join(dirB, 'ffprobe'), '');
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('orders env, setting, packages, PATH and dedupes by realpath', async () => {
    const packages: Record<string, unknown> = {
      'ffmpeg-static': path.join(root, 'missing-ffmpeg-static'),
      '@ffmpeg-installer/ffmpeg': { path: pkgBin },
    };
    const cands = await discoverCandidates({
      env: { PATH: [dirA, dirB, 'relative/dir'].join(':'), VQ_FFMPEG: path.join(root, 'nope') },
      settings: { ffmpegPath: null, ffprobePath: path.join(dirA, 'ffprobe') },
      platform: 'linux',
      requireModule: (id) => {
        if (id === '@ffprobe-installer/ffprobe') throw 'Unsupported platform/architecture';
        return packages[id];
      },
    });
    expect(cands).toEqual([
      {
        kind: 'ffmpeg',
        path: path.join(root, 'nope'),
        source: 'env',
        error: `VQ_FFMPEG points to ${path.join(root, 'nope')}, which does not exist.`,
      },
      { kind: 'ffprobe', path: path.join(dirA, 'ffprobe'), source: 'setting', error: null },
      { kind: 'ffmpeg', path: pkgBin, source: '@ffmpeg-installer', error: null },
      { kind: 'ffmpeg', path: path.join(dirA, 'ffmpeg'), source: 'path', error: null },
    ]);
  });

  it('reads a default export and looks a bare name up on PATH', async () => {
    const cands = await discoverCandidates({
      env: { PATH: dirA, VQ_FFPROBE: 'ffprobe', VQ_FFMPEG: 'ffmpeg9' },
      settings: null,
      platform: 'linux',
      requireModule: (id) => (id === 'ffmpeg-static' ? { default: pkgBin } : undefined),
    });
    expect(cands.map((c) => [c.kind, c.source, c.path, c.error])).toEqual([
      ['ffmpeg', 'env', 'ffmpeg9', 'VQ_FFMPEG is "ffmpeg9", which is not on PATH.'],
      ['ffprobe', 'env', path.join(dirA, 'ffprobe'), null],
      ['ffmpeg', 'ffmpeg-static', pkgBin, null],
      ['ffmpeg', 'path', path.join(dirA, 'ffmpeg'), null],
    ]);
  });

  it('reports a folder given as the binary', async () => {
    const cands = await discoverCandidates({
      env: { PATH: '' },
      settings: { ffmpegPath: dirA, ffprobePath: null },
      requireModule: () => undefined,
    });
    expect(cands).toEqual([
      {
        kind: 'ffmpeg',
        path: dirA,
        source: 'setting',
        error: 'the ffmpeg path setting points to a folder, not to the ffmpeg program.',
      },
    ]);
  });

  it('finds the npm packages installed in this project', async () => {
    const cands = await discoverCandidates({ env: { PATH: '' }, settings: null });
    const sources = cands.map((c) => c.source);
    expect(sources).toContain('@ffmpeg-installer');
    expect(sources).toContain('@ffprobe-installer');
  });
});
