import { describe, expect, it } from 'vitest';
import { isVqEvent } from './eventShape';

describe('isVqEvent', () => {
  it('accepts every queue, ladder and score event of the contract', () => {
    for (const type of [
      'batch.added',
      'job.updated',
      'job.progress',
      'rendition.added',
      'rendition.removed',
      'batch.finished',
      'ladders.changed',
      'score.added',
      'score.removed',
    ]) {
      expect(isVqEvent({ seq: 1, type })).toBe(true);
    }
  });

  it('drops unknown types and events without an integer seq', () => {
    expect(isVqEvent({ seq: 1, type: 'bogus' })).toBe(false);
    expect(isVqEvent({ seq: 1.5, type: 'job.updated' })).toBe(false);
    expect(isVqEvent(null)).toBe(false);
  });
});
