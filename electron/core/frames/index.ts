/** The frame server: exact frames of a file by presentation-order number. */
export {
  extractFrame,
  frameArgs,
  frameIndexOf,
  planFrame,
  type ExtractFrameOptions,
  type FrameFormat,
  type FramePlan,
} from './frameServer';
export { buildFrameIndex, parseShowinfo, type FrameIndex, type IndexedFrame } from './frameIndex';
