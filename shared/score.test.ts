import { describe, expect, it } from 'vitest';
import {
  isVmafV1Model,
  LOWER_IS_BETTER,
  ScoreOptionsSchema,
  SCORE_SERIES,
  SERIES_LABELS,
  VMAF_V1_MODELS,
} from './score';

describe('ScoreOptionsSchema thresholds', () => {
  it('takes a "share below" threshold for a higher-is-better series', () => {
    expect(ScoreOptionsSchema.parse({ thresholds: { vmaf: 80, xpsnr: 30 } })).toEqual({
      thresholds: { vmaf: 80, xpsnr: 30 },
    });
  });

  it('refuses one for CAMBI, saying why', () => {
    const r = ScoreOptionsSchema.safeParse({ thresholds: { vmaf: 80, cambi: 5 } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['thresholds', 'cambi']);
    expect(issue.message).toBe(
      "CAMBI is lower-is-better; a 'share below' threshold would count the good frames. Leave out its threshold.",
    );
  });
});

describe('series and models', () => {
  it('names every series, and every lower-is-better one is a series', () => {
    for (const s of SCORE_SERIES) expect(SERIES_LABELS[s]).toBeTruthy();
    expect(SERIES_LABELS.xpsnr).toBe('XPSNR-Y');
    for (const s of LOWER_IS_BETTER) expect(SCORE_SERIES).toContain(s);
  });

  it('tells a VMAF v1 model name from others', () => {
    for (const m of VMAF_V1_MODELS) expect(isVmafV1Model(m)).toBe(true);
    expect(isVmafV1Model('vmaf_v0.6.1')).toBe(false);
    expect(isVmafV1Model('VMAF_V1.0.16_3D0H')).toBe(false);
  });
});
