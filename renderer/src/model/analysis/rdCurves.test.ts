import { describe, expect, it } from 'vitest';
import type { RdRendition } from '../../../../shared/analysis';
import { buildCurves, hullCandidates, hullChoicesOf, stalePlotPoints } from './rdCurves';

type Rung = Pick<RdRendition, 'encoder' | 'preset' | 'rateMode'>;
const crfUltrafast: Rung = { encoder: 'libx264', preset: 'ultrafast', rateMode: 'crf' };
const abrVeryfast: Rung = { encoder: 'libx264', preset: 'veryfast', rateMode: 'abr' };

function rendition(
  id: string,
  rung: Rung,
  height: number,
  bitrate: number,
  vmaf: number | null,
  ladder: { id: string; name: string } | null = { id: 'crf-sweep', name: 'CRF sweep' },
): RdRendition {
  return {
    renditionId: id,
    scoreResultId: `s-${id}`,
    batchId: 'b1',
    jobId: null,
    ladderId: ladder?.id ?? null,
    ladderName: ladder?.name ?? null,
    rungId: id,
    label: id,
    ...rung,
    width: Math.round((height * 16) / 9 / 2) * 2,
    height,
    rateControl: rung.rateMode === 'crf' ? 'CRF 23' : 'ABR 500k',
    bitrate,
    sizeBytes: bitrate / 8,
    metrics: {
      vmafMean: vmaf,
      vmafHmean: vmaf === null ? null : vmaf - 0.5,
      vmafP5: null,
      psnr: 40,
      psnrY: 41,
      ssim: 0.98,
      msSsim: null,
      xpsnr: null,
      // Banding falls as the bitrate rises (lower is better).
      cambi: vmaf === null ? null : (100 - vmaf) / 5,
    },
    createdAt: '2026-01-01T00:00:00Z',
    stale: null,
  };
}

const abrLadder = { id: 'abr', name: 'ABR ladder' };
// A mixed library: an ultrafast CRF grid (2 heights × 2 CRFs) and a veryfast ABR ladder of the
// same encoder, one rendition without VMAF and one without a measured bitrate.
const points = [
  rendition('g720a', crfUltrafast, 720, 2_000_000, 90),
  rendition('g720b', crfUltrafast, 720, 1_000_000, 85),
  rendition('g360a', crfUltrafast, 360, 800_000, 82),
  rendition('g360b', crfUltrafast, 360, 400_000, 70),
  rendition('l720', abrVeryfast, 720, 1_500_000, 88, abrLadder),
  rendition('l360', abrVeryfast, 360, 600_000, 75, abrLadder),
  rendition('l240', abrVeryfast, 240, 300_000, 62, abrLadder),
  rendition('novmaf', crfUltrafast, 1080, 3_000_000, null),
  rendition('norate', crfUltrafast, 360, 0, 60, null),
];

