import { describe, expect, it } from 'vitest';
import type { BinaryInfo, ToolchainReport } from '../../../../shared/toolchain';
import { isUsable, scoringModels, scoringSupport } from './scoringBuild';

function ffmpeg(over: Partial<BinaryInfo>): BinaryInfo {
  return {
    kind: 'ffmpeg',
    path: '/opt/ffmpeg',
    source: 'path',
    version: '7.1.5',
    major: 7,
    encoders: [],
    filters: ['libvmaf', 'psnr', 'ssim', 'xpsnr'],
    libvmaf: {
      api: 2,
      version: '3.2.0',
      features: ['adm', 'motion', 'vif', 'cambi', 'float_ms_ssim'],
      models: [
        { name: 'vmaf_v0.6.1', path: null, format: 'builtin', from: 'built-in' },
        { name: 'vmaf_v1.0.16_3d0h', path: null, format: 'builtin', from: 'built-in' },
      ],
    },
    defects: [],
    error: null,
    ...over,
  };
}

function report(binaries: BinaryInfo[], score: string | null): ToolchainReport {
  return {
    binaries,
    selected: { encode: null, score, probe: null, decode: null },
    modelDirs: [],
    modelFiles: [],
    advice: [],
    reasons: binaries.map(() => []),
  };
}

describe('scoringSupport', () => {
  it('judges the build the report selects for scoring, not another one', () => {
    const v3 = ffmpeg({});
    const old = ffmpeg({
      path: '/usr/bin/ffmpeg',
      version: '4.1',
      major: 4,
      filters: ['libvmaf', 'psnr', 'ssim'],
      libvmaf: { api: 1, models: [] },
    });
    const onV3 = scoringSupport(report([old, v3], '/opt/ffmpeg'))!;
    expect(Object.values(onV3).every((s) => s.ok)).toBe(true);
    const onOld = scoringSupport(report([old, v3], '/usr/bin/ffmpeg'))!;
    expect(onOld.vmaf).toEqual({ ok: true });
    expect(onOld.cambi).toMatchObject({ ok: false, reason: expect.stringMatching(/libvmaf 1\.x/) });
    expect(onOld.xpsnr).toMatchObject({ ok: false, reason: expect.stringMatching(/xpsnr filter/) });
    expect(isUsable(onOld, 'xpsnr')).toBe(false);
    expect(isUsable(onOld, 'psnr')).toBe(true);
  });

  it('marks nothing unavailable while the report is not known, everything when no build scores', () => {
    expect(scoringSupport(null)).toBeNull();
    expect(isUsable(null, 'cambi')).toBe(true);
    const none = scoringSupport(report([], null))!;
    expect(none.psnr).toMatchObject({ ok: false });
  });
});

describe('scoringModels', () => {
  it("lists a libvmaf 2+ build's models, none for libvmaf 1.x or no report", () => {
    expect(scoringModels(report([ffmpeg({})], '/opt/ffmpeg')).map((m) => m.name)).toEqual([
      'vmaf_v0.6.1',
      'vmaf_v1.0.16_3d0h',
    ]);
    const v1 = ffmpeg({
      libvmaf: {
        api: 1,
        models: [{ name: 'vmaf_v0.6.1', path: '/m/x.pkl', format: 'pkl', from: '/m' }],
      },
    });
    expect(scoringModels(report([v1], '/opt/ffmpeg'))).toEqual([]);
    expect(scoringModels(null)).toEqual([]);
  });
});
