import type { ReactNode } from 'react';
import { formatBitrate, formatDuration, formatFps } from '../../../../shared/format';
import type { LibraryItem } from '../../../../shared/library';
import { selectItem } from '../../stores/libraryStore';
import { MediaBadges } from './MediaBadges';
import { resolutionText } from './mediaText';
import { Thumbnail } from './Thumbnail';

/** Props of {@link LibraryRow}. */
export interface LibraryRowProps {
  item: LibraryItem;
  selected: boolean;
  /** True when the file was gone from disk at the last check. */
  missing: boolean;
  /** True for the one row in the Tab order. */
  tabbable: boolean;
  rowRef: (el: HTMLTableRowElement | null) => void;
}

/** One source in the library table. */
export function LibraryRow({
  item,
  selected,
  missing,
  tabbable,
  rowRef,
}: LibraryRowProps): ReactNode {
  const { media } = item;
  const { video } = media;
  return (
    <tr
      ref={rowRef}
      className={selected ? 'is-selected' : undefined}
      aria-selected={selected}
      tabIndex={tabbable ? 0 : -1}
      onClick={() => selectItem(item.id)}
      onFocus={() => {
        if (!selected) selectItem(item.id);
      }}
      data-testid="library-row"
      data-id={item.id}
      data-missing={missing || undefined}
    >
      <td className="col-thumb">
        <Thumbnail item={item} size="row" />
      </td>
      <td className="col-name">
        <div className="cell-name" title={item.path}>
          {item.fileName}
        </div>
        <div className="cell-sub cell-sub-row">
          <span>{media.container.split(',')[0]}</span>
          {missing ? <MissingBadge path={item.path} /> : null}
          <MediaBadges media={media} />
        </div>
      </td>
      <td className="col-codec">
        <span className="mono">{video.codec}</span>
        {video.profile ? (
          <div className="cell-sub cell-clip" title={video.profile}>
            {video.profile}
          </div>
        ) : null}
      </td>
      <td className="num col-resolution">
        {resolutionText(video)}
        {video.rotation ? (
          <div className="cell-sub" title="Rotation from the display matrix">
            ↻ {video.rotation}°
          </div>
        ) : null}
      </td>
      <td className="num col-fps">{formatFps(video.frameRate)}</td>
      <td className="num col-bitDepth">
        {video.bitDepth}-bit
        <div className="cell-sub mono">{video.pixFmt}</div>
      </td>
      <td className="num col-duration">{formatDuration(media.durationSeconds)}</td>
      <td className="num col-bitrate">{formatBitrate(media.bitrateKbps)}</td>
    </tr>
  );
}

/** Marks a source whose file is gone from disk. */
export function MissingBadge({ path }: { path: string }): ReactNode {
  return (
    <span
      className="badge badge-danger"
      title={`The file is not at ${path} any more (deleted or moved)`}
      data-testid="badge-missing"
    >
      MISSING
    </span>
  );
}
