/** The library: items (via the reducer), the selection, and the state of the import bar. */
import { create } from 'zustand';
import type { VqEvent } from '../../../shared/api';
import type { LibraryItem } from '../../../shared/library';
import {
  applyLibraryEvent,
  applyLibrarySnapshot,
  awaitLibrarySnapshot,
  initialLibraryData,
  type LibraryData,
} from './libraryReducer';

/** One path that could not be imported, with what to do about it. */
export interface ImportFailure {
  path: string;
  code: string;
  message: string;
  hint?: string;
}

/** What the library store holds. */
export interface LibraryState {
  data: LibraryData;
  /** True until the first snapshot has arrived. */
  loading: boolean;
  /** Set when the snapshot could not be fetched. */
  loadError: string | null;
  selectedId: string | null;
  /** True while an import request is running. */
  importing: boolean;
  /** Paths of running import requests: their failures show in the import panel, not as toasts. */
  importingPaths: string[];
  /** True while the native open dialog import runs (its failures are shown by the panel). */
  dialogImporting: boolean;
  /** Failures of the last import request(s) started from this window. */
  importFailures: ImportFailure[];
  /** A one-line summary of the last import. */
  importNotice: string | null;
  /** Ids of the items whose file was gone from disk at the last check. */
  missing: ReadonlySet<string>;
}

/** The zustand store of the library. */
export const useLibraryStore = create<LibraryState>()(() => ({
  data: initialLibraryData,
  loading: true,
  loadError: null,
  selectedId: null,
  importing: false,
  importingPaths: [],
  dialogImporting: false,
  importFailures: [],
  importNotice: null,
  missing: new Set(),
}));

/** Feeds one event to the reducer (library events only change items; the rest only advance seq). */
export function libraryEventArrived(event: VqEvent): void {
  useLibraryStore.setState((s) => {
    const data = applyLibraryEvent(s.data, event);
    const selectedGone = event.type === 'library.removed' && s.selectedId === event.id;
    return { data, selectedId: selectedGone ? null : s.selectedId };
  });
}

/** Applies a fetched snapshot. */
export function librarySnapshotArrived(snapshot: { items: LibraryItem[]; seq: number }): void {
  useLibraryStore.setState((s) => {
    const data = applyLibrarySnapshot(s.data, snapshot);
    const selectedId =
      s.selectedId && data.items.some((i) => i.id === s.selectedId) ? s.selectedId : null;
    return { data, loading: false, loadError: null, selectedId };
  });
}

/** Marks the items as stale until the next snapshot. */
export function libraryResyncStarted(): void {
  useLibraryStore.setState((s) => ({ data: awaitLibrarySnapshot(s.data) }));
}

/** Records that the snapshot could not be fetched. */
export function libraryLoadFailed(message: string): void {
  useLibraryStore.setState({ loading: false, loadError: message });
}

/** Selects an item (or nothing). */
export function selectItem(id: string | null): void {
  useLibraryStore.setState({ selectedId: id });
}

/** Removes one failure from the import panel. */
export function dismissImportFailure(path: string): void {
  useLibraryStore.setState((s) => ({
    importFailures: s.importFailures.filter((f) => f.path !== path),
  }));
}

/** True when a failed import of `path` belongs to a request this window is running. */
export function isOwnImport(path: string): boolean {
  const s = useLibraryStore.getState();
  return s.dialogImporting || s.importingPaths.includes(path);
}
