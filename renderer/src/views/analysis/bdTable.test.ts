import { describe, expect, it } from 'vitest';
import {
  bdProblemOf,
  bdRows,
  defaultAnchorKey,
  percentText,
  signedText,
  type BdCurve,
} from './bdTable';

// The ETRO barb512 pair of ../shared/reference/bdrate-vectors.json (rates × 1e6 to look like bits/s);
// VCEG-M33 cubic BD-rate −0.90345 %, BD-PSNR +0.072297 dB.
const anchor: BdCurve = {
  key: 'a',
  label: 'x264 720p',
  points: [
    [2.99899, 48.6681],
    [1.99884, 43.8357],
    [1.49673, 41.3982],
    [0.99707, 38.0124],
    [0.745941, 35.5122],
    [0.596436, 33.8673],
    [0.495148, 32.6658],
    [0.29425, 29.4505],
    [0.244049, 28.484],
  ].map(([r, q]) => ({ bitrate: r! * 1e6, quality: q! })),
};
const test: BdCurve = {
  key: 't',
  label: 'x265 720p',
  points: [
    [2.997253, 48.5637],
    [1.968292, 43.7318],
    [1.472565, 41.2727],
    [0.994965, 38.0001],
    [0.748871, 35.6375],
    [0.58902, 33.9057],
    [0.499176, 32.8318],
    [0.296753, 29.6851],
    [0.249634, 28.8244],
  ].map(([r, q]) => ({ bitrate: r! * 1e6, quality: q! })),
};

describe('bdRows', () => {
  it('computes every other curve against the anchor', () => {
    const rows = bdRows([anchor, test], 'a', 'cubic');
    expect(rows).toHaveLength(1);
    const row = rows![0]!;
    expect(row.ok).toBe(true);
    if (!row.ok) return;
    expect(row.result.bdRatePercent).toBeCloseTo(-0.90345, 4);
    expect(row.result.bdQuality).toBeCloseTo(0.072297, 5);
    expect(row.label).toBe('x265 720p');
    expect(row.overlapShare).toBeGreaterThan(0.95);
  });

  it('keeps the BD-rate of curves that share qualities but no bitrates', () => {
    // The anchor spans 12× in rate; at 20× its rates the test shares every quality, no bitrate.
    const far: BdCurve = {
      key: 'f',
      label: 'far',
      points: anchor.points.map((p) => ({ ...p, bitrate: p.bitrate * 20 })),
    };
    const row = bdRows([anchor, far], 'a', 'pchip')![0]!;
    expect(row.ok).toBe(true);
    if (!row.ok) return;
    expect(row.result.bdRatePercent).toBeCloseTo(1900, 6);
    expect(row.result.bdQuality).toBeNull();
  });

  it('flips the sign when anchor and test swap', () => {
    const row = bdRows([anchor, test], 't', 'pchip')![0]!;
    const back = bdRows([anchor, test], 'a', 'pchip')![0]!;
    expect(row.ok && back.ok).toBe(true);
    if (!row.ok || !back.ok) return;
    expect(Math.sign(row.result.bdRatePercent)).toBe(-Math.sign(back.result.bdRatePercent));
  });

  it('says in words why a pair has no numbers', () => {
    const lonely: BdCurve = { key: 'l', label: 'x264 360p', points: [anchor.points[0]!] };
    const far: BdCurve = {
      key: 'f',
      label: 'x264 1080p',
      points: [
        { bitrate: 9e6, quality: 60 },
        { bitrate: 12e6, quality: 70 },
      ],
    };
    const zigzag: BdCurve = {
      key: 'z',
      label: 'all of libx264',
      points: [
        { bitrate: 1e6, quality: 40 },
        { bitrate: 2e6, quality: 38 },
        { bitrate: 3e6, quality: 45 },
      ],
    };
    const rows = bdRows([anchor, lonely, far, zigzag], 'a', 'pchip')!;
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    for (const [key, problem] of [
      ['l', 'too few points'],
      ['f', 'no overlap'],
      ['z', 'not monotonic'],
    ] as const) {
      const r = byKey[key]!;
      expect(r.ok).toBe(false);
      if (r.ok) continue;
      expect(r.problem).toBe(problem);
      expect(r.message.length).toBeGreaterThan(20);
    }
    const l = byKey.l!;
    if (!l.ok) expect(l.message).toContain('x264 360p');
    // Cubic needs four points: two are too few there.
    const cubic = bdRows([anchor, far], 'a', 'cubic')![0]!;
    expect(!cubic.ok && cubic.problem).toBe('too few points');
  });

  it('computes nothing from a curve that mixes encoder settings, on either side', () => {
    const mixed: BdCurve = { ...test, key: 'm', label: 'Mixed ladder', mixed: true };
    const row = bdRows([anchor, mixed], 'a', 'pchip')![0]!;
    expect(row.ok).toBe(false);
    if (row.ok) return;
    expect(row.problem).toBe('mixed settings');
    expect(row.message).toContain('Mixed ladder');
    const asAnchor = bdRows([anchor, mixed], 'm', 'pchip')![0]!;
    expect(!asAnchor.ok && asAnchor.problem).toBe('mixed settings');
  });

  it('compares CAMBI curves as lower-is-better: half the bits is −50 %, one CAMBI less is −1', () => {
    const cambi = (key: string, scale: number): BdCurve => ({
      key,
      label: key,
      points: [
        { bitrate: 8e6 * scale, quality: 1 },
        { bitrate: 4e6 * scale, quality: 2 },
        { bitrate: 2e6 * scale, quality: 3 },
        { bitrate: 1e6 * scale, quality: 4 },
      ],
    });
    const rows = bdRows([cambi('a', 1), cambi('half', 0.5)], 'a', 'pchip', 'lower')!;
    expect(rows[0]!.ok).toBe(true);
    if (!rows[0]!.ok) return;
    expect(rows[0]!.result.bdRatePercent).toBeCloseTo(-50, 9);
    expect(rows[0]!.result.bdQuality).toBeCloseTo(-1, 9);
    // Read as higher-is-better, a falling CAMBI curve is "not monotonic": the direction matters.
    const wrong = bdRows([cambi('a', 1), cambi('half', 0.5)], 'a', 'pchip')!;
    expect(wrong[0]).toMatchObject({ ok: false, problem: 'not monotonic' });
  });

  it('uses only the cheapest point where a CAMBI curve reaches its lowest value again and again', () => {
    // Two ladders whose top rungs show no banding (CAMBI 0) at several bitrates: as they are,
    // neither curve falls strictly. The dearer zeros gain nothing and are left out of both sides.
    const ladder = (key: string, scale: number): BdCurve => ({
      key,
      label: key,
      points: [
        { bitrate: 1e6 * scale, quality: 4 },
        { bitrate: 2e6 * scale, quality: 2 },
        { bitrate: 4e6 * scale, quality: 0 },
        { bitrate: 6e6 * scale, quality: 0 },
        { bitrate: 8e6 * scale, quality: 0 },
      ],
    });
    const [row] = bdRows([ladder('a', 1), ladder('half', 0.5)], 'a', 'pchip', 'lower')!;
    expect(row).toMatchObject({ ok: true, points: 5, dropped: 2 });
    if (!row!.ok) return;
    expect(row!.result.bdRatePercent).toBeCloseTo(-50, 9);
    expect(row!.result.overlap).toEqual([0, 4]);
    // A higher-is-better figure is never trimmed: its curves are compared as they are.
    const vmaf = (key: string): BdCurve => ({
      key,
      label: key,
      points: ladder(key, 1).points.map((p) => ({ ...p, quality: 100 - p.quality })),
    });
    const [plain] = bdRows([vmaf('a'), vmaf('b')], 'a', 'pchip')!;
    expect(plain).toMatchObject({ ok: false, problem: 'not monotonic', dropped: 0 });
  });

  it('is null for an anchor that is not a curve', () => {
    expect(bdRows([anchor, test], 'gone', 'pchip')).toBeNull();
  });
});

