/** The Activity view's filter: newest first, by purpose and by failure, and the purpose counts. */
import { describe, expect, it } from 'vitest';
import type { CommandEntry, CommandOutcome, CommandPurpose } from '../../../../shared/activity';
import { filterEntries, NO_FILTER, purposeCounts } from './activityFilter';

function entry(id: number, purpose: CommandPurpose, outcome: CommandOutcome): CommandEntry {
  return {
    id,
    purpose,
    binary: 'ffmpeg',
    argv: ['ffmpeg'],
    commandLine: 'ffmpeg',
    startedAt: id,
    endedAt: null,
    durationMs: null,
    pid: null,
    outcome,
    exitCode: null,
    signal: null,
    error: null,
    stderrTail: null,
  };
}

const ENTRIES = [
  entry(1, 'probe', 'ok'),
  entry(2, 'thumbnail', 'failed'),
  entry(3, 'probe', 'timed out'),
  entry(4, 'encode', 'canceled'),
  entry(5, 'probe', 'not started'),
  entry(6, 'frame decode', 'running'),
];
const ids = (list: CommandEntry[]): number[] => list.map((e) => e.id);

describe('filterEntries', () => {
  it('lists newest first, by purpose and by failure (failed, timed out, not started)', () => {
    expect(ids(filterEntries(ENTRIES, NO_FILTER))).toEqual([6, 5, 4, 3, 2, 1]);
    expect(ids(filterEntries(ENTRIES, { purpose: 'probe', failuresOnly: false }))).toEqual([
      5, 3, 1,
    ]);
    expect(ids(filterEntries(ENTRIES, { purpose: 'all', failuresOnly: true }))).toEqual([5, 3, 2]);
    expect(ids(filterEntries(ENTRIES, { purpose: 'probe', failuresOnly: true }))).toEqual([5, 3]);
    expect(ENTRIES.map((e) => e.id)).toEqual([1, 2, 3, 4, 5, 6]); // the input is left as it was
  });

  it('counts each purpose', () => {
    const counts = Object.fromEntries(purposeCounts(ENTRIES).map((c) => [c.purpose, c.count]));
    expect(counts).toMatchObject({
      probe: 3,
      thumbnail: 1,
      encode: 1,
      'frame decode': 1,
      score: 0,
    });
  });
});
