import type { ReactNode } from 'react';
import { dismissImportFailure, useLibraryStore } from '../../stores/libraryStore';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';

/** The outcome of the last import: a summary line and one error panel per failed path. */
export function ImportFeedback(): ReactNode {
  const failures = useLibraryStore((s) => s.importFailures);
  const notice = useLibraryStore((s) => s.importNotice);
  return (
    <div className="import-feedback">
      {notice ? (
        <p className="import-notice" role="status">
          {notice}
        </p>
      ) : null}
      {failures.map((f) => (
        <ErrorPanel
          key={f.path}
          testId="import-error"
          title={f.path ? `${errorTitle(f.code)}: ${f.path}` : errorTitle(f.code)}
          message={f.message}
          hint={f.hint}
          onDismiss={() => dismissImportFailure(f.path)}
        />
      ))}
    </div>
  );
}
