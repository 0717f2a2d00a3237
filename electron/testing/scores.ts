/** Test helper: a stored score of one distorted file (no ffmpeg run), for store and freshness tests. */
import { poolAll } from '../../shared/pooling';
import type { DistortedScore, ModelUsed } from '../../shared/score';

/**
 * A score of `perFrame` at `frameNumbers` (pooled with poolAll), 64×48 index-paired with no model,
 * no elementary features and no remarks; `o` replaces any field (`libvmafFeatures` for features).
 */
export function testScore(
  perFrame: DistortedScore['perFrame'],
  frameNumbers: number[],
  o: Partial<DistortedScore> = {},
): DistortedScore {
  return {
    distorted: 'x',
    frames: frameNumbers.length,
    frameNumbers,
    perFrame,
    metrics: poolAll(perFrame),
    libvmafFeatures: {},
    warnings: [],
    unavailable: [],
    preflight: [],
    fixes: [],
    alignment: {
      width: 64,
      height: 48,
      scaler: 'bicubic',
      pixFmt: 'yuv420p',
      vmafPixFmt: null,
      frameRate: '24/1',
      referenceTiming: 'index',
      distortedTiming: 'index',
      startFrame: 0,
      frames: null,
      subsample: 1,
      rangeConversion: null,
      matrixConversion: null,
    },
    model: null,
    command: ['ffmpeg'],
    ffmpeg: { path: 'ffmpeg', version: '7.1', libvmafApi: null, libvmafVersion: null },
    ...o,
  };
}

/** The VMAF v1 4K-at-3H built-in model as a score records it: its scale runs to 110. */
export const TEST_V1_MODEL: ModelUsed = {
  name: 'vmaf_v1.0.16_3d0h_2160',
  path: null,
  format: 'builtin',
  transform: false,
  reason: 'requested',
  maxScore: 110,
};

/**
 * A score with every series a libvmaf 3 + FFmpeg 7.1 run can give (VMAF v1 up to 110, PSNR, SSIM,
 * XPSNR, CAMBI) and elementary features, with the awkward values a store must keep: +∞ PSNR of an
 * identical frame, NaN, and values that are not short decimals.
 */
export function testFullScore(o: Partial<DistortedScore> = {}): DistortedScore {
  return testScore(
    {
      vmaf: [104.25, 97.5, 0.1 + 0.2],
      psnrY: [Infinity, 41.5, 38.25],
      psnr: [Infinity, 42.5, 39.25],
      xpsnr: [37.1508, 1 / 3, 35.5],
      xpsnrU: [38.7122, 38.5, 37.25],
      xpsnrV: [38.4645, 38.25, 37],
      cambi: [0, 3.75, Number.NaN],
    },
    [0, 1, 2],
    {
      model: TEST_V1_MODEL,
      libvmafFeatures: {
        integer_adm2: [0.987654321, 0.9, 0.5],
        integer_motion2: [0, 1.25, 0],
        'cambi_hrs_1080_cmxv_17_vlt_0.06': [Number.NaN, 2 / 7, 0.125],
      },
      ...o,
    },
  );
}
