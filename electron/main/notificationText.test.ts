import { describe, expect, it } from 'vitest';
import { batchFinishedText } from './notificationText';

describe('batchFinishedText', () => {
  it('names the source and counts what happened', () => {
    expect(batchFinishedText('clip.mp4', { done: 4, failed: 0, canceled: 0 })).toEqual({ title: 'Encode finished', body: 'clip.mp4: 4 encoded' });
    expect(batchFinishedText(null, { done: 2, failed: 1, canceled: 1 })).toEqual({
      title: 'Encode finished with failures',
      body: 'Source: 2 encoded, 1 failed, 1 canceled',
    });
  });
});
