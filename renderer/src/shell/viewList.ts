/** The views of the left navigation, in order; Alt+1…Alt+7 follow this order. */

/** Id of one view. */
export type ViewId =
  'library' | 'ladders' | 'queue' | 'compare' | 'analysis' | 'toolchain' | 'settings';

/** One navigation entry. */
export interface ViewEntry {
  id: ViewId;
  name: string;
  /** The digit of its Alt shortcut. */
  key: string;
  /** False for views that arrive in a later release. */
  ready: boolean;
}

/** Every view, in navigation order. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'library', name: 'Library', key: '1', ready: true },
  { id: 'ladders', name: 'Ladders', key: '2', ready: true },
  { id: 'queue', name: 'Queue', key: '3', ready: true },
  { id: 'compare', name: 'Compare', key: '4', ready: true },
  { id: 'analysis', name: 'Analysis', key: '5', ready: false },
  { id: 'toolchain', name: 'Toolchain', key: '6', ready: true },
  { id: 'settings', name: 'Settings', key: '7', ready: true },
];

/** The entry of a view id. */
export function viewEntry(id: ViewId): ViewEntry {
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0]!;
}

/** The window title for a view: "VQ Studio — Library". */
export function windowTitle(id: ViewId): string {
  return `VQ Studio — ${viewEntry(id).name}`;
}
