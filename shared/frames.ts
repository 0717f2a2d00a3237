/**
 * What the frame viewer needs to know about a file's frames before it asks for any: how many there
 * are, when each one is shown, its picture type and where the keyframes are.
 */

/** The frame timeline of a library item or rendition (`frames.info`). */
export interface FrameInfo {
  /** Library item or rendition id. */
  id: string;
  /** Frames in presentation order. */
  count: number;
  /** Presentation time of each frame in seconds from the first frame (VFR-correct). */
  times: number[];
  /** One char per frame: 'I' | 'P' | 'B' | '?' (picture type as the decoder reports it). */
  types: string;
  /** Indexes of keyframes. */
  keyframes: number[];
}

/**
 * Decoded values of one pixel of an exact frame (`frames.samples`): the codes the decoder
 * produced in its own pixel format, one per plane (Y′/U/V, G/B/R or grey, plus alpha if any).
 */
export interface FrameSamples {
  /** Library item or rendition id. */
  id: string;
  /** Frame number, presentation order. */
  index: number;
  /** The pixel, in the file's own decoded size (after autorotate). */
  x: number;
  y: number;
  /** The decoder's pix_fmt, e.g. "yuv420p10le". */
  pixFmt: string;
  bitDepth: number;
  /** The decoded frame's size. */
  width: number;
  height: number;
  /** One value per plane; chroma taken from the subsampled position covering (x, y). */
  samples: { name: 'Y' | 'U' | 'V' | 'R' | 'G' | 'B' | 'A'; value: number }[];
}
