import { describe, expect, it } from 'vitest';
import { featureAxis, featureGroups, featureLabel } from './featureGroups';

// The keys libvmaf 3.2 logs with vmaf_v0.6.1 and CAMBI (score.vmaf3.test.ts checks them against ffmpeg),
// plus NEG's and a v1 model's extras and the scores that are series of their own.
const keys = [
  'integer_vif_scale1',
  'integer_adm_scale0',
  'integer_motion2',
  'integer_adm2',
  'integer_vif_scale0',
  'integer_motion',
  'integer_adm2_egl_1',
  'integer_aim',
  'integer_adm3',
  'VMAF_integer_feature_motion_sad_score',
  'integer_motion3',
  'integer_vif_scale3',
  'integer_vif_scale2',
  'speed_chroma_u',
  'cambi',
  'float_ms_ssim',
  'vmaf',
];
const features = Object.fromEntries(keys.map((k) => [k, [0.5, null]]));

describe('featureGroups', () => {
  it('groups ADM, VIF and motion, the model input first, and leaves the series out', () => {
    const groups = featureGroups(features);
    expect(groups.map((g) => [g.id, g.keys])).toEqual([
      [
        'adm',
        ['integer_adm2', 'integer_adm2_egl_1', 'integer_adm3', 'integer_adm_scale0', 'integer_aim'],
      ],
      [
        'vif',
        ['integer_vif_scale0', 'integer_vif_scale1', 'integer_vif_scale2', 'integer_vif_scale3'],
      ],
      [
        'motion',
        [
          'integer_motion2',
          'integer_motion',
          'integer_motion3',
          'VMAF_integer_feature_motion_sad_score',
        ],
      ],
      ['other', ['speed_chroma_u']],
    ]);
  });

  it('has no group for a result without features (stored before they were)', () => {
    expect(featureGroups({})).toEqual([]);
    expect(featureGroups({ vmaf: [1], cambi: [0] })).toEqual([]);
  });

  it('names features without the integer_/float_ prefix and formats with fixed decimals', () => {
    expect(featureLabel('integer_vif_scale0')).toBe('vif_scale0');
    expect(featureLabel('adm2')).toBe('adm2');
    expect(featureLabel('VMAF_integer_feature_motion_sad_score')).toBe('motion_sad_score');
    const adm = featureAxis({ id: 'adm', label: 'ADM' });
    expect(adm.format(0.987654)).toBe('0.9877');
    expect(adm.format(null)).toBe('–');
    expect(featureAxis({ id: 'motion', label: 'Motion' })).toMatchObject({
      bounds: { floor: 0 },
      fileKey: 'features-motion',
    });
  });
});
