import { describe, expect, it } from 'vitest';
import type { RdRendition } from '../../../../shared/analysis';
import { buildCurves, encodersOf, groupOf, hullCandidates } from './rdCurves';

function rendition(
  id: string,
  encoder: string,
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
    encoder,
    width: Math.round((height * 16) / 9 / 2) * 2,
    height,
    rateControl: 'CRF 23',
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
    },
    createdAt: '2026-01-01T00:00:00Z',
  };
}

const points = [
  rendition('a', 'libx264', 720, 2_000_000, 90),
  rendition('b', 'libx264', 720, 1_000_000, 85),
  rendition('c', 'libx264', 360, 500_000, 70),
  rendition('d', 'libx265', 720, 900_000, 88, { id: 'mine', name: 'My ladder' }),
  rendition('e', 'libx264', 1080, 3_000_000, null),
  rendition('f', 'libx264', 360, 0, 60, null),
];

describe('groupOf', () => {
  it('names groups by encoder and resolution, encoder, or ladder', () => {
    expect(groupOf(points[0]!, 'encoderResolution')).toEqual({
      key: 'libx264|720p',
      label: 'libx264 720p',
    });
    expect(groupOf(points[0]!, 'encoder')).toEqual({ key: 'libx264', label: 'libx264' });
    expect(groupOf(points[3]!, 'ladder')).toEqual({ key: 'ladder:mine', label: 'My ladder' });
    expect(groupOf(points[5]!, 'ladder')).toEqual({ key: 'ladder:', label: 'No ladder' });
  });
});

describe('buildCurves', () => {
  it('makes one curve per encoder × resolution, ordered by encoder then height, points by rate', () => {
    const { curves, missing } = buildCurves(points, 'encoderResolution', 'vmafMean');
    expect(curves.map((c) => c.key)).toEqual(['libx264|360p', 'libx264|720p', 'libx265|720p']);
    expect(curves[1]!.points.map((p) => p.rendition.renditionId)).toEqual(['b', 'a']);
    expect(curves[1]!.points.map((p) => p.quality)).toEqual([85, 90]);
    // e has no VMAF, f no measured bitrate.
    expect(missing).toBe(2);
  });

  it('takes the chosen figure', () => {
    const { curves } = buildCurves(points, 'encoder', 'vmafHmean');
    expect(curves.map((c) => c.label)).toEqual(['libx264', 'libx265']);
    expect(curves[0]!.points.map((p) => p.quality)).toEqual([69.5, 84.5, 89.5]);
  });

  it('groups by ladder', () => {
    const { curves } = buildCurves(points, 'ladder', 'psnrY');
    expect(curves.map((c) => c.label)).toEqual(['CRF sweep', 'My ladder']);
    expect(curves[0]!.points).toHaveLength(4);
  });

  it('tells apart ladders that share a name (two per-title grids of one source)', () => {
    const grid = (id: string) => ({ id, name: 'Per-title grid: a.mp4' });
    const { curves } = buildCurves(
      [
        rendition('g1', 'libx264', 360, 400_000, 70, grid('pertitle-grid-1')),
        rendition('g2', 'libx264', 360, 800_000, 80, grid('pertitle-grid-1')),
        rendition('h1', 'libx264', 360, 500_000, 72, grid('pertitle-grid-2')),
        rendition('h2', 'libx264', 360, 900_000, 82, grid('pertitle-grid-2')),
      ],
      'ladder',
      'vmafMean',
    );
    expect(curves.map((c) => c.label)).toEqual([
      'Per-title grid: a.mp4 (pertitle-grid-1)',
      'Per-title grid: a.mp4 (pertitle-grid-2)',
    ]);
  });

  it('has no curves when nothing has the figure', () => {
    expect(buildCurves(points, 'encoder', 'vmafP5').curves).toEqual([]);
  });
});

describe('hull candidates', () => {
  it('takes every resolution of one encoder, grouped by height', () => {
    const c = hullCandidates(points, 'libx264', 'vmafMean');
    expect(c.map((p) => [p.id, p.group])).toEqual([
      ['a', '720p'],
      ['b', '720p'],
      ['c', '360p'],
    ]);
    expect(encodersOf(points)).toEqual(['libx264', 'libx265']);
  });
});
