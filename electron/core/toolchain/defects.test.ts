import { describe, expect, it } from 'vitest';
import { defectsFor } from './defects';

const ids = (major: number | null, libvmafApi: 1 | 2 | null): string[] =>
  defectsFor({ major, libvmafApi }).map((d) => d.id);

describe('defectsFor', () => {
  it('flags all three on an ffmpeg 4 build with libvmaf 1.x', () => {
    expect(ids(4, 1)).toEqual(['libvmaf-10bit', 'libvmaf-neg-ignored', 'libvmaf-msssim-min-size']);
  });

  it('flags nothing without libvmaf or on ffmpeg 5.1+ with libvmaf 2', () => {
    expect(ids(4, null)).toEqual([]);
    expect(ids(null, null)).toEqual([]);
    expect(ids(5, 2)).toEqual([]);
    expect(ids(7, 2)).toEqual([]);
  });

  it('keeps the libvmaf 1.x defects on ffmpeg 5.0 but not the 4.x 10-bit one', () => {
    expect(ids(5, 1)).toEqual(['libvmaf-neg-ignored', 'libvmaf-msssim-min-size']);
  });

  it('assumes the 10-bit defect for a libvmaf 1.x build of unknown version', () => {
    expect(ids(null, 1)).toContain('libvmaf-10bit');
  });

  it('gives a message and an issue link for each', () => {
    for (const d of defectsFor({ major: 4, libvmafApi: 1 })) {
      expect(d.message.length).toBeGreaterThan(40);
      expect(d.reference).toMatch(/^https:\/\/github\.com\/Netflix\/vmaf\/issues\/\d+$/);
    }
    const tenBit = defectsFor({ major: 4, libvmafApi: 1 })[0];
    expect(tenBit?.reference).toBe('https://github.com/Netflix/vmaf/issues/211');
    expect(tenBit?.message).toContain('12.04 dB');
  });
});
