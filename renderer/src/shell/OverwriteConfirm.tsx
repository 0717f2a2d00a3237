import { useId, type ReactNode } from 'react';
import { useClient } from '../hooks/useClient';
import { answerOverwrite, replaceLabel, useEncodeOverwrite } from '../stores/encodeOverwrite';
import { Dialog } from '../ui/Dialog';

/** Most file names listed; the rest are counted. */
const LISTED = 8;

/**
 * The question Encode asks when renditions of the plan already exist in the output folder: a new
 * folder for this batch (the default button) or replacing them, whose scores then show as stale.
 * One for the app: every view's Encode asks through stores/encodeOverwrite.ts.
 */
export function OverwriteConfirm(): ReactNode {
  const client = useClient();
  const question = useEncodeOverwrite((s) => s.question);
  const bodyId = useId();
  if (!question) return null;
  const { existing, newOutDir } = question;
  const scored = existing.filter((e) => e.scores > 0).length;
  const n = existing.length;
  return (
    <Dialog
      title={`${n} rendition${n === 1 ? '' : 's'} already in this folder`}
      onClose={() => void answerOverwrite(client, 'cancel')}
      role="alertdialog"
      describedBy={bodyId}
      className="overwrite-dialog"
      footer={
        <>
          <button
            type="button"
            className="button"
            onClick={() => void answerOverwrite(client, 'cancel')}
          >
            Cancel
          </button>
          <button
            type="button"
            className="button button-danger"
            onClick={() => void answerOverwrite(client, 'replace')}
            data-testid="overwrite-replace"
          >
            {replaceLabel(existing)}
          </button>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void answerOverwrite(client, 'new-folder')}
            data-autofocus
            data-testid="overwrite-new-folder"
          >
            Encode into a new folder
          </button>
        </>
      }
    >
      <div id={bodyId} data-testid="overwrite-confirm">
        <p>
          Encoding would replace {n === 1 ? 'this file' : 'these files'}
          {scored
            ? `; the scores of ${scored} of them would no longer describe the file and show as stale`
            : ''}
          :
        </p>
        <ul className="overwrite-files mono small">
          {existing.slice(0, LISTED).map((e) => (
            <li key={e.path} title={e.path}>
              {e.fileName}
              {e.scores ? (
                <span className="muted">
                  {' '}
                  — scored {e.scores === 1 ? 'once' : `${e.scores} times`}
                </span>
              ) : e.renditionId === null ? (
                <span className="muted"> — not in the library</span>
              ) : null}
            </li>
          ))}
          {n > LISTED ? <li className="muted">and {n - LISTED} more</li> : null}
        </ul>
        <p className="muted small">
          A new folder keeps them: this batch goes to{' '}
          <span className="mono" data-testid="overwrite-new-dir">
            {newOutDir}
          </span>
          .
        </p>
      </div>
    </Dialog>
  );
}
