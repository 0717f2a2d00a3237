import { describe, expect, it } from 'vitest';
import { VqError } from '../errors';
import vectorFile from '../../../shared/reference/bdrate-vectors.json';
import { bdRate, pchipSlopes, qualityOverlapShare, type BdMethod } from './bdrate';
import type { RdPoint } from './hull';

interface Expectation {
  bd_rate_percent?: number;
  bd_psnr_db?: number;
  tolerance: number;
}
interface Vector {
  id: string;
  anchor: [number, number][];
  test: [number, number][];
  expected: Partial<Record<'pchip' | 'cubic' | 'any', Expectation>>;
}

const vectors = (vectorFile as unknown as { vectors: Vector[] }).vectors;
const curve = (pairs: readonly (readonly [number, number])[]): RdPoint[] => pairs.map(([bitrate, quality]) => ({ bitrate, quality }));

/** The error a call throws (fails the test when it does not throw). */
function thrown(f: () => unknown): VqError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VqError);
    return e as VqError;
  }
  throw new Error('expected a VqError');
}

// JCTVC-E137 set 1 (methods.md §2.5 V3), used for the invariants.
const jct1 = curve(vectors.find((v) => v.id === 'jctvc-e137-1-pchip')!.anchor);

describe('bdRate: public vectors (../shared/reference/bdrate-vectors.json)', () => {
  it('has the vectors the file is expected to hold', () => {
    expect(vectors.map((v) => v.id)).toEqual(['etro-barb512-cubic', 'jctvc-e137-1-pchip', 'jctvc-e137-2-pchip', 'linear-slope2', 'psnr-offset-2db']);
  });
  for (const v of vectors) {
    for (const [key, exp] of Object.entries(v.expected)) {
      const methods: BdMethod[] = key === 'any' ? ['pchip', 'cubic'] : [key as BdMethod];
      for (const method of methods) {
        it(`${v.id} with ${method} is within ${exp.tolerance}`, () => {
          const r = bdRate(curve(v.anchor), curve(v.test), method);
          expect(r.method).toBe(method);
          if (exp.bd_rate_percent !== undefined) expect(Math.abs(r.bdRatePercent - exp.bd_rate_percent)).toBeLessThanOrEqual(exp.tolerance);
          if (exp.bd_psnr_db !== undefined) expect(Math.abs(r.bdQuality! - exp.bd_psnr_db)).toBeLessThanOrEqual(exp.tolerance);
        });
      }
    }
  }
  it('matches the [calc] values of methods.md §2.5 for the other interpolator', () => {
    const byId = (id: string) => vectors.find((v) => v.id === id)!;
    const barb = bdRate(curve(byId('etro-barb512-cubic').anchor), curve(byId('etro-barb512-cubic').test), 'pchip');
    expect(barb.bdRatePercent).toBeCloseTo(-0.890373, 6);
    expect(barb.bdQuality).toBeCloseTo(0.071491, 6);
    const v3 = bdRate(curve(byId('jctvc-e137-1-pchip').anchor), curve(byId('jctvc-e137-1-pchip').test), 'cubic');
    expect(v3.bdRatePercent).toBeCloseTo(-0.464415, 6);
    const v4 = bdRate(curve(byId('jctvc-e137-2-pchip').anchor), curve(byId('jctvc-e137-2-pchip').test));
    expect(v4.bdQuality).toBeCloseTo(0.028472, 6);
    const lin = byId('linear-slope2');
    expect(bdRate(curve(lin.anchor), curve(lin.test), 'cubic').bdRatePercent).toBeCloseTo(-50.4087, 4);
    expect(bdRate(curve(lin.test), curve(lin.anchor), 'cubic').bdRatePercent).toBeCloseTo(101.6484, 4);
    expect(bdRate(curve(lin.anchor), curve(lin.test), 'cubic').bdQuality).toBeCloseTo(21.6667, 4);
    expect(bdRate(curve(lin.anchor), curve(lin.test), 'pchip').bdRatePercent).toBeCloseTo(-50.701, 3);
    expect(bdRate(curve(lin.test), curve(lin.anchor), 'pchip').bdRatePercent).toBeCloseTo(102.8438, 4);
    expect(bdRate(curve(lin.anchor), curve(lin.test), 'pchip').bdQuality).toBeCloseTo(21.6146, 4);
  });
  it('defaults to pchip and reports the overlapping quality range', () => {
    const v = vectors.find((x) => x.id === 'jctvc-e137-1-pchip')!;
    const r = bdRate(curve(v.anchor), curve(v.test));
    expect(r.method).toBe('pchip');
    expect(r.overlap).toEqual([34.3147, 43.6471]);
  });
});

