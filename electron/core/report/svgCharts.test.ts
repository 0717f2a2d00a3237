import { describe, expect, it } from 'vitest';
import { esc } from './html';
import { decimateMinMax, linearTicks, logTicks, perFrameChartSvg, rdChartSvg } from './svgCharts';

describe('decimateMinMax', () => {
  it('keeps every finite value when there are few', () => {
    expect(decimateMinMax([1, null, 3, Number.NaN, 5], 10)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });
  it('keeps each column’s min and max in order, so a one-frame dip survives', () => {
    const values = Array.from({ length: 100_000 }, (_, i) => 90 + Math.sin(i / 500));
    values[54_321] = 12;
    const pts = decimateMinMax(values, 500);
    expect(pts.length).toBeLessThanOrEqual(1000);
    expect(pts).toContainEqual([54_321, 12]);
    for (let i = 1; i < pts.length; i++) expect(pts[i]![0]).toBeGreaterThan(pts[i - 1]![0]);
    // two columns of four: each keeps its min and max in the order they occur
    expect(decimateMinMax([5, 1, 9, 2, 3, 4, 8, 0], 2)).toEqual([
      [1, 1],
      [2, 9],
      [6, 8],
      [7, 0],
    ]);
  });
});

describe('ticks', () => {
  it('puts log ticks at 1, 2, 5 × 10^k', () => {
    expect(logTicks(90_000, 2_100_000)).toEqual([100_000, 200_000, 500_000, 1_000_000, 2_000_000]);
  });
  it('puts linear ticks at round steps', () => {
    expect(linearTicks(61.3, 97.2)).toEqual([65, 70, 75, 80, 85, 90, 95]);
  });
});

describe('charts', () => {
  it('draws points, hull and crossovers with escaped labels', () => {
    const svg = rdChartSvg(
      [
        {
          name: 'x264 <&>',
          color: '#123456',
          points: [
            { bitrate: 1e5, quality: 60, label: 'a"1' },
            { bitrate: 4e5, quality: 80, label: 'b' },
          ],
          hull: [
            { bitrate: 1e5, quality: 60 },
            { bitrate: 4e5, quality: 80 },
          ],
          crossovers: [{ bitrate: 2e5, from: '360p', to: '720p' }],
        },
      ],
      'VMAF',
    );
    expect(svg.match(/<circle class="point"/g)).toHaveLength(2);
    expect(svg).toMatch(/<path class="hull" d="M[\d.]+,[\d.]+ L[\d.]+,[\d.]+"/);
    expect(svg).toContain('360p→720p');
    expect(svg).toContain('x264 &lt;&amp;&gt;');
    expect(svg).toContain('a&quot;1');
    expect(svg).not.toContain('<&>');
  });
  it('says so when there is nothing to draw', () => {
    expect(rdChartSvg([], 'VMAF')).toMatch(/No scored renditions/);
    expect(
      perFrameChartSvg({
        title: 't',
        seriesLabel: 'VMAF',
        frames: [0, 1],
        values: [null, null],
        mean: null,
      }),
    ).toMatch(/no finite VMAF values/);
  });
  it('draws a per-frame chart on a fixed scale when asked (VMAF v1: 0–110), else fits the values', () => {
    const base = {
      title: 't',
      seriesLabel: 'VMAF',
      frames: [0, 1, 2],
      values: [90, 95, 105],
      mean: 96.67,
    };
    expect(valueTicks(perFrameChartSvg({ ...base, range: [0, 110] }))).toEqual([
      '0',
      '25',
      '50',
      '75',
      '100',
    ]);
    expect(valueTicks(perFrameChartSvg(base))).toEqual(['90', '95', '100', '105']);
  });
  it('draws further series on the same axis with a legend, the main one on top', () => {
    const svg = perFrameChartSvg({
      title: 't',
      seriesLabel: 'XPSNR-Y',
      frames: [0, 1],
      values: [30, 40],
      mean: 35,
      color: '#111111',
      more: [{ label: 'XPSNR-U', values: [20, 50], color: '#222222' }],
    });
    const strokes = [...svg.matchAll(/<path class="series" d="[^"]+" stroke="([^"]+)"/g)].map(
      (m) => m[1],
    );
    expect(strokes).toEqual(['#222222', '#111111']);
    expect(svg).toContain('>XPSNR-U</text>');
    expect(valueTicks(svg)).toEqual(['20', '30', '40', '50']);
  });
  it('keeps a long per-frame chart small', () => {
    const values = Array.from({ length: 200_000 }, (_, i) => 80 + (i % 97) / 10);
    const svg = perFrameChartSvg({
      title: 'long',
      seriesLabel: 'VMAF',
      frames: values.map((_, i) => i),
      values,
      mean: 85,
    });
    expect(svg.length).toBeLessThan(40_000);
    expect(svg).toContain('frame 199999');
  });
});

describe('esc', () => {
  it('escapes the five HTML specials', () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
    expect(esc(null)).toBe('');
    expect(esc(3)).toBe('3');
  });
});

/** The value-axis tick labels of a per-frame chart (not the frame numbers under it). */
function valueTicks(svg: string): string[] {
  return [...svg.matchAll(/<text class="tick" [^>]*text-anchor="end">([^<]+)<\/text>/g)]
    .map((m) => m[1]!)
    .filter((t) => !t.startsWith('frame'));
}
