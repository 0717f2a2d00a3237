// A batch that gives its chunk starts (a per-shot encode's shots) is split exactly there; starts a
// batch of this app could not have are refused, never encoded into a broken title.
import { describe, expect, it } from 'vitest';
import { chunksAt } from './titleChunks';

describe('chunksAt', () => {
  it('runs each chunk from its start to the next, the last to the end of the title', () => {
    expect(chunksAt([0, 50, 120], 150)).toEqual([
      { index: 0, start: 0, end: 50 },
      { index: 1, start: 50, end: 120 },
      { index: 2, start: 120, end: 150 },
    ]);
    expect(chunksAt([0], 10)).toEqual([{ index: 0, start: 0, end: 10 }]);
  });

  it('refuses starts that are not 0 then ascending frames inside the title', () => {
    for (const bad of [[], [5, 10], [0, 10, 10], [0, 20, 10], [0, 150], [0, 2.5]]) {
      expect(() => chunksAt(bad, 150), JSON.stringify(bad)).toThrow(/chunk starts of this batch/);
    }
  });
});
