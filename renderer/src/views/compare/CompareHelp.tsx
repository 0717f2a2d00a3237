import type { ReactNode } from 'react';

/**
 * What Compare shows and how to move around in it, behind a "?" next to the title: a disclosure
 * that the keyboard, touch and screen readers reach, opening over the view (nothing moves).
 */
export function CompareHelp(): ReactNode {
  return (
    <details className="compare-help" data-testid="compare-help">
      <summary aria-label="About Compare" title="About Compare">
        ?
      </summary>
      <div className="compare-help-text" role="note">
        <p>
          Exact frames from the frame server. Renditions are scaled to the source size with bicubic,
          as the scorer sees them; zoomed past 100 %, they show their own pixels.
        </p>
        <p>
          Ctrl+wheel zooms at the cursor; drag to pan. Keys: Space plays or pauses, ← → step (Shift:
          10), Home/End, [ ] to the shot before/after, S W F D H choose the mode, 1–4 choose B, + − 0 zoom.
        </p>
      </div>
    </details>
  );
}
