import { describe, expect, it } from 'vitest';
import { alignFrames, frameIndex, yRange } from './frameSeries';

describe('alignFrames', () => {
  it('puts series with different frames on one axis, with gaps as null', () => {
    const a = { id: 'a', frameNumbers: [0, 1, 2, 3], values: [90, 91, 92, 93] };
    const b = { id: 'b', frameNumbers: [0, 2, 4], values: [50, 52, 54] };
    expect(alignFrames([a, b])).toEqual({
      frames: [0, 1, 2, 3, 4],
      values: [
        [90, 91, 92, 93, null],
        [50, null, 52, null, 54],
      ],
    });
  });

  it('turns non-finite values and nulls into gaps', () => {
    const s = { id: 'p', frameNumbers: [5, 6, 7], values: [Infinity, null, 40.5] };
    expect(alignFrames([s])).toEqual({ frames: [5, 6, 7], values: [[null, null, 40.5]] });
  });

  it('sorts frame numbers that arrive out of order', () => {
    const s = { id: 's', frameNumbers: [2, 0, 1], values: [3, 1, 2] };
    expect(alignFrames([s])).toEqual({ frames: [0, 1, 2], values: [[1, 2, 3]] });
  });

  it('gives an empty axis for no series', () => {
    expect(alignFrames([])).toEqual({ frames: [], values: [] });
  });
});

describe('frameIndex', () => {
  it('finds a frame on the axis', () => {
    expect(frameIndex([0, 2, 4, 6], 4)).toBe(2);
    expect(frameIndex([0, 2, 4, 6], 0)).toBe(0);
    expect(frameIndex([0, 2, 4, 6], 6)).toBe(3);
    expect(frameIndex([0, 2, 4, 6], 3)).toBeNull();
    expect(frameIndex([], 3)).toBeNull();
  });
});

describe('yRange', () => {
  it('shows the whole 0–100 of VMAF', () => {
    expect(yRange([[15.4, 15.8]], { floor: 0, ceiling: 100, full: true })).toEqual([0, 100]);
  });

  it('pads the data range and keeps it within the bounds', () => {
    const [lo, hi] = yRange(
      [
        [0.9, 1],
        [0.95, null],
      ],
      { floor: 0, ceiling: 1 },
    );
    expect(lo).toBeCloseTo(0.895, 10);
    expect(hi).toBe(1);
  });

  it('keeps a threshold line in sight', () => {
    const [lo, hi] = yRange([[30, 40]], {}, 50);
    expect(lo).toBeCloseTo(29, 10);
    expect(hi).toBeCloseTo(51, 10);
  });

  it('has a range for flat data and for none', () => {
    expect(yRange([[40, 40]], {})).toEqual([38, 42]);
    expect(yRange([[null]], { floor: 0, ceiling: 100 })).toEqual([0, 100]);
    expect(yRange([], {})).toEqual([0, 1]);
  });
});
