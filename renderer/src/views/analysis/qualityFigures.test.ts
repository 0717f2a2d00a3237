import { describe, expect, it } from 'vitest';
import type { RdRendition } from '../../../../shared/analysis';
import { figureBounds, figureInfo, mixedVmafModels } from './qualityFigures';

type Point = Pick<RdRendition, 'vmafModel' | 'cambiModel' | 'metrics'>;

function point(vmafModel: RdRendition['vmafModel'], vmafMean: number | null = 90): Point {
  return {
    vmafModel,
    metrics: {
      vmafMean,
      vmafHmean: vmafMean,
      vmafP5: vmafMean,
      psnr: 40,
      psnrY: 41,
      ssim: 0.98,
      msSsim: null,
      xpsnr: null,
      cambi: 0.5,
    },
  };
}

const v061 = { name: 'vmaf_v0.6.1', maxScore: 100 };

describe('mixedVmafModels', () => {
  it('is null for one model, and for figures that are not VMAF', () => {
    expect(mixedVmafModels('vmafMean', [point(v061), point(v061)])).toBeNull();
    expect(mixedVmafModels('psnr', [point(v061), point({ ...v061, transform: true })])).toBeNull();
  });

  it('names different models', () => {
    const v1 = { name: 'vmaf_v1.0.16_3d0h_2160', maxScore: 110 };
    expect(mixedVmafModels('vmafMean', [point(v1), point(v061)])).toContain(
      'vmaf_v0.6.1, vmaf_v1.0.16_3d0h_2160',
    );
  });

  it('tells the phone transform from the same model without it', () => {
    const phone = { ...v061, transform: true };
    expect(mixedVmafModels('vmafP5', [point(phone), point(v061)])).toContain(
      'vmaf_v0.6.1, vmaf_v0.6.1 (phone transform)',
    );
    expect(mixedVmafModels('vmafMean', [point(phone), point(phone)])).toBeNull();
    // transform: false and no transform field (data stored before it) are the same model.
    expect(
      mixedVmafModels('vmafMean', [point({ ...v061, transform: false }), point(v061)]),
    ).toBeNull();
  });

  it('leaves out points without that figure', () => {
    const phone = { ...v061, transform: true };
    expect(mixedVmafModels('vmafMean', [point(phone, null), point(v061)])).toBeNull();
  });

  it('CAMBI: tells a VMAF v1 run (10-bit frames) from other runs, whatever their model', () => {
    const cambiOf = (cambiModel: string): Point => ({ ...point(v061), cambiModel });
    expect(
      mixedVmafModels('cambi', [cambiOf('vmaf_v0.6.1'), cambiOf('vmaf_v0.6.1neg')]),
    ).toBeNull();
    expect(
      mixedVmafModels('cambi', [cambiOf('vmaf_v1.0.16_3d0h'), cambiOf('vmaf_v1.0.16_5d0h')]),
    ).toBeNull();
    expect(
      mixedVmafModels('cambi', [cambiOf('vmaf_v1.0.16_3d0h'), cambiOf('vmaf_v0.6.1')]),
    ).toMatch(/VMAF v1 model.*10-bit/);
  });
});

describe('figureInfo', () => {
  it('names CAMBI plainly and says "lower is better" only in its title', () => {
    expect(figureInfo('cambi')).toMatchObject({
      label: 'CAMBI',
      title: 'CAMBI (lower is better)',
      direction: 'lower',
    });
    expect(figureInfo('vmafMean')).toMatchObject({
      label: 'VMAF (mean)',
      title: 'VMAF (mean)',
      direction: 'higher',
    });
  });

  it('reads VMAF to 110 when a model tops out there', () => {
    expect(figureBounds('vmafMean', [point({ name: 'x', maxScore: 110 })]).ceiling).toBe(110);
    expect(figureBounds('vmafMean', [point(v061)]).ceiling).toBe(100);
    expect(figureBounds('cambi', [point({ name: 'x', maxScore: 110 })])).toEqual({
      floor: 0,
      ceiling: 24,
    });
  });
});
