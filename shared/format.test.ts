import { describe, expect, it } from 'vitest';
import {
  formatBitrate,
  formatBitsPerSecond,
  formatBytes,
  formatDuration,
  formatFps,
} from './format';

describe('formatters', () => {
  it('formats bytes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(1055736)).toBe('1.0 MiB');
    expect(formatBytes(null)).toBe('–');
  });
  it('formats durations', () => {
    expect(formatDuration(5.3)).toBe('0:05.300');
    expect(formatDuration(3725.4)).toBe('1:02:05.400');
    expect(formatDuration(null)).toBe('–');
  });
  it('formats bitrates: whole kb/s below 10 Mb/s, three significant digits of Mb/s from there', () => {
    expect(formatBitrate(2345.6)).toBe('2,346 kb/s');
    expect(formatBitrate(150)).toBe('150 kb/s');
    expect(formatBitrate(9999.4)).toBe('9,999 kb/s');
    expect(formatBitrate(14321)).toBe('14.3 Mb/s');
    expect(formatBitrate(10_000)).toBe('10 Mb/s');
    expect(formatBitrate(123_456)).toBe('123 Mb/s');
    expect(formatBitrate(0)).toBe('0 kb/s');
    expect(formatBitrate(null)).toBe('–');
    expect(formatBitrate(Number.NaN)).toBe('–');
  });
  it('formats bitrates given in bits/s the same way', () => {
    expect(formatBitsPerSecond(500_000)).toBe('500 kb/s');
    expect(formatBitsPerSecond(2_345_678)).toBe('2,346 kb/s');
    expect(formatBitsPerSecond(12_345_678)).toBe('12.3 Mb/s');
    expect(formatBitsPerSecond(Number.POSITIVE_INFINITY)).toBe('–');
  });
  it('formats frame rates', () => {
    expect(formatFps(30000 / 1001)).toBe('29.97');
    expect(formatFps(25)).toBe('25');
    expect(formatFps(24000 / 1001)).toBe('23.976');
  });
});
