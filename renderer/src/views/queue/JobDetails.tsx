import type { ReactNode } from 'react';
import { FIX_DESCRIPTIONS } from '../../../../shared/preflight';
import type { Job, ScoreJobPlan } from '../../../../shared/queue';
import { CommandBlock } from '../../ui/CommandBlock';
import { FactList } from '../../ui/FactList';
import { metricsText, modelText, rangeText, scaleText } from '../../model/scores/scoreOptionsText';
import { jobText, type JobNames } from '../../model/queue/jobText';
import { encodeTimeText } from '../../model/queue/queueFigures';
import { timeText } from '../../model/timeText';

/** Props of {@link JobDetails}. */
export interface JobDetailsProps {
  job: Job;
  now: number;
  onRerun: (rungId: string) => void;
  names: JobNames;
}

/** What a score job scores and how: the videos, metrics, model, size, range and chosen fixes. */
function ScorePlanFacts({
  plan,
  videos,
  reference,
}: {
  plan: ScoreJobPlan;
  videos: string[];
  reference: string;
}): ReactNode {
  const fixes = plan.fixes.flatMap((list, i) =>
    list.map((f) => ({ video: videos[i] ?? `video ${i + 1}`, fix: f })),
  );
  return (
    <div className="job-outputs">
      <h4>Scoring</h4>
      <FactList
        facts={[
          { label: 'Reference', value: reference },
          { label: 'Videos', value: videos.length ? videos.join(', ') : 'the renditions above' },
          { label: 'Metrics', value: metricsText(plan.options.metrics) },
          { label: 'Model', value: modelText(plan.options.model) },
          { label: 'Compared at', value: scaleText(plan.options.scale) },
          { label: 'Frames', value: rangeText(plan.options) ?? 'all, every frame' },
        ]}
      />
      {fixes.length ? (
        <ul className="job-fixes">
          {fixes.map(({ video, fix }) => (
            <li key={`${video}:${fix}`}>
              <span className="mono">{video}</span>: {FIX_DESCRIPTIONS[fix]}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/**
 * Everything about one job: its error, timestamps, the exact commands, the outputs (or for a
 * score job what it scores and how) and the stderr tail.
 */
export function JobDetails({ job, now, onRerun, names }: JobDetailsProps): ReactNode {
  const finished = job.status !== 'queued' && job.status !== 'running';
  const plan = job.plan;
  return (
    <div className="job-details" data-testid="job-details">
      {job.error ? (
        <div className={`job-error ${job.status === 'canceled' ? 'is-quiet' : ''}`}>
          <strong>
            {job.status === 'failed'
              ? 'Why it failed'
              : job.status === 'interrupted'
                ? 'Interrupted'
                : 'Note'}
          </strong>
          <span>{job.error}</span>
        </div>
      ) : null}
      <div className="job-details-grid">
        <FactList
          facts={[
            { label: 'Job', value: job.id, mono: true },
            { label: 'Attempts', value: String(job.attempts) },
            { label: 'Queued', value: timeText(job.createdAt, now) },
            { label: 'Started', value: job.startedAt ? timeText(job.startedAt, now) : 'not yet' },
            { label: 'Finished', value: job.finishedAt ? timeText(job.finishedAt, now) : null },
            {
              label: plan.kind === 'score' ? 'Run time' : 'Encode time',
              value: job.encodeSeconds !== null ? encodeTimeText(job.encodeSeconds) : null,
            },
            { label: 'Worker', value: job.worker ?? null },
            { label: 'ffmpeg', value: job.binary, mono: true },
            {
              label: 'Passes',
              value:
                plan.kind === 'encode'
                  ? plan.twoPass
                    ? '2 (pass 1 analyses, pass 2 writes)'
                    : '1'
                  : null,
            },
          ]}
        />
        {plan.kind === 'score' ? (
          <ScorePlanFacts
            plan={plan}
            videos={jobText(job, names).chips}
            reference={names.item(plan.referenceId) ?? plan.referenceId}
          />
        ) : (
          <div className="job-outputs">
            <h4>Outputs</h4>
            <ul>
              {plan.outputs.map((o) => (
                <li key={o.rungId}>
                  <span className="mono job-output-rung">{o.rungId}</span>
                  <span className="mono break muted">{o.path}</span>
                  {finished ? (
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => onRerun(o.rungId)}
                      title="Encode this rung again as a new job"
                      data-testid="rerun-rung"
                    >
                      Re-run
                    </button>
                  ) : null}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
      {job.commands.map((args, i) => (
        <CommandBlock
          key={i}
          args={args}
          label={
            job.commands.length > 1 ? `Pass ${i + 1} of ${job.commands.length}` : 'Command as run'
          }
          testId="job-command"
        />
      ))}
      {plan.kind === 'encode' ? (
        <p className="muted small">
          The commands write a temporary file next to each output; it is renamed when ffmpeg exits
          cleanly and deleted otherwise.
        </p>
      ) : job.commands.length === 0 ? (
        <p className="muted small">The exact command is fixed when the job starts.</p>
      ) : null}
      {job.stderrTail ? (
        <div className="stderr-block">
          <h4>ffmpeg stderr (last lines)</h4>
          <pre className="stderr-text" data-testid="job-stderr">
            {job.stderrTail}
          </pre>
        </div>
      ) : finished ? (
        <p className="muted small">ffmpeg wrote nothing to stderr.</p>
      ) : null}
    </div>
  );
}
