import type { ReactNode } from 'react';

/**
 * "stale" beside a score whose files changed after it was measured (see shared/scoreResults.ts
 * `stale`); the reason is its tooltip and is read out with it.
 */
export function StalePill({ reason }: { reason: string }): ReactNode {
  return (
    <span
      className="pill pill-warn compare-stale"
      title={`Stale score: ${reason}. These numbers describe bytes that are no longer there; score again.`}
      data-testid="score-stale"
      data-reason={reason}
    >
      stale<span className="visually-hidden">: {reason}</span>
    </span>
  );
}
