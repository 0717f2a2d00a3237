// Pure rules behind the libvmaf ≥ 2 doctor: VQ_FFMPEG_DIRS entries, loader failures, the Debian
// advice, libvmaf's JSON log and the scoring preference. The real runs are in vmaf3.test.ts.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BinaryInfo } from '../../../shared/toolchain';
import { useTempDirs } from '../../testing/tempDir';
import { NO_LIBVMAF_ADVICE, adviceFor, debianLibvmafAdvice, parseOsRelease } from './advice';
import { discoverCandidates } from './discover';
import { featuresFromMetrics, parseLibvmafLog } from './libvmafProbe';
import { describeLoaderFailure, parseLoaderFailure } from './loaderError';
import { compareVersions, selectBinaries } from './select';

const newDir = useTempDirs('vq-v3units-');
const noPackages = (): unknown => {
  throw new Error('not installed');
};

describe('VQ_FFMPEG_DIRS', () => {
  it('finds ffmpeg and ffprobe in each listed folder, before PATH', async () => {
    const a = newDir();
    const onPath = newDir();
    for (const [dir, name] of [
      [a, 'ffmpeg'],
      [a, 'ffprobe'],
      [onPath, 'ffmpeg'],
    ] as const) {
      writeFileSync(path.join(dir, name), '#!/bin/sh\n');
      chmodSync(path.join(dir, name), 0o755);
    }
    const cands = await discoverCandidates({
      env: { PATH: onPath, VQ_FFMPEG_DIRS: a },
      settings: null,
      platform: 'linux',
      requireModule: noPackages,
    });
    expect(cands.map((c) => [c.kind, c.path, c.source, c.error])).toEqual([
      ['ffmpeg', path.join(a, 'ffmpeg'), 'env-dirs', null],
      ['ffprobe', path.join(a, 'ffprobe'), 'env-dirs', null],
      ['ffmpeg', path.join(onPath, 'ffmpeg'), 'path', null],
    ]);
  });

  it('reports each entry that cannot be searched, in words', async () => {
    const file = path.join(newDir(), 'notadir');
    writeFileSync(file, '');
    const empty = newDir();
    const missing = path.join(newDir(), 'gone');
    const cands = await discoverCandidates({
      env: { PATH: '', VQ_FFMPEG_DIRS: [missing, 'relative/bin', file, empty, ''].join(':') },
      settings: null,
      platform: 'linux',
      requireModule: noPackages,
    });
    expect(cands.map((c) => c.error)).toEqual([
      `VQ_FFMPEG_DIRS lists "${missing}", which does not exist.`,
      'VQ_FFMPEG_DIRS lists "relative/bin", which is not an absolute path.',
      `VQ_FFMPEG_DIRS lists "${file}", which is a file, not a folder.`,
      `VQ_FFMPEG_DIRS lists "${empty}", which holds no ffmpeg or ffprobe program that can be run.`,
    ]);
    const binaries: BinaryInfo[] = cands.map((c) => ({
      kind: c.kind,
      path: c.path,
      source: c.source,
      version: null,
      major: null,
      encoders: [],
      filters: [],
      libvmaf: null,
      defects: [],
      error: c.error,
    }));
    const advice = adviceFor({ binaries, selected: selectBinaries(binaries), modelAdvice: [] });
    expect(advice[0]).toBe(
      `VQ_FFMPEG_DIRS lists "${missing}", which does not exist. Fix that entry of ` +
        'VQ_FFMPEG_DIRS; the other builds found are used.',
    );
  });

  it('splits on ";" on Windows', async () => {
    const a = newDir();
    mkdirSync(path.join(a, 'x'));
    const cands = await discoverCandidates({
      env: { PATH: '', VQ_FFMPEG_DIRS: `${path.join(a, 'x')};${path.join(a, 'y')}` },
      settings: null,
      platform: 'win32',
      requireModule: noPackages,
    });
    expect(cands.map((c) => c.error)).toEqual([
      `VQ_FFMPEG_DIRS lists "${path.join(a, 'y')}", which does not exist.`,
      `VQ_FFMPEG_DIRS lists "${path.join(a, 'x')}", which holds no ffmpeg.exe or ffprobe.exe program that can be run.`,
    ]);
  });
});

