import { describe, expect, it } from 'vitest';
import { pool } from './pooling';
import {
  ScoreStartSchema,
  currentScores,
  pooledView,
  replacedSeries,
  thresholdsOf,
  worstFrames,
} from './scoreResults';

describe('worstFrames', () => {
  it('ranks by VMAF when present, worst first, ties by frame, and reports every series', () => {
    const w = worstFrames(
      [0, 2, 4, 6],
      { psnr: [30, 20, Infinity, 25], vmaf: [90, 70, 70, 95] },
      3,
    );
    expect(w.by).toBe('vmaf');
    expect(w.frames).toEqual([
      { frame: 2, vmaf: 70, psnr: 20 },
      { frame: 4, vmaf: 70, psnr: null },
      { frame: 0, vmaf: 90, psnr: 30 },
    ]);
  });

  it('falls back to PSNR without VMAF; +Infinity ranks last and NaN never ranks', () => {
    const w = worstFrames([0, 1, 2, 3], { psnrY: [Infinity, 31, Number.NaN, 30] });
    expect(w.by).toBe('psnrY');
    expect(w.frames.map((f) => f.frame)).toEqual([3, 1, 0]);
    expect(worstFrames([], {})).toEqual({ by: null, frames: [] });
  });

  it('keeps VMAF first when CAMBI is there too, and ranks by CAMBI alone highest first (lower is better)', () => {
    const both = worstFrames([0, 1, 2], { cambi: [20, 0, 5], vmaf: [80, 60, 90] }, 2);
    expect(both.by).toBe('vmaf');
    expect(both.frames.map((f) => f.frame)).toEqual([1, 0]);
    const cambi = worstFrames([0, 1, 2, 3], { cambi: [0.5, Number.NaN, 12.25, 3] });
    expect(cambi.by).toBe('cambi');
    expect(cambi.frames).toEqual([
      { frame: 2, cambi: 12.25 },
      { frame: 3, cambi: 3 },
      { frame: 0, cambi: 0.5 },
    ]);
  });

  it('ranks by XPSNR (luma) when no other fidelity metric was computed, lowest first', () => {
    const w = worstFrames([0, 1, 2], { xpsnr: [38, 31, 35], xpsnrU: [1, 2, 3], cambi: [24, 0, 0] });
    expect(w.by).toBe('xpsnr');
    expect(w.frames.map((f) => f.frame)).toEqual([1, 2, 0]);
  });
});

describe('thresholdsOf', () => {
  it('reads the "share below" threshold each pooled series was computed with', () => {
    const vmaf = pooledView(pool([70, 90], 85));
    const psnr = pooledView(pool([30, 40]));
    expect(thresholdsOf({ vmaf, psnr })).toEqual({ vmaf: 85 });
  });
});

describe('pooledView', () => {
  it('carries finite figures as they are and +Infinity as null (what JSON would do anyway)', () => {
    const v = pooledView(pool([Infinity, 40, 42], 41));
    expect(v).toMatchObject({
      count: 3,
      mean: null,
      max: null,
      min: 40,
      below: { threshold: 41, share: 1 / 3 },
    });
    expect(JSON.parse(JSON.stringify(v))).toEqual(v);
  });
});

describe('ScoreStartSchema', () => {
  it('takes 1..16 targets and at most one fix list per target', () => {
    const target = { kind: 'rendition', id: 'abc' };
    expect(ScoreStartSchema.safeParse({ referenceId: 'r', distorted: [target] }).success).toBe(
      true,
    );
    expect(ScoreStartSchema.safeParse({ referenceId: 'r', distorted: [] }).success).toBe(false);
    expect(
      ScoreStartSchema.safeParse({ referenceId: 'r', distorted: Array(17).fill(target) }).success,
    ).toBe(false);
    const tooMany = { referenceId: 'r', distorted: [target], fixes: [[], ['trim-to-shortest']] };
    expect(ScoreStartSchema.safeParse(tooMany).success).toBe(false);
    const badFix = { referenceId: 'r', distorted: [target], fixes: [['make-it-right']] };
    expect(ScoreStartSchema.safeParse(badFix).success).toBe(false);
  });
});

