import { useMemo, type ReactNode } from 'react';
import type { Job } from '../../../../../shared/queue';
import { showView } from '../../../stores/appStore';
import { useLibraryStore } from '../../../stores/libraryStore';
import { focusBatch, useQueueStore } from '../../../stores/queueStore';
import { forgetScoreJob, useScoresStore } from '../../../stores/scoresStore';
import { ProgressBar } from '../../../ui/ProgressBar';
import { jobText, type JobNames } from '../../../model/queue/jobText';
import { clockDuration, jobFraction, percentText } from '../../../model/queue/queueFigures';
import { StatusChip } from '../../../ui/StatusChip';

/** True for a score job with this library item as its reference. */
function scoresAgainst(job: Job, sourceId: string): boolean {
  return job.plan.kind === 'score' && job.plan.referenceId === sourceId;
}

/**
 * Score jobs of one reference while they are queued or running, with live progress (the Queue
 * has the full story), and those started from this window that failed, with why.
 */
export function ScoreJobs({ sourceId }: { sourceId: string }): ReactNode {
  const jobs = useQueueStore((s) => s.data.jobs);
  const progress = useQueueStore((s) => s.data.progress);
  const renditions = useQueueStore((s) => s.data.renditions);
  const items = useLibraryStore((s) => s.data.items);
  const own = useScoresStore((s) => s.ownJobIds);
  const names = useMemo<JobNames>(
    () => ({
      rendition: (id) => renditions.find((r) => r.id === id)?.rungId ?? null,
      item: (id) => items.find((i) => i.id === id)?.fileName ?? null,
      jobRungs: (id) => jobs.find((j) => j.id === id)?.rungIds ?? null,
    }),
    [renditions, items, jobs],
  );
  const shown = jobs.filter(
    (j) =>
      scoresAgainst(j, sourceId) &&
      (j.status === 'queued' ||
        j.status === 'running' ||
        (own.includes(j.id) && j.status !== 'done')),
  );
  if (shown.length === 0) return null;

  return (
    <ul className="score-jobs" aria-label="Scoring in progress">
      {shown.map((job) => {
        const text = jobText(job, names);
        const active = job.status === 'queued' || job.status === 'running';
        const fraction = jobFraction(job, progress[job.id]);
        const eta = progress[job.id]?.etaSeconds;
        return (
          <li
            key={job.id}
            className={`score-job score-job-${job.status}`}
            data-testid="score-job"
            data-status={job.status}
          >
            <div className="score-job-line">
              <StatusChip status={job.status} />
              <span className="score-job-title" title={text.title}>
                {text.title}
              </span>
              {active ? (
                <>
                  <ProgressBar
                    fraction={job.status === 'queued' ? 0 : fraction}
                    label={`Progress of ${text.title}`}
                    testId="score-progress"
                  />
                  <span className="score-job-figures">
                    {job.status === 'running'
                      ? `${percentText(fraction)}${eta !== null && eta !== undefined ? ` · ${clockDuration(eta)} left` : ''}`
                      : job.dependsOn
                        ? 'waits for its encode'
                        : 'waiting'}
                  </span>
                </>
              ) : null}
              <button
                type="button"
                className="button button-small"
                onClick={() => {
                  focusBatch(job.batchId);
                  showView('queue');
                }}
              >
                Queue
              </button>
              {!active ? (
                <button
                  type="button"
                  className="icon-button icon-small"
                  aria-label="Dismiss"
                  onClick={() => forgetScoreJob(job.id)}
                >
                  ×
                </button>
              ) : null}
            </div>
            {!active && job.error ? (
              <p className={`small ${job.status === 'failed' ? 'text-danger' : 'muted'}`}>
                {job.error}
              </p>
            ) : null}
          </li>
        );
      })}
    </ul>
  );
}
