import type { ReactNode } from 'react';
import type { Ladder, Rung } from '../../../../shared/ladder';
import type { EncoderChoice } from '../../model/ladders/encoderChoices';
import type { LadderIssue } from './ladderIssues';
import { RungRow } from './RungRow';
import {
  audioText,
  fpsCapText,
  gopText,
  pixFmtText,
  presetText,
  rateControlText,
  rungSizeText,
} from '../../../../shared/rungText';

const HEADERS: readonly { label: string; title?: string; className?: string }[] = [
  { label: '#', className: 'rung-n' },
  { label: 'ID', title: 'Unique in the ladder; used in file names' },
  { label: 'Size', title: 'Width × height; leave one empty to keep the source aspect' },
  { label: 'Encoder' },
  { label: 'Rate control', title: 'Mode and value; maxrate and bufsize in kb/s' },
  { label: 'Preset' },
  { label: 'GOP', title: 'Keyframe interval in seconds; fixed = no scene-cut keyframes' },
  { label: 'Pixels', title: 'Pixel format: 8-bit yuv420p or 10-bit yuv420p10le' },
  { label: 'FPS cap' },
  { label: 'Audio' },
  { label: 'Container' },
];

function StaticRow({ rung, index }: { rung: Rung; index: number }): ReactNode {
  return (
    <tr data-testid="rung-row" data-rung-id={rung.id}>
      <td className="rung-n">{index + 1}</td>
      <td className="mono">{rung.id}</td>
      <td className="mono">{rungSizeText(rung)}</td>
      <td className="mono">{rung.encoder}</td>
      <td>{rateControlText(rung.rateControl)}</td>
      <td className="mono">{presetText(rung)}</td>
      <td>{gopText(rung)}</td>
      <td>{pixFmtText(rung.pixFmt)}</td>
      <td>{fpsCapText(rung.fpsCap)}</td>
      <td>{audioText(rung.audio)}</td>
      <td className="upper">{rung.container}</td>
    </tr>
  );
}

/** Props of {@link RungTable}. */
export interface RungTableProps {
  ladder: Ladder;
  /** Editing callbacks and row keys; absent for a read-only preset. */
  edit?: {
    keys: readonly string[];
    issues: readonly LadderIssue[];
    choices: readonly EncoderChoice[];
    onChange: (index: number, rung: Rung) => void;
    onMove: (index: number, delta: number) => void;
    onDuplicate: (index: number) => void;
    onRemove: (index: number) => void;
  };
}

/** The rungs of a ladder: an editable grid, or plain text for a read-only preset. */
export function RungTable({ ladder, edit }: RungTableProps): ReactNode {
  return (
    <div className="table-frame rung-frame">
      <table
        className={`rung-table ${edit ? 'is-editable' : 'is-static'}`}
        aria-label={`Rungs of ${ladder.name}`}
        data-testid="rung-table"
      >
        <thead>
          <tr>
            {HEADERS.map((h) => (
              <th key={h.label} scope="col" title={h.title} className={h.className}>
                {h.label}
              </th>
            ))}
            {edit ? (
              <th scope="col" className="rung-actions">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {edit
            ? ladder.rungs.map((rung, i) => (
                <RungRow
                  key={edit.keys[i] ?? i}
                  rung={rung}
                  index={i}
                  count={ladder.rungs.length}
                  issues={edit.issues}
                  choices={edit.choices}
                  onChange={edit.onChange}
                  onMove={edit.onMove}
                  onDuplicate={edit.onDuplicate}
                  onRemove={edit.onRemove}
                />
              ))
            : ladder.rungs.map((rung, i) => <StaticRow key={rung.id} rung={rung} index={i} />)}
        </tbody>
      </table>
    </div>
  );
}