describe('currentScores', () => {
  const r = (
    id: string,
    kind: 'rendition' | 'source',
    target: string,
    createdAt: string,
    series: string[] = ['vmaf'],
  ) => ({
    id,
    target: { kind, id: target },
    createdAt,
    metrics: Object.fromEntries(series.map((s) => [s, {}])),
  });

  it('keeps the newest result of each target in the given order; a tie keeps the first met', () => {
    const list = [
      r('new-a', 'rendition', 'a', '2026-01-03'),
      r('b', 'rendition', 'b', '2026-01-02'),
      r('same-id-source', 'source', 'a', '2026-01-02'),
      r('old-a', 'rendition', 'a', '2026-01-01'),
      r('tie-b', 'rendition', 'b', '2026-01-02'),
    ];
    expect(currentScores(list).map((x) => x.id)).toEqual(['new-a', 'b', 'same-id-source']);
    expect(currentScores([list[3]!, list[0]!]).map((x) => x.id)).toEqual(['new-a']);
  });

  it('keeps an older result while it has a series no newer result of its target has', () => {
    const vmafPsnrSsim = ['vmaf', 'psnrY', 'psnr', 'ssimY', 'ssim'];
    const first = r('first', 'rendition', 'a', '2026-01-01', vmafPsnrSsim);
    const cambi = r('cambi', 'rendition', 'a', '2026-01-02', ['cambi']);
    // A later CAMBI-only score hides nothing of the first one.
    expect(currentScores([cambi, first]).map((x) => x.id)).toEqual(['cambi', 'first']);
    // A VMAF-only score with another model replaces the VMAF; PSNR and SSIM keep the first row.
    const vmaf = r('vmaf', 'rendition', 'a', '2026-01-03', ['vmaf']);
    expect(currentScores([vmaf, cambi, first]).map((x) => x.id)).toEqual([
      'vmaf',
      'cambi',
      'first',
    ]);
    // Once every series of the first has a newer value, it is history; so is a repeated CAMBI.
    const rest = r('rest', 'rendition', 'a', '2026-01-04', ['psnrY', 'psnr', 'ssimY', 'ssim']);
    const cambi2 = r('cambi2', 'rendition', 'a', '2026-01-05', ['cambi']);
    expect(currentScores([first, cambi2, vmaf, rest, cambi]).map((x) => x.id)).toEqual([
      'cambi2',
      'vmaf',
      'rest',
    ]);
    // Another target's series never cover this one's.
    const other = r('other', 'rendition', 'b', '2026-01-09', vmafPsnrSsim);
    expect(currentScores([other, cambi, first]).map((x) => x.id)).toEqual([
      'other',
      'cambi',
      'first',
    ]);
  });

  it('keeps the newest result even without any series, and drops an older one without any', () => {
    const empty = r('empty', 'source', 'x', '2026-01-02', []);
    const old = r('old', 'source', 'x', '2026-01-01', ['psnr']);
    expect(currentScores([empty, old]).map((x) => x.id)).toEqual(['empty', 'old']);
    const older = r('older', 'source', 'x', '2025-12-31', []);
    expect(currentScores([old, older]).map((x) => x.id)).toEqual(['old']);
  });
});

describe('replacedSeries', () => {
  it('names each earlier result of a target and its series a newer result has too', () => {
    const r = (id: string, target: string, createdAt: string, series: string[]) => ({
      id,
      target: { kind: 'rendition' as const, id: target },
      createdAt,
      metrics: Object.fromEntries(series.map((s) => [s, {}])),
    });
    const first = r('first', 'a', '2026-01-01', ['vmaf', 'psnrY', 'psnr']);
    const cambi = r('cambi', 'a', '2026-01-02', ['cambi']);
    const vmaf = r('vmaf', 'a', '2026-01-03', ['vmaf']);
    const b = r('b', 'b', '2026-01-04', ['vmaf', 'psnr']);
    // The newest of each target is absent; an earlier one is there, with what was replaced.
    expect(replacedSeries([b, vmaf, cambi, first])).toEqual(
      new Map([
        ['cambi', []],
        ['first', ['vmaf']],
      ]),
    );
    expect(replacedSeries([cambi, first])).toEqual(new Map([['first', []]]));
    const again = r('again', 'a', '2026-01-04', ['vmaf', 'psnrY', 'psnr', 'cambi']);
    expect(replacedSeries([again, vmaf, cambi, first])).toEqual(
      new Map([
        ['vmaf', ['vmaf']],
        ['cambi', ['cambi']],
        ['first', ['vmaf', 'psnrY', 'psnr']],
      ]),
    );
  });
});
