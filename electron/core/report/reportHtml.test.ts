import { describe, expect, it } from 'vitest';
import { bdRate, type CurvePoint } from '../../../shared/rd';
import { bdRows } from './reportHtml';

const pt = (
  encoder: string,
  height: number,
  kbps: number,
  quality: number,
  preset: string | null = 'medium',
  rateMode = 'crf',
): CurvePoint => ({
  id: `${encoder}-${preset}-${rateMode}-${height}-${kbps}`,
  label: `${height}p-${kbps}`,
  encoder,
  preset,
  rateMode,
  group: `${height}p`,
  height,
  bitrate: kbps * 1000,
  quality,
});

describe('bdRows', () => {
  it('compares every encoder setting against the longest curve and each resolution against the lowest one', () => {
    const x265 = [pt('libx265', 360, 150, 62), pt('libx265', 360, 300, 72), pt('libx265', 720, 600, 84), pt('libx265', 720, 1200, 91)];
    const x264 = [pt('libx264', 360, 200, 62), pt('libx264', 360, 400, 72), pt('libx264', 720, 800, 84), pt('libx264', 720, 1600, 91)];
    const { anchor, rows } = bdRows([...x265, ...x264]);
    expect(anchor).toBe('x264 medium CRF');
    expect(rows.map((r) => r.curve)).toEqual(['x265 medium CRF vs x264 medium CRF', 'x264 medium CRF 720p vs x264 medium CRF 360p', 'x265 medium CRF 720p vs x265 medium CRF 360p']);
    // every x265 rate is 3/4 of x264's at the same quality: −25 % exactly
    expect(rows[0]!.result!.bdRatePercent).toBeCloseTo(-25, 9);
    expect(rows[0]!.result).toEqual(bdRate(x264, x265));
    // 360p 62–72 and 720p 84–91 share no quality range: an explained error, not a number
    expect(rows[1]!.result).toBeNull();
    expect(rows[1]!.error).toMatch(/do not overlap in quality/);
  });

  it('never computes a BD-rate across settings: a veryfast ABR ladder and an ultrafast CRF grid of one encoder are two curves', () => {
    const abr = [pt('libx264', 234, 145, 60, 'veryfast', 'abr'), pt('libx264', 360, 365, 75, 'veryfast', 'abr'), pt('libx264', 540, 730, 86, 'veryfast', 'abr')];
    const grid = [
      pt('libx264', 240, 120, 55, 'ultrafast'),
      pt('libx264', 240, 260, 62, 'ultrafast'),
      pt('libx264', 480, 500, 80, 'ultrafast'),
      pt('libx264', 480, 1100, 91, 'ultrafast'),
    ];
    const { anchor, rows } = bdRows([...abr, ...grid]);
    // The ladder has 3 points on its line, the grid's hull 3 (240p@260k is below the chord): the
    // first in curve order is the anchor.
    expect(anchor).toBe('x264 ultrafast CRF');
    const settingsRows = rows.filter((r) => / vs x264 ultrafast CRF$/.test(r.curve));
    expect(settingsRows.map((r) => r.curve)).toEqual(['x264 veryfast ABR vs x264 ultrafast CRF']);
    // The numbers are the ladder's rungs against the grid's hull, nothing pooled across them.
    const gridHull = [grid[0]!, grid[2]!, grid[3]!];
    expect(settingsRows[0]!.result).toEqual(bdRate(gridHull, abr));
    // No row names an encoder alone (the old "x264 hull", which pooled both settings).
    expect(rows.some((r) => /hull/.test(r.curve))).toBe(false);
    // The only other row is inside the grid: 480p against 240p, same setting.
    expect(rows.map((r) => r.curve)).toContain('x264 ultrafast CRF 480p vs x264 ultrafast CRF 240p');
    expect(rows).toHaveLength(2);
  });

  it('keeps a row it cannot compute and says why (a one-point curve)', () => {
    const { rows } = bdRows([pt('libsvtav1', 360, 100, 60), pt('libsvtav1', 720, 400, 80), pt('libvpx-vp9', 360, 150, 60)]);
    expect(rows.map((r) => r.curve)).toEqual(['vpx-vp9 medium CRF vs svtav1 medium CRF']);
    expect(rows[0]!.result).toBeNull();
    expect(rows[0]!.error).toMatch(/test curve has 1 point; PCHIP needs at least 2/);
  });

  it('has nothing to compare for one setting at one resolution', () => {
    expect(bdRows([pt('libx264', 360, 100, 60), pt('libx264', 360, 200, 70)]).rows).toEqual([]);
    expect(bdRows([])).toEqual({ anchor: null, rows: [] });
  });
});
