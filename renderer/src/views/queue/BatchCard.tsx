import { useState, type ReactNode } from 'react';
import type { Batch, ConcurrencyInfo, Job, JobProgress, Rendition } from '../../../../shared/queue';
import { showView } from '../../stores/appStore';
import { selectItem } from '../../stores/libraryStore';
import { ProgressBar } from '../../ui/ProgressBar';
import type { JobNames } from '../../model/queue/jobText';
import { JobRow } from './JobRow';
import {
  batchEtaSeconds,
  batchOutcome,
  batchProgress,
  clockDuration,
  percentText,
  rungTally,
  scoreTallyText,
} from '../../model/queue/queueFigures';
import { RenditionTable } from './RenditionTable';
import { timeText } from '../../model/timeText';

/** Props of {@link BatchCard}. */
export interface BatchCardProps {
  batch: Batch;
  jobs: readonly Job[];
  renditions: readonly Rendition[];
  progress: Readonly<Record<string, JobProgress>>;
  concurrency: ConcurrencyInfo | null;
  sourceName: string;
  now: number;
  highlighted: boolean;
  onRequestCancel: (job: Job) => void;
  onRequestCancelBatch: (batch: Batch) => void;
  onRetry: (job: Job) => void;
  onRerun: (batch: Batch, rungId: string) => void;
  /** Places of the queued jobs in the whole queue (1: next), and how many are queued. */
  places: ReadonlyMap<string, number>;
  onMove: (job: Job, to: 'up' | 'down' | 'first') => void;
  onRunNext: (batch: Batch) => void;
  /** Names of the renditions, sources and jobs score jobs refer to. */
  names: JobNames;
}

const JOB_COLUMNS = 8;

/**
 * One batch: source, ladder (or "Scoring" for a batch of score jobs), overall progress and ETA,
 * its jobs, skipped rungs and renditions.
 */
