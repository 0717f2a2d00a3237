import { describe, expect, it } from 'vitest';
import {
  frameToX,
  niceStep,
  niceTicks,
  plotArea,
  plotColumns,
  PLOT_PADDING,
  tickDecimals,
  valueToY,
  xToFrame,
} from './chartAxes';

describe('frame ↔ x', () => {
  const area = { left: 40, top: 0, width: 1000, height: 100 };

  it('centres frame f of n in its slot', () => {
    expect(frameToX(0, 100, area)).toBe(45);
    expect(frameToX(99, 100, area)).toBe(1035);
    expect(frameToX(50, 4, area)).toBe(40 + 50.5 * 250);
  });

  it('maps x back to the frame whose slot holds it, clamped', () => {
    expect(xToFrame(40, 100, area)).toBe(0);
    expect(xToFrame(49.99, 100, area)).toBe(0);
    expect(xToFrame(50, 100, area)).toBe(1);
    expect(xToFrame(1039.9, 100, area)).toBe(99);
    expect(xToFrame(-500, 100, area)).toBe(0);
    expect(xToFrame(5000, 100, area)).toBe(99);
    expect(xToFrame(500, 0, area)).toBe(0);
    expect(xToFrame(NaN, 100, area)).toBe(0);
  });

  it('round-trips every frame, also with more frames than pixels', () => {
    for (const n of [1, 7, 1000, 100_000]) {
      for (const f of [0, Math.floor(n / 3), n - 1]) {
        expect(xToFrame(frameToX(f, n, area), n, area)).toBe(f);
      }
    }
  });
});

describe('plot area', () => {
  it('leaves the padding around the plot and never goes negative', () => {
    expect(plotArea(1400, 220)).toEqual({
      left: PLOT_PADDING.left,
      top: PLOT_PADDING.top,
      width: 1400 - PLOT_PADDING.left - PLOT_PADDING.right,
      height: 220 - PLOT_PADDING.top - PLOT_PADDING.bottom,
    });
    expect(plotArea(10, 10).width).toBe(0);
  });

  it('has one column per device pixel of the plot width', () => {
    const w = 1400 - PLOT_PADDING.left - PLOT_PADDING.right;
    expect(plotColumns(1400, 1)).toBe(w);
    expect(plotColumns(1400, 2)).toBe(2 * w);
    expect(plotColumns(0, 2)).toBe(1);
  });

  it('puts the top of the range at the top of the plot', () => {
    const area = { left: 0, top: 10, width: 100, height: 200 };
    expect(valueToY(100, [0, 100], area)).toBe(10);
    expect(valueToY(0, [0, 100], area)).toBe(210);
    expect(valueToY(25, [0, 100], area)).toBe(160);
    expect(valueToY(5, [5, 5], area)).toBe(10);
  });
});

describe('ticks', () => {
  it('picks 1, 2, 2.5 or 5 times a power of ten', () => {
    expect(niceStep(100, 5)).toBe(20);
    expect(niceStep(100, 4)).toBe(25);
    expect(niceStep(0.3, 3)).toBe(0.1);
    expect(niceStep(99_999, 8)).toBe(20_000);
    expect(niceStep(0, 5)).toBe(1);
  });

  it('lists the multiples inside the range', () => {
    expect(niceTicks(0, 100, 5)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(niceTicks(0.91, 1, 5)).toEqual([0.92, 0.94, 0.96, 0.98, 1]);
    expect(niceTicks(0.91, 1, 3)).toEqual([0.95, 1]);
    expect(niceTicks(31.2, 48.7, 4)).toEqual([35, 40, 45]);
    expect(niceTicks(0, 3, 10, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(5, 1, 4)).toEqual([]);
  });

  it('gives labels the decimals their step needs', () => {
    expect(tickDecimals(20)).toBe(0);
    expect(tickDecimals(2.5)).toBe(1);
    expect(tickDecimals(0.02)).toBe(2);
    expect(tickDecimals(0.0025)).toBe(4);
  });
});
