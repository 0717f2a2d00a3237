/** How media facts read in the table and the detail panel. */
import { formatFps } from '../../../../shared/format';
import type { HdrKind, VideoStreamInfo } from '../../../../shared/media';
import { parseRate } from '../../../../shared/rawSpec';

/** "1280×720". */
export function resolutionText(video: Pick<VideoStreamInfo, 'width' | 'height'>): string {
  return `${video.width}×${video.height}`;
}

/** "rotated 90°" when rotated, else null. */
export function rotationText(rotation: number): string | null {
  if (!rotation) return null;
  return `rotated ${rotation}°`;
}

/** "30000/1001 (29.97)", "25/1 (25)"; null for a missing or 0/0 rate. */
export function rationalRateText(rate: string | null): string | null {
  if (!rate) return null;
  const value = parseRate(rate);
  if (value === null) return rate === '0/0' ? null : rate;
  return `${rate} (${formatFps(value)})`;
}

/** Badge text for an HDR transfer: "PQ", "HLG", or null for SDR. */
export function hdrLabel(hdr: HdrKind): string | null {
  return hdr === 'pq' ? 'PQ' : hdr === 'hlg' ? 'HLG' : null;
}

/** Tooltip for an HDR badge. */
export function hdrDescription(hdr: HdrKind): string | null {
  if (hdr === 'pq') return 'HDR: PQ transfer (SMPTE ST 2084, as in HDR10)';
  if (hdr === 'hlg') return 'HDR: HLG transfer (ARIB STD-B67)';
  return null;
}

/** "132 (counted)"; null when unknown. */
export function frameCountText(
  video: Pick<VideoStreamInfo, 'frameCount' | 'frameCountSource'>,
): string | null {
  if (video.frameCount === null) return null;
  const n = video.frameCount.toLocaleString('en-US');
  return video.frameCountSource ? `${n} (${video.frameCountSource})` : n;
}

/** "2 ch (stereo)" style audio channel text. */
export function channelsText(channels: number | null, layout: string | null): string | null {
  if (channels === null) return layout;
  return layout ? `${channels} ch (${layout})` : `${channels} ch`;
}

/** "48 kHz", "44.1 kHz". */
export function sampleRateText(hz: number | null): string | null {
  if (hz === null) return null;
  return `${Number((hz / 1000).toFixed(3))} kHz`;
}
