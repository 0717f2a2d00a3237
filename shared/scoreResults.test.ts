import { describe, expect, it } from 'vitest';
import { pool } from './pooling';
import { ScoreStartSchema, currentScores, pooledView, worstFrames } from './scoreResults';

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
  it('keeps the newest result of each target in the given order; a tie keeps the first met', () => {
    const r = (id: string, kind: 'rendition' | 'source', target: string, createdAt: string) => ({
      id,
      target: { kind, id: target },
      createdAt,
    });
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
});
