import { describe, expect, it } from 'vitest';
import { cutFrames, shotRules, shotsFromScores, ShotSchema } from './shots';

/** Scores of `n` frames, zero but for the given frames. */
function scoresWith(n: number, peaks: Record<number, number>): Float32Array {
  const s = new Float32Array(n);
  for (const [f, v] of Object.entries(peaks)) s[Number(f)] = v;
  return s;
}

const rules = { threshold: 10, minFrames: 5, maxFrames: null };

describe('shotsFromScores', () => {
  it('starts a shot at every frame at or over the threshold, frame 0 excepted', () => {
    const shots = shotsFromScores(scoresWith(40, { 0: 50, 10: 10, 20: 9.99, 30: 40 }), rules);
    expect(shots).toEqual([
      { start: 0, end: 10, by: 'title' },
      { start: 10, end: 30, by: 'cut' },
      { start: 30, end: 40, by: 'cut' },
    ]);
    expect(cutFrames(shots)).toEqual([10, 30]);
  });

  it('keeps the stronger of two cuts closer than the shortest shot (a flash), and none too near an end', () => {
    const shots = shotsFromScores(scoresWith(40, { 3: 90, 12: 20, 14: 30, 37: 90 }), rules);
    expect(cutFrames(shots)).toEqual([14]);
    // Exactly the shortest shot apart is allowed.
    expect(cutFrames(shotsFromScores(scoresWith(40, { 10: 20, 15: 30 }), rules))).toEqual([10, 15]);
  });

  it('splits a shot longer than the longest into the fewest equal parts', () => {
    const shots = shotsFromScores(scoresWith(100, { 30: 50 }), { ...rules, maxFrames: 25 });
    expect(shots.map((s) => [s.start, s.end, s.by])).toEqual([
      [0, 15, 'title'],
      [15, 30, 'split'],
      [30, 53, 'cut'],
      [53, 77, 'split'],
      [77, 100, 'split'],
    ]);
    for (const s of shots) expect(s.end - s.start).toBeLessThanOrEqual(25);
  });

  it('covers every frame once, in order, for any scores', () => {
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(Math.random() * 300);
      const scores = Float32Array.from({ length: n }, () =>
        Math.random() < 0.1 ? 100 * Math.random() : 0,
      );
      const r = {
        threshold: 5,
        minFrames: 1 + Math.floor(Math.random() * 10),
        maxFrames: null as number | null,
      };
      if (Math.random() < 0.5) r.maxFrames = 2 * r.minFrames + Math.floor(Math.random() * 40);
      const shots = shotsFromScores(scores, r);
      expect(shots[0]!.start).toBe(0);
      expect(shots.at(-1)!.end).toBe(n);
      for (let i = 1; i < shots.length; i++) expect(shots[i]!.start).toBe(shots[i - 1]!.end);
      for (const s of shots) {
        expect(ShotSchema.safeParse(s).success).toBe(true);
        if (r.maxFrames !== null) expect(s.end - s.start).toBeLessThanOrEqual(r.maxFrames);
        if (n >= r.minFrames)
          expect(s.end - s.start).toBeGreaterThanOrEqual(Math.min(r.minFrames, n));
      }
    }
  });

  it('gives nothing for no frames', () => {
    expect(shotsFromScores(new Float32Array(0), rules)).toEqual([]);
  });
});

describe('shotRules', () => {
  it('turns seconds into frames at the title rate', () => {
    expect(shotRules(25)).toEqual({ threshold: 10, minFrames: 13, maxFrames: null });
    expect(shotRules(30000 / 1001, { minSeconds: 1, maxSeconds: 10, threshold: 20 })).toEqual({
      threshold: 20,
      minFrames: 30,
      maxFrames: 300,
    });
  });

  it('refuses rules that cannot work, saying why', () => {
    expect(() => shotRules(25, { threshold: 0 })).toThrow(/threshold runs above 0 up to 100/);
    expect(() => shotRules(25, { threshold: 101 })).toThrow(/not 101/);
    expect(() => shotRules(25, { minSeconds: 2, maxSeconds: 3 })).toThrow(
      /at least twice the shortest/,
    );
    expect(() => shotRules(25, { minSeconds: -1 })).toThrow(/0 seconds or more/);
    expect(() => shotRules(0)).toThrow(/frame rate/);
  });
});
