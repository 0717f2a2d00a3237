import { describe, expect, it } from 'vitest';
import { frameFileName, loadingText, scoresText } from './comparePane';

describe('scoresText', () => {
  it('shows the run metrics of a frame, Y series first', () => {
    expect(scoresText({ vmaf: 93.123, psnrY: 38.4, psnr: 40, ssimY: 0.98123 })).toBe(
      'VMAF 93.12 · PSNR 38.40 dB · SSIM 0.9812',
    );
    expect(scoresText({ psnr: 41 })).toBe('PSNR 41.00 dB');
  });
  it('names the luma XPSNR as such, and CAMBI, only when they were scored', () => {
    expect(scoresText({ vmaf: 90, xpsnr: 37.15, xpsnrU: 38.7, cambi: 0.25 })).toBe(
      'VMAF 90.00 · XPSNR-Y 37.15 dB · CAMBI 0.25',
    );
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

describe('loadingText', () => {
  const scaled = '/media/frame/r1?index=7&width=320&height=180';
  const native = '/media/frame/r1?index=7';
  it('is quiet when the pane holds the wanted picture of the frame', () => {
    expect(loadingText({ url: scaled, frame: 7, exact: true }, scaled, 7, false)).toBeNull();
    // While playing, playback's picture of the frame is what is wanted.
    expect(loadingText({ url: scaled, frame: 7, exact: false }, scaled, 7, true)).toBeNull();
  });
  it('names the exact frame still on its way after playback', () => {
    expect(loadingText({ url: scaled, frame: 7, exact: false }, scaled, 7, false)).toBe(
      'Loading exact frame 7…',
    );
  });
  it('does not take another picture of the same frame for the wanted one', () => {
    // Zoomed past 100 %: the scaled picture of frame 7 is still drawn, the native one is wanted.
    expect(loadingText({ url: scaled, frame: 7, exact: true }, native, 7, false)).toBe(
      'Loading frame 7…',
    );
    // Another B chosen in wipe or flicker: the old pane's frame 7 is not the new one's.
    const other = '/media/frame/r2?index=7&width=320&height=180';
    expect(loadingText({ url: scaled, frame: 7, exact: true }, other, 7, false)).toBe(
      'Loading frame 7…',
    );
  });
  it('says which frame it still shows, or that it shows none yet', () => {
    expect(loadingText({ url: '/f?index=3', frame: 3, exact: true }, scaled, 7, false)).toBe(
      'Loading frame 7… (showing 3)',
    );
    expect(loadingText(null, scaled, 7, false)).toBe('Loading frame 7…');
  });
});
