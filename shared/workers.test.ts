// Which worker can run which job, decided from what each advertises: an encoder missing from every
// build, an old libvmaf, a missing model or feature each keep the job away, with the reason.
import { describe, expect, it } from 'vitest';
import { canRun, versionAtLeast, workerNameProblem, type WorkerBuild } from './workers';

const debian: WorkerBuild = {
  path: '/usr/bin/ffmpeg',
  version: '5.1.8',
  encoders: ['libx264', 'libx265', 'libsvtav1'],
  libvmaf: null,
};
const npm41: WorkerBuild = {
  path: '/n/ffmpeg',
  version: '4.1',
  encoders: ['libx264'],
  libvmaf: { version: null, models: ['vmaf_v0.6.1'], features: [] },
};
const v32: WorkerBuild = {
  path: '/t/ffmpeg',
  version: '7.1.5',
  encoders: ['libx264', 'libsvtav1'],
  libvmaf: {
    version: '3.2.0',
    models: ['vmaf_v0.6.1', 'vmaf_v0.6.1neg'],
    features: ['cambi', 'float_ms_ssim'],
  },
};

describe('canRun', () => {
  it('picks the first build that has every encoder the job uses', () => {
    expect(canRun({ name: 'a', builds: [npm41, debian] }, { encoders: ['libsvtav1'] })).toEqual({
      ok: true,
      build: debian,
    });
    expect(canRun({ name: 'a', builds: [npm41] }, { encoders: ['libsvtav1', 'libx265'] })).toEqual({
      ok: false,
      reasons: ['/n/ffmpeg: no libsvtav1, libx265'],
    });
  });

  it('matches libvmaf by version, models and features', () => {
    const scoring = {
      libvmaf: { minVersion: '2.0', models: ['vmaf_v0.6.1neg'], features: ['cambi'] },
    };
    expect(canRun({ name: 'b', builds: [debian, npm41, v32] }, scoring)).toEqual({
      ok: true,
      build: v32,
    });
    const verdict = canRun({ name: 'b', builds: [debian, npm41] }, scoring);
    expect(verdict).toEqual({
      ok: false,
      reasons: [
        '/usr/bin/ffmpeg: no libvmaf',
        '/n/ffmpeg: libvmaf 1.x is older than 2.0; no VMAF model vmaf_v0.6.1neg; libvmaf cannot compute cambi',
      ],
    });
    expect(canRun({ name: 'c', builds: [] }, {})).toEqual({
      ok: false,
      reasons: ['c has no working ffmpeg'],
    });
  });

  it('compares versions number by number', () => {
    expect(versionAtLeast('3.2.0', '3.2')).toBe(true);
    expect(versionAtLeast('10.0', '9.9')).toBe(true);
    expect(versionAtLeast('2.3.1', '3.0')).toBe(false);
  });

  it('names what a worker name may be', () => {
    expect(workerNameProblem('render-01.lan')).toBeNull();
    expect(workerNameProblem('-x')).toMatch(/cannot name a worker/);
    expect(workerNameProblem('a'.repeat(65))).toMatch(/1 to 64/);
  });
});
