import { useEffect, useRef, type KeyboardEvent, type ReactNode } from 'react';
import type { LibraryItem } from '../../../../shared/library';
import { selectItem, useLibraryStore } from '../../stores/libraryStore';
import { LIBRARY_COLUMNS, nextSort, type SortSpec } from './libraryColumns';
import { LibraryRow } from './LibraryRow';

/** Props of {@link LibraryTable}. */
export interface LibraryTableProps {
  /** Items already in display order. */
  sorted: LibraryItem[];
  sort: SortSpec | null;
  onSortChange: (sort: SortSpec | null) => void;
  selectedId: string | null;
  onRequestRemove: (item: LibraryItem) => void;
  /** Bumped to move focus to the selected row (after a removal, say). */
  focusRequest: number;
}

/**
 * The sources as a sortable table. One row is in the Tab order (the selected one); ↑/↓, Home and
 * End move the selection, Delete asks to remove the selected source.
 */
export function LibraryTable({
  sorted,
  sort,
  onSortChange,
  selectedId,
  onRequestRemove,
  focusRequest,
}: LibraryTableProps): ReactNode {
  const missing = useLibraryStore((s) => s.missing);
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());
  const focusAfterMove = useRef(false);

  useEffect(() => {
    if (focusRequest === 0 || !selectedId) return;
    rowRefs.current.get(selectedId)?.focus();
    // Only a new request moves focus, not every selection change.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  useEffect(() => {
    if (!focusAfterMove.current || !selectedId) return;
    focusAfterMove.current = false;
    const row = rowRefs.current.get(selectedId);
    row?.focus();
    row?.scrollIntoView({ block: 'nearest' });
  }, [selectedId]);

  function onKeyDown(e: KeyboardEvent<HTMLTableSectionElement>): void {
    if (sorted.length === 0) return;
    const at = sorted.findIndex((i) => i.id === selectedId);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = at < 0 ? 0 : Math.min(sorted.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = at < 0 ? 0 : Math.max(0, at - 1);
    else if (e.key === 'Home') next = 0;
    else if (e.key === 'End') next = sorted.length - 1;
    else if ((e.key === 'Delete' || e.key === 'Backspace') && at >= 0) {
      e.preventDefault();
      onRequestRemove(sorted[at]!);
      return;
    }
    if (next === null) return;
    e.preventDefault();
    focusAfterMove.current = true;
    selectItem(sorted[next]!.id);
  }

  const tabStop =
    selectedId && sorted.some((i) => i.id === selectedId) ? selectedId : sorted[0]?.id;

  return (
    <div className="table-frame">
      <table className="library-table" aria-label="Sources" aria-rowcount={sorted.length + 1}>
        <thead>
          <tr>
            <th scope="col" className="col-thumb">
              <span className="visually-hidden">Thumbnail</span>
            </th>
            {LIBRARY_COLUMNS.map((c) => {
              const active = sort?.key === c.key ? sort.dir : null;
              return (
                <th
                  key={c.key}
                  scope="col"
                  className={`${c.numeric ? 'num' : ''} col-${c.key}`}
                  aria-sort={
                    active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'
                  }
                >
                  <button
                    type="button"
                    className="sort-button"
                    onClick={() => onSortChange(nextSort(sort, c.key))}
                  >
                    {c.label}
                    <span className="sort-arrow" aria-hidden="true">
                      {active === 'asc' ? '▲' : active === 'desc' ? '▼' : ''}
                    </span>
                  </button>
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {sorted.map((item) => (
            <LibraryRow
              key={item.id}
              item={item}
              selected={item.id === selectedId}
              missing={missing.has(item.id)}
              tabbable={item.id === tabStop}
              rowRef={(el) => {
                if (el) rowRefs.current.set(item.id, el);
                else rowRefs.current.delete(item.id);
              }}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}
