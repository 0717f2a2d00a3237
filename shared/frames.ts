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
  /** How an HDR file's frames are shown; null for SDR (frames served as decoded). */
  hdrDisplay: HdrDisplay | null;
  /**
   * False while a long file's packets are still being listed: the frames so far are in their
   * final order, more follow (ask again). Picture types are '?' until a decode has named them.
   */
  complete: boolean;
  /**
   * True while picture types still marked '?' are being named by decodes the frame server runs
   * in the background (its intra proxy): ask again for them.
   */
  typesPending: boolean;
}

/**
 * How the frames of an HDR (PQ or HLG) file are shown on an SDR screen: tone-mapped to SDR BT.709
 * where the ffmpeg that serves frames can, else as stored (washed out), with a note saying which.
 */
export interface HdrDisplay {
  /** The file's HDR transfer. */
  transfer: 'pq' | 'hlg';
  /** True when every served frame of the file is tone-mapped; false: shown as stored. */
  toneMapped: boolean;
  /** One sentence the viewer can show as it is. */
  note: string;
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
