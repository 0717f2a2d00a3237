/**
 * A lower-is-better figure (CAMBI, a banding index 0..24) through the hull, the curves and BD-rate:
 * hand-computed expectations, and the identity with the higher-is-better computation on the
 * negated figure.
 */
import { describe, expect, it } from 'vitest';
import { VqError } from '../errors';
import vectorFile from '../../../shared/reference/bdrate-vectors.json';
import { bdRate, withoutRepeatedBest, type BdMethod } from './bdrate';
import { curvesBySettings } from './curves';
import { groupCurves, settingsHull, type GroupablePoint } from './groupCurves';
import { convexHull, monotonicPoints, type HullInput, type RdPoint } from './hull';

const pt = (bitrate: number, quality: number, group = 'g'): HullInput => ({
  id: `${group}@${bitrate}`,
  group,
  bitrate,
  quality,
});
const ids = (ps: readonly { id: string }[]): string[] => ps.map((p) => p.id);
const negated = <P extends RdPoint>(ps: readonly P[]): P[] =>
  ps.map((p) => ({ ...p, quality: -p.quality }));

describe('convexHull of a lower-is-better figure: the lower envelope', () => {
  // (bitrate, CAMBI). Slopes along the lower envelope: A→B −0.06, B→F −0.02, F→D −0.01 (rising,
  // so it is convex from below). C (300, 3.9) lies above the chord B→D (2.5 at 300); E (250, 5)
  // spends more than B for more banding.
  const A = pt(100, 10);
  const B = pt(200, 4);
  const C = pt(300, 3.9, 'c');
  const D = pt(400, 1);
  const E = pt(250, 5);
  const F = pt(300, 2);

  it('keeps the points with the least banding for their bitrate, in bitrate order', () => {
    expect(ids(convexHull([D, C, A, E, B], 'lower'))).toEqual(['g@100', 'g@200', 'g@400']);
    expect(ids(convexHull([D, C, A, E, B, F], 'lower'))).toEqual([
      'g@100',
      'g@200',
      'g@300',
      'g@400',
    ]);
  });

  it('is not the upper hull of the same points', () => {
    // Higher-is-better would keep only A: every later point is "worse" (a lower figure).
    expect(ids(convexHull([D, C, A, E, B], 'higher'))).toEqual(['g@100']);
  });

  it('resolves ties towards efficiency: lowest figure at a rate, cheapest rate for a figure', () => {
    const h = monotonicPoints(
      [pt(100, 6, 'a'), pt(100, 5, 'b'), pt(200, 3, 'a'), pt(300, 3, 'b')],
      'lower',
    );
    expect(h.map((p) => [p.bitrate, p.quality, p.group])).toEqual([
      [100, 5, 'b'],
      [200, 3, 'a'],
    ]);
  });

  it('drops a point on the chord (collinear points add nothing)', () => {
    expect(ids(convexHull([pt(100, 6), pt(200, 4), pt(300, 2)], 'lower'))).toEqual([
      'g@100',
      'g@300',
    ]);
  });

  it('equals the upper hull of the negated figure, point for point', () => {
    const cloud = Array.from({ length: 30 }, (_, i) =>
      pt(100 * (i + 1), 20 / (i + 1) + ((i * 7) % 5) / 4, `r${i % 3}`),
    );
    expect(ids(convexHull(cloud, 'lower'))).toEqual(ids(convexHull(negated(cloud), 'higher')));
    // The caller's objects come back.
    const hull = convexHull(cloud, 'lower');
    for (const p of hull) expect(cloud).toContain(p);
  });
});