describe('bdRate: invariants', () => {
  for (const method of ['pchip', 'cubic'] as const) {
    it(`${method}: a curve against itself gives 0`, () => {
      const r = bdRate(jct1, jct1, method);
      expect(r.bdRatePercent).toBeCloseTo(0, 12);
      expect(r.bdQuality).toBeCloseTo(0, 12);
    });
    it(`${method}: scaling every rate by k gives (k − 1)·100 %`, () => {
      for (const k of [1.1, 0.9, 2, 0.5]) {
        const scaled = jct1.map((p) => ({ bitrate: p.bitrate * k, quality: p.quality }));
        expect(bdRate(jct1, scaled, method).bdRatePercent).toBeCloseTo((k - 1) * 100, 9);
      }
    });
    it(`${method}: adding c to every quality gives BD-quality c`, () => {
      for (const c of [0.5, -1.25, 2]) {
        const shifted = jct1.map((p) => ({ bitrate: p.bitrate, quality: p.quality + c }));
        expect(bdRate(jct1, shifted, method).bdQuality).toBeCloseTo(c, 9);
      }
    });
    it(`${method}: swapping anchor and test gives 1/(1 + x) − 1 and flips BD-quality`, () => {
      const v = vectors.find((x) => x.id === 'jctvc-e137-2-pchip')!;
      const ab = bdRate(curve(v.anchor), curve(v.test), method);
      const ba = bdRate(curve(v.test), curve(v.anchor), method);
      // Same overlap and interpolants, so Δlog flips sign exactly: (1 + ab)(1 + ba) = 1.
      expect((1 + ab.bdRatePercent / 100) * (1 + ba.bdRatePercent / 100)).toBeCloseTo(1, 12);
      expect(ab.bdQuality! + ba.bdQuality!).toBeCloseTo(0, 12);
      expect(Math.sign(ab.bdRatePercent)).toBe(-Math.sign(ba.bdRatePercent));
    });
    it(`${method}: the rate unit and the point order do not matter`, () => {
      const v = vectors.find((x) => x.id === 'jctvc-e137-2-pchip')!;
      const base = bdRate(curve(v.anchor), curve(v.test), method);
      const kbit = (c: RdPoint[]) => c.map((p) => ({ bitrate: p.bitrate / 1000, quality: p.quality })).reverse();
      const r = bdRate(kbit(curve(v.anchor)), kbit(curve(v.test)), method);
      expect(r.bdRatePercent).toBeCloseTo(base.bdRatePercent, 10);
      expect(r.bdQuality).toBeCloseTo(base.bdQuality!, 10);
    });
  }
  it('a test curve that needs fewer bits for the same quality has a negative BD-rate', () => {
    const cheaper = jct1.map((p) => ({ bitrate: p.bitrate * 0.8, quality: p.quality }));
    expect(bdRate(jct1, cheaper).bdRatePercent).toBeLessThan(0);
    expect(bdRate(jct1, cheaper).bdQuality).toBeGreaterThan(0);
  });
});

