/**
 * SQLite errors a method meets after start-up (a page damaged later, a disk filled meanwhile,
 * another process holding the lock) become errors that name library.db and say what to do. Mapped
 * once, here, around the whole API: the dispatcher (IPC, WebSocket) and the CLI, which calls the
 * methods directly, all get the same error.
 */
import type { VqApi } from '../../../shared/api';
import type { VqError } from '../../../shared/errors';
import { dataFolderError, isSqliteError } from '../store/db';

/**
 * The API with every method's SQLite errors mapped by {@link dataFolderError} for `dbFile`.
 * `onError` hears each mapped error (the app offers to move a damaged database aside).
 */
export function withDatabaseErrors(
  api: VqApi,
  dbFile: string,
  onError?: (err: VqError) => void,
): VqApi {
  const guarded: Record<string, (args: unknown) => Promise<unknown>> = {};
  for (const [method, call] of Object.entries(api) as [
    string,
    (args: unknown) => Promise<unknown>,
  ][]) {
    guarded[method] = async (args) => {
      try {
        return await call(args);
      } catch (err) {
        throw describeDatabaseError(err, dbFile, onError);
      }
    };
  }
  return guarded as unknown as VqApi;
}

/**
 * The error to throw for `err`: a SQLite error mapped by {@link dataFolderError} (and told to
 * `onError`), anything else as it is. For the few entry points outside the API (the HTTP upload).
 */
export function describeDatabaseError(
  err: unknown,
  dbFile: string,
  onError?: (err: VqError) => void,
): unknown {
  const mapped = isSqliteError(err) ? dataFolderError(err, dbFile) : null;
  if (!mapped) return err;
  onError?.(mapped);
  return mapped;
}
