import { describe, expect, it } from 'vitest';
import {
  bytesAsInTitle,
  defaultSampleCount,
  nextCrf,
  onGrid,
  pickCrf,
  pickSamples,
  predictionError,
  searchSpace,
  type CrfSearchSpace,
  type CrfStep,
} from './crfSearch';
import type { Shot } from './shots';

const shot = (start: number, end: number, by: Shot['by'] = 'cut'): Shot => ({ start, end, by });

describe('pickSamples', () => {
  it('centres one sample in each equal stretch, starting at a shot that begins just before the middle', () => {
    // 1000 frames, 4 samples of 50: middles at 125, 375, 625, 875.
    const shots = [shot(0, 100, 'title'), shot(100, 360), shot(360, 900), shot(900, 1000)];
    expect(pickSamples(1000, shots, { count: 4, frames: 50 })).toEqual([
      { start: 100, frames: 50, atCut: true }, // 125 − 100 < 50
      { start: 360, frames: 50, atCut: true },
      { start: 600, frames: 50, atCut: false }, // 625 − 360 ≥ 50: centred
      { start: 850, frames: 50, atCut: false },
    ]);
  });

  it('ignores splits of long shots, keeps samples inside the title, and takes the whole title when samples would cover most of it', () => {
    const shots = [shot(0, 500, 'title'), shot(500, 1000, 'split')];
    expect(pickSamples(1000, shots, { count: 2, frames: 100 })).toEqual([
      { start: 200, frames: 100, atCut: false },
      { start: 700, frames: 100, atCut: false },
    ]);
    expect(pickSamples(100, [], { count: 1, frames: 90 })).toEqual([
      { start: 0, frames: 100, atCut: true },
    ]);
    expect(pickSamples(1000, [], { count: 3, frames: 300 })).toEqual([
      { start: 0, frames: 1000, atCut: true },
    ]);
    expect(() => pickSamples(0, [], { count: 3, frames: 10 })).toThrow(/nothing to sample/);
    expect(() => pickSamples(100, [], { count: 0, frames: 10 })).toThrow(/1 to 30 samples/);
  });

  it('never lets a sample pulled back to a shot start run into the one before', () => {
    // Middles at 30, 90, 150, 210; the shot at 89 would pull sample 2 back over sample 1.
    const spans = pickSamples(240, [shot(0, 89, 'title'), shot(89, 240)], { count: 4, frames: 48 });
    for (let i = 1; i < spans.length; i++)
      expect(spans[i]!.start).toBeGreaterThanOrEqual(spans[i - 1]!.start + spans[i - 1]!.frames);
    expect(spans.every((s) => s.start + s.frames <= 240)).toBe(true);
  });

  it('takes about 3 % of the title by default, 4 to 20 samples', () => {
    expect(defaultSampleCount(120, 2)).toBe(4);
    expect(defaultSampleCount(600, 2)).toBe(9);
    expect(defaultSampleCount(7200, 2)).toBe(20);
  });
});

/** A search run against a known curve: quality(crf). */
function simulate(space: CrfSearchSpace, quality: (crf: number) => number): CrfStep[] {
  const steps: CrfStep[] = [];
  for (let c = nextCrf(steps, space); c !== null; c = nextCrf(steps, space)) {
    const q = quality(c);
    steps.push({
      crf: c,
      quality: q,
      sampleQualities: [q],
      bitrateKbps: 8000 * Math.exp(-0.12 * c),
      sampleKbps: [8000 * Math.exp(-0.12 * c)],
      seconds: 1,
    });
  }
  return steps;
}

const x264: CrfSearchSpace = searchSpace('libx264', 'vmafMean', 93);

