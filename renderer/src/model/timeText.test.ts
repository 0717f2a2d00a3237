import { describe, expect, it } from 'vitest';
import { timeText } from './timeText';

describe('timeText', () => {
  const now = new Date(2025, 10, 26, 15, 0, 0).getTime();

  it('shows only the clock time today, with the date on other days', () => {
    const today = timeText(new Date(2025, 10, 26, 14, 3, 21).toISOString(), now, 'en-GB');
    expect(today).toBe('14:03:21');
    const earlier = timeText(new Date(2025, 10, 20, 9, 5).toISOString(), now, 'en-GB');
    expect(earlier).toMatch(/20 Nov 2025/);
  });

  it('says nothing for a missing or broken timestamp', () => {
    expect(timeText(null, now)).toBe('–');
    expect(timeText('nope', now)).toBe('–');
  });
});
