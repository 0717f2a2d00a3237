/**
 * A damaged library.db met while the app runs (an API call answered DATABASE_CORRUPT): the app
 * makes the same offer as at start-up, once per run. "Move aside and restart" closes the core
 * first (moveDatabaseAside refuses while any connection, this process's too, has the file open),
 * moves the database aside (nothing is deleted) and restarts the app. Free of Electron so it is
 * unit-tested; index.ts supplies the dialog, the core and the restart.
 */
import type { VqError } from '../../shared/errors';
import { damagedAtRuntimeDialog, type StartupFailureDialog } from './startupFailure';

/** What the offer needs from the app. */
export interface DamagedDatabaseHost {
  /** Shows the dialog; resolves to the index of the chosen button. */
  ask(dialog: StartupFailureDialog): Promise<number>;
  /** Closes the core (and with it the database). */
  closeCore(): void;
  /** Moves library.db aside; returns its new path. */
  moveAside(): string;
  /** Starts the app again (over the now empty library) and ends this run. */
  restart(): void;
  /** Says that moving aside failed, and why. */
  failed(err: unknown): void;
}

/**
 * The handler for createCore's `onDatabaseError`. It acts on the first DATABASE_CORRUPT only and
 * returns the offer's promise then (null for every other call); other codes are answered by the
 * failed call's own error.
 */
export function offerToMoveDamagedDatabase(
  host: DamagedDatabaseHost,
): (err: VqError) => Promise<void> | null {
  let offered = false;
  return (err) => {
    if (err.code !== 'DATABASE_CORRUPT' || offered) return null;
    offered = true;
    return (async () => {
      if ((await host.ask(damagedAtRuntimeDialog(err))) !== 0) return;
      host.closeCore();
      const moved = host.moveAside();
      console.warn(`Moved the damaged library database aside to ${moved}`);
      host.restart();
    })().catch((failure: unknown) => host.failed(failure));
  };
}
