import { describe, expect, it } from 'vitest';
import { parseFixArg, parseMetricsArg, parseScaleArg } from './cliArgs';

describe('vq score flags', () => {
  it('--metrics', () => {
    expect(parseMetricsArg('vmaf,PSNR, ms-ssim,vmaf')).toEqual({
      ok: true,
      value: ['vmaf', 'psnr', 'ms_ssim'],
    });
    expect(parseMetricsArg('CAMBI,xpsnr,psnr')).toEqual({
      ok: true,
      value: ['cambi', 'xpsnr', 'psnr'],
    });
    expect(parseMetricsArg('vmaf,vif')).toEqual({
      ok: false,
      message: 'unknown metric "vif" (use vmaf, psnr, ssim, ms_ssim, cambi, xpsnr)',
    });
    expect(parseMetricsArg(' , ')).toEqual({ ok: false, message: 'no metric given' });
  });

  it('--scale', () => {
    expect(parseScaleArg('auto')).toEqual({ ok: true, value: 'auto' });
    expect(parseScaleArg('1920x1080')).toEqual({ ok: true, value: { width: 1920, height: 1080 } });
    expect(parseScaleArg('1920:1080').ok).toBe(false);
    expect(parseScaleArg('8x8').ok).toBe(false);
  });

  it('--fix', () => {
    expect(parseFixArg('trim-to-shortest')).toEqual({ ok: true, value: 'trim-to-shortest' });
    expect(parseFixArg('shorten').ok).toBe(false);
  });
});
