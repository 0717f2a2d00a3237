/** Test helper: a stored score of one distorted file (no ffmpeg run), for store and freshness tests. */
import { poolAll } from '../../../shared/pooling';
import type { DistortedScore } from '../../../shared/score';

/**
 * A score of `perFrame` at `frameNumbers` (pooled with poolAll), 64×48 index-paired with no model
 * and no remarks; `o` replaces any field.
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
