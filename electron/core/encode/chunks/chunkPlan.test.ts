import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planChunks, type ChunkRange } from './chunkPlan';

const starts = (r: ChunkRange[]): number[] => r.map((c) => c.start);

/** Ranges are in order, indexed from 0, non-empty, and cover 0..n exactly. */
function expectCovers(r: ChunkRange[], n: number): void {
  expect(r[0]!.start).toBe(0);
  expect(r.at(-1)!.end).toBe(n);
  r.forEach((c, i) => {
    expect(c.index).toBe(i);
    expect(c.end).toBeGreaterThan(c.start);
    if (i > 0) expect(c.start).toBe(r[i - 1]!.end);
  });
}

describe('planChunks', () => {
  it('makes a title shorter than the target one chunk', () => {
    const r = planChunks({ frameCount: 40, gopFrames: 25, sceneCuts: [10, 30], targetFrames: 75 });
    expect(r).toEqual([{ index: 0, start: 0, end: 40 }]);
  });

  it('makes a one-frame title one chunk', () => {
    expect(planChunks({ frameCount: 1, gopFrames: null, sceneCuts: [], targetFrames: 10 })).toEqual(
      [{ index: 0, start: 0, end: 1 }],
    );
  });

  it('keeps a title up to 1.5× the target (the reach) in one chunk', () => {
    expect(
      planChunks({ frameCount: 112, gopFrames: 25, sceneCuts: [], targetFrames: 75 }),
    ).toHaveLength(1);
    expect(
      planChunks({ frameCount: 113, gopFrames: null, sceneCuts: [], targetFrames: 75 }),
    ).toHaveLength(2);
  });

  it('without cuts puts fixed-GOP boundaries on the grid point nearest each target', () => {
    const r = planChunks({ frameCount: 300, gopFrames: 25, sceneCuts: [], targetFrames: 70 });
    expectCovers(r, 300);
    // Targets 70 → 75, 145 → 150, 220 → 225; the rest (75) is one chunk.
    expect(starts(r)).toEqual([0, 75, 150, 225]);
  });

  it('without a fixed GOP or cuts puts boundaries at the target itself', () => {
    const r = planChunks({ frameCount: 250, gopFrames: null, sceneCuts: [], targetFrames: 60 });
    expectCovers(r, 250);
    expect(starts(r)).toEqual([0, 60, 120, 180]);
  });

  it('uses scene cuts exactly on the GOP grid as boundaries', () => {
    const r = planChunks({
      frameCount: 300,
      gopFrames: 25,
      sceneCuts: [50, 175],
      targetFrames: 75,
    });
    expectCovers(r, 300);
    expect(starts(r)).toEqual([0, 50, 125, 175, 250]);
  });

  it('with a fixed GOP prefers the grid point nearest a cut over the one nearest the target', () => {
    // Target 75 from 0; a cut at 97 is 3 frames from grid point 100 and 22 from 75.
    const r = planChunks({ frameCount: 400, gopFrames: 25, sceneCuts: [97], targetFrames: 75 });
    expectCovers(r, 400);
    expect(r[1]!.start).toBe(100);
    expect(r.every((c) => c.start % 25 === 0)).toBe(true);
  });

  it('among several cuts in reach takes the one nearest the grid, then the target', () => {
    // Grid points 50 (cut 60 at 10), 75 (cut 60 at 15, cut 89 at 14), 100 (cut 89 at 11).
    const one = planChunks({
      frameCount: 400,
      gopFrames: 25,
      sceneCuts: [60, 89],
      targetFrames: 75,
    });
    expect(one[1]!.start).toBe(50);
    // 50 and 100 are both 10 frames from a cut (40, 110): 100 is nearer the target of 80.
    const tie = planChunks({
      frameCount: 400,
      gopFrames: 25,
      sceneCuts: [40, 110],
      targetFrames: 80,
    });
    expect(tie[1]!.start).toBe(100);
  });

  it('without a fixed GOP cuts at a scene cut in reach of the target', () => {
    const r = planChunks({
      frameCount: 250,
      gopFrames: null,
      sceneCuts: [60, 130, 185],
      targetFrames: 75,
    });
    expectCovers(r, 250);
    expect(starts(r)).toEqual([0, 60, 130, 185]);
  });

  it('ignores cuts out of reach (closer than minFrames)', () => {
    const r = planChunks({ frameCount: 300, gopFrames: null, sceneCuts: [10], targetFrames: 100 });
    expect(starts(r)).toEqual([0, 100, 200]);
  });

  it('merges a tiny last chunk into the one before', () => {
    // Targets at 100 and 200 would leave 5 frames; no boundary may leave fewer than 50.
    const r = planChunks({ frameCount: 205, gopFrames: null, sceneCuts: [], targetFrames: 100 });
    expectCovers(r, 205);
    expect(r.at(-1)!.end - r.at(-1)!.start).toBeGreaterThanOrEqual(50);
    expect(starts(r)).toEqual([0, 100]);
  });

  it('keeps the GOP grid when the GOP is longer than the reach', () => {
    const r = planChunks({ frameCount: 1000, gopFrames: 240, sceneCuts: [], targetFrames: 60 });
    expectCovers(r, 1000);
    // The last chunk (40 frames) is at least half the target, so it stands.
    expect(starts(r)).toEqual([0, 240, 480, 720, 960]);
  });

  it('honours minFrames', () => {
    const r = planChunks({
      frameCount: 400,
      gopFrames: null,
      sceneCuts: [30],
      targetFrames: 100,
      minFrames: 25,
    });
    expect(r[1]!.start).toBe(30);
    const r2 = planChunks({
      frameCount: 400,
      gopFrames: null,
      sceneCuts: [30],
      targetFrames: 100,
      minFrames: 40,
    });
    expect(r2[1]!.start).toBe(100);
  });

  it('ignores cuts at 0, at or past the end, duplicated or not whole frames', () => {
    const r = planChunks({
      frameCount: 200,
      gopFrames: null,
      sceneCuts: [0, 200, 900, 2.5, -3, 70, 70],
      targetFrames: 80,
    });
    expect(starts(r)).toEqual([0, 70, 150]);
  });

  it('refuses lengths that are not whole frames above 0', () => {
    expect(() =>
      planChunks({ frameCount: 0, gopFrames: null, sceneCuts: [], targetFrames: 10 }),
    ).toThrow(/frameCount/);
    expect(() =>
      planChunks({ frameCount: 10, gopFrames: 0, sceneCuts: [], targetFrames: 10 }),
    ).toThrow(/gopFrames/);
    expect(() =>
      planChunks({ frameCount: 10, gopFrames: null, sceneCuts: [], targetFrames: 1.5 }),
    ).toThrow(/targetFrames/);
  });

  it('always covers the title, on the GOP grid, with no chunk under minFrames but a whole short title', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.option(fc.integer({ min: 1, max: 300 }), { nil: null }),
        fc.array(fc.integer({ min: -10, max: 5100 }), { maxLength: 40 }),
        fc.integer({ min: 1, max: 800 }),
        (n, gop, cuts, target) => {
          const r = planChunks({
            frameCount: n,
            gopFrames: gop,
            sceneCuts: cuts,
            targetFrames: target,
          });
          expectCovers(r, n);
          const min = Math.max(1, Math.round(target / 2));
          for (const c of r) {
            if (gop !== null) expect(c.start % gop).toBe(0);
            if (r.length > 1) expect(c.end - c.start).toBeGreaterThanOrEqual(min);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
