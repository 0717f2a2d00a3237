import type { ReactNode } from 'react';
import type { PictureCheck } from '../../../../../shared/frameMatch';

const WIDTH = 360;
const HEIGHT = 84;
const PAD = { left: 6, right: 6, top: 8, bottom: 18 };

/**
 * What the pictures say of a pair's timing, with the evidence: the match cost of every start offset
 * tried (a clear dip where the distorted video lines up; a flat line when the pictures cannot
 * tell), the offset found marked, and what scoring on the match does.
 */
export function MatchEvidence({ pictures }: { pictures: PictureCheck }): ReactNode {
  const costs = pictures.offsetCosts;
  const first = costs[0];
  const last = costs.at(-1);
  let curve: ReactNode = null;
  if (first && last && costs.length > 1) {
    const lo = Math.min(...costs.map((c) => c.cost));
    const hi = Math.max(...costs.map((c) => c.cost));
    const span = hi - lo || 1;
    const innerW = WIDTH - PAD.left - PAD.right;
    const innerH = HEIGHT - PAD.top - PAD.bottom;
    const x = (offset: number): number =>
      PAD.left + ((offset - first.offset) / (last.offset - first.offset)) * innerW;
    // Lower cost (a better match) further down: the match is the dip.
    const y = (cost: number): number => PAD.top + (1 - (cost - lo) / span) * innerH;
    const points = costs.map((c) => `${x(c.offset).toFixed(1)},${y(c.cost).toFixed(1)}`).join(' ');
    const at = x(pictures.offsetFrames);
    curve = (
      <svg
        className="match-curve"
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        role="img"
        aria-label={`Match cost by start offset, from ${first.offset} to ${last.offset} frames; lowest at ${pictures.offsetFrames}`}
        data-testid="match-curve"
        data-points={costs.length}
      >
        <polyline className="match-curve-line" points={points} />
        {pictures.offsetFrames >= first.offset && pictures.offsetFrames <= last.offset ? (
          <line
            className="match-curve-mark"
            x1={at}
            x2={at}
            y1={PAD.top}
            y2={HEIGHT - PAD.bottom}
          />
        ) : null}
        <text className="match-curve-axis" x={PAD.left} y={HEIGHT - 4}>
          {first.offset}
        </text>
        <text className="match-curve-axis" x={WIDTH / 2} y={HEIGHT - 4} textAnchor="middle">
          start offset (frames)
        </text>
        <text className="match-curve-axis" x={WIDTH - PAD.right} y={HEIGHT - 4} textAnchor="end">
          {last.offset > 0 ? `+${last.offset}` : last.offset}
        </text>
      </svg>
    );
  }
  const facts = [
    `offset ${pictures.offsetFrames > 0 ? '+' : ''}${pictures.offsetFrames}`,
    `${pictures.dropped} lacking`,
    `${pictures.repeated} repeated`,
    pictures.unmatched.leading || pictures.unmatched.trailing
      ? `${pictures.unmatched.leading} + ${pictures.unmatched.trailing} unmatched at the ends`
      : null,
    pictures.speedChange ? 'speed change' : null,
    `confidence ${pictures.confidence.toFixed(2)}`,
  ].filter((f): f is string => f !== null);
  return (
    <div className="match-evidence" data-testid="match-evidence">
      {curve}
      <p className="muted small" data-testid="match-facts">
        {facts.join(' · ')}
        {pictures.scoredFrames !== null ? ` · ${pictures.scoredFrames} frames compared` : ''}
      </p>
      {pictures.fixes.length && pictures.scoredFrames !== null ? (
        <ul className="match-fixes small">
          {pictures.fixes.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