describe('bdRate: errors', () => {
  it('refuses too few points, naming the curve and the method', () => {
    const three = jct1.slice(0, 3);
    const e = thrown(() => bdRate(jct1, three, 'cubic'));
    expect(e.code).toBe('INVALID_CURVE');
    expect(e.message).toMatch(/test curve has 3 points.*at least 4/);
    expect(e.hint).toMatch(/pchip/);
    expect(Number.isFinite(bdRate(jct1, three, 'pchip').bdRatePercent)).toBe(true);
    const one = thrown(() => bdRate(jct1.slice(0, 1), jct1, 'pchip'));
    expect(one.message).toMatch(/anchor curve has 1 point;.*at least 2/);
  });
  it('pchip works with exactly 2 points (a straight line)', () => {
    const a = [{ bitrate: 100, quality: 30 }, { bitrate: 1000, quality: 40 }];
    const b = [{ bitrate: 50, quality: 30 }, { bitrate: 500, quality: 40 }];
    expect(bdRate(a, b).bdRatePercent).toBeCloseTo(-50, 10);
    expect(bdRate(a, b).bdQuality).toBeCloseTo(10 * Math.log10(2), 10);
  });
  it('refuses a non-monotonic curve (methods.md §2.5 V5: top PSNR or top rate changed)', () => {
    const lowerTop = jct1.map((p, i) => (i === 0 ? { ...p, quality: 39.6471 } : p));
    const e = thrown(() => bdRate(lowerTop, jct1));
    expect(e.code).toBe('INVALID_CURVE');
    expect(e.message).toMatch(/anchor curve is not monotonic/);
    const lowerRate = jct1.map((p, i) => (i === 0 ? { ...p, bitrate: 58048.8736 } : p));
    expect(thrown(() => bdRate(jct1, lowerRate, 'cubic')).message).toMatch(/test curve is not monotonic/);
    const repeated = jct1.map((p, i) => (i === 1 ? { ...p, quality: jct1[0]!.quality } : p));
    expect(thrown(() => bdRate(repeated, jct1)).message).toMatch(/not monotonic/);
  });
  it('refuses curves without a common quality range (methods.md §2.5 V5: metric + 100)', () => {
    const far = jct1.map((p) => ({ bitrate: p.bitrate, quality: p.quality + 100 }));
    const e = thrown(() => bdRate(jct1, far));
    expect(e.code).toBe('INVALID_CURVE');
    expect(e.message).toMatch(/do not overlap in quality/);
  });
  it('gives the BD-rate without a common bitrate range, and no BD-quality', () => {
    // jct1 spans 5.7× in rate: at 10× the rates the curves share every quality and no bitrate.
    // The invariant "rates × k → BD-rate (k − 1)·100 %" holds for every k; BD-quality has no range.
    for (const method of ['pchip', 'cubic'] as const) {
      const far = jct1.map((p) => ({ bitrate: p.bitrate * 10, quality: p.quality }));
      const r = bdRate(jct1, far, method);
      expect(r.bdRatePercent).toBeCloseTo(900, 8);
      expect(r.bdQuality).toBeNull();
    }
  });
  it('refuses zero, negative and non-finite values', () => {
    expect(thrown(() => bdRate(jct1.map((p, i) => (i === 2 ? { ...p, bitrate: 0 } : p)), jct1)).message).toMatch(/point 3 has bitrate 0/);
    expect(thrown(() => bdRate(jct1, jct1.map((p, i) => (i === 0 ? { ...p, quality: Number.NaN } : p)))).message).toMatch(/test curve's point 1 has quality NaN/);
  });
});

describe('pchipSlopes', () => {
  it('is 0 at a local extremum and keeps monotone data monotone', () => {
    expect(pchipSlopes([0, 1, 2], [0, 1, 0])[1]).toBe(0);
    const d = pchipSlopes([0, 1, 2, 4], [0, 1, 3, 3.5]);
    expect(d.every((v) => v >= 0)).toBe(true);
  });
  it('uses the three-point end rule, limited to 3δ when the slopes change sign', () => {
    // h = 1, 1; δ = 1, 3: d0 = ((2+1)·1 − 1·3)/2 = 0 → sign differs from δ0 → 0.
    expect(pchipSlopes([0, 1, 2], [0, 1, 4])[0]).toBe(0);
    // δ = 2, 1: d0 = (3·2 − 1)/2 = 2.5.
    expect(pchipSlopes([0, 1, 2], [0, 2, 3])[0]).toBeCloseTo(2.5, 12);
    // δ = 1, −3: d0 = (3 + 3)/2 = 3 ≤ 3·|δ0| = 3, kept; δ = 1, −5: d0 = 4 > 3 → 3.
    expect(pchipSlopes([0, 1, 2], [0, 1, -2])[0]).toBeCloseTo(3, 12);
    expect(pchipSlopes([0, 1, 2], [0, 1, -4])[0]).toBeCloseTo(3, 12);
  });
});

describe('qualityOverlapShare', () => {
  it('is the shared part of the union of quality ranges', () => {
    const a = [{ bitrate: 1, quality: 30 }, { bitrate: 2, quality: 40 }];
    const b = [{ bitrate: 1, quality: 35 }, { bitrate: 2, quality: 50 }];
    expect(qualityOverlapShare(a, b)).toBeCloseTo(0.25, 12);
    expect(qualityOverlapShare(a, a)).toBe(1);
  });
});
