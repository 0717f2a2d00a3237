import type { ReactNode } from 'react';
import { isStillImage, STILL_IMAGE_REMARK, type MediaInfo } from '../../../../shared/media';
import { hdrDescription, hdrLabel } from './mediaText';

/** HDR (PQ / HLG), VFR, interlaced, RAW and still-image badges for one source. */
export function MediaBadges({ media }: { media: MediaInfo }): ReactNode {
  const { video } = media;
  const hdr = hdrLabel(video.hdr);
  const interlaced =
    video.fieldOrder !== null &&
    video.fieldOrder !== 'progressive' &&
    video.fieldOrder !== 'unknown';
  return (
    <span className="badges">
      {hdr ? (
        <span
          className="badge badge-hdr"
          title={hdrDescription(video.hdr) ?? undefined}
          data-testid="badge-hdr"
        >
          {hdr}
        </span>
      ) : null}
      {video.vfr ? (
        <span
          className="badge badge-warn"
          title="Variable frame rate: timestamps are not evenly spaced"
          data-testid="badge-vfr"
        >
          VFR
        </span>
      ) : null}
      {interlaced ? (
        <span className="badge" title={`Interlaced (${video.fieldOrder})`}>
          INT
        </span>
      ) : null}
      {isStillImage(media) ? (
        <span
          className="badge badge-warn"
          title={`${media.fileName} is ${STILL_IMAGE_REMARK}`}
          data-testid="badge-still"
        >
          STILL
        </span>
      ) : null}
      {media.raw ? (
        <span className="badge" title="Headerless raw video read with a given format">
          RAW
        </span>
      ) : null}
    </span>
  );
}
