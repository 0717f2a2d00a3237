import type { ReactNode } from 'react';

/** The report's advice, one sentence group per item. */
export function AdviceList({ advice }: { advice: readonly string[] }): ReactNode {
  return (
    <ul className="advice-list">
      {advice.map((a) => (
        <li key={a}>{a}</li>
      ))}
    </ul>
  );
}
