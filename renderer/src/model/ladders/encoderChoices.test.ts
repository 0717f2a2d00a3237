import { describe, expect, it } from 'vitest';
import type { BinaryInfo, ToolchainReport } from '../../../../shared/toolchain';
import { availableEncoders, encoderChoices, unusableEncoders } from './encoderChoices';

const ffmpeg = (encoders: string[], error: string | null = null): BinaryInfo => ({
  kind: 'ffmpeg',
  path: '/x',
  source: 'path',
  version: '5.1',
  major: 5,
  encoders,
  filters: [],
  libvmaf: null,
  defects: [],
  error,
});

const report = (binaries: BinaryInfo[]): ToolchainReport => ({
  binaries,
  selected: { encode: null, score: null, probe: null, decode: null },
  modelDirs: [],
  reasons: [],
  modelFiles: [],
  advice: [],
});

describe('encoder choices', () => {
  it('unions the encoders of working builds only', () => {
    const found = availableEncoders(
      report([ffmpeg(['libx264']), ffmpeg(['libsvtav1']), ffmpeg(['libx265'], 'cannot run')]),
    );
    expect([...found!].sort()).toEqual(['libsvtav1', 'libx264']);
    expect(availableEncoders(null)).toBeNull();
  });

  it('lists software then hardware encoders, marked', () => {
    const choices = encoderChoices(new Set(['libx264', 'h264_nvenc']));
    expect(choices[0]).toMatchObject({ encoder: 'libx264', available: true, hardware: false });
    expect(choices.find((c) => c.encoder === 'libx265')!.available).toBe(false);
    expect(choices.find((c) => c.encoder === 'h264_nvenc')).toMatchObject({
      hardware: true,
      available: true,
    });
    expect(encoderChoices(null).every((c) => c.available === null)).toBe(true);
  });

  it('says why a hardware encoder compiled in cannot run here', () => {
    const reason = 'needs an NVIDIA GPU and its driver — none found';
    const r = report([
      { ...ffmpeg(['libx264']), unusableEncoders: [{ encoder: 'h264_nvenc', reason }] },
    ]);
    const choices = encoderChoices(availableEncoders(r), unusableEncoders(r));
    expect(choices.find((c) => c.encoder === 'h264_nvenc')).toMatchObject({
      available: false,
      why: reason,
    });
    expect(choices.find((c) => c.encoder === 'hevc_qsv')).toMatchObject({
      available: false,
      why: null,
    });
  });
});
