import { Fragment, type ReactNode } from 'react';
import { Dialog } from '../ui/Dialog';
import { ANALYSIS_SHORTCUTS } from '../views/analysis/analysisShortcuts';
import { SHORTCUT_SHEET } from '../model/shortcutKeys';

function Chord({ keys }: { keys: string[] }): ReactNode {
  return (
    <span className="chord">
      {keys.map((k, i) => (
        <Fragment key={k}>
          {i > 0 ? <span className="plus">+</span> : null}
          <kbd>{k}</kbd>
        </Fragment>
      ))}
    </span>
  );
}

/** The `?` sheet listing every keyboard shortcut. */
export function ShortcutSheet({ onClose }: { onClose: () => void }): ReactNode {
  return (
    <Dialog title="Keyboard shortcuts" onClose={onClose} className="dialog-narrow">
      <table className="shortcut-table" data-testid="shortcut-sheet">
        <tbody>
          {[...SHORTCUT_SHEET, ...ANALYSIS_SHORTCUTS].map((row) => (
            <tr key={row.what + row.keys.join()}>
              <td className="shortcut-keys">
                {row.keys.map((chord, i) => (
                  <Fragment key={chord.join('+')}>
                    {i > 0 ? <span className="or">or</span> : null}
                    <Chord keys={chord} />
                  </Fragment>
                ))}
              </td>
              <td>{row.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">
        On macOS, Cmd works where Ctrl is listed. Single keys work when no text field has focus.
      </p>
    </Dialog>
  );
}
