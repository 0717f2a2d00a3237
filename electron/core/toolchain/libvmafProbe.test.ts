// The doctor's one-frame libvmaf probe runs every built-in it asks about, the VMAF v1 models
// included: its frame is one each of them can score (a smaller one would crash ffmpeg and hide
// every model behind the one-at-a-time fallback).
import { describe, expect, it } from 'vitest';
import { VMAF_V1_MODELS } from '../../../shared/score';
import { cambiSizeProblem } from '../scoreEngine/cambiSize';
import { V1_CAMBI_HIGH_RES_SPEEDUP, fitsV1MinimumSize, v1MinimumSize } from '../scoreEngine/vmafV1';
import { BUILTIN_MODEL_CANDIDATES, PROBE_FRAME_SIZE, probeFilter } from './libvmafProbe';

describe('the libvmaf probe and the VMAF v1 models', () => {
  it('asks about every v1 model by name', () => {
    expect(BUILTIN_MODEL_CANDIDATES).toEqual(expect.arrayContaining([...VMAF_V1_MODELS]));
    const filter = probeFilter(VMAF_V1_MODELS, [], '/tmp/log.json');
    for (const m of VMAF_V1_MODELS) expect(filter).toContain(`version=${m}\\\\:name=${m}`);
  });

  it('its frame is large enough for every v1 model (4:2:0)', () => {
    const { width, height } = PROBE_FRAME_SIZE;
    for (const m of VMAF_V1_MODELS) {
      expect(fitsV1MinimumSize({ width, height }, v1MinimumSize(m, 'yuv420p')!), m).toBe(true);
    }
    expect(cambiSizeProblem(width, height, V1_CAMBI_HIGH_RES_SPEEDUP)).toBeNull();
  });
});
