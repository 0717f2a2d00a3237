/**
 * Activity: every process the app started (ffmpeg, ffprobe, vmaf) — when, what for, the exact
 * command (copyable), how long it ran and how it ended — live, filtered by purpose or failures.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { CommandPurpose } from '../../../../shared/activity';
import { useNow } from '../../hooks/useNow';
import { MAX_ACTIVITY_ENTRIES, useActivityStore } from '../../stores/activityStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { ActivityRow } from './ActivityRow';
import { filterEntries, NO_FILTER, purposeCounts, type ActivityFilter } from './activityFilter';
import { useActivityFeed } from './useActivityFeed';

/** The Activity view (the command log). */
export function ActivityView(): ReactNode {
  useActivityFeed();
  const { data, loading, error } = useActivityStore();
  const [filter, setFilter] = useState<ActivityFilter>(NO_FILTER);
  const [openId, setOpenId] = useState<number | null>(null);
  const shown = useMemo(() => filterEntries(data.entries, filter), [data.entries, filter]);
  const counts = useMemo(() => purposeCounts(data.entries), [data.entries]);
  const anyRunning = shown.some((e) => e.outcome === 'running');
  const now = useNow(anyRunning, 250);

  return (
    <div className="view activity-view" data-testid="activity-panel">
      <header className="view-header">
        <div>
          <h1>Activity</h1>
          <p className="view-lead">
            Every ffmpeg, ffprobe and vmaf process the app started — probes, thumbnails, frame
            decodes, encodes, scoring and toolchain checks — with its exact command, how long it ran
            and how it ended. The latest {MAX_ACTIVITY_ENTRIES} are kept.
          </p>
        </div>
        <span className="view-count muted" data-testid="activity-count">
          {shown.length === data.entries.length
            ? `${data.entries.length} processes`
            : `${shown.length} of ${data.entries.length} processes`}
        </span>
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

      {error ? <ErrorPanel title="Could not read the activity log" message={error} /> : null}

      {shown.length > 0 ? (
        <div className="table-frame">
          <table className="activity-table">
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
                  now={now}
                  open={openId === entry.id}
                  onToggle={() => setOpenId(openId === entry.id ? null : entry.id)}
                />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="muted activity-empty" data-testid="activity-empty">
          {loading
            ? 'Reading the activity log…'
            : data.entries.length === 0
              ? 'No process has been started yet. Import a file, encode or score, and each ffmpeg run shows here.'
              : 'No process matches the filter.'}
        </p>
      )}
    </div>
  );
}
