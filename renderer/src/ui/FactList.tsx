import type { ReactNode } from 'react';

/** One label/value row; rows whose value is null or '' are left out. */
export interface Fact {
  label: string;
  value: ReactNode;
  /** Monospace for paths, pix_fmts and rational numbers. */
  mono?: boolean;
  /** Explains the label (shown as a tooltip). */
  title?: string;
}

/** A definition list of facts in two aligned columns. */
export function FactList({ facts }: { facts: Fact[] }): ReactNode {
  const shown = facts.filter((f) => f.value !== null && f.value !== undefined && f.value !== '');
  return (
    <dl className="facts">
      {shown.map((f) => (
        <div className="fact" key={f.label}>
          <dt title={f.title}>{f.label}</dt>
          <dd className={f.mono ? 'mono' : undefined}>{f.value}</dd>
        </div>
      ))}
    </dl>
  );
}
