/**
 * The frame server: exact frames of a file by presentation-order number. `extractFrame` is the
 * one-shot path (one ffmpeg per frame, `vq frame`); `FrameService` is the app's (running decoders,
 * caches, prefetch, cancellation, stored indexes).
 */
export {
  checkFrameArgs,
  checkFrameInRange,
  extractFrame,
  frameArgs,
  frameIndexOf,
  planFrame,
  type ExtractFrameOptions,
  type FrameFormat,
  type FramePlan,
} from './extractFrame';
export {
  buildFrameIndex,
  parseShowinfo,
  parseStoredFrameIndex,
  serializeFrameIndex,
  timelineOf,
  type FrameIndex,
  type IndexedFrame,
} from './frameIndex';
export { sourceIdentity, storedIndexPath, type FrameSource } from './frameIndexStore';
export { displayFilters, displayKey, hdrDisplayOf } from './hdrDisplay';
export {
  DEFAULT_PROXY_BYTES,
  FrameService,
  type FrameRequest,
  type FrameServiceOptions,
} from './frameService';
export { buildPacketIndex } from './packetIndex';
export { encodePng } from './png';
export {
  SAMPLE_BLOCK,
  blockOrigin,
  decodeSampleBlock,
  frameBytes,
  pixelLayout,
  samplesAt,
  type PixelLayout,
} from './frameSamples';
