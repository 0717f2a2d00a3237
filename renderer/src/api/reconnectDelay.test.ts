import { describe, expect, it } from 'vitest';
import { reconnectDelayMs } from './reconnectDelay';

describe('reconnectDelayMs', () => {
  const mid = (): number => 0.5; // no jitter

  it('doubles from 0.5 s and caps at 10 s', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 50].map((a) => reconnectDelayMs(a, mid))).toEqual([
      500, 1000, 2000, 4000, 8000, 10000, 10000, 10000,
    ]);
  });

  it('jitters within ±20 %', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(1600);
    expect(reconnectDelayMs(2, () => 1)).toBe(2400);
  });
});
