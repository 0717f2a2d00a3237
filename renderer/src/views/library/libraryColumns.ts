/** The sortable columns of the library table and the pure sort behind them. */
import type { LibraryItem } from '../../../../shared/library';

/** Id of a sortable column. */
export type SortKey = 'name' | 'codec' | 'resolution' | 'fps' | 'bitDepth' | 'duration' | 'bitrate';

/** A column sort: key and direction. */
export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

/** One column of the table. */
export interface LibraryColumn {
  key: SortKey;
  label: string;
  numeric: boolean;
  value: (item: LibraryItem) => string | number | null;
}

/**
 * Columns in display order (the thumbnail column is not sortable and not listed). HDR/VFR badges
 * sit in the File cell, so the table fits beside the detail panel.
 */
export const LIBRARY_COLUMNS: readonly LibraryColumn[] = [
  { key: 'name', label: 'File', numeric: false, value: (i) => i.fileName.toLowerCase() },
  { key: 'codec', label: 'Codec', numeric: false, value: (i) => i.media.video.codec },
  {
    key: 'resolution',
    label: 'Resolution',
    numeric: true,
    value: (i) => i.media.video.width * i.media.video.height,
  },
  { key: 'fps', label: 'FPS', numeric: true, value: (i) => i.media.video.frameRate },
  { key: 'bitDepth', label: 'Bit depth', numeric: true, value: (i) => i.media.video.bitDepth },
  { key: 'duration', label: 'Duration', numeric: true, value: (i) => i.media.durationSeconds },
  { key: 'bitrate', label: 'Bitrate', numeric: true, value: (i) => i.media.bitrateKbps },
];

function compareValues(a: string | number | null, b: string | number | null): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), 'en', { numeric: true });
}

function newestFirst(items: readonly LibraryItem[]): LibraryItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((x, y) => y.item.addedAt.localeCompare(x.item.addedAt) || x.index - y.index)
    .map((e) => e.item);
}

/**
 * Items in the order of `sort` (newest import first when null). Unknown values go last in either
 * direction; ties keep the newest-first order, so the table does not jump around.
 */
export function sortItems(items: readonly LibraryItem[], sort: SortSpec | null): LibraryItem[] {
  const base = newestFirst(items);
  if (!sort) return base;
  const column = LIBRARY_COLUMNS.find((c) => c.key === sort.key);
  if (!column) return base;
  const sign = sort.dir === 'asc' ? 1 : -1;
  return base
    .map((item, index) => ({ item, index, value: column.value(item) }))
    .sort((x, y) => {
      const xMissing = x.value === null;
      const yMissing = y.value === null;
      if (xMissing || yMissing)
        return xMissing === yMissing ? x.index - y.index : xMissing ? 1 : -1;
      return sign * compareValues(x.value, y.value) || x.index - y.index;
    })
    .map((e) => e.item);
}

/**
 * The next sort after clicking a column header: ascending, then descending, then the table's own
 * order (newest first). Any table's column keys will do.
 */
export function nextSort<K extends string>(
  current: { key: K; dir: 'asc' | 'desc' } | null,
  key: K,
): { key: K; dir: 'asc' | 'desc' } | null {
  if (!current || current.key !== key) return { key, dir: 'asc' };
  if (current.dir === 'asc') return { key, dir: 'desc' };
  return null;
}
