/** The views of the left navigation, in order; Alt+1…Alt+9, then Alt+0, follow this order. */

/** Id of one view. */
export type ViewId =
  | 'library'
  | 'ladders'
  | 'queue'
  | 'compare'
  | 'analysis'
  | 'toolchain'
  | 'settings'
  | 'activity'
  | 'workers'
  | 'play';

/** One navigation entry. */
export interface ViewEntry {
  id: ViewId;
  name: string;
  /** The digit of its Alt shortcut. */
  key: string;
}

/** Every view, in navigation order. */
export const VIEWS: readonly ViewEntry[] = [
  { id: 'library', name: 'Library', key: '1' },
  { id: 'ladders', name: 'Ladders', key: '2' },
  { id: 'queue', name: 'Queue', key: '3' },
  { id: 'compare', name: 'Compare', key: '4' },
  { id: 'analysis', name: 'Analysis', key: '5' },
  { id: 'toolchain', name: 'Toolchain', key: '6' },
  { id: 'settings', name: 'Settings', key: '7' },
  { id: 'activity', name: 'Activity', key: '8' },
  { id: 'workers', name: 'Workers', key: '9' },
  { id: 'play', name: 'Play', key: '0' },
];

/** The entry of a view id. */
export function viewEntry(id: ViewId): ViewEntry {
  return VIEWS.find((v) => v.id === id) ?? VIEWS[0]!;
}

/** The window title for a view: "VQ Studio — Library". */
export function windowTitle(id: ViewId): string {
  return `VQ Studio — ${viewEntry(id).name}`;
}
