import type { ReactNode } from 'react';
import type { Job } from '../../../../shared/queue';
import { CommandBlock } from '../../ui/CommandBlock';
import { FactList } from '../../ui/FactList';
import { encodeTimeText } from './queueFigures';
import { timeText } from './timeText';

/** Props of {@link JobDetails}. */
export interface JobDetailsProps {
  job: Job;
  now: number;
  onRerun: (rungId: string) => void;
}

/** Everything about one job: its error, timestamps, the exact commands, outputs and stderr tail. */
export function JobDetails({ job, now, onRerun }: JobDetailsProps): ReactNode {
  const finished = job.status !== 'queued' && job.status !== 'running';
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
              label: 'Encode time',
              value: job.encodeSeconds !== null ? encodeTimeText(job.encodeSeconds) : null,
            },
            { label: 'ffmpeg', value: job.binary, mono: true },
            {
              label: 'Passes',
              value: job.plan.twoPass ? '2 (pass 1 analyses, pass 2 writes)' : '1',
            },
          ]}
        />
        <div className="job-outputs">
          <h4>Outputs</h4>
          <ul>
            {job.plan.outputs.map((o) => (
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
      <p className="muted small">
        The commands write a temporary file next to each output; it is renamed when ffmpeg exits
        cleanly and deleted otherwise.
      </p>
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
