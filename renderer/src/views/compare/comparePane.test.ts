import { describe, expect, it } from 'vitest';
import { frameFileName, scoresText } from './comparePane';

describe('scoresText', () => {
  it('shows the run metrics of a frame, Y series first', () => {
    expect(scoresText({ vmaf: 93.123, psnrY: 38.4, psnr: 40, ssimY: 0.98123 })).toBe(
      'VMAF 93.12 · PSNR 38.40 dB · SSIM 0.9812',
    );
    expect(scoresText({ psnr: 41 })).toBe('PSNR 41.00 dB');
  });
  it('says ∞ for identical frames’ PSNR and nothing without scores', () => {
    expect(scoresText({ psnrY: null })).toBe('PSNR ∞');
    expect(scoresText({ vmaf: null })).toBe('VMAF —');
    expect(scoresText({})).toBeNull();
    expect(scoresText(null)).toBeNull();
  });
});

describe('frameFileName', () => {
  it('names a pane’s frame PNG after its label', () => {
    expect(frameFileName('720p', 42)).toBe('720p-frame42.png');
    expect(frameFileName('carphone pristine.mp4', 0)).toBe('carphone_pristine-frame0.png');
    expect(frameFileName('../../x', 3)).toBe('x-frame3.png');
    expect(frameFileName('///', 3)).toBe('frame-frame3.png');
  });
});
