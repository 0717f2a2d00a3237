/**
 * Activity: every process the app started (ffmpeg, ffprobe, vmaf) — when, what for, the exact
 * command (copyable), how long it ran and how it ended — live, filtered by purpose or failures.
 */
import { useCallback, useMemo, useState, type ReactNode } from 'react';
import type { CommandPurpose } from '../../../../shared/activity';
import { MAX_ACTIVITY_ENTRIES, useActivityStore } from '../../stores/activityStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { ActivityRow } from './ActivityRow';
import { filterEntries, NO_FILTER, purposeCounts, type ActivityFilter } from './activityFilter';
import { processCountText } from './activityText';
import { useActivityFeed } from './useActivityFeed';

/** The Activity view (the command log). */
export function ActivityView(): ReactNode {
  const reload = useActivityFeed();
  const { data, loading, error } = useActivityStore();
  const [filter, setFilter] = useState<ActivityFilter>(NO_FILTER);
  const [openId, setOpenId] = useState<number | null>(null);
  const shown = useMemo(() => filterEntries(data.entries, filter), [data.entries, filter]);
  const counts = useMemo(() => purposeCounts(data.entries), [data.entries]);
  const toggle = useCallback(
    (id: number) => setOpenId((current) => (current === id ? null : id)),
    [],
  );
  const total = data.entries.length;
  // Nothing read yet (still reading, or the read failed): no count, no "nothing started yet".
  const unread = total === 0 && (loading || error !== null);

  return (
    <div className="view activity-view" data-testid="activity-panel" aria-busy={loading}>
      <header className="view-header">
        <div>
          <h1>Activity</h1>
          <p className="view-lead">
            Every ffmpeg, ffprobe and vmaf process the app started — probes, thumbnails, frame
            decodes, encodes, scoring and toolchain checks — with its exact command, how long it ran
            and how it ended. The latest {MAX_ACTIVITY_ENTRIES} are kept.
          </p>
        </div>
        {!unread ? (
          <span className="view-count muted" data-testid="activity-count">
            {processCountText(shown.length, total)}
          </span>
        ) : null}
      </header>

      <div className="activity-toolbar">
        <label className="activity-filter">
          <span className="field-label">Purpose</span>
          <select
            className="input"
            value={filter.purpose}
            data-testid="activity-purpose-filter"
            onChange={(e) =>
              setFilter({ ...filter, purpose: e.target.value as CommandPurpose | 'all' })
            }
          >
            <option value="all">All purposes</option>
            {counts.map(({ purpose, count }) => (
              <option key={purpose} value={purpose}>
                {`${purpose} (${count})`}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={filter.failuresOnly}
            data-testid="activity-failures-only"
            onChange={(e) => setFilter({ ...filter, failuresOnly: e.target.checked })}
          />
          Failures only
        </label>
      </div>

      {error ? (
        <ErrorPanel title="Could not read the activity log" message={error} testId="activity-error">
          <button
            type="button"
            className="button button-small activity-retry"
            disabled={loading}
            onClick={reload}
          >
            Retry
          </button>
        </ErrorPanel>
      ) : null}

      {shown.length > 0 ? (
        <div className="table-frame">
          <table className="log-table activity-table">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Purpose</th>
                <th scope="col">Command</th>
                <th scope="col" className="num">
                  Duration
                </th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((entry) => (
                <ActivityRow
                  key={entry.id}
                  entry={entry}
                  open={openId === entry.id}
                  onToggle={toggle}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : error !== null && total === 0 ? null : (
        <p className="muted activity-empty" data-testid="activity-empty">
          {loading
            ? 'Reading the activity log…'
            : total === 0
              ? 'No process has been started yet. Import a file, encode or score, and each ffmpeg run shows here.'
              : 'No process matches the filter.'}
        </p>
      )}
    </div>
  );
}
