import { describe, expect, it } from 'vitest';
import { parseRawSpec } from '../../../../shared/rawSpec';
import { guessRawSpec } from './rawGuess';

describe('guessRawSpec', () => {
  it('reads size and fps from common test-sequence names', () => {
    expect(guessRawSpec('CiscoVT2people_320x192_12fps.yuv')).toBe('320x192:yuv420p:12');
    expect(guessRawSpec('BasketballDrive_1920x1080_50.yuv')).toBe('1920x1080:yuv420p');
    expect(guessRawSpec('crowd_run_1280x720_50fps_yuv420p10le.yuv')).toBe(
      '1280x720:yuv420p10le:50',
    );
  });

  it('gives nothing without a size, and every guess parses', () => {
    expect(guessRawSpec('clip.yuv')).toBeNull();
    const g = guessRawSpec('CiscoVT2people_160x96_6fps.yuv')!;
    expect(parseRawSpec(g)).toMatchObject({ ok: true, spec: { width: 160, height: 96, fps: 6 } });
  });
});
