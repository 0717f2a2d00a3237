import { describe, expect, it } from 'vitest';
import {
  curvesByHeight,
  heightCurves,
  pickForTarget,
  pickOutput,
  shotHull,
  titleCurve,
  type ShotCandidates,
} from './shotEncode';

/** A shot whose quality at bits b is top − k / b (concave, like real curves), at CRFs 20…40. */
function shot(frames: number, top: number, k: number, scale: number, height = 720): ShotCandidates {
  return {
    frames,
    points: [20, 25, 30, 35, 40].map((crf) => {
      const bits = scale * Math.exp(-0.12 * (crf - 20));
      return { crf, height, bits, quality: top - k / bits };
    }),
  };
}

/** The same shots encoded at two heights: `small` tops out lower but is cheap. */
function twoHeights(): ShotCandidates[] {
  const big = [shot(100, 98, 60_000, 20_000, 1080), shot(60, 96, 200_000, 60_000, 1080)];
  const small = [shot(100, 90, 2_000, 5_000, 540), shot(60, 88, 8_000, 15_000, 540)];
  return big.map((b, i) => ({ frames: b.frames, points: [...b.points, ...small[i]!.points] }));
}

describe('shotHull', () => {
  it('keeps the points a slope would choose, cheapest first', () => {
    const hull = shotHull([
      { crf: 20, height: 720, bits: 1000, quality: 95 },
      { crf: 25, height: 720, bits: 600, quality: 92 },
      { crf: 30, height: 720, bits: 400, quality: 80 }, // under the chord from 25 to 35
      { crf: 35, height: 720, bits: 300, quality: 79 },
      { crf: 38, height: 720, bits: 320, quality: 70 }, // costs more than 35 for less
    ]);
    expect(hull.map((p) => p.crf)).toEqual([35, 25, 20]);
  });
});

describe('titleCurve', () => {
  it('spends bits where they buy the most quality per frame, and rises monotonically', () => {
    const easy = shot(100, 98, 20, 200); // cheap to make good
    const hard = shot(100, 96, 3000, 2000); // needs many bits
    const { curve } = titleCurve([easy, hard]);
    for (let i = 1; i < curve.length; i++) {
      expect(curve[i]!.bits).toBeGreaterThan(curve[i - 1]!.bits);
      expect(curve[i]!.quality).toBeGreaterThan(curve[i - 1]!.quality);
      expect(curve[i]!.lambda).toBeLessThanOrEqual(curve[i - 1]!.lambda);
    }
    expect(curve[0]!.choice).toEqual([0, 0]);
    expect(curve.at(-1)!.choice).toEqual([4, 4]);
  });

  it('is the best allocation: no other choice of CRFs gives more quality for the bits', () => {
    const shots = [shot(50, 97, 40, 300), shot(120, 95, 900, 1500), shot(80, 99, 5, 100)];
    const { hulls, curve } = titleCurve(shots);
    const frames = 250;
    // Every combination of hull points, against the curve at its bits.
    const combos: { bits: number; quality: number }[] = [];
    const walk = (i: number, bits: number, q: number): void => {
      if (i === shots.length) return void combos.push({ bits, quality: q / frames });
      for (const p of hulls[i]!) walk(i + 1, bits + p.bits, q + p.quality * shots[i]!.frames);
    };
    walk(0, 0, 0);
    // At each of its points, no combination spending no more bits scores higher.
    for (const p of curve) {
      for (const c of combos) {
        if (c.bits <= p.bits + 1e-9) expect(c.quality).toBeLessThanOrEqual(p.quality + 1e-9);
      }
    }
    expect(combos.length).toBe(125);
  });

  it('refuses a shot with nothing to choose from', () => {
    expect(() => titleCurve([])).toThrow(/no shots/);
    expect(() => titleCurve([{ frames: 10, points: [] }])).toThrow(/Shot 1 has no usable encode/);
  });
});

