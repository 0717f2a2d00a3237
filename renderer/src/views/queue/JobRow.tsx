import type { KeyboardEvent, ReactNode } from 'react';
import { isRetryable, type Job, type JobProgress } from '../../../../shared/queue';
import { formatFps } from '../../../../shared/format';
import { ProgressBar } from '../../ui/ProgressBar';
import { JobDetails } from './JobDetails';
import { clockDuration, encodeTimeText, jobFraction, percentText, speedText } from './queueFigures';
import { StatusChip } from './StatusChip';

/** Props of {@link JobRow}. */
export interface JobRowProps {
  job: Job;
  progress: JobProgress | undefined;
  expanded: boolean;
  now: number;
  onToggle: () => void;
  onRequestCancel: () => void;
  onRetry: () => void;
  onRerun: (rungId: string) => void;
  /** Number of columns, for the details row. */
  columns: number;
}

const TONES = {
  queued: 'muted',
  running: 'accent',
  done: 'ok',
  failed: 'danger',
  interrupted: 'danger',
  canceled: 'muted',
} as const;

/**
 * One job: rungs, status, live progress (percent, fps, speed, ETA) and its actions. The row takes
 * focus: Enter shows the details, Delete or Backspace asks to cancel a queued or running job.
 */
export function JobRow({
  job,
  progress,
  expanded,
  now,
  onToggle,
  onRequestCancel,
  onRetry,
  onRerun,
  columns,
}: JobRowProps): ReactNode {
  const active = job.status === 'queued' || job.status === 'running';
  const fraction = jobFraction(job, progress);
  const detailsId = `job-details-${job.id}`;

  function onKeyDown(e: KeyboardEvent<HTMLTableRowElement>): void {
    if (e.target !== e.currentTarget) return;
    if ((e.key === 'Delete' || e.key === 'Backspace') && active) {
      e.preventDefault();
      onRequestCancel();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onToggle();
    }
  }

  const rungs = job.rungIds;
  return (
    <>
      <tr
        className={`job-row job-${job.status} ${expanded ? 'is-expanded' : ''}`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label={`Job ${rungs.join(', ')}: ${job.status}`}
        data-testid="job-row"
        data-status={job.status}
        data-job-id={job.id}
      >
        <td className="job-toggle">
          <button
            type="button"
            className="icon-button icon-small"
            aria-expanded={expanded}
            aria-controls={detailsId}
            aria-label={expanded ? 'Hide details' : 'Show details'}
            onClick={onToggle}
            tabIndex={-1}
          >
            {expanded ? '▾' : '▸'}
          </button>
        </td>
        <td className="job-rungs">
          <div className="chips">
            {rungs.map((id) => (
              <span key={id} className="chip mono">
                {id}
              </span>
            ))}
          </div>
          {rungs.length > 1 ? <div className="cell-sub">decode once × {rungs.length}</div> : null}
        </td>
        <td className="job-status">
          <StatusChip status={job.status} />
          {job.attempts > 1 ? <div className="cell-sub">attempt {job.attempts}</div> : null}
        </td>
        <td className="job-progress-cell">
          <div className="job-progress-line">
            <ProgressBar
              fraction={active || job.status === 'done' ? fraction : (fraction ?? 0)}
              label={`Progress of ${rungs.join(', ')}`}
              tone={TONES[job.status]}
              testId="job-progress"
            />
            <span className="job-percent">
              {job.status === 'running' || job.status === 'done' ? percentText(fraction) : ''}
            </span>
          </div>
          {job.error && !active ? (
            <div
              className={`cell-sub job-error-line ${job.status === 'failed' ? 'text-danger' : ''}`}
              title={job.error}
            >
              {job.error}
            </div>
          ) : null}
        </td>
        <td className="num">{job.status === 'running' ? formatFps(progress?.fps) : '–'}</td>
        <td className="num">{job.status === 'running' ? speedText(progress?.speed) : '–'}</td>
        <td className="num">
          {job.status === 'running'
            ? clockDuration(progress?.etaSeconds)
            : job.encodeSeconds !== null
              ? encodeTimeText(job.encodeSeconds)
              : '–'}
        </td>
        <td className="job-actions">
          <div className="row-buttons">
            {active ? (
              <button
                type="button"
                className="button button-small button-danger-quiet"
                onClick={onRequestCancel}
                data-testid="cancel-job"
              >
                Cancel
              </button>
            ) : null}
            {isRetryable(job.status) ? (
              <button
                type="button"
                className="button button-small"
                onClick={onRetry}
                data-testid="retry-job"
              >
                Retry
              </button>
            ) : null}
            {!active && rungs.length === 1 ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => onRerun(rungs[0]!)}
                title="Encode this rung again as a new job"
                data-testid="rerun-job"
              >
                Re-run
              </button>
            ) : null}
          </div>
        </td>
      </tr>
      {expanded ? (
        <tr className="job-details-row" id={detailsId}>
          <td colSpan={columns}>
            <JobDetails job={job} now={now} onRerun={onRerun} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
