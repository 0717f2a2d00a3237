import { describe, expect, it } from 'vitest';
import {
  axisLabel,
  lowerIsBetter,
  scoreText,
  seriesBounds,
  SERIES_INFO,
  shareText,
  vmafMaxScoreOf,
} from './seriesInfo';

describe('scoreText', () => {
  it('prints each series with its precision', () => {
    expect(scoreText('vmaf', 15.642656)).toBe('15.64');
    expect(scoreText('psnrY', 41.0612, true)).toBe('41.06 dB');
    expect(scoreText('psnrY', 41.0612)).toBe('41.06');
    expect(scoreText('ssim', 0.987654)).toBe('0.9877');
    expect(scoreText('msSsim', 1)).toBe('1.0000');
  });

  it('prints infinity and missing values plainly', () => {
    expect(scoreText('psnr', Infinity, true)).toBe('∞ dB');
    expect(scoreText('vmaf', null)).toBe('–');
    expect(scoreText('vmaf', undefined)).toBe('–');
    expect(scoreText('vmaf', Number.NaN)).toBe('–');
  });
});

describe('shareText', () => {
  it('prints a share as a percentage', () => {
    expect(shareText(0)).toBe('0%');
    expect(shareText(1)).toBe('100%');
    expect(shareText(0.125)).toBe('12.5%');
    expect(shareText(null)).toBe('–');
  });
});

describe('new series: XPSNR and CAMBI', () => {
  it('prints XPSNR in dB and CAMBI plainly, and says CAMBI is lower-is-better', () => {
    expect(scoreText('xpsnr', 37.1508, true)).toBe('37.15 dB');
    expect(scoreText('xpsnrV', 38.4645)).toBe('38.46');
    expect(scoreText('cambi', 0.4567)).toBe('0.46');
    expect(lowerIsBetter('cambi')).toBe(true);
    expect(lowerIsBetter('vmaf')).toBe(false);
    expect(SERIES_INFO.cambi.description).toMatch(/Lower is better/);
    expect(axisLabel('cambi')).toBe('CAMBI (lower is better)');
    expect(axisLabel('xpsnr')).toBe('XPSNR-Y (dB)');
  });

  it("charts VMAF against 0–110 when a result's model tops out at 110 (4K VMAF v1)", () => {
    expect(seriesBounds('vmaf')).toEqual({ floor: 0, ceiling: 100, full: true });
    const v1 = vmafMaxScoreOf([{ model: { maxScore: 110 } }, { model: null }]);
    expect(v1).toBe(110);
    expect(seriesBounds('vmaf', v1)).toEqual({ floor: 0, ceiling: 110, full: true });
    expect(vmafMaxScoreOf([{ model: {} }, { model: null }])).toBe(100);
    expect(seriesBounds('cambi', 110)).toEqual({ floor: 0, ceiling: 24 });
  });
});
