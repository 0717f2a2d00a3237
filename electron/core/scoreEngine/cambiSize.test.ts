// CAMBI's size limits as a pure function; the edges are the ones real runs on libvmaf 3.2.0 show
// (score.v1.test.ts runs some of them with the VMAF v1 models).
import { describe, expect, it } from 'vitest';
import { CAMBI_MIN_SIZE, cambiSizeProblem } from './cambiSize';

describe('CAMBI size limits (libvmaf 3.2.0)', () => {
  it('one side of at least 216 pixels', () => {
    expect(CAMBI_MIN_SIZE).toBe(216);
    expect(cambiSizeProblem(216, 216)).toBeNull();
    expect(cambiSizeProblem(216, 121)).toBeNull();
    expect(cambiSizeProblem(162, 216)).toBeNull();
    expect(cambiSizeProblem(215, 215)).toBe('CAMBI needs at least 216 pixels in one direction');
  });

  it('the window must fit the smallest of the five scales (very wide or tall pictures)', () => {
    expect(cambiSizeProblem(1600, 160)).toBeNull();
    expect(cambiSizeProblem(1920, 160)).toBe(
      "CAMBI's 23-pixel window does not fit the 120x10 smallest of its five scales " +
        '(libvmaf would crash or read outside the picture)',
    );
    expect(cambiSizeProblem(160, 1920)).not.toBeNull();
    expect(cambiSizeProblem(2560, 220)).not.toBeNull();
    expect(cambiSizeProblem(1920, 1080)).toBeNull();
  });

  it('high_res_speedup 1080 (v1 models): half the window, a picture halved once more', () => {
    // Below 1920x1080 pixels the speedup is off: the plain rule.
    expect(cambiSizeProblem(1920, 160, 1080)).toEqual(cambiSizeProblem(1920, 160));
    // Above it, edges measured with vmaf_v1.0.16_3d0h.
    expect(cambiSizeProblem(4800, 430, 1080)).not.toBeNull();
    expect(cambiSizeProblem(4800, 432, 1080)).toBeNull();
    expect(cambiSizeProblem(5120, 448, 1080)).not.toBeNull();
    expect(cambiSizeProblem(5120, 450, 1080)).toBeNull();
    // 4864x432: CAMBI alone aborts, inside a v1 model (speedup) it runs.
    expect(cambiSizeProblem(4864, 432)).not.toBeNull();
    expect(cambiSizeProblem(4864, 432, 1080)).toBeNull();
    // 2160 speedup starts at 3840x2160 pixels.
    expect(cambiSizeProblem(4864, 432, 2160)).toEqual(cambiSizeProblem(4864, 432));
  });
});
