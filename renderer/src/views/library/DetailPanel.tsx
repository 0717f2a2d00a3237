import type { ReactNode } from 'react';
import { formatBitrate, formatBytes, formatDuration } from '../../../../shared/format';
import type { LibraryItem } from '../../../../shared/library';
import { formatRawSpec } from '../../../../shared/rawSpec';
import { chromaOf } from '../../../../shared/pixfmt';
import { openEncodeFor } from '../../stores/ladderEditorStore';
import { CopyButton } from '../../ui/CopyButton';
import { FactList } from '../../ui/FactList';
import { MissingBadge } from './LibraryRow';
import { MediaBadges } from './MediaBadges';
import {
  channelsText,
  frameCountText,
  hdrDescription,
  rationalRateText,
  resolutionText,
  rotationText,
  sampleRateText,
} from './mediaText';
import { Thumbnail } from './Thumbnail';

function yesNo(v: boolean): string {
  return v ? 'yes' : 'no';
}

function secondsText(s: number | null): string | null {
  return s === null ? null : `${s.toFixed(3)} s`;
}

/** Everything probe knows about the selected source, with Encode… and the button to remove it. */
export function DetailPanel({
  item,
  missing,
  onRequestRemove,
}: {
  item: LibraryItem;
  /** True when the file was gone from disk at the last check: nothing can read it. */
  missing: boolean;
  onRequestRemove: () => void;
}): ReactNode {
  const { media } = item;
  const { video } = media;
  const chroma = chromaOf(video.pixFmt);
  const tags = Object.entries(media.tags);
  return (
    <aside
      className="detail-panel"
      aria-label={`Details of ${item.fileName}`}
      data-testid="detail-panel"
    >
      <div className="detail-hero">
        <Thumbnail item={item} size="large" />
      </div>
      <div className="detail-title">
        <h2 title={item.fileName}>{item.fileName}</h2>
        {missing ? <MissingBadge path={item.path} /> : null}
        <MediaBadges media={media} />
      </div>
      <div className="detail-path">
        <code className="mono" title={item.path}>
          {item.path}
        </code>
        <CopyButton text={item.path} label="Copy path" />
      </div>
      {missing ? (
        <div className="notice notice-warning" role="status" data-testid="source-missing">
          <strong>The file is gone.</strong> Nothing is at {item.path} any more (deleted or moved),
          so it cannot be encoded, scored or compared. Put it back there, or import it from where it
          is now; its renditions and scores stay in the library.
        </div>
      ) : null}
      <div className="detail-encode">
        <button
          type="button"
          className="button button-primary"
          onClick={() => openEncodeFor(item.id)}
          disabled={missing}
          title={missing ? `The file is gone: nothing is at ${item.path}` : undefined}
          data-testid="encode-button"
        >
          Encode…
        </button>
        <span className="muted small">
          {missing
            ? 'Needs the file: put it back at its path first.'
            : 'Pick a ladder and see the exact ffmpeg commands.'}
        </span>
      </div>

      <section className="detail-section">
        <h3>File</h3>
        <FactList
          facts={[
            {
              label: 'Container',
              value: media.containerLongName
                ? `${media.containerLongName} (${media.container})`
                : media.container,
            },
            {
              label: 'Size',
              value: `${formatBytes(media.sizeBytes)} (${media.sizeBytes.toLocaleString('en-US')} bytes)`,
            },
            { label: 'Duration', value: formatDuration(media.durationSeconds) },
            { label: 'Overall bitrate', value: formatBitrate(media.bitrateKbps) },
            { label: 'Start time', value: secondsText(media.startTimeSeconds), mono: true },
            { label: 'Added', value: new Date(item.addedAt).toLocaleString() },
          ]}
        />
      </section>

      <section className="detail-section">
        <h3>
          Video <span className="muted">stream #{video.index}</span>
        </h3>
        <FactList
          facts={[
            {
              label: 'Codec',
              value: video.codecLongName ? `${video.codec} — ${video.codecLongName}` : video.codec,
            },
            { label: 'Profile', value: video.profile },
            { label: 'Level', value: video.level },
            { label: 'Size', value: resolutionText(video) },
            { label: 'SAR', value: video.sar, mono: true, title: 'Sample (pixel) aspect ratio' },
            { label: 'DAR', value: video.dar, mono: true, title: 'Display aspect ratio' },
            { label: 'Rotation', value: rotationText(video.rotation) ?? 'none' },
            {
              label: 'Pixel format',
              value: chroma ? `${video.pixFmt} (${chroma})` : video.pixFmt,
              mono: true,
            },
            { label: 'Bit depth', value: `${video.bitDepth}-bit` },
            {
              label: 'r_frame_rate',
              value: rationalRateText(video.rFrameRate),
              mono: true,
              title: 'Base frame rate (ffprobe r_frame_rate)',
            },
            {
              label: 'avg_frame_rate',
              value: rationalRateText(video.avgFrameRate),
              mono: true,
              title: 'Average frame rate (ffprobe avg_frame_rate)',
            },
            { label: 'Variable frame rate', value: yesNo(video.vfr) },
            { label: 'Frames', value: frameCountText(video) },
            {
              label: 'Stream duration',
              value: video.durationSeconds === null ? null : formatDuration(video.durationSeconds),
            },
            {
              label: 'Stream bitrate',
              value: video.bitrateKbps === null ? null : formatBitrate(video.bitrateKbps),
            },
            { label: 'Colour range', value: video.colorRange ?? 'unspecified', mono: true },
            { label: 'Primaries', value: video.colorPrimaries ?? 'unspecified', mono: true },
            { label: 'Transfer', value: video.colorTransfer ?? 'unspecified', mono: true },
            { label: 'Matrix', value: video.colorMatrix ?? 'unspecified', mono: true },
            { label: 'HDR', value: hdrDescription(video.hdr) ?? 'no (SDR)' },
            { label: 'Field order', value: video.fieldOrder ?? 'unknown' },
          ]}
        />
      </section>

      {media.raw ? (
        <section className="detail-section">
          <h3>Raw format</h3>
          <FactList facts={[{ label: 'Read as', value: formatRawSpec(media.raw), mono: true }]} />
        </section>
      ) : null}

      <section className="detail-section">
        <h3>
          Audio{' '}
          <span className="muted">
            {media.audio.length === 0
              ? 'none'
              : `${media.audio.length} stream${media.audio.length > 1 ? 's' : ''}`}
          </span>
        </h3>
        {media.audio.length ? (
          <table className="mini-table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">Codec</th>
                <th scope="col">Channels</th>
                <th scope="col">Rate</th>
                <th scope="col" className="num">
                  Bitrate
                </th>
                <th scope="col">Lang</th>
              </tr>
            </thead>
            <tbody>
              {media.audio.map((a) => (
                <tr key={a.index}>
                  <td className="mono">{a.index}</td>
                  <td className="mono">{a.codec}</td>
                  <td>{channelsText(a.channels, a.channelLayout) ?? '–'}</td>
                  <td>{sampleRateText(a.sampleRate) ?? '–'}</td>
                  <td className="num">{formatBitrate(a.bitrateKbps)}</td>
                  <td>{a.language ?? '–'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </section>

      {tags.length ? (
        <section className="detail-section">
          <h3>Tags</h3>
          <FactList facts={tags.map(([k, v]) => ({ label: k, value: v }))} />
        </section>
      ) : null}

      <div className="detail-actions">
        <button
          type="button"
          className="button button-danger-quiet"
          data-testid="remove-button"
          onClick={onRequestRemove}
        >
          Remove from library
        </button>
        <span className="muted small">The file itself stays on disk.</span>
      </div>
    </aside>
  );
}