describe('buildCurves', () => {
  it('by default makes one curve per encoder setting: a veryfast ABR ladder and an ultrafast CRF grid are two', () => {
    const { curves, missing } = buildCurves(points, 'settings', 'vmafMean');
    expect(curves.map((c) => c.label)).toEqual(['libx264 ultrafast CRF', 'libx264 veryfast ABR']);
    expect(curves.map((c) => c.points.length)).toEqual([4, 3]);
    expect(curves.every((c) => c.mixed === null)).toBe(true);
    // e has no VMAF, f no measured bitrate.
    expect(missing).toBe(2);
    // The grid (two rates at each of two heights) is a cloud: its line is its hull.
    const [grid, ladder] = curves;
    expect(grid!.lineKind).toBe('hull');
    expect(grid!.line.map((p) => p.rendition.renditionId)).toEqual([
      'g360b',
      'g360a',
      'g720b',
      'g720a',
    ]);
    // The ladder (one rung per height) is drawn through its rungs by bitrate.
    expect(ladder!.lineKind).toBe('points');
    expect(ladder!.line.map((p) => p.rendition.renditionId)).toEqual(['l240', 'l360', 'l720']);
  });

  it('splits a setting by resolution when asked, heights ascending', () => {
    const { curves } = buildCurves(points, 'settingsResolution', 'vmafHmean');
    expect(curves.map((c) => c.label)).toEqual([
      'libx264 ultrafast CRF 360p',
      'libx264 ultrafast CRF 720p',
      'libx264 veryfast ABR 240p',
      'libx264 veryfast ABR 360p',
      'libx264 veryfast ABR 720p',
    ]);
    expect(curves[1]!.points.map((p) => p.quality)).toEqual([84.5, 89.5]);
  });

  it('groups by ladder, and a ladder mixing encoder settings gets no line', () => {
    const mixedLadder = { id: 'mix', name: 'Mixed ladder' };
    const { curves } = buildCurves(
      [
        ...points,
        rendition('m1', crfUltrafast, 360, 500_000, 72, mixedLadder),
        rendition(
          'm2',
          { encoder: 'libx265', preset: 'fast', rateMode: 'cbr' },
          720,
          900_000,
          86,
          mixedLadder,
        ),
      ],
      'ladder',
      'psnrY',
    );
    expect(curves.map((c) => c.label)).toEqual(['ABR ladder', 'CRF sweep', 'Mixed ladder']);
    const mixed = curves[2]!;
    expect(mixed.mixed).toEqual(['libx264 ultrafast CRF', 'libx265 fast CBR']);
    expect(mixed.line).toEqual([]);
    expect(curves[0]!.mixed).toBeNull();
  });

  it('tells apart ladders that share a name (two per-title grids of one source)', () => {
    const grid = (id: string) => ({ id, name: 'Per-title grid: a.mp4' });
    const { curves } = buildCurves(
      [
        rendition('g1', crfUltrafast, 360, 400_000, 70, grid('pertitle-grid-1')),
        rendition('g2', crfUltrafast, 360, 800_000, 80, grid('pertitle-grid-1')),
        rendition('h1', crfUltrafast, 360, 500_000, 72, grid('pertitle-grid-2')),
        rendition('h2', crfUltrafast, 360, 900_000, 82, grid('pertitle-grid-2')),
      ],
      'ladder',
      'vmafMean',
    );
    expect(curves.map((c) => c.label)).toEqual([
      'Per-title grid: a.mp4 (pertitle-grid-1)',
      'Per-title grid: a.mp4 (pertitle-grid-2)',
    ]);
  });

  it('draws a CAMBI grid along its lower envelope (lower is better)', () => {
    // CAMBI 6, 3.6, 3, 2 at 400k, 800k, 1M, 2M: slopes −6, −3, −1 per Mbit/s rise, so every point
    // is on the lower envelope. Read as higher-is-better only the first point would remain.
    const { curves } = buildCurves(points, 'settings', 'cambi');
    const grid = curves[0]!;
    expect(grid.lineKind).toBe('hull');
    expect(grid.line.map((p) => [p.rendition.renditionId, p.quality])).toEqual([
      ['g360b', 6],
      ['g360a', 3.6],
      ['g720b', 3],
      ['g720a', 2],
    ]);
  });

  it('has no curves when nothing has the figure', () => {
    expect(buildCurves(points, 'settings', 'vmafP5').curves).toEqual([]);
  });
});

describe('hull candidates', () => {
  it('offers each encoder setting and takes every resolution of the chosen one', () => {
    const choices = hullChoicesOf(points, 'vmafMean');
    expect(choices.map((c) => [c.label, c.points])).toEqual([
      ['libx264 ultrafast CRF', 4],
      ['libx264 veryfast ABR', 3],
    ]);
    const c = hullCandidates(points, choices[1]!.key, 'vmafMean');
    expect(c.map((p) => [p.id, p.group])).toEqual([
      ['l720', '720p'],
      ['l360', '360p'],
      ['l240', '240p'],
    ]);
    // Never points of another setting of the same encoder.
    expect(hullCandidates(points, choices[0]!.key, 'vmafMean').map((p) => p.id)).toEqual([
      'g720a',
      'g720b',
      'g360a',
      'g360b',
    ]);
  });
});

describe('stalePlotPoints', () => {
  it('places stale renditions that have the figure and a bitrate, and no others', () => {
    const stale = (r: RdRendition): RdRendition => ({
      ...r,
      stale: { reason: 'the file was encoded again after this score' },
    });
    const marked = stalePlotPoints(
      [
        stale(rendition('old720', crfUltrafast, 720, 1_800_000, 89)),
        stale(rendition('oldnovmaf', crfUltrafast, 720, 1_000_000, null)),
        stale(rendition('oldnorate', crfUltrafast, 360, 0, 70)),
      ],
      'vmafMean',
    );
    expect(marked.map((p) => [p.rendition.renditionId, p.bitrate, p.quality])).toEqual([
      ['old720', 1_800_000, 89],
    ]);
    expect(
      stalePlotPoints(
        marked.map((p) => p.rendition),
        'vmafP5',
      ),
    ).toEqual([]);
  });
});
