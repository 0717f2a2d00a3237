import { describe, expect, it } from 'vitest';
import { frameQuery } from './frameQuery';

describe('frameQuery', () => {
  it('gives the index, and the size when asked', () => {
    expect(frameQuery(0)).toBe('?index=0');
    expect(frameQuery(12, { width: 1920, height: 1080 })).toBe('?index=12&width=1920&height=1080');
  });
});
