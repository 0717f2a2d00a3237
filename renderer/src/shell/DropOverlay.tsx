import type { ReactNode } from 'react';

/** The highlight shown while files are dragged over the window. */
export function DropOverlay({ canImport }: { canImport: boolean }): ReactNode {
  return (
    <div className={`drop-overlay ${canImport ? '' : 'drop-overlay-refused'}`} aria-hidden="true">
      <div className="drop-overlay-box">
        {canImport ? (
          <>
            <strong>Drop to import</strong>
            <span>Video files are added to the library; the files stay where they are.</span>
          </>
        ) : (
          <>
            <strong>Dropping cannot import in the browser</strong>
            <span>
              The browser does not tell the server where a file lives. Type its path or use Browse….
            </span>
          </>
        )}
      </div>
    </div>
  );
}
