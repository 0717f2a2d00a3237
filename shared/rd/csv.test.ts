import { describe, expect, it } from 'vitest';
import { VqError } from '../errors';
import { parseRdCsv } from './csv';

function thrown(f: () => unknown): VqError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(VqError);
    return e as VqError;
  }
  throw new Error('expected a VqError');
}

describe('parseRdCsv', () => {
  it('reads bitrate and quality in any column order, ignoring other columns', () => {
    expect(parseRdCsv('label,quality,width,bitrate\nlow,80.5,640,1000000\nhigh,95,1920,5e6\n')).toEqual([
      { bitrate: 1_000_000, quality: 80.5 },
      { bitrate: 5_000_000, quality: 95 },
    ]);
  });
  it('accepts a BOM, CRLF, upper-case and padded headers, blank lines', () => {
    expect(parseRdCsv('\uFEFF Bitrate , QUALITY \r\n\r\n100, 30\r\n200,40\r\n\r\n')).toEqual([
      { bitrate: 100, quality: 30 },
      { bitrate: 200, quality: 40 },
    ]);
  });
  it('honours quoted fields, with commas and escaped quotes inside', () => {
    expect(parseRdCsv('"name","bitrate","quality"\n"a, ""b""","1500","42.5"\n')).toEqual([{ bitrate: 1500, quality: 42.5 }]);
  });
  it('names the line of a bad number', () => {
    const e = thrown(() => parseRdCsv('bitrate,quality\n100,30\n200,abc\n'));
    expect(e.code).toBe('INVALID_CURVE');
    expect(e.message).toBe('Line 3: quality "abc" is not a number.');
    expect(thrown(() => parseRdCsv('bitrate,quality\n\n"1,5",30\n')).message).toBe('Line 3: bitrate "1,5" is not a number.');
    expect(thrown(() => parseRdCsv('bitrate,quality\n100,\n')).message).toBe('Line 2: quality "" is not a number.');
    expect(thrown(() => parseRdCsv('bitrate,quality\n100\n')).message).toMatch(/^Line 2: there is no quality value/);
    expect(thrown(() => parseRdCsv('bitrate,quality\n"100,30\n')).message).toBe('Line 2: a quote is not closed.');
  });
  it('refuses a missing column, an empty file and a header without points', () => {
    expect(thrown(() => parseRdCsv('rate,vmaf\n1,2\n')).message).toBe('Line 1: the header has no bitrate and quality column (found: rate, vmaf).');
    expect(thrown(() => parseRdCsv('bitrate,psnr\n1,2\n')).message).toMatch(/no quality column/);
    expect(thrown(() => parseRdCsv('  \n')).message).toMatch(/empty/);
    expect(thrown(() => parseRdCsv('bitrate,quality\n')).message).toMatch(/no points/);
  });
});
