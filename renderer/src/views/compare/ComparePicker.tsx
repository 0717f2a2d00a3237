import type { ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import type { CompareCandidate } from './compareCandidates';
import { MAX_COMPARED } from './compareModel';

/** The source and the renditions (or same-length items) to show next to it. */
export function ComparePicker({
  items,
  sourceId,
  candidates,
  checked,
  onSource,
  onToggle,
}: {
  items: readonly LibraryItem[];
  sourceId: string;
  candidates: readonly CompareCandidate[];
  checked: readonly string[];
  onSource: (id: string) => void;
  onToggle: (id: string) => void;
}): ReactNode {
  return (
    <section className="compare-controls">
      <label className="field">
        <span className="field-label">Source</span>
        <select
          className="input"
          value={sourceId}
          onChange={(e) => onSource(e.target.value)}
          data-testid="compare-source"
        >
          {items.map((i) => (
            <option key={i.id} value={i.id}>
              {i.fileName}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="compare-choices">
        <legend className="field-label">Compare with (up to {MAX_COMPARED})</legend>
        {candidates.length ? (
          candidates.map((c) => (
            <label key={c.id} className="compare-choice">
              <input
                type="checkbox"
                checked={checked.includes(c.id)}
                disabled={!checked.includes(c.id) && checked.length >= MAX_COMPARED}
                onChange={() => onToggle(c.id)}
                data-testid="compare-rendition"
                data-id={c.id}
              />
              {c.title}
              {c.kind === 'item' ? <span className="muted small"> (library item)</span> : null}
            </label>
          ))
        ) : (
          <span className="muted small">
            No renditions of this source yet, and no other item with the same frame count.
          </span>
        )}
      </fieldset>
    </section>
  );
}

/** The Compare view before anything is imported. */
export function NoSources(): ReactNode {
  return (
    <div className="view compare-view" data-testid="compare-view">
      <header className="view-header">
        <h1>Compare</h1>
      </header>
      <div className="empty-state">
        <h2>No sources yet</h2>
        <p>Import a source in the Library, encode a ladder, then compare the renditions here.</p>
      </div>
    </div>
  );
}
