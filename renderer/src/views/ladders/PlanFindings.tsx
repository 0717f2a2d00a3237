import type { ReactNode } from 'react';
import type { EncodeFinding } from '../../../../shared/encodePreflight';
import type { Severity } from '../../../../shared/preflight';

const SEVERITY_LABEL: Record<Severity, string> = {
  block: 'Blocks',
  warn: 'Warning',
  info: 'Note',
};

/**
 * The encode's pre-flight, before Encode: what the plan does to this source (sizes fitted to its
 * aspect, portrait rungs, HDR kept or tone-mapped) and what scoring the renditions would find.
 */
export function PlanFindings({ findings }: { findings: readonly EncodeFinding[] }): ReactNode {
  if (findings.length === 0) return null;
  return (
    <ul className="findings" aria-label="Pre-flight" data-testid="encode-findings">
      {findings.map((f) => (
        <li
          key={f.id}
          className={`finding finding-${f.severity}`}
          data-testid="encode-finding"
          data-finding-id={f.id}
          data-severity={f.severity}
        >
          <span className={`severity severity-${f.severity}`}>{SEVERITY_LABEL[f.severity]}</span>
          <div className="finding-body">
            <p>{f.message}</p>
            {f.rungIds.length ? (
              <p className="muted small">
                {f.rungIds.length === 1 ? 'Rung' : 'Rungs'} {f.rungIds.join(', ')}
              </p>
            ) : null}
          </div>
        </li>
      ))}
    </ul>
  );
}
