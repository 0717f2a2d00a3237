import { describe, expect, it } from 'vitest';
import {
  harmonicMean,
  mean,
  percentileSorted,
  pool,
  poolAll,
  shareBelow,
  stdevPopulation,
} from './pooling';

describe('pooling, hand-computed', () => {
  // [70, 80, 90, 100] in some order: mean 85; deviations ±5, ±15 → variance 500/4 = 125.
  const v = [80, 90, 100, 70];

  it('mean and population stdev', () => {
    expect(mean(v)).toBe(85);
    expect(stdevPopulation(v)).toBeCloseTo(Math.sqrt(125), 12); // 11.180339887…
  });

  it("harmonic mean is libvmaf's n / Σ 1/(s+1) − 1", () => {
    // 1/81 + 1/91 + 1/101 + 1/71 = 0.0473201866…; 4 / that − 1 = 83.5305194576…
    expect(harmonicMean(v)).toBeCloseTo(83.5305194576735, 10);
    // Not the plain harmonic mean (4 / Σ 1/s = 83.47…).
    expect(harmonicMean(v)).not.toBeCloseTo(4 / (1 / 80 + 1 / 90 + 1 / 100 + 1 / 70), 3);
  });

  it('percentiles interpolate linearly between closest ranks (numpy default)', () => {
    const s = [70, 80, 90, 100];
    // rank = p/100 · (n − 1): p5 → 0.15 → 70 + 10 · 0.15; p1 → 0.03 → 70 + 10 · 0.03.
    expect(percentileSorted(s, 5)).toBeCloseTo(71.5, 12);
    expect(percentileSorted(s, 1)).toBeCloseTo(70.3, 12);
    expect(percentileSorted(s, 0)).toBe(70);
    expect(percentileSorted(s, 100)).toBe(100);
    expect(percentileSorted(s, 50)).toBe(85);
    expect(percentileSorted([42], 5)).toBe(42);
  });

  it('share below is strict', () => {
    expect(shareBelow(v, 80)).toBe(0.25); // only 70; 80 is not below 80
    expect(shareBelow(v, 101)).toBe(1);
  });

  it('pools the ffmpeg-quality-metrics VMAF frames as numpy does', () => {
    const s = pool([15.44212, 15.85038, 15.63546], 80);
    expect(s.count).toBe(3);
    expect(s.mean).toBeCloseTo(15.642653333333334, 12);
    expect(s.harmonicMean).toBeCloseTo(15.640983609592098, 12);
    expect(s.min).toBe(15.44212);
    expect(s.max).toBe(15.85038);
    // numpy.percentile(v, 1) = 15.4459868, (v, 5) = 15.461454; numpy.std(v) = 0.166749042842497
    expect(s.p1).toBeCloseTo(15.4459868, 12);
    expect(s.p5).toBeCloseTo(15.461454, 12);
    expect(s.stdev).toBeCloseTo(0.16674904284249706, 12);
    expect(s.below).toEqual({ threshold: 80, share: 1 });
  });

  it('matches numpy on a list with ties', () => {
    const s = pool([3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5]);
    expect(s.mean).toBe(4);
    expect(s.p1).toBe(1);
    expect(s.p5).toBe(1);
    expect(s.stdev).toBeCloseTo(2.256304299271065, 12);
    expect(s.below).toBeNull();
  });

  it('leaves NaN out and counts it; keeps +Infinity (identical frames in PSNR)', () => {
    const s = pool([40, Number.NaN, 50]);
    expect(s.count).toBe(2);
    expect(s.skipped).toBe(1);
    expect(s.mean).toBe(45);
    const inf = pool([40, Infinity, Infinity]);
    expect(inf.mean).toBe(Infinity);
    expect(inf.min).toBe(40);
    expect(inf.max).toBe(Infinity);
    // Rank 0.1 lies between 40 and +Infinity: numpy's linear rule gives +Infinity too.
    expect(inf.p5).toBe(Infinity);
  });

  it('empty input gives NaN, not a made-up number', () => {
    const s = pool([]);
    expect(s.count).toBe(0);
    expect(Number.isNaN(s.mean)).toBe(true);
    expect(Number.isNaN(s.p5)).toBe(true);
  });

  it('poolAll applies the VMAF 80 default threshold only to vmaf', () => {
    const all = poolAll({ vmaf: [79, 81], psnr: [30, 40] });
    expect(all.vmaf?.below).toEqual({ threshold: 80, share: 0.5 });
    expect(all.psnr?.below).toBeNull();
    const custom = poolAll({ vmaf: [79, 81], psnr: [30, 40] }, { vmaf: 90, psnr: 35 });
    expect(custom.vmaf?.below?.share).toBe(1);
    expect(custom.psnr?.below?.share).toBe(0.5);
  });
});
