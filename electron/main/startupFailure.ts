/**
 * What the start-up failure dialog says, a pure function of the error so it is unit-tested: a
 * damaged database offers "Move aside and start fresh" (core's moveDatabaseAside, which deletes
 * nothing) or "Quit"; every other error shows its message and hint.
 */
import { toApiError } from '../../shared/errors';

/** The dialog for one start-up error. */
export interface StartupFailureDialog {
  title: string;
  message: string;
  detail: string;
  /** Buttons, first is the action; the last one always quits. */
  buttons: string[];
  /** True when the first button moves the database aside. */
  offerMoveAside: boolean;
}

/** The button that moves a damaged library.db aside. */
export const MOVE_ASIDE_BUTTON = 'Move aside and start fresh';

/** The button that moves a damaged library.db aside while the app runs; the app then restarts. */
export const MOVE_ASIDE_RESTART_BUTTON = 'Move aside and restart';

/**
 * The dialog for a damaged database found while the app runs (DATABASE_CORRUPT from an API call):
 * the same offer as at start-up, then a restart; or go on for now (what still reads keeps working).
 */
export function damagedAtRuntimeDialog(err: unknown): StartupFailureDialog {
  const e = toApiError(err);
  return {
    title: 'VQ Studio found a damaged library',
    message: 'The library database is damaged.',
    detail:
      `${e.message}\n\nVQ Studio can move it aside (it is renamed to library.db.corrupt-<time>; ` +
      'nothing is deleted) and restart with an empty library. Your video files and renditions are not touched.',
    buttons: [MOVE_ASIDE_RESTART_BUTTON, 'Not now'],
    offerMoveAside: true,
  };
}

/** The dialog to show when the app could not start because of `err`. */
export function startupFailureDialog(err: unknown): StartupFailureDialog {
  const e = toApiError(err);
  if (e.code === 'DATABASE_CORRUPT') {
    return {
      title: 'VQ Studio could not start',
      message: 'The library database is damaged.',
      detail:
        `${e.message}\n\nVQ Studio can move it aside (it is renamed to library.db.corrupt-<time>; ` +
        'nothing is deleted) and start with an empty library. Your video files and renditions are not touched.',
      buttons: [MOVE_ASIDE_BUTTON, 'Quit'],
      offerMoveAside: true,
    };
  }
  return {
    title: 'VQ Studio could not start',
    message: e.code === 'INTERNAL' ? 'VQ Studio could not start.' : e.message,
    detail: e.code === 'INTERNAL' ? e.message : (e.hint ?? ''),
    buttons: ['Quit'],
    offerMoveAside: false,
  };
}
