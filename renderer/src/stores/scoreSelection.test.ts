import { describe, expect, it } from 'vitest';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import {
  DEFAULT_CHECKED,
  initialSelection,
  pruneSelection,
  selectArrived,
  toggleChecked,
} from './scoreSelection';

const result = (id: string, runId: string): ScoreResultSummary =>
  ({ id, runId }) as unknown as ScoreResultSummary;

describe('score selection', () => {
  it('checks the newest run and focuses its newest result', () => {
    const results = [result('c', 'run2'), result('b', 'run2'), result('a', 'run1')];
    expect(initialSelection(results)).toEqual({ selected: ['c', 'b'], focused: 'c' });
    expect(initialSelection([])).toEqual({ selected: [], focused: null });
  });

  it('checks at most a readable number of lines', () => {
    const results = Array.from({ length: 10 }, (_, i) => result(`r${i}`, 'run'));
    expect(initialSelection(results).selected).toHaveLength(DEFAULT_CHECKED);
  });

  it('forgets results that are gone and moves the focus', () => {
    const sel = { selected: ['a', 'b'], focused: 'a' };
    expect(pruneSelection(sel, [result('b', 'r'), result('c', 'r')])).toEqual({
      selected: ['b'],
      focused: 'b',
    });
    expect(pruneSelection(sel, [result('a', 'r'), result('b', 'r')])).toBe(sel);
    expect(pruneSelection(sel, [])).toEqual({ selected: [], focused: null });
  });

  it('checks a result that just arrived', () => {
    expect(selectArrived({ selected: [], focused: null }, 'n')).toEqual({
      selected: ['n'],
      focused: 'n',
    });
    expect(selectArrived({ selected: ['a'], focused: 'a' }, 'n')).toEqual({
      selected: ['a', 'n'],
      focused: 'a',
    });
  });

  it('toggles a check', () => {
    expect(toggleChecked({ selected: ['a'], focused: 'a' }, 'a')).toEqual({
      selected: [],
      focused: 'a',
    });
    expect(toggleChecked({ selected: [], focused: null }, 'b').selected).toEqual(['b']);
  });
});