describe('texts', () => {
  it('writes signed percentages and differences', () => {
    expect(percentText(-12.345)).toBe('−12.3 %');
    expect(percentText(4)).toBe('+4.0 %');
    expect(percentText(-0.01)).toBe('0.0 %');
    expect(signedText(1.254, 2)).toBe('+1.25');
    expect(signedText(-0.004, 3)).toBe('−0.004');
    expect(signedText(0.0001, 2)).toBe('0.00');
  });
  it('classifies error messages', () => {
    expect(bdProblemOf('The curves do not overlap in quality')).toBe('no overlap');
    expect(bdProblemOf('something else')).toBe('cannot compute');
  });
});

describe('defaultAnchorKey (issue 11: the anchor defaulted to a one-point curve)', () => {
  const curve = (key: string, n: number): BdCurve => ({
    key,
    label: key,
    points: Array.from({ length: n }, (_, i) => ({ bitrate: (i + 1) * 1e5, quality: 40 + i })),
  });
  it('prefers the hull, then the curve with the most points that has enough, then the first', () => {
    expect(
      defaultAnchorKey([curve('x264 120p', 1), curve('x264 240p', 3), curve('hull', 4)], 'pchip'),
    ).toBe('hull');
    expect(
      defaultAnchorKey(
        [curve('x264 120p', 1), curve('x264 240p', 3), curve('x265 240p', 2)],
        'pchip',
      ),
    ).toBe('x264 240p');
    // The hull with 3 points is too short for the cubic method: a 5-point curve anchors instead.
    expect(defaultAnchorKey([curve('a', 1), curve('hull', 3), curve('b', 5)], 'cubic')).toBe('b');
    expect(defaultAnchorKey([curve('a', 1), curve('b', 1)], 'pchip')).toBe('a');
    // A curve mixing encoder settings is never the default anchor, however long.
    expect(defaultAnchorKey([{ ...curve('mix', 6), mixed: true }, curve('b', 3)], 'pchip')).toBe(
      'b',
    );
    expect(defaultAnchorKey([], 'pchip')).toBeNull();
  });
});
