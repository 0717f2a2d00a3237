import { describe, expect, it } from 'vitest';
import type { FrameIndex } from './frameIndex';
import { FROM_START, keyframeAtOrBefore, planSession } from './sessionPlan';

// 30 frames, 40 ticks of 1/1000 s apart, starting at pts 80; keyframes at 0, 10, 20.
const index: FrameIndex = {
  frames: Array.from({ length: 30 }, (_, i) => ({
    pts: 80 + 40 * i,
    key: i % 10 === 0,
    type: i % 10 === 0 ? 'I' : 'P',
  })),
  secondsPerTick: 0.001,
  seekable: true,
  width: 16,
  height: 16,
};

describe('planSession', () => {
  it('seeks to the keyframe at or before the target, counting from the first frame', () => {
    const p = planSession(index, 25, 2);
    expect(p).toEqual({ seekSeconds: 0.8, seekKey: 20, selectFrom: 23, select: 'gte(pts\\,1000)' });
    // The window before the target never reaches before the seek keyframe.
    expect(planSession(index, 21, 5).selectFrom).toBe(20);
  });

  it('moves the seek earlier when asked, and decodes from the start in the end', () => {
    expect(planSession(index, 25, 2, 1).seekKey).toBe(10);
    expect(planSession(index, 25, 2, 2)).toMatchObject({ seekSeconds: null, seekKey: 0 });
    expect(planSession(index, 25, 2, FROM_START)).toMatchObject({
      seekSeconds: null,
      selectFrom: 23,
    });
  });

  it('selects by decoded frame number when timestamps do not name frames', () => {
    const p = planSession({ ...index, seekable: false }, 25, 2);
    expect(p).toEqual({ seekSeconds: null, seekKey: 0, selectFrom: 23, select: 'gte(n\\,23)' });
  });

  it('finds the keyframe at or before a frame', () => {
    expect(keyframeAtOrBefore(index, 19)).toBe(10);
    expect(keyframeAtOrBefore(index, 20)).toBe(20);
  });
});
