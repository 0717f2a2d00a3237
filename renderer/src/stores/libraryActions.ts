/**
 * Library requests: import by path, import with the native dialog, remove, and the check for
 * sources whose file is gone from disk.
 */
import type { VqClient } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import type { ImportOutcome } from '../../../shared/library';
import type { RawVideoSpec } from '../../../shared/media';
import { pushToast } from './appStore';
import { importSummary } from './importSummary';
import { useLibraryStore, type ImportFailure } from './libraryStore';

function failureOf(path: string, err: unknown): ImportFailure {
  if (err instanceof VqError) return { path, code: err.code, message: err.message, hint: err.hint };
  return { path, code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) };
}

function finishImport(outcome: ImportOutcome): void {
  const first = outcome.imported[0] ?? outcome.existing[0];
  useLibraryStore.setState((s) => ({
    importFailures: outcome.failed,
    importNotice: importSummary(outcome),
    selectedId: first ? first.id : s.selectedId,
  }));
}

/** Imports files by path; failures land in the import panel. Resolves true when all landed. */
export async function importPaths(
  client: VqClient,
  paths: string[],
  raw?: RawVideoSpec,
): Promise<boolean> {
  useLibraryStore.setState((s) => ({
    importing: true,
    importingPaths: [...s.importingPaths, ...paths],
    importNotice: null,
  }));
  try {
    const outcome = await client.call('library.import', raw ? { paths, raw } : { paths });
    finishImport(outcome);
    return outcome.failed.length === 0;
  } catch (err) {
    useLibraryStore.setState({
      importFailures: paths.map((p) => failureOf(p, err)),
      importNotice: null,
    });
    return false;
  } finally {
    useLibraryStore.setState((s) => {
      const left = s.importingPaths.slice();
      for (const p of paths) {
        const at = left.indexOf(p);
        if (at !== -1) left.splice(at, 1);
      }
      return { importingPaths: left, importing: left.length > 0 || s.dialogImporting };
    });
  }
}

/** Shows the native open dialog (desktop) and imports what the person picks. */
export async function importWithDialog(client: VqClient): Promise<void> {
  useLibraryStore.setState({ dialogImporting: true, importing: true, importNotice: null });
  try {
    const outcome = await client.call('library.importWithDialog', {});
    if (!outcome.canceled) finishImport(outcome);
  } catch (err) {
    const e = failureOf('', err);
    pushToast({ kind: 'error', title: 'Could not open files', message: e.message, hint: e.hint });
  } finally {
    useLibraryStore.setState((s) => ({
      dialogImporting: false,
      importing: s.importingPaths.length > 0,
    }));
  }
}

/** Removes an item from the library (the file on disk stays); failures become a toast. Resolves true on success. */
export async function removeItem(client: VqClient, id: string, fileName: string): Promise<boolean> {
  try {
    await client.call('library.remove', { id });
    pushToast({
      kind: 'info',
      title: 'Removed from library',
      message: `${fileName} — the file on disk was not touched.`,
    });
    return true;
  } catch (err) {
    const e = failureOf('', err);
    pushToast({
      kind: 'error',
      title: `Could not remove ${fileName}`,
      message: e.message,
      hint: e.hint,
    });
    return false;
  }
}

/**
 * Asks which sources' files are gone from disk (deleted or moved since the import) and marks them;
 * a failed check leaves the marks as they were (it is tried again on the next look).
 */
export async function checkSources(client: VqClient): Promise<void> {
  if (useLibraryStore.getState().data.items.length === 0) {
    if (useLibraryStore.getState().missing.size) useLibraryStore.setState({ missing: new Set() });
    return;
  }
  try {
    const { missing } = await client.call('library.check', {});
    const before = useLibraryStore.getState().missing;
    if (missing.length === before.size && missing.every((id) => before.has(id))) return;
    useLibraryStore.setState({ missing: new Set(missing) });
  } catch {
    // Not worth a toast: the marks are a hint, and the actions that need the file say so too.
  }
}

/**
 * Keeps the marks of {@link checkSources} current for every view (Library, Ladders, Analysis…,
 * whichever the window opened on): checks once the library is loaded, whenever its list of items
 * changes, and when the window comes back (a file may have been deleted or moved meanwhile).
 * Returns the teardown.
 */
export function watchSources(client: VqClient): () => void {
  let checkedIds: string | null = null;
  const offStore = useLibraryStore.subscribe((s, before) => {
    if (s.loading || (s.data.items === before.data.items && checkedIds !== null)) return;
    const ids = s.data.items.map((i) => i.id).join();
    if (ids === checkedIds) return;
    checkedIds = ids;
    void checkSources(client);
  });
  const onFocus = (): void => {
    if (!useLibraryStore.getState().loading) void checkSources(client);
  };
  window.addEventListener('focus', onFocus);
  return () => {
    offStore();
    window.removeEventListener('focus', onFocus);
  };
}
