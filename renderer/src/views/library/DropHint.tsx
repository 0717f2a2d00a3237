import type { ReactNode } from 'react';

/** One line under the import bar that says what dropping files does here. */
export function DropHint({ dropImport }: { dropImport: boolean }): ReactNode {
  return (
    <p className="drop-hint">
      {dropImport ? (
        <>
          <strong>Drop video files anywhere</strong> in the window to import them. Files are never
          moved or copied.
        </>
      ) : (
        <>
          Dropping files does not work in the browser: a browser cannot tell the server where a file
          lives. Type the path on the server, or use <strong>Browse…</strong>.
        </>
      )}
    </p>
  );
}
