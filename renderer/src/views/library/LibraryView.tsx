import { useState, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { useClient } from '../../hooks/useClient';
import { removeItem } from '../../stores/libraryActions';
import { useLibraryStore } from '../../stores/libraryStore';
import { DetailPanel } from './DetailPanel';
import { ImportBar } from './ImportBar';
import { ImportFeedback } from './ImportFeedback';
import { LibraryTable } from './LibraryTable';
import { RemoveConfirm } from './RemoveConfirm';

/** The Library: import bar, import outcome, the table of sources and the selected source's details. */
export function LibraryView(): ReactNode {
  const client = useClient();
  const items = useLibraryStore((s) => s.data.items);
  const loading = useLibraryStore((s) => s.loading);
  const loadError = useLibraryStore((s) => s.loadError);
  const selectedId = useLibraryStore((s) => s.selectedId);
  const [removing, setRemoving] = useState<LibraryItem | null>(null);
  const selected = items.find((i) => i.id === selectedId) ?? null;

  return (
    <div className="view library-view">
      <header className="view-header">
        <div>
          <h1>Library</h1>
          <p className="view-lead">
            Source videos you measure against. Importing reads a file where it is; nothing is copied
            or changed.
          </p>
        </div>
        <span className="view-count muted">
          {loading ? 'Loading…' : `${items.length} source${items.length === 1 ? '' : 's'}`}
        </span>
      </header>
      <ImportBar />
      <ImportFeedback />
      {loadError ? (
        <p className="form-error" role="alert">
          The library could not be loaded: {loadError}
        </p>
      ) : null}
      <div className={`library-split ${selected ? 'has-detail' : ''}`}>
        <div className="library-main">
          {items.length > 0 ? (
            <LibraryTable items={items} selectedId={selectedId} onRequestRemove={setRemoving} />
          ) : loading ? null : (
            <div className="empty-state">
              <h2>No sources yet</h2>
              <p>
                Type the path of a video file above and press <kbd>Enter</kbd>. MP4, MKV, MOV, WebM,
                Y4M, raw YUV and anything else ffprobe can read will do.
              </p>
            </div>
          )}
        </div>
        {selected ? (
          <DetailPanel item={selected} onRequestRemove={() => setRemoving(selected)} />
        ) : null}
      </div>
      {removing ? (
        <RemoveConfirm
          item={removing}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const target = removing;
            setRemoving(null);
            void removeItem(client, target.id, target.fileName);
          }}
        />
      ) : null}
    </div>
  );
}
