import { describe, expect, it } from 'vitest';
import {
  builtInModelChoices,
  chooseFix,
  chosenFix,
  INITIAL_FORM,
  parseScale,
  scoreFormProblems,
  scoreRequest,
  type ScoreForm,
} from './scoreRequest';

const form = (change: Partial<ScoreForm>): ScoreForm => ({
  ...INITIAL_FORM,
  targets: [{ kind: 'source', id: 'dist' }],
  ...change,
});

describe('parseScale', () => {
  it('reads auto and sizes', () => {
    expect(parseScale('auto')).toBe('auto');
    expect(parseScale(' ')).toBe('auto');
    expect(parseScale('1920x1080')).toEqual({ width: 1920, height: 1080 });
    expect(parseScale('1280 × 720')).toEqual({ width: 1280, height: 720 });
    expect(parseScale('1920')).toBeNull();
    expect(parseScale('8x8')).toBeNull();
  });
});

describe('scoreRequest', () => {
  it('sends the defaults: three metrics, automatic model and size', () => {
    expect(scoreRequest('ref', form({}))).toEqual({
      referenceId: 'ref',
      distorted: [{ kind: 'source', id: 'dist' }],
      options: { metrics: ['vmaf', 'psnr', 'ssim'] },
    });
  });

  it('sends the model, size, frame range and fixes aligned with the videos', () => {
    const targets = [
      { kind: 'rendition' as const, id: 'r1' },
      { kind: 'rendition' as const, id: 'r2' },
    ];
    expect(
      scoreRequest(
        'ref',
        form({
          targets,
          metrics: ['vmaf', 'ms_ssim'],
          model: '4k',
          scale: '3840x2160',
          startSeconds: 2,
          frames: 48,
          subsample: 2,
          fixes: { 'rendition:r2': ['convert-fps'] },
        }),
      ),
    ).toEqual({
      referenceId: 'ref',
      distorted: targets,
      options: {
        metrics: ['vmaf', 'ms_ssim'],
        model: { variant: 'default', size: '4k' },
        scale: { width: 3840, height: 2160 },
        startSeconds: 2,
        frames: 48,
        subsample: 2,
      },
      fixes: [[], ['convert-fps']],
    });
  });

  it('maps NEG and phone to their variants', () => {
    expect(scoreRequest('r', form({ model: 'neg' }))?.options?.model).toEqual({
      variant: 'neg',
      size: 'auto',
    });
    expect(scoreRequest('r', form({ model: 'phone' }))?.options?.model).toEqual({
      variant: 'phone',
      size: 'auto',
    });
  });

  it('sends a model chosen by name as { name }', () => {
    expect(scoreRequest('r', form({ model: 'name:vmaf_v1.0.16_3d0h' }))?.options?.model).toEqual({
      name: 'vmaf_v1.0.16_3d0h',
    });
  });

  it('never sends a metric the scoring build cannot compute, and needs one it can', () => {
    const noCambi = (m: string): boolean => m !== 'cambi' && m !== 'xpsnr';
    expect(
      scoreRequest('r', form({ metrics: ['vmaf', 'cambi', 'xpsnr'] }), noCambi)?.options?.metrics,
    ).toEqual(['vmaf']);
    expect(scoreRequest('r', form({ metrics: ['cambi'] }), noCambi)).toBeNull();
    expect(scoreRequest('r', form({ metrics: ['cambi', 'xpsnr'] }))?.options?.metrics).toEqual([
      'cambi',
      'xpsnr',
    ]);
  });

  it('sends nothing while a field is wrong, and says which', () => {
    const bad = form({
      targets: [],
      metrics: [],
      scale: 'big',
      startSeconds: -1,
      frames: 1.5,
      subsample: Number.NaN,
    });
    expect(scoreRequest('ref', bad)).toBeNull();
    expect(scoreFormProblems(bad).map((p) => p.field)).toEqual([
      'targets',
      'metrics',
      'scale',
      'startSeconds',
      'frames',
      'subsample',
    ]);
  });
});

describe('chooseFix', () => {
  const finding = { fixes: ['convert-range' as const, 'force-range' as const] };

  it('keeps one fix per finding', () => {
    let chosen = chooseFix(['convert-fps'], finding, 'convert-range');
    expect(chosen).toEqual(['convert-fps', 'convert-range']);
    chosen = chooseFix(chosen, finding, 'force-range');
    expect(chosen).toEqual(['convert-fps', 'force-range']);
    expect(chosenFix(chosen, finding)).toBe('force-range');
    chosen = chooseFix(chosen, finding, null);
    expect(chosen).toEqual(['convert-fps']);
    expect(chosenFix(chosen, finding)).toBeNull();
  });
});

describe('builtInModelChoices', () => {
  it("offers the build's built-ins the fixed choices do not stand for, v1 models named so", () => {
    const choices = builtInModelChoices([
      { name: 'vmaf_v0.6.1', format: 'builtin' },
      { name: 'vmaf_v0.6.1neg', format: 'builtin' },
      { name: 'vmaf_4k_v0.6.1', format: 'builtin' },
      { name: 'vmaf_4k_v0.6.1neg', format: 'builtin' },
      { name: 'vmaf_v1.0.16_3d0h', format: 'builtin' },
      { name: 'vmaf_float_v0.6.1', format: 'json' },
    ]);
    expect(choices.map((c) => [c.value, c.label])).toEqual([
      ['name:vmaf_4k_v0.6.1neg', 'vmaf_4k_v0.6.1neg'],
      ['name:vmaf_v1.0.16_3d0h', 'vmaf_v1.0.16_3d0h (VMAF v1)'],
    ]);
  });
});