describe('pickForTarget', () => {
  const { curve } = titleCurve([shot(100, 98, 20, 200), shot(100, 96, 3000, 2000)]);
  it('takes the best quality within a bitrate, or the cheapest reaching a quality', () => {
    const seconds = 4;
    const mid = curve[Math.floor(curve.length / 2)]!;
    const byRate = pickForTarget(curve, { kbps: mid.bits / seconds / 1000 }, seconds);
    expect(byRate).toMatchObject({ met: true, point: mid });
    const byQuality = pickForTarget(curve, { quality: mid.quality }, seconds);
    expect(byQuality).toMatchObject({ met: true, point: mid });
  });

  it('says why a target cannot be met, with the nearest point', () => {
    const low = pickForTarget(curve, { kbps: 0.0001 }, 4);
    expect(low).toMatchObject({ met: false, point: curve[0] });
    expect(low.met ? '' : low.why).toMatch(/cheapest choice .* needs/);
    const high = pickForTarget(curve, { quality: 100 }, 4);
    expect(high).toMatchObject({ met: false, point: curve.at(-1) });
  });
});

describe('pickOutput', () => {
  const seconds = 4;
  it('encodes each output at one height: the small one where bits are few, the big one where they are many', () => {
    const shots = twoHeights();
    const low = pickOutput(heightCurves(shots), { kbps: 3 }, seconds); // 12 kbit in all
    const high = pickOutput(heightCurves(shots), { kbps: 15 }, seconds);
    expect(low).toMatchObject({ height: 540, met: true });
    expect(high).toMatchObject({ height: 1080, met: true });
    for (const [o, kbps] of [
      [low, 3],
      [high, 15],
    ] as const) {
      expect(o.points.every((p) => p.height === o.height)).toBe(true);
      expect(o.point.bits).toBeLessThanOrEqual(kbps * 1000 * seconds);
    }
    // Each is the better of the two heights' own curves at that budget.
    for (const [pick, kbps] of [
      [low, 3],
      [high, 15],
    ] as const) {
      for (const h of [540, 1080]) {
        const own = titleCurve(
          shots.map((s) => ({ frames: s.frames, points: s.points.filter((p) => p.height === h) })),
        ).curve;
        const at = pickForTarget(own, { kbps }, seconds);
        if (at.met) expect(pick.point.quality).toBeGreaterThanOrEqual(at.point.quality - 1e-9);
      }
    }
    // A quality only the big pictures reach; the fewest bits for one both reach.
    expect(pickOutput(heightCurves(shots), { quality: 92 }, seconds)).toMatchObject({
      height: 1080,
      met: true,
    });
    const both = pickOutput(heightCurves(shots), { quality: 80 }, seconds);
    expect(both).toMatchObject({ height: 540, met: true });
    expect(both.point.quality).toBeGreaterThanOrEqual(80);
  });

  it('says why no height meets a target, with the nearest output', () => {
    const shots = twoHeights();
    const tooLow = pickOutput(heightCurves(shots), { kbps: 0.001 }, seconds);
    expect(tooLow).toMatchObject({ met: false, height: 540 }); // the cheapest miss
    expect(tooLow.why).toMatch(/cheapest choice/);
    const tooHigh = pickOutput(heightCurves(shots), { quality: 99.9 }, seconds);
    expect(tooHigh).toMatchObject({ met: false, height: 1080 }); // the best miss
  });
});

describe('curvesByHeight', () => {
  it('gives each height its curve and the best of them, saying the height of each point', () => {
    const { curves, envelope } = curvesByHeight(heightCurves(twoHeights()), 4);
    expect(curves.map((c) => c.height)).toEqual([540, 1080]);
    expect(new Set(envelope.map((p) => p.height))).toEqual(new Set([540, 1080]));
    for (let i = 1; i < envelope.length; i++) {
      expect(envelope[i]!.bitrateKbps).toBeGreaterThan(envelope[i - 1]!.bitrateKbps);
      expect(envelope[i]!.vmaf).toBeGreaterThan(envelope[i - 1]!.vmaf);
    }
    // Small pictures first, big ones last.
    expect(envelope[0]!.height).toBe(540);
    expect(envelope.at(-1)!.height).toBe(1080);
  });
});
