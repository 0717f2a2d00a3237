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
