import { describe, expect, it } from 'vitest';
import {
  frameCountText,
  hdrLabel,
  rationalRateText,
  resolutionText,
  rotationText,
  sampleRateText,
} from './mediaText';

describe('media text', () => {
  it('formats sizes, rotation and rates', () => {
    expect(resolutionText({ width: 1280, height: 720 })).toBe('1280×720');
    expect(rotationText(0)).toBeNull();
    expect(rotationText(90)).toBe('rotated 90°');
    expect(rationalRateText('30000/1001')).toBe('30000/1001 (29.97)');
    expect(rationalRateText('25/1')).toBe('25/1 (25)');
    expect(rationalRateText('0/0')).toBeNull();
    expect(rationalRateText(null)).toBeNull();
  });

  it('labels HDR and frame counts', () => {
    expect(hdrLabel('pq')).toBe('PQ');
    expect(hdrLabel('hlg')).toBe('HLG');
    expect(hdrLabel(null)).toBeNull();
    expect(frameCountText({ frameCount: 1320, frameCountSource: 'counted' })).toBe(
      '1,320 (counted)',
    );
    expect(frameCountText({ frameCount: null, frameCountSource: null })).toBeNull();
    expect(sampleRateText(44100)).toBe('44.1 kHz');
  });
});
