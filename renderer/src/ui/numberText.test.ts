import { describe, expect, it } from 'vitest';
import { numberText, parseNumberText, sameNumber } from './numberText';

describe('number fields', () => {
  it('reads empty as null, numbers as numbers, the rest as NaN', () => {
    expect(parseNumberText('  ')).toBeNull();
    expect(parseNumberText('720')).toBe(720);
    expect(parseNumberText('2,5')).toBe(2.5);
    expect(parseNumberText('1.')).toBe(1);
    expect(parseNumberText('12px')).toBeNaN();
  });

  it('shows nothing for null and NaN', () => {
    expect(numberText(null)).toBe('');
    expect(numberText(undefined)).toBe('');
    expect(numberText(Number.NaN)).toBe('');
    expect(numberText(23)).toBe('23');
  });

  it('compares field values', () => {
    expect(sameNumber(Number.NaN, Number.NaN)).toBe(true);
    expect(sameNumber(null, undefined)).toBe(true);
    expect(sameNumber(1, null)).toBe(false);
    expect(sameNumber(2, 2)).toBe(true);
  });
});
