import { describe, expect, it } from 'vitest';
import { LadderSchema } from '../../../../shared/ladder';
import type { CrfSearchResult } from '../../../../shared/crfSearch';
import type { LibraryItem } from '../../../../shared/library';
import { DEFAULT_TARGET_FORM, ladderForResult, targetRequestOf } from './targetForm';

describe('targetRequestOf', () => {
  it('leaves empty fields to the defaults', () => {
    expect(targetRequestOf('src1', DEFAULT_TARGET_FORM)).toEqual({
      request: {
        sourceId: 'src1',
        encoder: 'libx264',
        preset: null,
        metric: 'vmafMean',
        target: 93,
        verify: false,
      },
      errors: {},
    });
  });

  it('names each field that is wrong', () => {
    const r = targetRequestOf('s', {
      ...DEFAULT_TARGET_FORM,
      target: 120,
      samples: 0.5,
      sampleSeconds: 0.1,
    });
    expect(r.request).toBeNull();
    expect(Object.keys(r.errors).sort()).toEqual(['sampleSeconds', 'samples', 'target']);
    expect(
      targetRequestOf('s', { ...DEFAULT_TARGET_FORM, metric: 'ssim', target: 0.98 }).request
        ?.target,
    ).toBe(0.98);
    expect(
      targetRequestOf('s', { ...DEFAULT_TARGET_FORM, metric: 'ssim', target: 2 }).errors.target,
    ).toMatch(/up to 1/);
  });
});

describe('ladderForResult', () => {
  it('makes a valid one-rung ladder at the CRF and height searched', () => {
    const source = {
      id: 'a',
      fileName: 'clip.mp4',
      media: {
        video: { width: 1080, height: 1920, rotation: 90, bitDepth: 8 },
        audio: [{}],
      },
    } as unknown as LibraryItem;
    const result = {
      height: 1080,
      crf: 25.75,
      target: 93.5,
      metric: 'vmafMean',
      encoder: 'libx264',
      preset: 'slow',
      samples: [{}],
      predicted: { vmaf: 93.4, error: 0.3 },
    } as unknown as CrfSearchResult;
    const ladder = ladderForResult(source, result);
    expect(LadderSchema.safeParse(ladder).success).toBe(true);
    expect(ladder.rungs[0]).toMatchObject({
      height: 1080,
      encoder: 'libx264',
      preset: 'slow',
      rateControl: { mode: 'crf', crf: 25.75 },
      audio: { mode: 'aac', bitrateKbps: 128 },
    });
  });
});
