import { describe, expect, it } from 'vitest';
import { formatBitrate, formatBytes, formatDuration, formatFps } from './format';

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
  it('formats bitrates', () => {
    expect(formatBitrate(2345.6)).toBe('2,346 kb/s');
    expect(formatBitrate(14321)).toBe('14.3 Mb/s');
  });
  it('formats frame rates', () => {
    expect(formatFps(30000 / 1001)).toBe('29.97');
    expect(formatFps(25)).toBe('25');
    expect(formatFps(24000 / 1001)).toBe('23.976');
  });
});
