import type { ReactNode } from 'react';
import { formatBitrate, formatBytes } from '../../../../shared/format';
import { renditionTimeNote, type Rendition } from '../../../../shared/queue';
import { CopyButton } from '../../ui/CopyButton';
import { encodeTimeText } from '../../model/queue/queueFigures';

/** Props of {@link RenditionTable}. */
export interface RenditionTableProps {
  renditions: readonly Rendition[];
  /** Re-run the rung of a rendition (absent where there is no batch to re-run it in). */
  onRerun?: (rendition: Rendition) => void;
}

/** Finished, probed renditions: size and bitrate as measured from the file, not from the ladder. */
export function RenditionTable({ renditions, onRerun }: RenditionTableProps): ReactNode {
  return (
    <div className="table-frame">
      <table className="data-table rendition-table" aria-label="Renditions">
        <thead>
          <tr>
            <th scope="col">Rung</th>
            <th scope="col">Encoder</th>
            <th scope="col" className="num">
              Size
            </th>
            <th scope="col" className="num" title="Video bitrate measured from the output file">
              Bitrate
            </th>
            <th scope="col" className="num">
              File size
            </th>
            <th scope="col" className="num">
              Encode time
            </th>
            <th scope="col">File</th>
            {onRerun ? (
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {renditions.map((r) => (
            <tr key={r.id} data-testid="rendition-row" data-rung-id={r.rungId}>
              <td className="mono">{r.rungId}</td>
              <td className="mono">{r.encoder}</td>
              <td className="num mono">
                {r.width}×{r.height}
              </td>
              <td className="num" data-testid="rendition-bitrate">
                {formatBitrate(r.bitrateKbps)}
              </td>
              <td className="num">{formatBytes(r.sizeBytes)}</td>
              <RenditionTime rendition={r} />
              <td className="rendition-file">
                <span className="mono" title={r.path}>
                  {r.fileName}
                </span>
                <CopyButton text={r.path} label="Copy path" />
              </td>
              {onRerun ? (
                <td className="row-actions">
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => onRerun(r)}
                    title="Encode this rung again as a new job"
                  >
                    Re-run
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * The encode time of a rendition. A decode-once process makes several renditions at once and
 * cannot tell what each cost, so its time is shown as theirs together, not as each one's.
 */
function RenditionTime({ rendition }: { rendition: Rendition }): ReactNode {
  const shared = rendition.encodeSeconds !== null ? renditionTimeNote(rendition) : null;
  return (
    <td
      className="num"
      title={
        shared
          ? 'One ffmpeg process decoded the source once and encoded these renditions together; what each one cost cannot be measured apart. Encode without "Decode once" to time each rendition.'
          : undefined
      }
      data-testid="rendition-time"
    >
      {encodeTimeText(rendition.encodeSeconds)}
      {shared ? <div className="cell-sub">{shared}</div> : null}
    </td>
  );
}
