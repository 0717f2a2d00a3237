import { describe, expect, it } from 'vitest';
import { contentTypeFor, parseRange, rangeResponseHead } from './range';

describe('parseRange', () => {
  const size = 1000;
  it('is null without a header', () => expect(parseRange(undefined, size)).toBeNull());
  it('reads start-end', () => expect(parseRange('bytes=0-99', size)).toEqual({ start: 0, end: 99 }));
  it('reads an open end', () => expect(parseRange('bytes=900-', size)).toEqual({ start: 900, end: 999 }));
  it('reads a suffix', () => expect(parseRange('bytes=-100', size)).toEqual({ start: 900, end: 999 }));
  it('clamps an end past the file', () => expect(parseRange('bytes=990-5000', size)).toEqual({ start: 990, end: 999 }));
  it('refuses a start past the file', () => expect(parseRange('bytes=1000-', size)).toBe('unsatisfiable'));
  it('refuses an inverted range', () => expect(parseRange('bytes=50-10', size)).toBe('unsatisfiable'));
  it('answers the first of several ranges', () => expect(parseRange('bytes=0-1, 5-6', size)).toEqual({ start: 0, end: 1 }));
  it('ignores other units', () => expect(parseRange('items=0-1', size)).toBeNull());
});

describe('rangeResponseHead', () => {
  it('gives 206 with Content-Range', () => {
    const h = rangeResponseHead({ start: 10, end: 19 }, 100, 'video/mp4');
    expect(h.status).toBe(206);
    expect(h.headers['Content-Range']).toBe('bytes 10-19/100');
    expect(h.headers['Content-Length']).toBe('10');
    expect(h.headers['Accept-Ranges']).toBe('bytes');
  });
  it('gives 200 for the whole file and 416 for an impossible range', () => {
    expect(rangeResponseHead(null, 100, 'video/mp4').status).toBe(200);
    const bad = rangeResponseHead('unsatisfiable', 100, 'video/mp4');
    expect(bad.status).toBe(416);
    expect(bad.headers['Content-Range']).toBe('bytes */100');
  });
});

describe('contentTypeFor', () => {
  it('maps video extensions', () => {
    expect(contentTypeFor('a.MP4')).toBe('video/mp4');
    expect(contentTypeFor('a.webm')).toBe('video/webm');
    expect(contentTypeFor('a.yuv')).toBe('application/octet-stream');
  });
});
