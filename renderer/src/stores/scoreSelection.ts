/**
 * Which stored scores the Scores panel charts and exports (checked rows) and which one it explains
 * (the focused row: worst frames and details). Pure, so the defaults are pinned by tests.
 */
import type { ScoreResultSummary } from '../../../shared/scoreResults';

/** Checked rows and the focused row. */
export interface ScoreSelection {
  selected: string[];
  focused: string | null;
}

/** Most results checked by default: more lines than this stop being readable in one chart. */
export const DEFAULT_CHECKED = 6;

/**
 * The selection when a reference's scores first show: the results of the newest run (one scoring
 * process) checked, the newest result focused.
 */
export function initialSelection(results: readonly ScoreResultSummary[]): ScoreSelection {
  const newest = results[0];
  if (!newest) return { selected: [], focused: null };
  const selected = results
    .filter((r) => r.runId === newest.runId)
    .slice(0, DEFAULT_CHECKED)
    .map((r) => r.id);
  return { selected, focused: newest.id };
}

/** The selection without results that are gone; the focus moves to the first checked one. */
export function pruneSelection(
  selection: ScoreSelection,
  results: readonly ScoreResultSummary[],
): ScoreSelection {
  const present = new Set(results.map((r) => r.id));
  const selected = selection.selected.filter((id) => present.has(id));
  const focused =
    selection.focused !== null && present.has(selection.focused)
      ? selection.focused
      : (selected[0] ?? results[0]?.id ?? null);
  if (selected.length === selection.selected.length && focused === selection.focused) {
    return selection;
  }
  return { selected, focused };
}

/** A result that just arrived is checked (someone just asked for it), and focused if none is. */
export function selectArrived(selection: ScoreSelection, id: string): ScoreSelection {
  if (selection.selected.includes(id)) return selection;
  return { selected: [...selection.selected, id], focused: selection.focused ?? id };
}

/** Checks or unchecks one result. */
export function toggleChecked(selection: ScoreSelection, id: string): ScoreSelection {
  const selected = selection.selected.includes(id)
    ? selection.selected.filter((x) => x !== id)
    : [...selection.selected, id];
  return { ...selection, selected };
}
