/** App-wide state: facts about the app, the current view, dialogs, toasts and the connection. */
import { create } from 'zustand';
import type { AppInfo } from '../../../shared/api';
import type { ConnectionState } from '../api/rendererClient';
import type { ViewId } from '../model/viewList';

/** A short message in the toast area. */
export interface Toast {
  id: number;
  kind: 'info' | 'error';
  title: string;
  message?: string;
  hint?: string;
}

/** What the app store holds. */
export interface AppState {
  appInfo: AppInfo | null;
  appInfoError: string | null;
  view: ViewId;
  toasts: Toast[];
  connection: ConnectionState;
  shortcutsOpen: boolean;
  /** Bumped to ask the import path field to take focus. */
  importFocusRequest: number;
}

/** The zustand store of app-wide state. */
export const useAppStore = create<AppState>()(() => ({
  appInfo: null,
  appInfoError: null,
  view: 'library',
  toasts: [],
  connection: { status: 'connecting', attempt: 0, retryAt: null, everConnected: false },
  shortcutsOpen: false,
  importFocusRequest: 0,
}));

let nextToastId = 1;
const MAX_TOASTS = 5;

/** Shows a toast; returns its id. */
export function pushToast(toast: Omit<Toast, 'id'>): number {
  const id = nextToastId++;
  useAppStore.setState((s) => ({ toasts: [...s.toasts, { ...toast, id }].slice(-MAX_TOASTS) }));
  return id;
}

/** Closes a toast. */
export function dismissToast(id: number): void {
  useAppStore.setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }));
}

/** Switches the view. */
export function showView(view: ViewId): void {
  useAppStore.setState({ view });
}

/** Goes to the Library and focuses the import path field. */
export function focusImportPath(): void {
  useAppStore.setState((s) => ({ view: 'library', importFocusRequest: s.importFocusRequest + 1 }));
}

/** Opens or closes the keyboard shortcut sheet. */
export function setShortcutsOpen(open: boolean): void {
  useAppStore.setState({ shortcutsOpen: open });
}
