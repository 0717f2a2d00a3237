import { useRef, type KeyboardEvent, type ReactNode } from 'react';
import { formatBitrate } from '../../../../../shared/format';
import type { ScoreResultSummary } from '../../../../../shared/scoreResults';
import { nextSort } from '../libraryColumns';
import type { ReplacedSeries } from './replacedFigures';
import { visibleColumns, type ScoreColumn, type ScoreSort } from './scoreColumns';
import { scoreText } from '../../../model/scores/seriesInfo';

/** Props of {@link ScoreTable}. */
export interface ScoreTableProps {
  /** Results already in display order. */
  sorted: readonly ScoreResultSummary[];
  /** Earlier scores of a video and their figures a newer score replaced (shown as "–"). */
  replaced: ReplacedSeries;
  sort: ScoreSort | null;
  onSortChange: (sort: ScoreSort | null) => void;
  checked: readonly string[];
  focused: string | null;
  /** Chart colour of each checked result. */
  colors: Readonly<Record<string, string>>;
  onToggleChecked: (id: string) => void;
  onCheckAll: (ids: string[]) => void;
  onFocus: (id: string) => void;
}

function SortHeader({
  column,
  sort,
  onSortChange,
  rowSpan,
}: {
  column: ScoreColumn;
  sort: ScoreSort | null;
  onSortChange: (sort: ScoreSort | null) => void;
  rowSpan?: number;
}): ReactNode {
  const active = sort?.key === column.key ? sort.dir : null;
  return (
    <th
      scope="col"
      rowSpan={rowSpan}
      className={`${column.numeric ? 'num' : ''} col-${column.key}`}
      aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}
      title={column.title}
    >
      <button
        type="button"
        className="sort-button"
        onClick={() => onSortChange(nextSort(sort, column.key))}
      >
        {column.label}
        <span className="sort-arrow" aria-hidden="true">
          {active === 'asc' ? '▲' : active === 'desc' ? '▼' : ''}
        </span>
      </button>
    </th>
  );
}

function cellText(column: ScoreColumn, r: ScoreResultSummary): string {
  const v = column.value(r);
  if (column.key === 'resolution') return `${r.width}×${r.height}`;
  if (column.key === 'bitrate') return formatBitrate(r.bitrateKbps);
  if (column.series) return scoreText(column.series, typeof v === 'number' ? v : null);
  return r.label;
}

/** What an earlier score's row is doing in the table. */
const EARLIER_TITLE =
  'This video was scored again later. This earlier score keeps its row for the figures no newer score has; those a newer score has too show as –.';

/** Why an earlier score's row shows "–" where it has a figure. */
const REPLACED_TITLE =
  'A newer score of this video has this figure too: see its other row. This one is history.';

function warningsTitle(r: ScoreResultSummary): string | null {
  const lines = [
    ...r.warnings.map((w) => w.message),
    ...r.unavailable.map((u) => `${u.metric} not computed: ${u.reason}`),
  ];
  return lines.length ? lines.join('\n\n') : null;
}

/**
 * The stored scores of one reference as a sortable table: a check box per row puts the result in
 * the chart and the export; clicking a row (or ↑/↓) shows its worst frames and details; Space
 * checks the focused row.
 */
