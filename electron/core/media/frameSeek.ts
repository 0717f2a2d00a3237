/**
 * Reading a constant-rate video from a given frame: its rate as a fraction, and where to seek
 * (`-ss` before `-i`) so that ffmpeg, which decodes from the keyframe before the seek and drops
 * every frame shown before it, starts exactly at that frame. The seek lands a quarter frame
 * early: a frame whose stored time is rounded (Matroska's milliseconds) sits a little either side
 * of its ideal time, and a seek exactly on it could drop it. Used by chunked encodes and chunked
 * scores alike.
 */

/** A frame rate as a fraction (30000/1001). */
export interface FrameRate {
  num: number;
  den: number;
}

/** "N/D" or "N" as a fraction, or null. */
export function parseFrameRate(text: string | null | undefined): FrameRate | null {
  const m = /^(\d+)(?:\/(\d+))?$/.exec((text ?? '').trim());
  if (!m) return null;
  const num = Number(m[1]);
  const den = m[2] === undefined ? 1 : Number(m[2]);
  return num > 0 && den > 0 ? { num, den } : null;
}

/** How far before the frame wanted the seek lands, in frames. */
export const SEEK_LEAD_FRAMES = 0.25;

/**
 * The seek, in seconds from the file's start, that starts reading at frame `frame` of a video at
 * `rate` whose first frame is shown `offsetSeconds` after the file's start.
 */
export function seekBeforeFrame(frame: number, rate: FrameRate, offsetSeconds = 0): number {
  return offsetSeconds + ((frame - SEEK_LEAD_FRAMES) * rate.den) / rate.num;
}