describe('loader failures', () => {
  // glibc's wording (elf/dl-load.c: "error while loading shared libraries: %s: %s").
  const tooShort =
    '/opt/ff/bin/ffmpeg: error while loading shared libraries: /opt/ff/bin/../lib/libvmaf.so.3: file too short';
  const notFound =
    'ffmpeg: error while loading shared libraries: libx265.so.199: cannot open shared object file: No such file or directory';

  it('reads the library and the reason', () => {
    expect(parseLoaderFailure(tooShort)).toEqual({
      library: '/opt/ff/bin/../lib/libvmaf.so.3',
      reason: 'file too short',
    });
    expect(parseLoaderFailure(notFound)).toEqual({
      library: 'libx265.so.199',
      reason: 'cannot open shared object file: No such file or directory',
    });
    expect(parseLoaderFailure('Unknown encoder libfoo')).toBeNull();
  });

  it('says what to do', () => {
    expect(
      describeLoaderFailure('/opt/ff/bin/ffmpeg', `ffmpeg failed (exit 127): ${notFound}`),
    ).toBe(
      '/opt/ff/bin/ffmpeg cannot start: the system could not load its library libx265.so.199 ' +
        '(cannot open shared object file: No such file or directory). It is not installed or not ' +
        'where the program looks: install the package that provides libx265.so.199 (on ' +
        'Debian/Ubuntu, apt-get install ffmpeg brings the codec libraries such builds link), or ' +
        'put the folder holding it on LD_LIBRARY_PATH.',
    );
    expect(describeLoaderFailure('/x', 'ffmpeg failed (exit 1): Invalid argument')).toBeNull();
  });
});

describe('advice on Debian and Ubuntu without libvmaf', () => {
  const debianRelease =
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nID=debian\n';
  const mintRelease =
    'NAME="Linux Mint"\nID=linuxmint\nID_LIKE="ubuntu debian"\nPRETTY_NAME="Linux Mint 22"\n';

  it('reads /etc/os-release', () => {
    expect(parseOsRelease(debianRelease)).toEqual({
      id: 'debian',
      idLike: [],
      prettyName: 'Debian GNU/Linux 12 (bookworm)',
    });
    expect(parseOsRelease(mintRelease).idLike).toEqual(['ubuntu', 'debian']);
  });

  it('names a build with libvmaf and how to use it, on Debian and its derivatives only', () => {
    const debian = debianLibvmafAdvice(parseOsRelease(debianRelease));
    expect(debian).toContain('On Debian GNU/Linux 12 (bookworm)');
    expect(debian).toContain('https://github.com/BtbN/FFmpeg-Builds/releases');
    expect(debian).toContain('VQ_FFMPEG_DIRS');
    expect(debianLibvmafAdvice(parseOsRelease(mintRelease))).toContain('On Linux Mint 22');
    expect(debianLibvmafAdvice(parseOsRelease('ID=fedora\n'))).toBeNull();
    expect(debianLibvmafAdvice(null)).toBeNull();
  });

  it('follows the no-libvmaf advice', () => {
    const b: BinaryInfo = {
      kind: 'ffmpeg',
      path: '/usr/bin/ffmpeg',
      source: 'path',
      version: '5.1.9',
      major: 5,
      encoders: ['libx264'],
      filters: ['psnr', 'ssim'],
      libvmaf: null,
      defects: [],
      error: null,
    };
    const advice = adviceFor({
      binaries: [b],
      selected: selectBinaries([b]),
      modelAdvice: [],
      os: parseOsRelease(debianRelease),
    });
    const i = advice.indexOf(NO_LIBVMAF_ADVICE);
    expect(i).toBeGreaterThanOrEqual(0);
    expect(advice[i + 1]).toContain('BtbN/FFmpeg-Builds');
  });
});

describe('libvmaf JSON log', () => {
  it('reads the version and the first frame’s metric names', () => {
    const log = JSON.stringify({
      version: '3.2.0',
      frames: [
        { frameNum: 0, metrics: { integer_adm2: 1, integer_motion3: 0, cambi: 0, vmaf: 97 } },
      ],
    });
    expect(parseLibvmafLog(log)).toEqual({
      version: '3.2.0',
      metrics: ['integer_adm2', 'integer_motion3', 'cambi', 'vmaf'],
    });
    expect(parseLibvmafLog('<VMAF version="1.3.7">')).toBeNull();
    expect(featuresFromMetrics(['integer_adm2', 'integer_motion3', 'cambi'])).toEqual([
      'adm',
      'motion3',
      'cambi',
    ]);
  });
});

describe('libvmaf preference', () => {
  it('compares versions by number', () => {
    expect(compareVersions('3.2.0', '2.3.1')).toBeGreaterThan(0);
    expect(compareVersions('2.10.0', '2.9.9')).toBeGreaterThan(0);
    expect(compareVersions(null, '2.0.0')).toBeLessThan(0);
    expect(compareVersions('3.2.0', '3.2.0')).toBe(0);
  });
});
