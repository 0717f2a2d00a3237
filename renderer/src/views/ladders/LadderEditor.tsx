import { useState, type ReactNode } from 'react';
import type { LadderEntry } from '../../../../shared/ladder';
import { useClient } from '../../hooks/useClient';
import { draftSaved, editDraft } from '../../stores/ladderEditorStore';
import { saveLadder } from '../../stores/laddersStore';
import type { Failure } from '../../stores/failureOf';
import { downloadText } from '../../ui/download';
import { ErrorPanel } from '../../ui/ErrorPanel';
import { errorTitle } from '../../ui/errorTitle';
import type { EncoderChoice } from '../../model/ladders/encoderChoices';
import {
  addRung,
  duplicateRungAt,
  editLadderFields,
  moveRung,
  removeRungAt,
  replaceRung,
  type LadderDraft,
} from '../../model/ladders/ladderDraft';
import { ladderFileName, ladderJson } from './ladderFile';
import { issuePlace, messagesAt, type LadderIssue } from './ladderIssues';
import { RungTable } from './RungTable';
import { ladderSummary } from '../../../../shared/rungText';

/** Props of {@link LadderEditor}. */
export interface LadderEditorProps {
  /** The listed ladder shown, if it is one (a preset, or the saved ladder being edited). */
  entry: LadderEntry | null;
  draft: LadderDraft | null;
  issues: readonly LadderIssue[];
  choices: readonly EncoderChoice[];
  /** A saved ladder (other than the one edited) whose id the draft now has. */
  replaces: LadderEntry | null;
  onDuplicate: () => void;
  onRequestDelete: () => void;
}

function PresetHeader({
  entry,
  onDuplicate,
}: {
  entry: LadderEntry;
  onDuplicate: () => void;
}): ReactNode {
  const { ladder } = entry;
  return (
    <div className="editor-head">
      <div className="editor-title">
        <div className="editor-title-row">
          <h2>{ladder.name}</h2>
          <span
            className="pill pill-quiet"
            title="Built-in presets are read-only; duplicate one to edit it"
          >
            Built-in · read-only
          </span>
          <code className="editor-id">{ladder.id}</code>
        </div>
        {ladder.description ? <p className="editor-description">{ladder.description}</p> : null}
        {entry.source ? (
          <p className="source-note" data-testid="preset-source">
            <span className="source-label">Source</span> {entry.source}
          </p>
        ) : null}
        <p className="muted small">{ladderSummary(ladder)}</p>
      </div>
      <div className="editor-actions">
        <button
          type="button"
          className="button button-primary"
          onClick={onDuplicate}
          data-testid="duplicate-ladder"
        >
          Duplicate as new ladder
        </button>
        <button
          type="button"
          className="button"
          onClick={() => downloadText(ladderFileName(ladder), ladderJson(ladder))}
          data-testid="export-ladder"
        >
          Export JSON
        </button>
      </div>
    </div>
  );
}

/**
 * The ladder shown: a preset read-only (with its source), or a draft with its name, id and
 * description, the editable rung grid, the problems, and Save / Export / Delete.
 */
