import { describe, expect, it } from 'vitest';
import type { BinaryInfo, ToolchainReport } from '../../../shared/toolchain';
import { chooseEncodeBinary } from './chooseBinary';

function bin(p: Partial<BinaryInfo> & { path: string; encoders: string[] }): BinaryInfo {
  return { kind: 'ffmpeg', source: 'path', version: '5.1', major: 5, filters: [], libvmaf: null, defects: [], error: null, ...p };
}

function report(binaries: BinaryInfo[], encode: string | null): ToolchainReport {
  return { binaries, selected: { encode, score: null, probe: null, decode: encode }, modelDirs: [], modelFiles: [], advice: [], reasons: [] };
}

// The shape of this machine: Debian's ffmpeg has SVT-AV1, the npm build does not.
const debian = bin({ path: '/usr/bin/ffmpeg', encoders: ['libx264', 'libx265', 'libsvtav1', 'libvpx-vp9'] });
const npm = bin({ path: '/nm/ffmpeg', source: '@ffmpeg-installer', version: 'N-1', encoders: ['libx264', 'libx265', 'libvpx-vp9'] });

describe('chooseEncodeBinary', () => {
  it('prefers the toolchain’s encode choice when it has every encoder', () => {
    expect(chooseEncodeBinary(report([npm, debian], '/nm/ffmpeg'), ['libx264'])).toBe('/nm/ffmpeg');
  });

  it('falls back to another build for an encoder the chosen one lacks', () => {
    expect(chooseEncodeBinary(report([npm, debian], '/nm/ffmpeg'), ['libsvtav1'])).toBe('/usr/bin/ffmpeg');
  });

  it('respects an explicit choice and says which build has the encoder', () => {
    const mine = { ...npm, source: 'env' as const };
    expect(() => chooseEncodeBinary(report([mine, debian], '/nm/ffmpeg'), ['libsvtav1'])).toThrow(
      /The ffmpeg you chose \(\/nm\/ffmpeg\) has no libsvtav1 encoder: libsvtav1 is in \/usr\/bin\/ffmpeg \(5\.1\)/,
    );
  });

  it('refuses an encoder no build has, listing the builds found', () => {
    try {
      chooseEncodeBinary(report([npm, debian], '/usr/bin/ffmpeg'), ['h264_videotoolbox']);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'UNSUPPORTED' });
      expect((err as Error).message).toMatch(/no ffmpeg on this machine has h264_videotoolbox; ffmpeg builds found: \/nm\/ffmpeg \(N-1\), \/usr\/bin\/ffmpeg \(5\.1\)/);
    }
  });

  it('names the missing hardware for an encoder compiled in but failing its test encode', () => {
    const noGpu = { ...debian, unusableEncoders: [{ encoder: 'h264_nvenc', reason: 'needs an NVIDIA GPU and its driver — none found' }] };
    expect(() => chooseEncodeBinary(report([npm, noGpu], '/usr/bin/ffmpeg'), ['h264_nvenc'])).toThrow(
      /^h264_nvenc cannot run here: needs an NVIDIA GPU and its driver — none found\.$/,
    );
  });

  it('prefers a build that also has the filters asked for (zscale to tone-map), else the encoders decide', () => {
    const v7 = bin({ path: '/v7/ffmpeg', major: 7, encoders: ['libx264', 'libx265'], filters: ['libvmaf'] });
    const zimg = { ...debian, filters: ['zscale'] };
    expect(chooseEncodeBinary(report([v7, zimg], '/v7/ffmpeg'), ['libx264'])).toBe('/v7/ffmpeg');
    expect(chooseEncodeBinary(report([v7, zimg], '/v7/ffmpeg'), ['libx264'], ['zscale'])).toBe('/usr/bin/ffmpeg');
    // None has it: the selected build, and the caller refuses the missing filter.
    expect(chooseEncodeBinary(report([v7, debian], '/v7/ffmpeg'), ['libx264'], ['zscale'])).toBe('/v7/ffmpeg');
    // An explicit choice is respected.
    const mine = { ...v7, source: 'env' as const };
    expect(chooseEncodeBinary(report([mine, zimg], '/v7/ffmpeg'), ['libx264'], ['zscale'])).toBe('/v7/ffmpeg');
  });

  it('ignores builds that failed to probe', () => {
    const broken = { ...debian, error: 'crashed' };
    expect(() => chooseEncodeBinary(report([npm, broken], '/nm/ffmpeg'), ['libsvtav1'])).toThrow(/no ffmpeg on this machine has libsvtav1/);
  });
});
