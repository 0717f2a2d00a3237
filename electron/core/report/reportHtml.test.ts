import { describe, expect, it } from 'vitest';
import { bdRate, type CurvePoint } from '../../../shared/rd';
import { bdRows } from './reportHtml';

const pt = (encoder: string, height: number, kbps: number, quality: number): CurvePoint => ({
  id: `${encoder}-${height}-${kbps}`,
  label: `${height}p-${kbps}`,
  encoder,
  group: `${height}p`,
  height,
  bitrate: kbps * 1000,
  quality,
});

describe('bdRows', () => {
  it('compares every encoder hull against x264 and each resolution against the lowest one', () => {
    const x265 = [pt('libx265', 360, 150, 62), pt('libx265', 360, 300, 72), pt('libx265', 720, 600, 84), pt('libx265', 720, 1200, 91)];
    const x264 = [pt('libx264', 360, 200, 62), pt('libx264', 360, 400, 72), pt('libx264', 720, 800, 84), pt('libx264', 720, 1600, 91)];
    const { anchor, rows } = bdRows([...x265, ...x264]);
    expect(anchor).toBe('x264 hull');
    expect(rows.map((r) => r.curve)).toEqual(['x265 hull vs x264 hull', 'x264 720p vs x264 360p', 'x265 720p vs x265 360p']);
    // every x265 rate is 3/4 of x264's at the same quality: −25 % exactly
    expect(rows[0]!.result!.bdRatePercent).toBeCloseTo(-25, 9);
    expect(rows[0]!.result).toEqual(bdRate(x264, x265));
    // 360p 62–72 and 720p 84–91 share no quality range: an explained error, not a number
    expect(rows[1]!.result).toBeNull();
    expect(rows[1]!.error).toMatch(/do not overlap in quality/);
  });
  it('takes the first encoder as the anchor without x264, and skips one-point resolutions', () => {
    const { anchor, rows } = bdRows([pt('libsvtav1', 360, 100, 60), pt('libsvtav1', 360, 200, 70), pt('libsvtav1', 720, 400, 80), pt('libvpx-vp9', 360, 150, 60), pt('libvpx-vp9', 360, 300, 70)]);
    expect(anchor).toBe('svtav1 hull');
    expect(rows.map((r) => r.curve)).toEqual(['vpx-vp9 hull vs svtav1 hull']);
  });
  it('has nothing to compare for one encoder at one resolution', () => {
    expect(bdRows([pt('libx264', 360, 100, 60), pt('libx264', 360, 200, 70)]).rows).toEqual([]);
    expect(bdRows([])).toEqual({ anchor: null, rows: [] });
  });
});
