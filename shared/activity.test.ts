/** How a process's status and duration read, the same in the Activity view and `--verbose`. */
import { describe, expect, it } from 'vitest';
import {
  commandDurationText,
  commandStatusText,
  isFailedCommand,
  type CommandEntry,
} from './activity';

const running: CommandEntry = {
  id: 1,
  purpose: 'encode',
  binary: 'ffmpeg',
  argv: ['ffmpeg'],
  commandLine: 'ffmpeg',
  startedAt: 0,
  endedAt: null,
  durationMs: null,
  pid: 9,
  outcome: 'running',
  exitCode: null,
  signal: null,
  error: null,
  stderrTail: null,
};

describe('commandStatusText', () => {
  it('says how each outcome ended, with the exit code or signal', () => {
    const cases: [Partial<CommandEntry>, string, boolean][] = [
      [{}, 'running', false],
      [{ outcome: 'ok', exitCode: 0 }, 'exit 0', false],
      [{ outcome: 'failed', exitCode: 234 }, 'exit 234', true],
      [{ outcome: 'failed', signal: 'SIGSEGV' }, 'killed (SIGSEGV)', true],
      [{ outcome: 'canceled', signal: 'SIGKILL' }, 'canceled (SIGKILL)', false],
      [{ outcome: 'canceled', exitCode: 255 }, 'canceled (exit 255)', false],
      [{ outcome: 'timed out', signal: 'SIGKILL' }, 'timed out (SIGKILL)', true],
      [
        { outcome: 'not started', error: 'spawn vmaf ENOENT' },
        'not started: spawn vmaf ENOENT',
        true,
      ],
    ];
    for (const [change, text, failed] of cases) {
      const e = { ...running, ...change };
      expect(commandStatusText(e)).toBe(text);
      expect(isFailedCommand(e)).toBe(failed);
    }
  });
});

describe('commandDurationText', () => {
  it('reads milliseconds, seconds and minutes', () => {
    const ms = [0, 41.4, 999.6, 1000, 3249, 9960, 12_600, 59_999, 125_000];
    expect(ms.map(commandDurationText)).toEqual([
      '0 ms',
      '41 ms',
      '1.0 s',
      '1.0 s',
      '3.2 s',
      '10 s',
      '13 s',
      '1 min 00 s',
      '2 min 05 s',
    ]);
  });
});
