import { describe, expect, it } from 'vitest';
import { fetchMayBeRefused, frameCacheLimit } from './useFrameCache';

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

describe('fetchMayBeRefused', () => {
  it('falls back to <img> only for a frame URL of another scheme than the page', () => {
    // The desktop app: page on app:, frames on vq-media: (CSP connect-src 'self' refuses fetch).
    expect(fetchMayBeRefused('vq-media://frame/abc?index=3', 'app://vq/index.html')).toBe(true);
    // `vq serve`: same origin; a failed fetch is a network error, not a refusal.
    expect(fetchMayBeRefused('/media/frame/abc?index=3', 'http://127.0.0.1:8080/?token=x')).toBe(
      false,
    );
    expect(
      fetchMayBeRefused('http://127.0.0.1:8080/media/frame/abc?index=3', 'http://127.0.0.1:8080/'),
    ).toBe(false);
  });
});
