/**
 * Global keyboard shortcuts as data plus a pure matcher, so the sheet that lists them and the
 * handler that runs them cannot drift apart.
 */
import { VIEWS, type ViewId } from './viewList';

/** What a key press asks for. */
export type ShortcutAction =
  { kind: 'view'; view: ViewId } | { kind: 'focusImport' } | { kind: 'showShortcuts' };

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyPress {
  key: string;
  code: string;
  altKey: boolean;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  /** True when focus is in a text field (plain keys like `/` then type text). */
  inTextField: boolean;
}

/** The action for a key press, or null when it is not a global shortcut. */
export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.altKey && !press.ctrlKey && !press.metaKey) {
    // e.code, not e.key: on macOS Alt+digit types a symbol, and layouts differ.
    const digit =
      /^Digit([0-9])$/.exec(press.code)?.[1] ?? (/^[0-9]$/.test(press.key) ? press.key : null);
    const view = VIEWS.find((v) => v.key === digit);
    return view ? { kind: 'view', view: view.id } : null;
  }
  if ((press.ctrlKey || press.metaKey) && !press.altKey && press.key.toLowerCase() === 'l') {
    return { kind: 'focusImport' };
  }
  if (press.inTextField || press.altKey || press.ctrlKey || press.metaKey) return null;
  if (press.key === '/') return { kind: 'focusImport' };
  if (press.key === '?') return { kind: 'showShortcuts' };
  return null;
}

/** Rows of the shortcut sheet: alternatives, each a chord of keys pressed together. */
export const SHORTCUT_SHEET: readonly { keys: string[][]; what: string }[] = [
  ...VIEWS.map((v) => ({ keys: [['Alt', v.key]], what: `Go to ${v.name}` })),
  { keys: [['/'], ['Ctrl', 'L']], what: 'Focus the import path field' },
  { keys: [['Enter']], what: 'Import the typed path (in the path field)' },
  { keys: [['↑'], ['↓']], what: 'Move the selection in the library table' },
  { keys: [['Home'], ['End']], what: 'First / last source in the library table' },
  {
    keys: [['Delete']],
    what: 'Remove the selected source from the library (asks first; the file stays on disk)',
  },
  {
    keys: [
      ['Alt', '↑'],
      ['Alt', '↓'],
    ],
    what: 'Move the rung you are in up / down (ladder editor)',
  },
  {
    keys: [['↑'], ['↓']],
    what: 'Move through the scores of the selected source (Library, Scores table)',
  },
  {
    keys: [['Space']],
    what: 'Check the focused score for the chart and the export (Scores table)',
  },
  { keys: [['Enter']], what: 'Show or hide the details of the focused job (Queue)' },
  {
    keys: [['Delete'], ['Backspace']],
    what: 'Cancel the focused queued or running job (Queue; asks first)',
  },
  {
    keys: [
      ['Alt', '↑'],
      ['Alt', '↓'],
      ['Alt', 'Home'],
    ],
    what: 'Move the focused queued job earlier / later / to the front of the queue (Queue)',
  },
  { keys: [['Space']], what: 'Play / pause in sync; pausing shows exact frames (Compare)' },
  { keys: [['←'], ['→']], what: 'Previous / next frame (Compare)' },
  {
    keys: [
      ['Shift', '←'],
      ['Shift', '→'],
    ],
    what: 'Ten frames back / forward (Compare)',
  },
  { keys: [['Home'], ['End']], what: 'First / last frame (Compare)' },
  { keys: [['['], [']']], what: 'Start of the shot before / after (Compare)' },
  { keys: [['S']], what: 'Side by side (Compare)' },
  { keys: [['W']], what: 'Split wipe; drag the divider (Compare)' },
  { keys: [['F']], what: 'Flicker; F again switches A / B (Compare)' },
  { keys: [['D']], what: 'Difference |A−B| (Compare)' },
  { keys: [['H']], what: 'Error heatmap of |ΔY| between A and B (Compare)' },
  {
    keys: [['1'], ['2'], ['3'], ['4']],
    what: 'Select a pane: B against the source, and the pixel readout (Compare)',
  },
  { keys: [['+'], ['−']], what: 'Zoom in / out: fit, 100, 200, 400, 800 % (Compare)' },
  { keys: [['Ctrl', 'Wheel']], what: 'Zoom at the cursor; drag to pan (Compare)' },
  { keys: [['0']], what: 'Zoom to fit (Compare)' },
  { keys: [['?']], what: 'Show this sheet' },
  { keys: [['Esc']], what: 'Close a dialog' },
];
