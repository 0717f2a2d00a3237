import { describe, expect, it } from 'vitest';
import { formatBitsPerSecond } from '../../../../shared/format';
import {
  bitrateDomain,
  crossoverText,
  linearTicks,
  logTicks,
  makeScale,
  nearestPoint,
  niceStep,
  polylinePath,
  qualityDomain,
} from './rdChartModel';

describe('scales', () => {
  it('maps a linear domain onto pixels and back', () => {
    const s = makeScale('linear', [0, 100], [10, 210]);
    expect(s.toPx(0)).toBe(10);
    expect(s.toPx(50)).toBe(110);
    expect(s.fromPx(210)).toBe(100);
  });

  it('spaces decades evenly on a log scale, and a y range may run upwards', () => {
    const s = makeScale('log', [1e5, 1e7], [0, 200]);
    expect(s.toPx(1e6)).toBeCloseTo(100, 9);
    expect(s.fromPx(100)).toBeCloseTo(1e6, 3);
    const y = makeScale('linear', [0, 100], [300, 0]);
    expect(y.toPx(100)).toBe(0);
    expect(y.toPx(25)).toBe(225);
  });
});

describe('ticks', () => {
  it('gives 1-2-5 ticks per decade on a log axis, labelled as bit rates are everywhere', () => {
    const ticks = logTicks([150_000, 25_000_000]);
    expect(ticks.map((t) => t.value)).toEqual([
      200_000, 500_000, 1_000_000, 2_000_000, 5_000_000, 10_000_000, 20_000_000,
    ]);
    expect(ticks.map((t) => t.label)).toEqual([
      '200 kb/s',
      '500 kb/s',
      '1,000 kb/s',
      '2,000 kb/s',
      '5,000 kb/s',
      '10 Mb/s',
      '20 Mb/s',
    ]);
  });

  it('fills in 1…9 when the domain is narrower than a 1-2-5 step', () => {
    const ticks = logTicks([2_500_000, 4_500_000]);
    expect(ticks.map((t) => t.value)).toEqual([3_000_000, 4_000_000]);
  });

  it('keeps only powers of ten across many decades', () => {
    const ticks = logTicks([1, 1e9]);
    expect(ticks.map((t) => t.value)).toEqual([1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9]);
  });

  it('has no log ticks for a non-positive domain', () => {
    expect(logTicks([0, 10])).toEqual([]);
  });

  it('puts linear ticks at nice steps without float noise', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(0.07, 5)).toBeCloseTo(0.01, 12);
    expect(linearTicks([0, 1], 5).map((t) => t.value)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(linearTicks([0.93, 0.99], 3).map((t) => t.label)).toEqual(['0.94', '0.96', '0.98']);
    expect(linearTicks([0, 4_000_000], 4, formatBitsPerSecond).map((t) => t.label)).toEqual([
      '0 kb/s',
      '1,000 kb/s',
      '2,000 kb/s',
      '3,000 kb/s',
      '4,000 kb/s',
    ]);
  });
});

describe('domains', () => {
  it('pads the bit rates: a factor on a log axis, from zero on a linear one', () => {
    const log = bitrateDomain([200_000, 4_000_000], 'log');
    expect(log[0]).toBeCloseTo(200_000 / 1.15, 3);
    expect(log[1]).toBeCloseTo(4_000_000 * 1.15, 3);
    expect(bitrateDomain([200_000, 4_000_000], 'linear')).toEqual([0, 4_200_000]);
  });

  it('widens a single bit rate to a factor of two on a log axis', () => {
    const [a, b] = bitrateDomain([1_000_000], 'log');
    expect(b / a).toBeCloseTo(2, 9);
    expect(Math.sqrt(a * b)).toBeCloseTo(1_000_000, 3);
  });

  it('rounds the quality range outwards and keeps it inside its bounds', () => {
    expect(qualityDomain([71.3, 96.8], { floor: 0, ceiling: 100 })).toEqual([70, 100]);
    const [lo, hi] = qualityDomain([0.95, 0.97], { ceiling: 1 }, 0.01);
    expect(lo).toBeLessThanOrEqual(0.95);
    expect(hi).toBeGreaterThanOrEqual(0.97);
    expect(hi).toBeLessThanOrEqual(1);
    const [flatLo, flatHi] = qualityDomain([40, 40]);
    expect(flatLo).toBeLessThan(40);
    expect(flatHi).toBeGreaterThan(40);
  });
});

describe('nearestPoint', () => {
  const pts = [
    { x: 10, y: 10 },
    { x: 50, y: 50 },
    { x: 52, y: 50 },
  ];
  it('finds the closest point within reach', () => {
    expect(nearestPoint(pts, 12, 11, 8)).toBe(0);
    expect(nearestPoint(pts, 51.5, 50, 8)).toBe(2);
  });
  it('returns null when nothing is within reach', () => {
    expect(nearestPoint(pts, 100, 100, 8)).toBeNull();
    expect(nearestPoint([], 0, 0, 8)).toBeNull();
  });
  it('keeps the first of equally near points', () => {
    expect(nearestPoint(pts, 51, 50, 8)).toBe(1);
  });
});

describe('texts and paths', () => {
  it('labels a crossover', () => {
    expect(crossoverText({ bitrate: 2_300_000, from: '720p', to: '1080p' })).toBe(
      '720p → 1080p at 2,300 kb/s',
    );
  });
  it('draws a polyline path', () => {
    expect(polylinePath([])).toBe('');
    expect(
      polylinePath([
        { x: 1, y: 2 },
        { x: 3.25, y: 4 },
      ]),
    ).toBe('M1.0 2.0 L3.3 4.0');
  });
});