export function ScoreTable({
  sorted,
  replaced,
  sort,
  onSortChange,
  checked,
  focused,
  colors,
  onToggleChecked,
  onCheckAll,
  onFocus,
}: ScoreTableProps): ReactNode {
  const rowRefs = useRef(new Map<string, HTMLTableRowElement>());
  const columns = visibleColumns(sorted);
  const grouped = columns.filter((c) => c.group !== null);
  const firstGrouped = columns.findIndex((c) => c.group !== null);
  const allChecked = sorted.length > 0 && sorted.every((r) => checked.includes(r.id));

  function onKeyDown(e: KeyboardEvent<HTMLTableSectionElement>): void {
    if (!(e.target instanceof HTMLTableRowElement)) return;
    const at = sorted.findIndex((r) => r.id === focused);
    let next: number | null = null;
    if (e.key === 'ArrowDown') next = Math.min(sorted.length - 1, at + 1);
    else if (e.key === 'ArrowUp') next = Math.max(0, at - 1);
    else if (e.key === ' ' && at >= 0) {
      e.preventDefault();
      onToggleChecked(sorted[at]!.id);
      return;
    }
    if (next === null || next < 0) return;
    e.preventDefault();
    const id = sorted[next]!.id;
    onFocus(id);
    rowRefs.current.get(id)?.focus();
  }

  return (
    <div className="table-frame">
      <table className="score-table" aria-label="Scores">
        <thead>
          <tr>
            <th scope="col" rowSpan={2} className="col-check">
              <input
                type="checkbox"
                checked={allChecked}
                aria-label={allChecked ? 'Uncheck every row' : 'Check every row'}
                onChange={() => onCheckAll(allChecked ? [] : sorted.map((r) => r.id))}
                data-testid="score-check-all"
              />
            </th>
            {columns.map((c, i) =>
              c.group === null ? (
                <SortHeader
                  key={c.key}
                  column={c}
                  sort={sort}
                  onSortChange={onSortChange}
                  rowSpan={2}
                />
              ) : i === firstGrouped ? (
                <th
                  key={`group-${c.group}`}
                  scope="colgroup"
                  colSpan={grouped.length}
                  className="col-group"
                >
                  {c.group}
                </th>
              ) : null,
            )}
            <th scope="col" rowSpan={2} className="col-warn">
              <span className="visually-hidden">Warnings</span>
            </th>
          </tr>
          <tr>
            {grouped.map((c) => (
              <SortHeader key={c.key} column={c} sort={sort} onSortChange={onSortChange} />
            ))}
          </tr>
        </thead>
        <tbody onKeyDown={onKeyDown}>
          {sorted.map((r) => {
            const isChecked = checked.includes(r.id);
            const isFocused = r.id === focused;
            const warnings = warningsTitle(r);
            const color = isChecked ? colors[r.id] : undefined;
            const replacedHere = replaced.get(r.id);
            return (
              <tr
                key={r.id}
                ref={(el) => {
                  if (el) rowRefs.current.set(r.id, el);
                  else rowRefs.current.delete(r.id);
                }}
                className={
                  [isFocused ? 'is-selected' : '', r.stale ? 'is-stale' : ''].join(' ').trim() ||
                  undefined
                }
                aria-selected={isFocused}
                tabIndex={isFocused || (focused === null && r === sorted[0]) ? 0 : -1}
                onClick={() => onFocus(r.id)}
                data-testid="score-row"
                data-result-id={r.id}
                data-label={r.label}
                data-stale={r.stale ? 'true' : undefined}
                data-earlier={replacedHere ? 'true' : undefined}
                data-replaced={replacedHere?.length ? replacedHere.join(' ') : undefined}
              >
                <td className="col-check">
                  <input
                    type="checkbox"
                    checked={isChecked}
                    aria-label={`Show ${r.label} in the chart and the export`}
                    onClick={(e) => e.stopPropagation()}
                    onChange={() => onToggleChecked(r.id)}
                    tabIndex={-1}
                    data-testid="score-check"
                  />
                  <span
                    className="swatch"
                    style={color ? { background: color } : undefined}
                    aria-hidden="true"
                  />
                </td>
                {columns.map((c) => (
                  <td
                    key={c.key}
                    className={`${c.numeric ? 'num' : ''} col-${c.key}`}
                    data-testid={`score-${c.key}`}
                  >
                    {c.key === 'label' ? (
                      <>
                        <div className="cell-name mono" title={r.label}>
                          {r.label}
                          {r.stale ? (
                            <span
                              className="pill pill-warn score-stale"
                              title={`Stale: ${r.stale.reason}. These numbers describe bytes that are no longer there; score the file again.`}
                              data-testid="score-stale"
                            >
                              stale
                            </span>
                          ) : null}
                        </div>
                        <div
                          className="cell-sub"
                          title={`${r.frames} frame${r.frames === 1 ? '' : 's'} scored`}
                        >
                          {r.encoder ?? (r.target.kind === 'source' ? 'library item' : 'rendition')}
                          {replacedHere ? (
                            <span title={EARLIER_TITLE} data-testid="score-earlier">
                              {' '}
                              · earlier score
                            </span>
                          ) : null}
                        </div>
                      </>
                    ) : c.series && replacedHere?.includes(c.series) ? (
                      <span className="muted" title={REPLACED_TITLE}>
                        –
                      </span>
                    ) : (
                      cellText(c, r)
                    )}
                  </td>
                ))}
                <td className="col-warn">
                  {warnings ? (
                    <span
                      className="warn-icon"
                      title={warnings}
                      aria-label={`Warnings: ${warnings}`}
                      role="img"
                      data-testid="score-warnings"
                    >
                      ⚠
                    </span>
                  ) : null}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