describe('bdRate of a lower-is-better figure', () => {
  // Log-rate is linear in CAMBI on both curves, so every interpolation is exact: the test curve
  // spends half the anchor's bits at every CAMBI (BD-rate −50 %) and, at equal bitrate, has one
  // CAMBI point less (q = 1 + (log10 8000 − L) / log10 2 for the anchor, the same minus 1 for the
  // test): BD-quality −1, the better sign for a lower-is-better figure.
  const anchor: RdPoint[] = [
    { bitrate: 8000, quality: 1 },
    { bitrate: 4000, quality: 2 },
    { bitrate: 2000, quality: 3 },
    { bitrate: 1000, quality: 4 },
  ];
  const test = anchor.map((p) => ({ ...p, bitrate: p.bitrate / 2 }));

  for (const method of ['pchip', 'cubic'] as const) {
    it(`halved bits: BD-rate −50 %, BD-quality −1 (${method})`, () => {
      const r = bdRate(anchor, test, method, 'lower');
      expect(r.bdRatePercent).toBeCloseTo(-50, 9);
      expect(r.bdQuality).toBeCloseTo(-1, 9);
      expect(r.overlap).toEqual([1, 4]);
    });
  }

  it('two points each (PCHIP is a straight line): the same answer', () => {
    const r = bdRate(
      [
        { bitrate: 1000, quality: 4 },
        { bitrate: 4000, quality: 2 },
      ],
      [
        { bitrate: 500, quality: 4 },
        { bitrate: 2000, quality: 2 },
      ],
      'pchip',
      'lower',
    );
    expect(r.bdRatePercent).toBeCloseTo(-50, 9);
    expect(r.bdQuality).toBeCloseTo(-1, 9);
  });

  it('refuses a CAMBI curve read as higher-is-better, and the reverse, naming the rule', () => {
    expect(() => bdRate(anchor, test, 'pchip', 'higher')).toThrow(/quality must rise strictly/);
    const rising = anchor.map((p) => ({ ...p, quality: -p.quality + 10 }));
    let err: unknown = null;
    try {
      bdRate(rising, rising, 'pchip', 'lower');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('INVALID_CURVE');
    expect((err as VqError).message).toMatch(/must fall strictly as the bitrate rises/);
  });

  it('equals the higher-is-better numbers on the negated figure (public vectors)', () => {
    const vectors = (
      vectorFile as unknown as {
        vectors: { id: string; anchor: [number, number][]; test: [number, number][] }[];
      }
    ).vectors;
    const curve = (pairs: readonly [number, number][]): RdPoint[] =>
      pairs.map(([bitrate, quality]) => ({ bitrate, quality }));
    for (const v of vectors) {
      for (const method of ['pchip', 'cubic'] as BdMethod[]) {
        if (method === 'cubic' && (v.anchor.length < 4 || v.test.length < 4)) continue;
        const a = curve(v.anchor);
        const t = curve(v.test);
        const up = bdRate(a, t, method, 'higher');
        const down = bdRate(negated(a), negated(t), method, 'lower');
        expect(down.bdRatePercent, `${v.id} ${method}`).toBeCloseTo(up.bdRatePercent, 9);
        expect(down.bdQuality, `${v.id} ${method}`).toBeCloseTo(-(up.bdQuality ?? NaN), 9);
        expect(down.overlap[0]).toBeCloseTo(-up.overlap[1], 12);
        expect(down.overlap[1]).toBeCloseTo(-up.overlap[0], 12);
      }
    }
  });
});

describe('withoutRepeatedBest: a ladder whose top rungs all reach CAMBI 0', () => {
  // A ladder's rungs, cheapest first: the three top rungs show no banding at all.
  const ladder: RdPoint[] = [
    { bitrate: 500, quality: 3 },
    { bitrate: 1000, quality: 1.5 },
    { bitrate: 2000, quality: 0 },
    { bitrate: 4000, quality: 0 },
    { bitrate: 3000, quality: 0 },
  ];

  it('keeps only the cheapest point at the lowest value and says which were left out', () => {
    const { points, dropped } = withoutRepeatedBest(ladder, 'lower');
    expect(points.map((p) => p.bitrate)).toEqual([500, 1000, 2000]);
    expect(dropped.map((p) => p.bitrate)).toEqual([4000, 3000]);
    // The caller's objects come back.
    expect(points[2]).toBe(ladder[2]);
  });

  it('turns a curve bdRate refuses into one it computes', () => {
    const test = ladder.map((p) => ({ ...p, bitrate: p.bitrate / 2 }));
    expect(() => bdRate(ladder, test, 'pchip', 'lower')).toThrow(/not monotonic/);
    const r = bdRate(
      withoutRepeatedBest(ladder, 'lower').points,
      withoutRepeatedBest(test, 'lower').points,
      'pchip',
      'lower',
    );
    // Half the bits at every CAMBI the curves share.
    expect(r.bdRatePercent).toBeCloseTo(-50, 9);
    expect(r.overlap).toEqual([0, 3]);
  });

  it('leaves other repeats for bdRate to refuse, and a single best point alone', () => {
    const dip: RdPoint[] = [
      { bitrate: 500, quality: 3 },
      { bitrate: 1000, quality: 3 },
      { bitrate: 2000, quality: 0 },
    ];
    expect(withoutRepeatedBest(dip, 'lower')).toEqual({ points: dip, dropped: [] });
    expect(() => bdRate(dip, dip, 'pchip', 'lower')).toThrow(/not monotonic/);
  });

  it('returns a higher-is-better curve as it is (a repeated top is not trimmed)', () => {
    const vmaf: RdPoint[] = [
      { bitrate: 500, quality: 90 },
      { bitrate: 1000, quality: 100 },
      { bitrate: 2000, quality: 100 },
    ];
    expect(withoutRepeatedBest(vmaf, 'higher')).toEqual({ points: vmaf, dropped: [] });
  });
});

describe('bdRate hints at the direction of the figure', () => {
  const falling: RdPoint[] = [
    { bitrate: 1000, quality: 4 },
    { bitrate: 2000, quality: 2 },
  ];
  const hintOf = (f: () => unknown): string => {
    try {
      f();
    } catch (e) {
      return (e as VqError).hint ?? '';
    }
    return 'no error';
  };

  it('suggests --lower-is-better for a curve that falls with bitrate', () => {
    expect(hintOf(() => bdRate(falling, falling, 'pchip', 'higher'))).toMatch(
      /If lower is better for this figure \(CAMBI\), pass --lower-is-better/,
    );
  });

  it('suggests leaving it out for a rising curve compared as lower-is-better', () => {
    const rising = falling.map((p) => ({ ...p, quality: 10 - p.quality }));
    expect(hintOf(() => bdRate(rising, rising, 'pchip', 'lower'))).toMatch(
      /leave out --lower-is-better/,
    );
  });

  it('says neither for a curve with a dip in the right direction', () => {
    const dip: RdPoint[] = [
      { bitrate: 1000, quality: 30 },
      { bitrate: 2000, quality: 35 },
      { bitrate: 3000, quality: 34 },
      { bitrate: 4000, quality: 40 },
    ];
    expect(hintOf(() => bdRate(dip, dip, 'pchip', 'higher'))).not.toMatch(/lower-is-better/);
  });
});

describe('curves of a lower-is-better figure', () => {
  const grid = (
    bitrate: number,
    cambi: number,
    height: number,
  ): GroupablePoint & { label: string } => ({
    id: `${height}p@${bitrate}`,
    label: `${height}p@${bitrate}`,
    group: `${height}p`,
    height,
    width: (height * 16) / 9,
    bitrate,
    quality: cambi,
    encoder: 'libx264',
    preset: 'medium',
    rateMode: 'crf',
  });
  // 360p bands less at low rates, 720p at high ones. Slopes along the lower envelope: 360p@100 (8)
  // → 360p@200 (5) −0.03, → 720p@800 (1) −0.0067, → 720p@1600 (0.5) −0.000625 (rising: convex).
  // 360p@400 (4.8) lies above the chord 360p@200 → 720p@800 (3.67 at 400); 720p@200 (9) bands
  // more than 360p@200 at the same rate.
  const points = [
    grid(100, 8, 360),
    grid(200, 5, 360),
    grid(400, 4.8, 360),
    grid(200, 9, 720),
    grid(800, 1, 720),
    grid(1600, 0.5, 720),
  ];

  it("a grid's line is its lower envelope", () => {
    const [curve] = groupCurves(points, 'settings', 'lower');
    expect(curve!.lineKind).toBe('hull');
    expect(ids(curve!.line)).toEqual(['360p@100', '360p@200', '720p@800', '720p@1600']);
  });

  it('the hull says where the least-banding resolution changes', () => {
    const { hull, crossovers } = settingsHull(points, 'lower');
    expect(ids(hull)).toEqual(['360p@100', '360p@200', '720p@800', '720p@1600']);
    expect(crossovers).toEqual([{ bitrate: Math.sqrt(200 * 800), from: '360p', to: '720p' }]);
  });

  it('recommends no ladder on it (not a ladder target: ladderPick.ts)', () => {
    const [curve] = curvesBySettings(points, undefined, 'lower');
    expect(curve!.hull.length).toBe(4);
    expect(curve!.picks).toEqual([]);
  });
});
