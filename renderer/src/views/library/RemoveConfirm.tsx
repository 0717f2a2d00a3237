import type { ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { ConfirmDialog } from '../../ui/ConfirmDialog';

/** Asks before removing a source, and says plainly that the file on disk is not deleted. */
export function RemoveConfirm({
  item,
  onConfirm,
  onCancel,
}: {
  item: LibraryItem;
  onConfirm: () => void;
  onCancel: () => void;
}): ReactNode {
  return (
    <ConfirmDialog
      title="Remove from library?"
      confirmLabel="Remove from library"
      onConfirm={onConfirm}
      onCancel={onCancel}
    >
      <p>
        <strong>{item.fileName}</strong> will be removed from the library, with its thumbnail.
      </p>
      <p data-testid="remove-confirm-text">
        The file on disk is <strong>not deleted</strong>: it stays at{' '}
        <code className="mono break">{item.path}</code>, and you can import it again at any time.
      </p>
    </ConfirmDialog>
  );
}
