import { useMemo, useState, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { useClient } from '../../hooks/useClient';
import { removeItem } from '../../stores/libraryActions';
import { selectItem, useLibraryStore } from '../../stores/libraryStore';
import { ScoresPanel } from './scores/ScoresPanel';
import { DetailPanel } from './DetailPanel';
import { ImportBar } from './ImportBar';
import { ImportFeedback } from './ImportFeedback';
import { sortItems, type SortSpec } from './libraryColumns';
import { LibraryTable } from './LibraryTable';
import { RemoveConfirm } from './RemoveConfirm';

/**
 * The Library: import bar, import outcome, the table of sources, the scores of the selected source
 * below it, and the selected source's details beside them.
 */
export function LibraryView(): ReactNode {
  const client = useClient();
  const items = useLibraryStore((s) => s.data.items);
  const loading = useLibraryStore((s) => s.loading);
  const loadError = useLibraryStore((s) => s.loadError);
  const selectedId = useLibraryStore((s) => s.selectedId);
  const [removing, setRemoving] = useState<LibraryItem | null>(null);
  const [sort, setSort] = useState<SortSpec | null>(null);
  const [focusRequest, setFocusRequest] = useState(0);
  const sorted = useMemo(() => sortItems(items, sort), [items, sort]);
  const selected = items.find((i) => i.id === selectedId) ?? null;
  const missing = useLibraryStore((s) => s.missing);

  async function remove(target: LibraryItem): Promise<void> {
    // Keep the keyboard flow: the row below (or above) takes the selection and the focus.
    const at = sorted.findIndex((i) => i.id === target.id);
    const neighbour = sorted[at + 1] ?? sorted[at - 1] ?? null;
    if (await removeItem(client, target.id, target.fileName)) {
      selectItem(neighbour?.id ?? null);
      setFocusRequest((n) => n + 1);
    }
  }

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
            <LibraryTable
              sorted={sorted}
              sort={sort}
              onSortChange={setSort}
              selectedId={selectedId}
              onRequestRemove={setRemoving}
              focusRequest={focusRequest}
            />
          ) : loading ? null : (
            <div className="empty-state">
              <h2>No sources yet</h2>
              <p>
                Type the path of a video file above and press <kbd>Enter</kbd>. MP4, MKV, MOV, WebM,
                Y4M, raw YUV and anything else ffprobe can read will do.
              </p>
            </div>
          )}
          {selected ? <ScoresPanel item={selected} /> : null}
        </div>
        {selected ? (
          <DetailPanel
            key={selected.id}
            item={selected}
            missing={missing.has(selected.id)}
            onRequestRemove={() => setRemoving(selected)}
          />
        ) : null}
      </div>
      {removing ? (
        <RemoveConfirm
          item={removing}
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            const target = removing;
            setRemoving(null);
            void remove(target);
          }}
        />
      ) : null}
    </div>
  );
}
