/** What the Activity view lists: the filter by purpose and failures, and how times read. */
import {
  COMMAND_PURPOSES,
  isFailedCommand,
  type CommandEntry,
  type CommandOutcome,
  type CommandPurpose,
} from '../../../../shared/activity';

/** The filter of the Activity view. */
export interface ActivityFilter {
  /** One purpose, or every one. */
  purpose: CommandPurpose | 'all';
  /** Only processes that failed, timed out or could not start. */
  failuresOnly: boolean;
}

/** No filter. */
export const NO_FILTER: ActivityFilter = { purpose: 'all', failuresOnly: false };

/** The entries the filter lets through, newest first. */
export function filterEntries(
  entries: readonly CommandEntry[],
  filter: ActivityFilter,
): CommandEntry[] {
  const shown = entries.filter(
    (e) =>
      (filter.purpose === 'all' || e.purpose === filter.purpose) &&
      (!filter.failuresOnly || isFailedCommand(e)),
  );
  return shown.reverse();
}

/** The purposes to offer in the filter: every purpose, with how many entries have it. */
export function purposeCounts(
  entries: readonly CommandEntry[],
): { purpose: CommandPurpose; count: number }[] {
  return COMMAND_PURPOSES.map((purpose) => ({
    purpose,
    count: entries.filter((e) => e.purpose === purpose).length,
  }));
}

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
