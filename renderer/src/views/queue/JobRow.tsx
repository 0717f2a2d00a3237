import type { KeyboardEvent, ReactNode } from 'react';
import { isRetryable, type Job, type JobProgress } from '../../../../shared/queue';
import { formatFps } from '../../../../shared/format';
import { ProgressBar } from '../../ui/ProgressBar';
import { JobDetails } from './JobDetails';
import { jobText, type JobNames } from '../../model/queue/jobText';
import {
  clockDuration,
  encodeTimeText,
  jobFraction,
  percentText,
  placeText,
  speedText,
} from '../../model/queue/queueFigures';
import { StatusChip } from '../../ui/StatusChip';

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
  /** Its place among all queued jobs (1: starts next), and how many are queued; null unless queued. */
  place: { at: number; of: number } | null;
  /** Moves it (queued jobs only): one place earlier or later, or to the front of the queue. */
  onMove: (to: 'up' | 'down' | 'first') => void;
  /** Number of columns, for the details row. */
  columns: number;
  /** Names of the renditions, sources and jobs a score job refers to. */
  names: JobNames;
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
 * One job: its rungs (or, for a score job, the videos it scores), status, live progress (percent,
 * fps, speed, ETA) and its actions. The row takes focus: Enter shows the details, Delete or
 * Backspace asks to cancel a queued or running job, Alt+↑ / Alt+↓ / Alt+Home move a queued one.
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
  place,
  onMove,
  columns,
  names,
}: JobRowProps): ReactNode {
  const active = job.status === 'queued' || job.status === 'running';
  const fraction = jobFraction(job, progress);
  const detailsId = `job-details-${job.id}`;

  function onKeyDown(e: KeyboardEvent<HTMLTableRowElement>): void {
    if (e.target !== e.currentTarget) return;
    if (e.altKey && place && (e.key === 'ArrowUp' || e.key === 'ArrowDown' || e.key === 'Home')) {
      e.preventDefault();
      onMove(e.key === 'ArrowUp' ? 'up' : e.key === 'ArrowDown' ? 'down' : 'first');
    } else if ((e.key === 'Delete' || e.key === 'Backspace') && active) {
      e.preventDefault();
      onRequestCancel();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onToggle();
    }
  }

  const text = jobText(job, names);
  // Re-run makes sense for one encoded rung; a score job is retried instead.
  const rerunnable = job.plan.kind === 'encode' && job.rungIds.length === 1;
  return (
    <>
      <tr
        className={`job-row job-${job.status} ${expanded ? 'is-expanded' : ''}`}
        tabIndex={0}
        onKeyDown={onKeyDown}
        aria-label={`Job ${text.title}: ${job.status}`}
        data-kind={job.kind}
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
            {text.verb ? <span className="job-verb">{text.verb}</span> : null}
            {text.chips.map((label, i) => (
              <span key={`${i}:${label}`} className="chip mono" title={label}>
                {label}
              </span>
            ))}
          </div>
          {text.note ? <div className="cell-sub">{text.note}</div> : null}
        </td>
        <td className="job-status">
          <StatusChip
            status={job.status}
            label={
              job.status === 'running' && !job.worker && progress?.waiting ? 'Waiting' : undefined
            }
          />
          {job.attempts > 1 ? <div className="cell-sub">attempt {job.attempts}</div> : null}
          {job.worker ? (
            <div className="cell-sub" data-testid="job-worker" title="The vq worker that runs it">
              on {job.worker}
            </div>
          ) : job.status === 'running' && progress?.waiting ? (
            <div
              className="cell-sub job-waiting"
              data-testid="job-waiting"
              title={progress.waiting}
            >
              {progress.waiting}
            </div>
          ) : null}
          {place ? (
            <div className="cell-sub" data-testid="job-place" title="Its place in the whole queue">
              {placeText(place.at, place.of)}
            </div>
          ) : null}
        </td>
        <td className="job-progress-cell">
          <div className="job-progress-line">
            <ProgressBar
              fraction={active || job.status === 'done' ? fraction : (fraction ?? 0)}
              label={`Progress of ${text.title}`}
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
            {place ? (
              <>
                <button
                  type="button"
                  className="icon-button icon-small"
                  onClick={() => onMove('up')}
                  disabled={place.at === 1}
                  aria-label={`Move ${text.title} earlier in the queue`}
                  title="Earlier in the queue (Alt+↑)"
                  data-testid="move-job-up"
                >
                  ↑
                </button>
                <button
                  type="button"
                  className="icon-button icon-small"
                  onClick={() => onMove('down')}
                  disabled={place.at === place.of}
                  aria-label={`Move ${text.title} later in the queue`}
                  title="Later in the queue (Alt+↓)"
                  data-testid="move-job-down"
                >
                  ↓
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => onMove('first')}
                  disabled={place.at === 1}
                  title="Before every other queued job (Alt+Home)"
                  data-testid="run-job-next"
                >
                  Run next
                </button>
              </>
            ) : null}
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
            {!active && rerunnable ? (
              <button
                type="button"
                className="button button-small"
                onClick={() => onRerun(job.rungIds[0]!)}
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
            <JobDetails job={job} now={now} onRerun={onRerun} names={names} />
          </td>
        </tr>
      ) : null}
    </>
  );
}
