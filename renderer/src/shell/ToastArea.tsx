import { useEffect, type ReactNode } from 'react';
import { dismissToast, useAppStore, type Toast } from '../stores/appStore';

const LIFETIME_MS: Record<Toast['kind'], number> = { info: 5000, error: 15000 };

function ToastItem({ toast }: { toast: Toast }): ReactNode {
  useEffect(() => {
    const timer = setTimeout(() => dismissToast(toast.id), LIFETIME_MS[toast.kind]);
    return () => clearTimeout(timer);
  }, [toast.id, toast.kind]);
  return (
    <div className={`toast toast-${toast.kind}`} data-testid="toast">
      <div className="toast-text">
        <strong>{toast.title}</strong>
        {toast.message ? <span>{toast.message}</span> : null}
        {toast.hint ? <span className="toast-hint">{toast.hint}</span> : null}
      </div>
      <button
        type="button"
        className="icon-button"
        onClick={() => dismissToast(toast.id)}
        aria-label="Dismiss"
      >
        ×
      </button>
    </div>
  );
}

/** Bottom-right stack of toasts for events (imports from elsewhere, removals, failures). */
export function ToastArea(): ReactNode {
  const toasts = useAppStore((s) => s.toasts);
  return (
    <div className="toast-area" role="status" aria-live="polite">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} />
      ))}
    </div>
  );
}
