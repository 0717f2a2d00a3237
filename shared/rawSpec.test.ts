import { describe, expect, it } from 'vitest';
import { formatRawSpec, looksRaw, parseRate, parseRawSpec } from './rawSpec';

describe('parseRawSpec', () => {
  it('reads WxH:pix_fmt:fps', () => {
    expect(parseRawSpec('320x192:yuv420p:12')).toEqual({
      ok: true,
      spec: { width: 320, height: 192, pixFmt: 'yuv420p', fps: 12 },
    });
  });
  it('defaults fps to 25 like ffmpeg', () => {
    const r = parseRawSpec('576x324:yuv420p10le');
    expect(r.ok && r.spec.fps).toBe(25);
  });
  it('accepts rational fps', () => {
    const r = parseRawSpec('1920x1080:yuv420p:30000/1001');
    expect(r.ok && r.spec.fps).toBeCloseTo(29.97, 2);
  });
  it('rejects malformed text with an example', () => {
    const r = parseRawSpec('1920-1080');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/WxH:pix_fmt/);
  });
  it('rejects absurd sizes and rates', () => {
    expect(parseRawSpec('0x10:yuv420p').ok).toBe(false);
    expect(parseRawSpec('10x10:yuv420p:0').ok).toBe(false);
  });
  it('round-trips through formatRawSpec', () => {
    const r = parseRawSpec('160x90:yuv420p:24');
    expect(r.ok && formatRawSpec(r.spec)).toBe('160x90:yuv420p:24');
  });
});

describe('parseRate', () => {
  it('parses ffprobe rationals', () => {
    expect(parseRate('30000/1001')).toBeCloseTo(29.97003, 4);
    expect(parseRate('25/1')).toBe(25);
    expect(parseRate('0/0')).toBeNull();
    expect(parseRate('')).toBeNull();
    expect(parseRate('abc')).toBeNull();
  });
});

describe('looksRaw', () => {
  it('knows raw extensions', () => {
    expect(looksRaw('a.YUV')).toBe(true);
    expect(looksRaw('a.mp4')).toBe(false);
  });
});
