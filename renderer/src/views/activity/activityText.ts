/** How the Activity view words its rows: start times, a running process's duration, the count. */
import { commandDurationText, type CommandOutcome } from '../../../../shared/activity';

/** A start time as a local clock time with milliseconds: "14:03:07.215". */
export function clockTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number): string => String(n).padStart(2, '0');
  const ms = String(d.getMilliseconds()).padStart(3, '0');
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${ms}`;
}

/** The status chip class of an outcome (the queue's chip colours: running, done, failed, canceled). */
export function outcomeTone(outcome: CommandOutcome): 'running' | 'done' | 'failed' | 'canceled' {
  switch (outcome) {
    case 'running':
      return 'running';
    case 'ok':
      return 'done';
    case 'canceled':
      return 'canceled';
    case 'failed':
    case 'timed out':
    case 'not started':
      return 'failed';
  }
}

/**
 * How long a process still running has run, counted on this window's clock from the start time
 * the app reported. In the web shell the server's clock may be ahead of the browser's: a start
 * "in the future" gives null (unknown here) rather than a made-up "0 ms".
 */
export function runningDurationText(startedAt: number, now: number): string | null {
  const elapsed = now - startedAt;
  return elapsed >= 0 ? commandDurationText(elapsed) : null;
}

/** The view's count: "1 process", "21 processes", or with a filter on "9 of 21 processes". */
export function processCountText(shown: number, total: number): string {
  const noun = total === 1 ? 'process' : 'processes';
  return shown === total ? `${total} ${noun}` : `${shown} of ${total} ${noun}`;
}