describe('nextCrf and pickCrf', () => {
  it('find the target on curves of many shapes in a few steps, not a sweep', () => {
    // VMAF flattening towards 100 (concave), and nearly linear, at different levels.
    const curves: [string, (c: number) => number][] = [
      ['flat top', (c) => 100 - 2.4 * Math.exp(0.14 * (c - 23))],
      ['easy content', (c) => 100 - 0.5 * Math.exp(0.12 * (c - 23))],
      ['hard content', (c) => 100 - 12 * Math.exp(0.1 * (c - 23))],
      ['linear', (c) => 120 - 1.1 * c],
    ];
    for (const [name, curve] of curves) {
      const steps = simulate(x264, curve);
      const pick = pickCrf(steps, x264, 'VMAF');
      expect(steps.length, name).toBeLessThanOrEqual(6);
      expect(pick.unreachable, name).toBeNull();
      // The CRF picked gives the target within a quarter CRF's worth of quality.
      const slope = Math.abs(curve(pick.crf + 0.125) - curve(pick.crf - 0.125)) * 4;
      expect(Math.abs(curve(pick.crf) - 93), name).toBeLessThanOrEqual(0.25 + slope * 0.125 + 0.3);
      expect(pick.crf % 0.25, name).toBe(0);
    }
  });

  it('interpolates between the bracketing steps, on the grid, quality and bitrate alike', () => {
    const steps: CrfStep[] = [
      {
        crf: 20,
        quality: 96,
        sampleQualities: [96],
        bitrateKbps: 2000,
        sampleKbps: [2000],
        seconds: 1,
      },
      {
        crf: 30,
        quality: 86,
        sampleQualities: [86],
        bitrateKbps: 500,
        sampleKbps: [500],
        seconds: 1,
      },
    ];
    const linear = { ...x264, ceiling: null, slope: 1.2 };
    expect(nextCrf(steps, linear)).toBe(23);
    const pick = pickCrf(steps, linear, 'VMAF');
    expect(pick).toMatchObject({ crf: 23, interpolated: true, unreachable: null });
    expect(pick.quality).toBeCloseTo(93, 6);
    expect(pick.bitrateKbps).toBeCloseTo(2000 * Math.pow(0.25, 0.3), 6);
    // On VMAF's own level (the log of the distance to 100) the line meets 93 at CRF 24.37.
    expect(nextCrf(steps, x264)).toBe(24.25);
    expect(pickCrf(steps, x264, 'VMAF').quality).toBeCloseTo(
      100.5 - 4.5 * Math.pow(14.5 / 4.5, 0.425),
      6,
    );
  });

  it('stops at a step on target, and when no grid CRF is left between the bracket', () => {
    const on: CrfStep[] = [
      {
        crf: 25,
        quality: 93.2,
        sampleQualities: [93.2],
        bitrateKbps: 900,
        sampleKbps: [900],
        seconds: 1,
      },
    ];
    expect(nextCrf(on, x264)).toBeNull();
    expect(pickCrf(on, x264, 'VMAF')).toMatchObject({ crf: 25, interpolated: false });
    const narrow: CrfStep[] = [
      {
        crf: 25,
        quality: 94,
        sampleQualities: [94],
        bitrateKbps: 900,
        sampleKbps: [900],
        seconds: 1,
      },
      {
        crf: 25.25,
        quality: 92,
        sampleQualities: [92],
        bitrateKbps: 880,
        sampleKbps: [880],
        seconds: 1,
      },
    ];
    expect(nextCrf(narrow, x264)).toBeNull();
    const linear = { ...x264, ceiling: null, slope: 1.2 };
    expect(pickCrf(narrow, linear, 'VMAF').crf).toBe(25); // the tie goes to the better quality
    // A bracket 2 CRF wide is answered by the line; 2.25 wide gets one more step inside it.
    const bracket = (upper: number): CrfStep[] => [
      narrow[0]!,
      { ...narrow[1]!, crf: upper, quality: 91 },
    ];
    expect(nextCrf(bracket(27), x264)).toBeNull();
    expect(pickCrf(bracket(27), x264, 'VMAF')).toMatchObject({ interpolated: true });
    const inside = nextCrf(bracket(27.25), x264);
    expect(inside).toBeGreaterThan(25);
    expect(inside).toBeLessThan(27.25);
  });

  it('says when the target is out of the range, with the nearest answer', () => {
    const never = simulate(x264, () => 80);
    expect(never.at(-1)!.crf).toBe(8);
    const pick = pickCrf(never, x264, 'VMAF');
    expect(pick.crf).toBe(8);
    expect(pick.unreachable).toMatch(/even CRF 8 .* below the target/);
    const always = simulate(x264, () => 99.5);
    expect(pickCrf(always, x264, 'VMAF').unreachable).toMatch(/even CRF 45 .* above the target/);
  });

  it('puts CRFs on the encoder grid, ties to the better quality', () => {
    expect(onGrid(23.3, 0.25)).toBe(23.25);
    expect(onGrid(23.375, 0.25)).toBe(23.25);
    expect(onGrid(23.38, 0.25)).toBe(23.5);
    expect(onGrid(34.5, 1)).toBe(34);
  });
});

describe('predictionError', () => {
  it('grows with the spread of the samples and shrinks as they cover more of the title', () => {
    const step = (qs: number[]): CrfStep => ({
      crf: 25,
      quality: qs.reduce((a, b) => a + b, 0) / qs.length,
      sampleQualities: qs,
      bitrateKbps: 1,
      sampleKbps: qs.map(() => 1),
      seconds: 1,
    });
    const pick = { crf: 25, quality: 93, bitrateKbps: 1, interpolated: false, unreachable: null };
    const o = { coverage: 0.05, space: { ...x264, slope: 1.2, ceiling: null } };
    const tight = predictionError([step([93, 93.2, 92.8, 93])], pick, o);
    const wide = predictionError([step([88, 98, 90, 96])], pick, o);
    expect(wide).toBeGreaterThan(tight);
    expect(tight).toBeGreaterThanOrEqual(0.15); // half an increment's worth at 1.2 per CRF
    expect(predictionError([step([88, 98, 90, 96])], pick, { ...o, coverage: 1 })).toBeCloseTo(
      0.15,
      6,
    );
  });
});

describe('bytesAsInTitle', () => {
  it('counts the keyframe a sample has only because it is a sample as one of its other frames', () => {
    const spans = [
      { start: 0, frames: 4, atCut: true },
      { start: 100, frames: 4, atCut: false },
    ];
    const packets = [
      { sample: 0, bytes: 1000, key: true },
      { sample: 0, bytes: 100, key: false },
      { sample: 0, bytes: 100, key: false },
      { sample: 0, bytes: 100, key: false },
      { sample: 1, bytes: 1000, key: true },
      { sample: 1, bytes: 90, key: false },
      { sample: 1, bytes: 120, key: false },
      { sample: 1, bytes: 90, key: false },
    ];
    expect(bytesAsInTitle(spans, packets)).toEqual([1300, 400]);
  });
});
