import { describe, expect, it } from 'vitest';
import type { BinaryInfo } from '../../../shared/toolchain';
import { NO_FFPROBE_ADVICE, NO_LIBVMAF_ADVICE, adviceFor } from './advice';
import { selectBinaries } from './select';

const ALL5 = ['libx264', 'libx265', 'libsvtav1', 'libaom-av1', 'libvpx-vp9'];

function bin(p: Partial<BinaryInfo> & { path: string }): BinaryInfo {
  return {
    kind: 'ffmpeg',
    source: 'path',
    version: null,
    major: null,
    encoders: [],
    filters: ['psnr', 'ssim', 'scale'],
    libvmaf: null,
    defects: [],
    error: null,
    ...p,
  };
}

const debian = bin({ path: '/usr/bin/ffmpeg', major: 5, version: '5.1.9', encoders: ALL5 });
const installer = bin({
  path: '/nm/@ffmpeg-installer/ffmpeg',
  source: '@ffmpeg-installer',
  major: 4,
  encoders: ['libx264', 'libx265', 'libaom-av1', 'libvpx-vp9'],
  filters: ['libvmaf', 'psnr', 'ssim'],
  libvmaf: { api: 1, models: [] },
});
const probe5 = bin({ kind: 'ffprobe', path: '/usr/bin/ffprobe', major: 5, filters: [] });
const probe6 = bin({
  kind: 'ffprobe',
  path: '/nm/@ffprobe-installer/ffprobe',
  source: '@ffprobe-installer',
  major: 6,
  filters: [],
});

describe('selectBinaries', () => {
  it('splits encoding and scoring between two builds', () => {
    expect(selectBinaries([installer, debian, probe5, probe6])).toEqual({
      encode: '/usr/bin/ffmpeg',
      score: '/nm/@ffmpeg-installer/ffmpeg',
      probe: '/nm/@ffprobe-installer/ffprobe',
      decode: '/usr/bin/ffmpeg',
    });
  });

  it('breaks encoder ties by major, then by candidate order', () => {
    const a = bin({ path: '/a', major: 6, encoders: ['libx264'] });
    const b = bin({ path: '/b', major: 7, encoders: ['libx264'] });
    const c = bin({ path: '/c', major: 7, encoders: ['libx264', 'mpeg4'] });
    expect(selectBinaries([a, b, c]).encode).toBe('/b');
    expect(selectBinaries([a, c, b]).encode).toBe('/c');
  });

  it('prefers libvmaf api 2, then the higher major, for scoring', () => {
    const v1 = bin({ path: '/v1', major: 7, libvmaf: { api: 1, models: [] } });
    const v2old = bin({ path: '/v2old', major: 5, libvmaf: { api: 2, models: [] } });
    const v2new = bin({ path: '/v2new', major: 7, libvmaf: { api: 2, models: [] } });
    expect(selectBinaries([v1, v2old]).score).toBe('/v2old');
    expect(selectBinaries([v1, v2old, v2new]).score).toBe('/v2new');
  });

  it('scores with psnr+ssim when nothing has libvmaf, and gives null when nothing works', () => {
    const noSsim = bin({ path: '/x', major: 7, filters: ['psnr'] });
    expect(selectBinaries([noSsim, debian]).score).toBe('/usr/bin/ffmpeg');
    expect(selectBinaries([bin({ path: '/broken', error: 'boom' })])).toEqual({
      encode: null,
      score: null,
      probe: null,
      decode: null,
    });
  });

  it('lets an explicit choice win every task it can do', () => {
    const env = bin({ path: '/env/ffmpeg', source: 'env', major: 4, encoders: ['libx264'] });
    const sel = selectBinaries([env, installer, debian]);
    expect(sel.encode).toBe('/env/ffmpeg');
    expect(sel.decode).toBe('/env/ffmpeg');
    // ...but not scoring, when that would lose VMAF.
    expect(sel.score).toBe('/nm/@ffmpeg-installer/ffmpeg');
    // Without any libvmaf on the machine it scores too.
    expect(selectBinaries([env, debian]).score).toBe('/env/ffmpeg');
    // An explicit build with libvmaf scores even when another has a newer libvmaf.
    const envVmaf = bin({ ...installer, path: '/set/ffmpeg', source: 'setting' });
    const v2 = bin({ path: '/v2', major: 7, libvmaf: { api: 2, models: [] } });
    expect(selectBinaries([envVmaf, v2]).score).toBe('/set/ffmpeg');
    const envProbe = bin({ kind: 'ffprobe', path: '/env/ffprobe', source: 'env', major: 3 });
    expect(selectBinaries([envProbe, probe6]).probe).toBe('/env/ffprobe');
  });

  it('ignores an explicit choice that does not work', () => {
    const env = bin({ path: '/missing', source: 'env', error: 'VQ_FFMPEG points to /missing' });
    expect(selectBinaries([env, debian]).encode).toBe('/usr/bin/ffmpeg');
  });
});

describe('adviceFor', () => {
  it('says how to get libvmaf and ffprobe when they are missing', () => {
    const selected = selectBinaries([debian]);
    const advice = adviceFor({ binaries: [debian], selected, modelAdvice: [] });
    expect(advice).toContain(NO_LIBVMAF_ADVICE);
    expect(advice).toContain(NO_FFPROBE_ADVICE);
  });

  it('asks for .pkl models for a libvmaf 1.x build without them', () => {
    const binaries = [installer, debian, probe5];
    const advice = adviceFor({ binaries, selected: selectBinaries(binaries), modelAdvice: [] });
    expect(advice.join('\n')).toMatch(
      /VQ_VMAF_MODEL_DIR to a folder with vmaf_v0\.6\.1\.pkl and vmaf_v0\.6\.1\.pkl\.model/,
    );
    expect(advice).not.toContain(NO_LIBVMAF_ADVICE);
  });

  it('names a libvmaf filter whose API could not be told', () => {
    const odd = bin({
      path: '/odd',
      major: 6,
      filters: ['libvmaf', 'psnr', 'ssim'],
      encoders: ALL5,
    });
    const binaries = [odd, probe5];
    const advice = adviceFor({ binaries, selected: selectBinaries(binaries), modelAdvice: [] });
    expect(advice).toContain(NO_LIBVMAF_ADVICE);
    expect(advice.join('\n')).toMatch(/^\/odd has a libvmaf filter whose options/m);
  });

  it('names a broken explicit path and a missing encoder', () => {
    const env = bin({
      path: '/missing',
      source: 'env',
      error: 'VQ_FFMPEG points to /missing, which does not exist.',
    });
    const binaries = [env, installer, probe5];
    const advice = adviceFor({ binaries, selected: selectBinaries(binaries), modelAdvice: [] });
    expect(advice[0]).toMatch(/^VQ_FFMPEG points to \/missing.*Fix or clear VQ_FFMPEG/);
    expect(advice.join('\n')).toMatch(
      /No ffmpeg found has libsvtav1, so presets using it cannot run/,
    );
  });
});
