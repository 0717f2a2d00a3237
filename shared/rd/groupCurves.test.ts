import { describe, expect, it } from 'vitest';
import { curvesBySettings, type CurvePoint } from './curves';
import {
  defaultSettingsKey,
  groupCurves,
  rateFamilyOf,
  settingsChoices,
  settingsHull,
  settingsOf,
} from './groupCurves';

const pt = (
  encoder: string,
  preset: string | null,
  rateMode: string,
  height: number,
  kbps: number,
  quality: number,
  ladderId: string | null = null,
): CurvePoint => ({
  id: `${encoder}-${preset}-${rateMode}-${height}-${kbps}`,
  label: `${height}p@${kbps}`,
  encoder,
  preset,
  rateMode,
  ladderId,
  ladderName: ladderId,
  group: `${height}p`,
  height,
  bitrate: kbps * 1000,
  quality,
});

// The library of issue 11: a veryfast ABR ladder and an ultrafast CRF grid of one encoder.
const abrLadder = [
  pt('libx264', 'veryfast', 'abr', 234, 145, 63, 'abr'),
  pt('libx264', 'veryfast', 'abr', 360, 365, 78, 'abr'),
  pt('libx264', 'veryfast', 'abr', 540, 730, 88, 'abr'),
];
const crfGrid = [
  pt('libx264', 'ultrafast', 'crf', 240, 120, 55, 'grid'),
  pt('libx264', 'ultrafast', 'crf', 240, 260, 62, 'grid'),
  pt('libx264', 'ultrafast', 'crf', 480, 500, 80, 'grid'),
  pt('libx264', 'ultrafast', 'crf', 480, 1100, 91, 'grid'),
];

describe('rate-control families', () => {
  it('puts CRF in one family and ABR and CBR in the other', () => {
    expect(rateFamilyOf('crf')).toBe('quality');
    expect(rateFamilyOf('abr')).toBe('bitrate');
    expect(rateFamilyOf('cbr')).toBe('bitrate');
    const abr = settingsOf(pt('libx264', 'fast', 'abr', 360, 100, 50));
    const cbr = settingsOf(pt('libx264', 'fast', 'cbr', 360, 100, 50));
    expect(abr.key).toBe(cbr.key);
    expect(settingsOf(pt('libx264', null, 'crf', 360, 100, 50)).label).toBe(
      'libx264 default preset CRF',
    );
  });
});

describe('groupCurves', () => {
  it('keeps a veryfast ABR ladder and an ultrafast CRF grid of the same encoder apart', () => {
    const curves = groupCurves([...abrLadder, ...crfGrid], 'settings');
    expect(curves.map((c) => c.label)).toEqual(['libx264 ultrafast CRF', 'libx264 veryfast ABR']);
    expect(curves.map((c) => c.points.length)).toEqual([4, 3]);
    expect(curves.every((c) => !c.mixed)).toBe(true);
    // Different presets of one rate family, and one preset in two families: four curves.
    const more = groupCurves(
      [
        ...abrLadder,
        ...crfGrid,
        pt('libx264', 'veryfast', 'crf', 360, 300, 75),
        pt('libx264', 'slow', 'abr', 360, 300, 77),
      ],
      'settings',
    );
    expect(more.map((c) => c.label)).toEqual([
      'libx264 slow ABR',
      'libx264 ultrafast CRF',
      'libx264 veryfast ABR',
      'libx264 veryfast CRF',
    ]);
  });

  it('names a setting that holds ABR and CBR rungs by both', () => {
    const [c] = groupCurves(
      [pt('libx265', 'fast', 'abr', 360, 300, 70), pt('libx265', 'fast', 'cbr', 720, 900, 85)],
      'settings',
    );
    expect(c!.label).toBe('libx265 fast ABR/CBR');
    expect(c!.mixed).toBe(false);
  });

  it('draws a ladder through its rungs and a grid through its hull', () => {
    const [grid, ladder] = groupCurves([...abrLadder, ...crfGrid], 'settings');
    expect(ladder!.lineKind).toBe('points');
    expect(ladder!.line.map((p) => p.bitrate)).toEqual([145_000, 365_000, 730_000]);
    expect(grid!.lineKind).toBe('hull');
    // 240p@260k lies below the chord 120k→500k: the grid's best curve leaves it out.
    expect(grid!.line.map((p) => p.bitrate)).toEqual([120_000, 500_000, 1_100_000]);
  });

  it('marks a ladder curve that mixes settings: no line', () => {
    const curves = groupCurves(
      [
        pt('libx264', 'veryfast', 'abr', 360, 365, 78, 'mix'),
        pt('libx265', 'veryfast', 'abr', 720, 900, 88, 'mix'),
      ],
      'ladder',
    );
    expect(curves).toHaveLength(1);
    expect(curves[0]!.mixed).toBe(true);
    expect(curves[0]!.settings).toEqual(['libx264 veryfast ABR', 'libx265 veryfast ABR']);
    expect(curves[0]!.line).toEqual([]);
    expect(curves[0]!.lineKind).toBe('none');
  });

  it('splits settings by resolution, heights ascending within a setting', () => {
    const curves = groupCurves(crfGrid, 'settingsResolution');
    expect(curves.map((c) => c.label)).toEqual([
      'libx264 ultrafast CRF 240p',
      'libx264 ultrafast CRF 480p',
    ]);
    expect(curves.map((c) => c.lineKind)).toEqual(['points', 'points']);
  });

  it('names points of a plain results file by their encoder alone', () => {
    const plain = {
      id: 'a',
      label: 'a',
      encoder: 'libx264',
      group: '360p',
      bitrate: 1,
      quality: 2,
    };
    expect(groupCurves([plain], 'settings').map((c) => c.label)).toEqual(['libx264']);
  });
});

describe('settingsHull', () => {
  it('says where the best resolution changes only between resolutions with curves of their own', () => {
    // The grid: 240p and 480p have two points each; the hull changes from 240p to 480p once.
    const grid = settingsHull(crfGrid);
    expect(grid.crossovers.map((c) => [c.from, c.to])).toEqual([['240p', '480p']]);
    // The ladder: one point per resolution, so its hull changes resolution at every rung, but
    // no two curves cross there: no crossover is claimed.
    const ladder = settingsHull(abrLadder);
    expect(ladder.hull).toHaveLength(3);
    expect(ladder.crossovers).toEqual([]);
  });

  it('picks by default the setting with the most points', () => {
    const choices = settingsChoices([...abrLadder, ...crfGrid]);
    expect(choices.map((c) => c.points)).toEqual([4, 3]);
    expect(defaultSettingsKey(choices)).toBe(choices[0]!.key);
    expect(defaultSettingsKey([])).toBeNull();
  });
});

describe('curvesBySettings', () => {
  it('gives each setting its own hull, never one across settings', () => {
    const curves = curvesBySettings([...abrLadder, ...crfGrid]);
    expect(curves.map((c) => c.label)).toEqual(['libx264 ultrafast CRF', 'libx264 veryfast ABR']);
    for (const c of curves) {
      const own = new Set(c.points.map((p) => p.id));
      expect(c.hull.every((p) => own.has(p.id))).toBe(true);
    }
    expect(curves[1]!.crossovers).toEqual([]);
    expect(curves[0]!.crossovers).toHaveLength(1);
  });
});
