/** Types of electronSqlite.mjs (an Electron build of better-sqlite3 for the desktop app). */

/** The path of an Electron build of better_sqlite3.node under `root`, building it once if needed. */
export function prepareElectronSqlite(root: string): string | null;
