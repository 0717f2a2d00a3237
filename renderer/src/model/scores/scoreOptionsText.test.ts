import { describe, expect, it } from 'vitest';
import { everyNth, metricsText, modelText, rangeText, scaleText } from './scoreOptionsText';

describe('score option texts', () => {
  it("lists metrics in display order, the engine's default four when none are named", () => {
    expect(metricsText(['ssim', 'vmaf'])).toBe('VMAF, SSIM');
    expect(metricsText(['xpsnr', 'cambi', 'vmaf'])).toBe('VMAF, CAMBI, XPSNR');
    expect(metricsText(undefined)).toBe('VMAF, PSNR, SSIM, MS-SSIM');
  });

  it('names the model', () => {
    expect(modelText(undefined)).toMatch(/^automatic/);
    expect(modelText({ variant: 'default', size: '4k' })).toBe('v0.6.1 4K');
    expect(modelText({ variant: 'neg', size: 'auto' })).toBe('NEG');
    expect(modelText({ path: '/m/x.json', transform: true })).toBe(
      'file /m/x.json (with transform)',
    );
    expect(modelText({ name: 'vmaf_v1.0.16_3d0h' })).toBe('vmaf_v1.0.16_3d0h (VMAF v1)');
    expect(modelText({ name: 'vmaf_4k_v0.6.1neg' })).toBe('vmaf_4k_v0.6.1neg');
  });

  it('names the size and the frame range', () => {
    expect(scaleText('auto')).toBe("the reference's size");
    expect(scaleText({ width: 1920, height: 1080 })).toBe('1920×1080');
    expect(rangeText({})).toBeNull();
    expect(rangeText({ startSeconds: 2, frames: 48, subsample: 2 })).toBe(
      'from 2 s, 48 frames, every 2nd frame',
    );
    expect(rangeText({ subsample: 12 })).toBe('every 12th frame');
    expect(everyNth(1)).toBe('every frame');
    expect(everyNth(21)).toBe('every 21st frame');
    expect(everyNth(3)).toBe('every 3rd frame');
    expect(everyNth(111)).toBe('every 111th frame');
  });
});