export function BatchCard({
  batch,
  jobs,
  renditions,
  progress,
  concurrency,
  sourceName,
  now,
  highlighted,
  onRequestCancel,
  onRequestCancelBatch,
  onRetry,
  onRerun,
  places,
  onMove,
  onRunNext,
  names,
}: BatchCardProps): ReactNode {
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set());
  // Renditions are counted by encode jobs; a batch of score jobs only counts the videos scored.
  const encodeJobs = jobs.filter((j) => j.kind !== 'score');
  const scoreJobs = jobs.filter((j) => j.kind === 'score');
  const tally = rungTally(batch.ladder ? encodeJobs : scoreJobs);
  const scoresLine = batch.ladder ? scoreTallyText(rungTally(scoreJobs)) : null;
  const anyActive = jobs.some((j) => j.status === 'queued' || j.status === 'running');
  // Renditions in ladder order (they arrive newest first).
  const rungOrder = batch.ladder?.rungs.map((r) => r.id) ?? [];
  const title = batch.ladder?.name ?? 'Scoring';
  const hasScores = jobs.some((j) => j.kind === 'score');
  const ordered = renditions
    .slice()
    .sort((x, y) => rungOrder.indexOf(x.rungId) - rungOrder.indexOf(y.rungId));
  const active = anyActive;
  const parts = batchProgress(jobs, progress);
  const fraction = parts.overall;
  const outcome = batchOutcome(jobs);
  // Queued jobs of other batches start before some of this one's: "Run next" would change that.
  const myPlaces = jobs.flatMap((j) => places.get(j.id) ?? []);
  const behindOthers = myPlaces.length > 0 && Math.max(...myPlaces) > myPlaces.length;
  const eta = active ? batchEtaSeconds(jobs, progress, concurrency, now) : null;
  const toggle = (id: string): void =>
    setExpanded((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <section
      className={`panel batch-card ${highlighted ? 'is-highlighted' : ''}`}
      aria-label={`Batch: ${title} on ${sourceName}`}
      data-testid="batch-card"
      data-batch-id={batch.id}
    >
      <header className="batch-head">
        <div className="batch-title">
          <h2>
            <span className="batch-source">{sourceName}</span>
            <span className="batch-sep" aria-hidden="true">
              ·
            </span>
            <span className="batch-ladder">{title}</span>
          </h2>
          <div className="batch-meta">
            <span>Created {timeText(batch.createdAt, now)}</span>
            {batch.ladder ? (
              <>
                <span>
                  {batch.decodeOnce ? 'Decode once, encode many' : 'One process per rung'}
                </span>
                <span className="mono break" title="Output folder">
                  {batch.outDir}
                </span>
              </>
            ) : (
              <span>Each job scores its videos against the source in one ffmpeg process</span>
            )}
          </div>
        </div>
        <div className="batch-actions">
          {hasScores ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => {
                selectItem(batch.sourceId);
                showView('library');
              }}
              title="The scores of this source, in the Library"
              data-testid="show-scores"
            >
              Show scores
            </button>
          ) : null}
          {behindOthers ? (
            <button
              type="button"
              className="button button-small"
              onClick={() => onRunNext(batch)}
              title="Start the queued jobs of this batch before every other queued job"
              data-testid="run-batch-next"
            >
              Run next
            </button>
          ) : null}
          {active ? (
            <button
              type="button"
              className="button button-small button-danger-quiet"
              onClick={() => onRequestCancelBatch(batch)}
              data-testid="cancel-batch"
            >
              Cancel batch
            </button>
          ) : null}
        </div>
      </header>

      <div className="batch-progress">
        <ProgressBar
          fraction={fraction ?? 0}
          label={`Progress of the batch ${title}`}
          tone={outcome?.tone ?? 'accent'}
          size="large"
          testId="batch-progress"
        />
        <span
          className="batch-percent"
          title={
            parts.scores !== null && parts.encodes !== null
              ? 'Encodes and scores together, weighted by the videos each job carries'
              : undefined
          }
          data-testid="batch-percent"
        >
          {percentText(fraction)}
        </span>
        {parts.scores !== null && parts.encodes !== null ? (
          <span className="batch-parts" data-testid="batch-parts">
            encodes {percentText(parts.encodes)} · scores {percentText(parts.scores)}
          </span>
        ) : null}
        <div className="batch-tally" data-testid="batch-tally">
          <span className="tally tally-done">{tally.done} done</span>
          <span className={`tally ${tally.failed ? 'tally-failed' : ''}`}>
            {tally.failed} failed
          </span>
          <span className="tally">{tally.canceled} canceled</span>
          {tally.running + tally.queued > 0 ? (
            <span className="tally tally-active">
              {tally.running} running · {tally.queued} queued
            </span>
          ) : null}
          <span className="tally muted">of {tally.total}</span>
          {scoresLine ? (
            <span className="tally tally-scores" data-testid="batch-score-tally">
              {scoresLine}
            </span>
          ) : null}
        </div>
        <span
          className={`batch-eta ${outcome ? `batch-outcome-${outcome.tone}` : ''}`}
          title={outcome ? undefined : 'Estimated time until the whole batch is done'}
          data-testid="batch-outcome"
        >
          {outcome ? outcome.label : eta === null ? 'ETA —' : `ETA ${clockDuration(eta)}`}
        </span>
      </div>

      <div className="table-frame">
        <table className="job-table" aria-label="Jobs">
          <thead>
            <tr>
              <th scope="col" className="job-toggle">
                <span className="visually-hidden">Details</span>
              </th>
              <th scope="col">{batch.ladder ? 'Rungs' : 'Videos'}</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">
                FPS
              </th>
              <th scope="col" className="num" title="Encoding speed as a multiple of real time">
                Speed
              </th>
              <th
                scope="col"
                className="num"
                title="Time left while running; encode time when done"
              >
                ETA / time
              </th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((job) => (
              <JobRow
                key={job.id}
                job={job}
                progress={progress[job.id]}
                expanded={expanded.has(job.id)}
                now={now}
                columns={JOB_COLUMNS}
                names={names}
                onToggle={() => toggle(job.id)}
                onRequestCancel={() => onRequestCancel(job)}
                onRetry={() => onRetry(job)}
                onRerun={(rungId) => onRerun(batch, rungId)}
                place={places.has(job.id) ? { at: places.get(job.id)!, of: places.size } : null}
                onMove={(to) => onMove(job, to)}
              />
            ))}
          </tbody>
        </table>
      </div>

      {batch.skipped.length ? (
        <details className="more skipped">
          <summary>
            {batch.skipped.length} rung{batch.skipped.length === 1 ? '' : 's'} skipped — larger than
            the source (never upscale)
          </summary>
          <ul>
            {batch.skipped.map((s) => (
              <li key={s.rungId}>
                <span className="mono">{s.rungId}</span> — {s.reason}
              </li>
            ))}
          </ul>
        </details>
      ) : null}

      {batch.ladder ? (
        <div className="batch-renditions">
          <h3>
            Renditions <span className="muted">{renditions.length}</span>
          </h3>
          {renditions.length ? (
            <RenditionTable renditions={ordered} onRerun={(r) => onRerun(batch, r.rungId)} />
          ) : (
            <p className="muted small">
              {active
                ? 'Each rendition appears here once its encode finished cleanly and the file was probed.'
                : 'No renditions from this batch.'}
            </p>
          )}
        </div>
      ) : null}
    </section>
  );
}
