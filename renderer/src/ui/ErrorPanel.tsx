import type { ReactNode } from 'react';

/** Props of {@link ErrorPanel}. */
export interface ErrorPanelProps {
  title: string;
  message?: string;
  hint?: string;
  onDismiss?: () => void;
  testId?: string;
  children?: ReactNode;
}

/** A red-edged panel: what went wrong, and what the person can do about it. */
export function ErrorPanel({
  title,
  message,
  hint,
  onDismiss,
  testId,
  children,
}: ErrorPanelProps): ReactNode {
  return (
    <div className="error-panel" role="alert" data-testid={testId}>
      <div className="error-panel-text">
        <strong className="error-panel-title">{title}</strong>
        {message ? <p className="error-panel-message">{message}</p> : null}
        {hint ? <p className="error-panel-hint">{hint}</p> : null}
        {children}
      </div>
      {onDismiss ? (
        <button
          type="button"
          className="icon-button"
          onClick={onDismiss}
          aria-label={`Dismiss: ${title}`}
        >
          ×
        </button>
      ) : null}
    </div>
  );
}
