/** How the Activity view words its rows: clock times, chip tones, running durations, the count. */
import { describe, expect, it } from 'vitest';
import type { CommandOutcome } from '../../../../shared/activity';
import { clockTime, outcomeTone, processCountText, runningDurationText } from './activityText';

describe('activity texts', () => {
  it('shows a start time as a local clock time with milliseconds', () => {
    const at = new Date(2024, 0, 2, 9, 5, 7, 42).getTime();
    expect(clockTime(at)).toBe('09:05:07.042');
  });

  it('colours failures, cancels, running and ok like the queue', () => {
    const outcomes: CommandOutcome[] = [
      'running',
      'ok',
      'failed',
      'canceled',
      'timed out',
      'not started',
    ];
    expect(outcomes.map(outcomeTone)).toEqual([
      'running',
      'done',
      'failed',
      'canceled',
      'failed',
      'failed',
    ]);
  });

  it('counts a running process from its start, and says nothing when the start is ahead of this clock', () => {
    expect(runningDurationText(10_000, 10_041)).toBe('41 ms');
    expect(runningDurationText(10_000, 13_200)).toBe('3.2 s');
    expect(runningDurationText(10_000, 10_000)).toBe('0 ms');
    // A server clock 2 s ahead of the browser's: not "0 ms", not a negative duration.
    expect(runningDurationText(12_000, 10_000)).toBeNull();
  });

  it('counts processes in the singular and plural, with the filter on or off', () => {
    expect(processCountText(0, 0)).toBe('0 processes');
    expect(processCountText(1, 1)).toBe('1 process');
    expect(processCountText(21, 21)).toBe('21 processes');
    expect(processCountText(9, 21)).toBe('9 of 21 processes');
    expect(processCountText(0, 1)).toBe('0 of 1 process');
  });
});
