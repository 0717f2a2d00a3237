import type { ReactNode } from 'react';

/** Props of {@link ProgressBar}. */
export interface ProgressBarProps {
  /** 0..1; null shows an indeterminate bar (running, no figure yet). */
  fraction: number | null;
  label: string;
  tone?: 'accent' | 'ok' | 'warn' | 'danger' | 'muted';
  size?: 'small' | 'large';
  testId?: string;
}

/** A thin horizontal progress bar with an accessible value. */
export function ProgressBar({
  fraction,
  label,
  tone = 'accent',
  size = 'small',
  testId,
}: ProgressBarProps): ReactNode {
  const pct = fraction === null ? null : Math.round(Math.min(1, Math.max(0, fraction)) * 1000) / 10;
  return (
    <div
      className={`progress progress-${tone} progress-${size} ${pct === null ? 'is-indeterminate' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={pct ?? undefined}
      data-testid={testId}
    >
      <div className="progress-fill" style={pct === null ? undefined : { width: `${pct}%` }} />
    </div>
  );
}
