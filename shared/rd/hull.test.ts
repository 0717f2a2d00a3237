import { describe, expect, it } from 'vitest';
import { hullCrossovers, monotonicPoints, convexHull, type HullInput } from './hull';

const pt = (bitrate: number, quality: number, group = 'g', id = `${group}@${bitrate}`): HullInput => ({ id, group, bitrate, quality });
const rates = (ps: readonly { bitrate: number }[]) => ps.map((p) => p.bitrate);

describe('convexHull', () => {
  it('keeps every point of a concave curve, sorted by bitrate', () => {
    const pts = [pt(800, 85), pt(100, 50), pt(400, 80), pt(200, 70)];
    expect(rates(convexHull(pts))).toEqual([100, 200, 400, 800]);
  });
  it('drops points that are dominated (lower quality at a higher rate)', () => {
    const pts = [pt(100, 50), pt(200, 70), pt(300, 60), pt(400, 80), pt(500, 79), pt(800, 85)];
    expect(rates(convexHull(pts))).toEqual([100, 200, 400, 800]);
  });
  it('drops points below the chord of their neighbours and keeps points above it', () => {
    // chord 200→400 passes 75 at 300
    expect(rates(convexHull([pt(100, 50), pt(200, 70), pt(300, 74), pt(400, 80), pt(800, 85)]))).toEqual([100, 200, 400, 800]);
    expect(rates(convexHull([pt(100, 50), pt(200, 70), pt(300, 76), pt(400, 80), pt(800, 85)]))).toEqual([100, 200, 300, 400, 800]);
  });
  it('keeps only the ends of collinear points (a point on the chord adds nothing)', () => {
    expect(rates(convexHull([pt(100, 10), pt(200, 20), pt(300, 30), pt(400, 40)]))).toEqual([100, 400]);
    // on the chord exactly: 200→400 at 300 is 75
    expect(rates(convexHull([pt(200, 70), pt(300, 75), pt(400, 80)]))).toEqual([200, 400]);
  });
  it('resolves ties: same rate keeps the better point, same quality keeps the cheaper one', () => {
    const h = convexHull([pt(100, 50, 'a'), pt(100, 55, 'b'), pt(200, 60, 'a'), pt(300, 60, 'b'), pt(200, 60, 'c')]);
    expect(h.map((p) => [p.bitrate, p.quality])).toEqual([
      [100, 55],
      [200, 60],
    ]);
    expect(h[0]!.group).toBe('b');
  });
  it('handles one resolution, one point and no points', () => {
    expect(rates(convexHull([pt(500, 90)]))).toEqual([500]);
    expect(convexHull([])).toEqual([]);
  });
  it('leaves out points with non-finite or non-positive numbers', () => {
    expect(rates(convexHull([pt(0, 40), pt(-5, 45), pt(100, Number.NaN), pt(Number.POSITIVE_INFINITY, 99), pt(200, 70), pt(400, 80)]))).toEqual([200, 400]);
  });
  it('builds one hull across resolutions and keeps the callers objects', () => {
    const pts = [
      pt(100, 60, '360p'), pt(200, 70, '360p'), pt(400, 75, '360p'), pt(800, 77, '360p'),
      pt(200, 55, '720p'), pt(400, 73, '720p'), pt(800, 88, '720p'), pt(1600, 93, '720p'),
      pt(800, 85, '1080p'), pt(1600, 94, '1080p'), pt(3200, 97, '1080p'),
    ];
    const hull = convexHull(pts);
    // 400 kbit/s: 360p 75 beats 720p 73 in the monotonic filter, then falls under the 200→800 chord (slope 0.03 vs 0.025).
    expect(hull.map((p) => p.id)).toEqual(['360p@100', '360p@200', '720p@800', '1080p@1600', '1080p@3200']);
    expect(hull[2]).toBe(pts[6]);
    expect(hullCrossovers(hull)).toEqual([
      { bitrate: 400, from: '360p', to: '720p' },
      { bitrate: Math.sqrt(800 * 1600), from: '720p', to: '1080p' },
    ]);
  });
  it('gives slopes that strictly decrease with rate', () => {
    const pts = Array.from({ length: 40 }, (_, i) => pt(100 * (i + 1), 100 - 900 / (i + 1) + ((i * 7) % 5)));
    const h = convexHull(pts);
    for (let i = 2; i < h.length; i++) {
      const s1 = (h[i - 1]!.quality - h[i - 2]!.quality) / (h[i - 1]!.bitrate - h[i - 2]!.bitrate);
      const s2 = (h[i]!.quality - h[i - 1]!.quality) / (h[i]!.bitrate - h[i - 1]!.bitrate);
      expect(s2).toBeLessThan(s1);
    }
    // Every input point lies on or under the hull.
    for (const p of pts) {
      const i = h.findIndex((x) => x.bitrate >= p.bitrate);
      if (i <= 0) continue;
      const a = h[i - 1]!;
      const b = h[i]!;
      expect(p.quality).toBeLessThanOrEqual(a.quality + ((b.quality - a.quality) * (p.bitrate - a.bitrate)) / (b.bitrate - a.bitrate) + 1e-9);
    }
  });
});

describe('monotonicPoints', () => {
  it('keeps only points better than every cheaper one', () => {
    expect(monotonicPoints([pt(300, 60), pt(100, 50), pt(200, 45), pt(400, 60), pt(500, 61)]).map((p) => p.bitrate)).toEqual([100, 300, 500]);
  });
});

describe('hullCrossovers', () => {
  it('is empty for one resolution', () => {
    expect(hullCrossovers([pt(100, 50), pt(200, 60)])).toEqual([]);
  });
  it('puts the crossover at the log-rate midpoint, lowest first, also when a group returns', () => {
    expect(hullCrossovers([pt(1000, 80, 'b'), pt(100, 50, 'a'), pt(4000, 90, 'a')])).toEqual([
      { bitrate: Math.sqrt(100 * 1000), from: 'a', to: 'b' },
      { bitrate: 2000, from: 'b', to: 'a' },
    ]);
  });
});
