import { describe, expect, it } from 'vitest';
import { PerTitleOptionsSchema } from '../../../../shared/perTitle';
import {
  DEFAULT_PER_TITLE_FORM,
  defaultCrfText,
  gridSize,
  parseNumberList,
  perTitleOptionsOf,
  pickOptionsOf,
} from './perTitleForm';

describe('parseNumberList', () => {
  it('reads numbers separated by commas, semicolons or spaces, each once', () => {
    expect(parseNumberList('18, 22 26;30,,22', { min: 0, max: 51, what: 'CRF' })).toEqual({
      values: [18, 22, 26, 30],
    });
    expect(parseNumberList('', { min: 0, max: 51, what: 'CRF' })).toEqual({ values: [] });
  });
  it('names the entry that is wrong', () => {
    expect(parseNumberList('18, x', { min: 0, max: 51, what: 'CRF' })).toEqual({
      error: '"x" is not a number',
    });
    expect(parseNumberList('18, 60', { min: 0, max: 51, what: 'CRF' })).toEqual({
      error: 'CRF 60 is outside 0–51',
    });
    expect(parseNumberList('720, 361', { min: 16, max: 8192, even: true, what: 'Height' })).toEqual(
      { error: 'Height 361 is odd; 4:2:0 video needs even sizes' },
    );
  });
});

describe('per-title options', () => {
  it('sends the defaults as the encoder, the figure and the pick numbers, which the API accepts', () => {
    const { options, errors } = perTitleOptionsOf(DEFAULT_PER_TITLE_FORM);
    expect(errors).toEqual({});
    expect(options).toEqual({
      encoder: 'libx264',
      quality: 'vmafMean',
      pick: {
        targetQuality: 95,
        minStepRatio: 1.5,
        maxStepRatio: 2,
        maxQualityGap: 6,
        floorBitrate: 150_000,
        maxRungs: 8,
      },
    });
    expect(PerTitleOptionsSchema.safeParse(options).success).toBe(true);
  });

  it('takes a small grid: CRFs ascending, heights descending, a preset of the encoder', () => {
    const { options, errors } = perTitleOptionsOf({
      ...DEFAULT_PER_TITLE_FORM,
      preset: 'ultrafast',
      crfs: '38 22 30',
      heights: '144, 240',
      floorKbps: 50,
    });
    expect(errors).toEqual({});
    expect(options.crfs).toEqual([22, 30, 38]);
    expect(options.heights).toEqual([240, 144]);
    expect(options.preset).toBe('ultrafast');
    expect(options.pick?.floorBitrate).toBe(50_000);
    expect(PerTitleOptionsSchema.safeParse(options).success).toBe(true);
    expect(gridSize({ ...DEFAULT_PER_TITLE_FORM, crfs: '38 22 30', heights: '144 240' }, 4)).toBe(
      6,
    );
    expect(gridSize(DEFAULT_PER_TITLE_FORM, null)).toBeNull();
    expect(gridSize(DEFAULT_PER_TITLE_FORM, 3)).toBe(18);
  });

  it('names each bad field', () => {
    const { errors } = perTitleOptionsOf({
      ...DEFAULT_PER_TITLE_FORM,
      preset: 'turbo',
      crfs: '23',
      heights: '721',
      targetQuality: 120,
      minStepRatio: 3,
      maxStepRatio: 2,
      maxRungs: 2.5,
      floorKbps: Number.NaN,
    });
    expect(errors.preset).toContain('presets are');
    expect(errors.crfs).toBe('give at least 2 CRF values');
    expect(errors.heights).toContain('odd');
    expect(errors.targetQuality).toBe('between 0 and 100');
    expect(errors.minStepRatio).toBe('must not exceed the largest step');
    expect(errors.maxRungs).toBe('a whole number');
    expect(errors.floorKbps).toBe('enter a number');
  });

  it('refuses step ratios the picker would refuse after the grid is encoded', () => {
    expect(pickOptionsOf({ ...DEFAULT_PER_TITLE_FORM, minStepRatio: 1 }).errors.minStepRatio).toBe(
      'above 1',
    );
    // An empty smallest step is the default 1.5: a largest step of 1.2 is below it.
    const { errors } = pickOptionsOf({
      ...DEFAULT_PER_TITLE_FORM,
      minStepRatio: null,
      maxStepRatio: 1.2,
    });
    expect(errors.maxStepRatio).toBe('at least the smallest step 1.5');
  });

  it('leaves emptied pick fields to the defaults', () => {
    const { pick, errors } = pickOptionsOf({ ...DEFAULT_PER_TITLE_FORM, targetQuality: null });
    expect(errors).toEqual({});
    expect(pick.targetQuality).toBeUndefined();
    expect(pick.maxRungs).toBe(8);
  });

  it('shows the default CRFs of each encoder', () => {
    expect(defaultCrfText('libx264')).toBe('18, 22, 26, 30, 34, 38');
  });
});
