import { describe, expect, it } from 'vitest';
import { frameCacheLimit } from './useFrameCache';

describe('frameCacheLimit', () => {
  it('keeps many small frames and few 4K ones, never too few for four panes', () => {
    expect(frameCacheLimit(176 * 144)).toBe(48);
    expect(frameCacheLimit(1920 * 1080)).toBe(48);
    // 512 MB / (3840 × 2160 × 4 B) = 16.
    expect(frameCacheLimit(3840 * 2160)).toBe(16);
    expect(frameCacheLimit(7680 * 4320)).toBe(12);
    expect(frameCacheLimit(0)).toBe(48);
  });
});
