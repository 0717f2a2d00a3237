import { describe, expect, it } from 'vitest';
import { scoreText, shareText } from './seriesInfo';

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
