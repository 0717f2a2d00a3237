import { useId, type ReactNode } from 'react';
import { Dialog } from './Dialog';

/** Props of {@link ConfirmDialog}. */
export interface ConfirmDialogProps {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}

/** A yes/no question in a modal; the confirm button has focus so Enter confirms and Esc cancels. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  onConfirm,
  onCancel,
}: ConfirmDialogProps): ReactNode {
  const bodyId = useId();
  return (
    <Dialog
      title={title}
      onClose={onCancel}
      role="alertdialog"
      describedBy={bodyId}
      className="dialog-narrow"
      footer={
        <>
          <button type="button" className="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={onConfirm}
            data-autofocus
            data-testid="confirm-button"
          >
            {confirmLabel}
          </button>
        </>
      }
    >
      <div id={bodyId}>{children}</div>
    </Dialog>
  );
}
