import { useRef, useState, type ReactNode } from 'react';
import type { Ladder, LadderEntry } from '../../../../shared/ladder';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { parseLadderFile } from './ladderFile';
import { ladderSummary } from '../../../../shared/rungText';

/** Props of {@link LadderList}. */
export interface LadderListProps {
  entries: readonly LadderEntry[];
  /** The listed ladder shown, or null while a new draft is. */
  listedId: string | null;
  /** The new, unsaved ladder in the editor, if any. */
  unsaved: Ladder | null;
  onSelect: (entry: LadderEntry) => void;
  onNew: () => void;
  /** A ladder read from a file (its problems show in the editor). */
  onImport: (ladder: Ladder) => void;
  /** A note about the list itself (saved ladders could not be loaded). */
  loadError: string | null;
}

function LadderCard({
  entry,
  selected,
  onSelect,
}: {
  entry: LadderEntry;
  selected: boolean;
  onSelect: () => void;
}): ReactNode {
  const { ladder } = entry;
  return (
    <li>
      <button
        type="button"
        className="ladder-card"
        aria-pressed={selected}
        onClick={onSelect}
        data-testid="ladder-card"
        data-ladder-id={ladder.id}
      >
        <span className="ladder-card-name">{ladder.name}</span>
        <span className="ladder-card-meta">
          <span className="mono">{ladder.id}</span> <span>· {ladderSummary(ladder)}</span>
        </span>
        {entry.source ? (
          <span className="ladder-card-source" title={entry.source}>
            {entry.source}
          </span>
        ) : null}
      </button>
    </li>
  );
}

/** Presets and saved ladders as cards, with New ladder and Import JSON…. */
export function LadderList({
  entries,
  listedId,
  unsaved,
  onSelect,
  onNew,
  onImport,
  loadError,
}: LadderListProps): ReactNode {
  const fileRef = useRef<HTMLInputElement>(null);
  const [importError, setImportError] = useState<{ file: string; message: string } | null>(null);
  const presets = entries.filter((e) => e.builtIn);
  const saved = entries.filter((e) => !e.builtIn);

  async function onFile(file: File): Promise<void> {
    const result = parseLadderFile(await file.text());
    if (!result.ok) {
      setImportError({ file: file.name, message: result.message });
      return;
    }
    setImportError(null);
    onImport(result.ladder);
  }

  return (
    <section className="panel ladder-list" aria-label="Ladders">
      <div className="panel-head">
        <h2>Choose a ladder</h2>
        <div className="inline-actions">
          <button type="button" className="button" onClick={onNew} data-testid="new-ladder">
            New ladder
          </button>
          <button
            type="button"
            className="button"
            onClick={() => fileRef.current?.click()}
            data-testid="import-ladder"
          >
            Import JSON…
          </button>
          <input
            ref={fileRef}
            type="file"
            accept=".json,application/json"
            className="visually-hidden"
            tabIndex={-1}
            aria-hidden="true"
            data-testid="import-ladder-file"
            onChange={(e) => {
              const file = e.target.files?.[0];
              e.target.value = '';
              if (file) void onFile(file);
            }}
          />
        </div>
      </div>
      {importError ? (
        <ErrorPanel
          title={`Could not import ${importError.file}`}
          message={importError.message}
          hint="Export a ladder from VQ Studio to see the expected format."
          onDismiss={() => setImportError(null)}
          testId="import-ladder-error"
        />
      ) : null}
      <div className="ladder-group">
        <h3>Presets</h3>
        <ul className="ladder-cards">
          {presets.map((e) => (
            <LadderCard
              key={e.ladder.id}
              entry={e}
              selected={unsaved === null && e.ladder.id === listedId}
              onSelect={() => onSelect(e)}
            />
          ))}
        </ul>
      </div>
      <div className="ladder-group">
        <h3>Saved</h3>
        {saved.length === 0 && !unsaved ? (
          <p className="muted small">
            None yet. Duplicate a preset or start a new ladder, edit it, and Save.
            {loadError ? ` (Saved ladders could not be loaded: ${loadError})` : ''}
          </p>
        ) : (
          <ul className="ladder-cards">
            {unsaved ? (
              <li>
                <button
                  type="button"
                  className="ladder-card is-unsaved"
                  aria-pressed={true}
                  data-testid="ladder-card"
                  data-ladder-id=""
                >
                  <span className="ladder-card-name">{unsaved.name || 'Untitled ladder'}</span>
                  <span className="ladder-card-meta">
                    <span className="pill pill-warn">not saved</span> {ladderSummary(unsaved)}
                  </span>
                </button>
              </li>
            ) : null}
            {saved.map((e) => (
              <LadderCard
                key={e.ladder.id}
                entry={e}
                selected={unsaved === null && e.ladder.id === listedId}
                onSelect={() => onSelect(e)}
              />
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
