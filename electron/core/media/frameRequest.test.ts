import { describe, expect, it } from 'vitest';
import { frameErrorStatus, parseFrameQuery } from './frameRequest';

describe('parseFrameQuery', () => {
  it('reads an index and an optional size', () => {
    expect(parseFrameQuery(new URLSearchParams('index=0'))).toEqual({
      ok: true,
      query: { index: 0 },
    });
    expect(parseFrameQuery(new URLSearchParams('index=12&width=320&height=180'))).toEqual({
      ok: true,
      query: { index: 12, size: { width: 320, height: 180 } },
    });
  });
  it('refuses missing, negative or fractional indices and half sizes', () => {
    for (const q of [
      '',
      'index=-1',
      'index=',
      'index=1e3',
      'index=%207',
      'index=1.5',
      'index=abc',
      'index=1&width=10',
      'index=1&width=0&height=0',
    ]) {
      expect(parseFrameQuery(new URLSearchParams(q)).ok, q).toBe(false);
    }
  });
});

describe('frameErrorStatus', () => {
  it('maps error codes to HTTP statuses', () => {
    expect(frameErrorStatus('INVALID_ARGS')).toBe(400);
    expect(frameErrorStatus('NOT_FOUND')).toBe(404);
    expect(frameErrorStatus('CANCELED')).toBe(499);
    expect(frameErrorStatus('FFMPEG_FAILED')).toBe(500);
  });
});
