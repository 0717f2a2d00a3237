import { describe, expect, it } from 'vitest';
import { pngFileName } from './chartPng';

describe('pngFileName', () => {
  it('makes a safe file name from the parts', () => {
    expect(pngFileName('bear vp9.webm', 'rd', 'vmafMean', 'log')).toBe(
      'bear-vp9-webm-rd-vmafMean-log.png',
    );
    expect(pngFileName('ü/..', '')).toBe('chart.png');
  });
});
