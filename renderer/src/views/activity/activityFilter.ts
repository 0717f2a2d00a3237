/** What the Activity view lists: the entries its filter (purpose, failures only) lets through. */
import {
  COMMAND_PURPOSES,
  isFailedCommand,
  type CommandEntry,
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
