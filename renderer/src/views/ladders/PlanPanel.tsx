import type { ReactNode } from 'react';
import type { EncodePlan, PlannedJob } from '../../../../shared/queue';
import type { Failure } from '../../stores/failureOf';
import { CommandBlock } from '../../ui/CommandBlock';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';

/** Props of {@link PlanPanel}. */
export interface PlanPanelProps {
  plan: EncodePlan | null;
  failure: Failure | null;
  stale: boolean;
  /** The source's name, when one is chosen. */
  sourceName: string | null;
  /** Why there is no plan to show, if there is none. */
  blocked: string | null;
}

function PlannedJobView({
  job,
  index,
  total,
}: {
  job: PlannedJob;
  index: number;
  total: number;
}): ReactNode {
  return (
    <article className="plan-job" data-testid="plan-job">
      <header className="plan-job-head">
        <strong>
          Process {index + 1}
          <span className="muted"> of {total}</span>
        </strong>
        <span className="plan-rungs">
          {job.rungIds.map((id) => (
            <span key={id} className="chip mono">
              {id}
            </span>
          ))}
        </span>
        {job.rungIds.length > 1 ? (
          <span className="pill pill-accent" title="Decoded once, split into one chain per rung">
            decode once × {job.rungIds.length}
          </span>
        ) : null}
        {job.twoPass ? <span className="pill">two-pass</span> : null}
        <span className="plan-encoders mono">{job.encoders.join(', ')}</span>
      </header>
      {job.commands.map((args, i) => (
        <CommandBlock
          key={i}
          args={args}
          label={job.twoPass ? `Pass ${i + 1} of ${job.commands.length}` : 'Command'}
          testId="plan-command"
        />
      ))}
      <ul className="plan-outputs">
        {job.outputs.map((o) => (
          <li key={o.rungId}>
            <span className="mono plan-output-rung">{o.rungId}</span>
            <span className="mono break muted">{o.path}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}

/** The exact ffmpeg commands Encode will run for the chosen source, and the rungs it skips. */
export function PlanPanel({
  plan,
  failure,
  stale,
  sourceName,
  blocked,
}: PlanPanelProps): ReactNode {
  return (
    <section
      className={`panel plan-panel ${stale ? 'is-stale' : ''}`}
      aria-label="Commands"
      aria-busy={stale}
      data-testid="plan-panel"
    >
      <div className="panel-head">
        <h2>Commands {sourceName ? <span className="muted">for {sourceName}</span> : null}</h2>
        {plan ? (
          <span className="muted small">
            Binary and arguments exactly as run; outputs are written under a temporary name and
            renamed when ffmpeg succeeds.
          </span>
        ) : null}
      </div>
      {blocked ? <p className="muted">{blocked}</p> : null}
      {!blocked && failure ? (
        <ErrorPanel
          title={errorTitle(failure.code)}
          message={failure.message}
          hint={failure.hint}
          testId="plan-error"
        />
      ) : null}
      {!blocked && !failure && !plan ? <p className="muted">Planning…</p> : null}
      {!blocked && plan ? (
        <>
          {plan.jobs.length === 0 ? (
            <p className="muted">Nothing to encode: every rung is larger than the source.</p>
          ) : (
            plan.jobs.map((job, i) => (
              <PlannedJobView key={i} job={job} index={i} total={plan.jobs.length} />
            ))
          )}
          {plan.skipped.length ? (
            <div className="skipped" data-testid="skipped-rungs">
              <h3>
                Skipped <span className="muted">never upscale</span>
              </h3>
              <ul>
                {plan.skipped.map((s) => (
                  <li key={s.rungId}>
                    <span className="mono">{s.rungId}</span> — {s.reason}
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
