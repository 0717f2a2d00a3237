import { describe, expect, it } from 'vitest';
import { bitDepthOf, chromaOf } from './pixfmt';

describe('bitDepthOf', () => {
  it.each([
    ['yuv420p', 8],
    ['yuvj420p', 8],
    ['yuv444p', 8],
    ['yuv420p10le', 10],
    ['yuv420p10be', 10],
    ['yuv422p12le', 12],
    ['yuv444p16le', 16],
    ['p010le', 10],
    ['gray', 8],
    ['gray10le', 10],
    ['rgb24', 8],
    ['gbrp10le', 10],
    ['nv12', 8],
  ])('%s → %i', (fmt, bits) => {
    expect(bitDepthOf(fmt)).toBe(bits);
  });
});

describe('chromaOf', () => {
  it('labels YUV layouts', () => {
    expect(chromaOf('yuv420p10le')).toBe('4:2:0');
    expect(chromaOf('yuvj422p')).toBe('4:2:2');
    expect(chromaOf('yuv444p')).toBe('4:4:4');
    expect(chromaOf('nv12')).toBe('4:2:0');
    expect(chromaOf('rgb24')).toBeNull();
  });
});
