/**
 * One process of the Activity table, with its details (full command, stderr) when opened. Rows are
 * memoized: a new event re-renders only the row of its process, and only a running process's
 * duration ticks.
 */
import { memo, type ReactNode } from 'react';
import {
  commandDurationText,
  commandStatusText,
  type CommandEntry,
} from '../../../../shared/activity';
import { useNow } from '../../hooks/useNow';
import { CopyButton } from '../../ui/CopyButton';
import { clockTime, outcomeTone, runningDurationText } from './activityText';

/** Props of {@link ActivityRow}. */
export interface ActivityRowProps {
  entry: CommandEntry;
  open: boolean;
  /** Opens or closes the details of the process with this id (a stable function). */
  onToggle: (id: number) => void;
}

/** A table row (and, when open, a second row with the details) for one process. */
export const ActivityRow = memo(function ActivityRow({
  entry,
  open,
  onToggle,
}: ActivityRowProps): ReactNode {
  const status = commandStatusText(entry);
  const detailsId = `activity-details-${entry.id}`;
  return (
    <>
      <tr
        className={`activity-row${open ? ' is-open' : ''}`}
        data-testid="activity-row"
        data-outcome={entry.outcome}
        data-purpose={entry.purpose}
      >
        <td className="activity-time mono">{clockTime(entry.startedAt)}</td>
        <td className="activity-purpose">{entry.purpose}</td>
        <td>
          <div className="activity-command-cell">
            <button
              type="button"
              className="activity-command mono"
              title={open ? 'Hide details' : 'Show the whole command and details'}
              aria-expanded={open}
              aria-controls={detailsId}
              onClick={() => onToggle(entry.id)}
            >
              {entry.commandLine}
            </button>
            <CopyButton text={entry.commandLine} />
          </div>
        </td>
        <td className="num mono">
          {entry.durationMs !== null ? (
            commandDurationText(entry.durationMs)
          ) : (
            <RunningDuration startedAt={entry.startedAt} />
          )}
        </td>
        <td>
          <span
            className={`status-chip status-chip-${outcomeTone(entry.outcome)}`}
            title={status}
            data-testid="activity-status"
          >
            {status.length > 28 ? entry.outcome : status}
          </span>
        </td>
      </tr>
      {open ? (
        <tr className="activity-details-row" id={detailsId}>
          <td colSpan={5}>
            <ActivityDetails entry={entry} status={status} />
          </td>
        </tr>
      ) : null}
    </>
  );
});

/** How long a running process has run so far, ticking four times a second. */
function RunningDuration({ startedAt }: { startedAt: number }): ReactNode {
  const text = runningDurationText(startedAt, useNow(true, 250));
  return (
    text ?? (
      <span title="The app's clock is ahead of this computer's: how long it has run is unknown here">
        –
      </span>
    )
  );
}

function ActivityDetails({ entry, status }: { entry: CommandEntry; status: string }): ReactNode {
  return (
    <div className="activity-details">
      <pre className="command-text activity-full-command" data-testid="activity-command">
        {entry.commandLine}
      </pre>
      <dl className="activity-facts">
        <dt>Status</dt>
        <dd>{status}</dd>
        <dt>Process id</dt>
        <dd className="mono">{entry.pid ?? '–'}</dd>
        <dt>Started</dt>
        <dd>{new Date(entry.startedAt).toLocaleString()}</dd>
        {entry.endedAt !== null ? (
          <>
            <dt>Ended</dt>
            <dd>{new Date(entry.endedAt).toLocaleString()}</dd>
          </>
        ) : null}
      </dl>
      {entry.stderrTail ? (
        <div className="activity-stderr">
          <div className="activity-stderr-head">
            <span className="command-label">Last lines of stderr</span>
            <CopyButton text={entry.stderrTail} />
          </div>
          <pre className="command-text" data-testid="activity-stderr">
            {entry.stderrTail}
          </pre>
        </div>
      ) : null}
    </div>
  );
}