export function LadderEditor({
  entry,
  draft,
  issues,
  choices,
  replaces,
  onDuplicate,
  onRequestDelete,
}: LadderEditorProps): ReactNode {
  const client = useClient();
  const [saving, setSaving] = useState(false);
  const [saveError, setSaveError] = useState<Failure | null>(null);
  const [justSaved, setJustSaved] = useState(false);

  if (!draft) {
    if (!entry) return null;
    return (
      <section className="panel editor-panel" aria-label="Ladder" data-testid="ladder-editor">
        <PresetHeader entry={entry} onDuplicate={onDuplicate} />
        <RungTable ladder={entry.ladder} />
      </section>
    );
  }

  const { ladder } = draft;
  const at = (field: string): string[] => messagesAt(issues, null, field);
  const isNew = draft.savedId === null;

  async function save(): Promise<void> {
    if (!draft) return;
    setSaving(true);
    setSaveError(null);
    const failure = await saveLadder(client, draft.ladder);
    setSaving(false);
    if (failure) {
      setSaveError(failure);
    } else {
      draftSaved(draft.ladder);
      setJustSaved(true);
    }
  }

  return (
    <section className="panel editor-panel" aria-label="Ladder editor" data-testid="ladder-editor">
      <div className="editor-head">
        <div className="editor-fields">
          <div className="field field-grow">
            <label className="field-label" htmlFor="ladder-name">
              Name
            </label>
            <input
              id="ladder-name"
              type="text"
              className="input"
              value={ladder.name}
              aria-invalid={at('name').length > 0 || undefined}
              onChange={(e) => {
                setJustSaved(false);
                editDraft((d) => editLadderFields(d, { name: e.target.value }));
              }}
              data-testid="ladder-name"
            />
            {at('name').length ? <span className="cell-error">{at('name').join('; ')}</span> : null}
          </div>
          <div className="field editor-id-field">
            <label className="field-label" htmlFor="ladder-id">
              ID
            </label>
            <input
              id="ladder-id"
              type="text"
              className="input mono"
              value={ladder.id}
              spellCheck={false}
              autoComplete="off"
              aria-invalid={at('id').length > 0 || undefined}
              title="Saved under this id; lower-case letters, digits and -"
              onChange={(e) => {
                setJustSaved(false);
                editDraft((d) => editLadderFields(d, { id: e.target.value }));
              }}
              data-testid="ladder-id"
            />
            {at('id').length ? <span className="cell-error">{at('id').join('; ')}</span> : null}
          </div>
        </div>
        <div className="editor-actions">
          <span className="save-state" role="status">
            {isNew ? (
              <span className="pill pill-warn">Not saved yet</span>
            ) : draft.dirty ? (
              <span className="pill pill-warn">Unsaved changes</span>
            ) : justSaved ? (
              <span className="muted">Saved</span>
            ) : null}
          </span>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void save()}
            disabled={saving || issues.length > 0 || (!isNew && !draft.dirty)}
            title={issues.length ? 'Fix the problems listed below first' : undefined}
            data-testid="save-ladder"
          >
            {saving ? 'Saving…' : 'Save'}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => downloadText(ladderFileName(ladder), ladderJson(ladder))}
            data-testid="export-ladder"
          >
            Export JSON
          </button>
          {isNew ? null : (
            <button
              type="button"
              className="button button-danger-quiet"
              onClick={onRequestDelete}
              data-testid="delete-ladder"
            >
              Delete
            </button>
          )}
        </div>
      </div>
      <div className="field">
        <label className="field-label" htmlFor="ladder-description">
          Description <span className="muted">(optional)</span>
        </label>
        <input
          id="ladder-description"
          type="text"
          className="input"
          value={ladder.description ?? ''}
          onChange={(e) => editDraft((d) => editLadderFields(d, { description: e.target.value }))}
        />
      </div>
      {replaces ? (
        <p className="field-note text-warn" role="note">
          Saving replaces the saved ladder “{replaces.ladder.name}”, which has this id.
        </p>
      ) : null}
      {entry && !isNew && entry.ladder.id !== ladder.id && !replaces ? (
        <p className="field-note" role="note">
          Saving with a new id keeps “{entry.ladder.id}” as it is and adds “{ladder.id}”.
        </p>
      ) : null}
      {saveError ? (
        <ErrorPanel
          title={`Could not save: ${errorTitle(saveError.code)}`}
          message={saveError.message}
          hint={saveError.hint}
          onDismiss={() => setSaveError(null)}
          testId="save-error"
        />
      ) : null}

      <div className="rungs-head">
        <h3>
          Rungs <span className="muted">{ladderSummary(ladder)}</span>
        </h3>
        <span className="muted small">
          <kbd>Alt</kbd>+<kbd>↑</kbd>/<kbd>↓</kbd> moves the rung you are in
        </span>
      </div>
      <RungTable
        ladder={ladder}
        edit={{
          keys: draft.keys,
          issues,
          choices,
          onChange: (i, rung) => editDraft((d) => replaceRung(d, i, rung)),
          onMove: (i, delta) => editDraft((d) => moveRung(d, i, delta)),
          onDuplicate: (i) => editDraft((d) => duplicateRungAt(d, i)),
          onRemove: (i) => editDraft((d) => removeRungAt(d, i)),
        }}
      />
      <div className="inline-actions">
        <button
          type="button"
          className="button"
          onClick={() => editDraft(addRung)}
          data-testid="add-rung"
        >
          + Add rung
        </button>
      </div>

      {issues.length ? (
        <div className="problem-summary" role="alert" data-testid="ladder-problems">
          <strong>
            {issues.length === 1 ? '1 problem' : `${issues.length} problems`} to fix before this
            ladder can be saved or encoded
          </strong>
          <ul>
            {issues.map((issue, i) => (
              <li key={`${issue.rung}-${issue.field}-${i}`}>
                <span className="problem-place">{issuePlace(issue, ladder)}</span> {issue.message}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
