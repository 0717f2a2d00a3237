import type { ReactNode } from 'react';
import type { RdRendition } from '../../../../shared/analysis';

/** Most renditions named; the rest are counted. */
const NAMED = 6;

/**
 * The renditions whose score is stale (encoded again, changed or missing since it was scored):
 * left out of every curve, hull and BD-rate (the chart marks them apart), and said so, with why
 * for each.
 */
export function StalePointsNote({ points }: { points: readonly RdRendition[] }): ReactNode {
  if (points.length === 0) return null;
  const n = points.length;
  const named = points.slice(0, NAMED).map((p) => `${p.label} (${p.stale?.reason ?? 'stale'})`);
  if (n > NAMED) named.push(`${n - NAMED} more`);
  return (
    <p className="muted small analysis-stale-note" role="note" data-testid="analysis-stale">
      <span className="pill pill-warn">
        {n} stale point{n === 1 ? '' : 's'} left out
      </span>{' '}
      {named.join('; ')}. Their scores measured files that are no longer there: the chart marks them
      hollow and grey, on no curve and in no hull or BD-rate. Score the renditions again to draw
      them on their curves.
    </p>
  );
}
