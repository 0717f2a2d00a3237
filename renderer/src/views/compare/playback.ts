/**
 * Playback and the timeline as data: which files Chromium can play in a `<video>`, frame index ↔
 * media time through the frame index's own timestamps (VFR-correct), and the timeline's texts.
 */
import type { MediaInfo } from '../../../../shared/media';
import type { CompareMode } from './compareModel';

/** Whether a pane can play in Chromium, and if not, the words for why. */
export type PlaybackSupport = { playable: true } | { playable: false; reason: string };

const CODEC_NAMES: Record<string, string> = {
  h264: 'H.264',
  vp9: 'VP9',
  av1: 'AV1',
  vp8: 'VP8',
  hevc: 'HEVC',
  h265: 'HEVC',
  prores: 'ProRes',
  rawvideo: 'Raw video',
  mpeg2video: 'MPEG-2',
  mpeg4: 'MPEG-4 Part 2',
  dnxhd: 'DNxHD',
  ffv1: 'FFV1',
};

/** Codec strings Chromium's canPlayType understands, for the codecs it decodes in software. */
const PROBE_TYPES: Record<string, string> = {
  h264: 'video/mp4; codecs="avc1.640028"',
  vp9: 'video/webm; codecs="vp09.00.10.08"',
  av1: 'video/mp4; codecs="av01.0.05M.08"',
  vp8: 'video/webm; codecs="vp8"',
};

/**
 * Whether Chromium plays this file in a `<video>`: H.264 (8-bit), VP9, AV1 and VP8 in MP4/MOV,
 * WebM or Matroska. Raw streams (.264, .yuv, .y4m) and other codecs are stepped through the frame
 * server instead. `canPlayType` (the browser's own answer) can veto a codec it lacks.
 */
export function playbackSupport(
  media: Pick<MediaInfo, 'container' | 'raw'> & {
    video: Pick<MediaInfo['video'], 'codec' | 'bitDepth'>;
  },
  canPlayType?: (mime: string) => string,
): PlaybackSupport {
  const codec = media.video.codec.toLowerCase();
  const name = CODEC_NAMES[codec] ?? codec.toUpperCase();
  const off = (why: string): PlaybackSupport => ({ playable: false, reason: why });
  if (media.raw || media.container === 'yuv4mpegpipe' || codec === 'rawvideo') {
    return off('raw video is not decoded by Chromium');
  }
  const probe = PROBE_TYPES[codec];
  if (!probe) return off(`${name} is not decoded by Chromium`);
  const container = media.container.toLowerCase();
  if (!/mp4|mov|webm|matroska/.test(container)) {
    return off(`a bare ${name} stream (no MP4/WebM container) is not played by Chromium`);
  }
  if (codec === 'h264' && media.video.bitDepth > 8) {
    return off(`${media.video.bitDepth}-bit H.264 is not decoded by Chromium`);
  }
  if (canPlayType && canPlayType(probe) === '') return off(`this browser does not decode ${name}`);
  return { playable: true };
}

/** Whether the viewer can play in `mode`: difference and heatmap need exact frames. */
export function modePlays(mode: CompareMode): boolean {
  return mode === 'side' || mode === 'wipe' || mode === 'flicker';
}

/** The frame on screen at media time `t`: the last frame whose timestamp is ≤ t (1 ms slack). */
export function frameAtTime(
  t: number,
  times: readonly number[] | null,
  fps: number | null,
): number {
  if (times && times.length > 0) {
    let lo = 0;
    let hi = times.length - 1;
    if (t + 0.001 < times[0]!) return 0;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (times[mid]! <= t + 0.001) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
  if (!fps || fps <= 0) return 0;
  return Math.max(0, Math.floor(t * fps + 0.001));
}

/** Seconds from the first frame to frame `index` (its timestamp, else index ÷ fps). */
export function timeOfFrame(
  index: number,
  times: readonly number[] | null,
  fps: number | null,
): number | null {
  const t = times?.[index];
  if (t !== undefined) return t;
  return fps && fps > 0 ? index / fps : null;
}

/**
 * Where to seek a `<video>` to show frame `index`: halfway into its display interval, so rounding
 * in the media pipeline cannot land on the frame before.
 */
export function seekTimeFor(
  index: number,
  times: readonly number[] | null,
  fps: number | null,
): number {
  const t = timeOfFrame(index, times, fps) ?? 0;
  const next = timeOfFrame(index + 1, times, fps);
  const span = next !== null && next > t ? next - t : fps && fps > 0 ? 1 / fps : 0.04;
  return t + span / 2;
}

/** "00:00:01.240" for seconds; "—" for null. */
export function secondsText(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  const totalMs = Math.round(seconds * 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(totalMs / 3_600_000);
  const m = Math.floor(totalMs / 60_000) % 60;
  const s = Math.floor(totalMs / 1000) % 60;
  return `${two(h)}:${two(m)}:${two(s)}.${String(totalMs % 1000).padStart(3, '0')}`;
}

/** "I", "P", "B" for the frame's type, "?" when the index does not say. */
export function frameTypeAt(index: number, types: string | null | undefined): string {
  const c = types?.[index];
  return c && /[IPB]/.test(c) ? c : '?';
}

/**
 * The frame every playing pane has a picture of, newest first, if newer than `after`: what the
 * viewer shows next during playback. A pane that lags holds the others back (frames are dropped,
 * panes never drift apart); null while no newer frame is common to all.
 */
export function commonFrame(
  framesPerPane: readonly (readonly number[])[],
  after: number,
): number | null {
  if (framesPerPane.length === 0) return null;
  const [first, ...rest] = framesPerPane;
  let best: number | null = null;
  for (const f of first!) {
    if (f > after && (best === null || f > best) && rest.every((list) => list.includes(f))) {
      best = f;
    }
  }
  return best;
}
