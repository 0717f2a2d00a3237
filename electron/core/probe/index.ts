/**
 * The probe service: what a media file is (container, video and audio facts) and why a file that
 * cannot be used is not usable. No `electron` import; processes go through `ffmpeg/process`.
 */
export {
  probeFile,
  cutAfterIndex,
  parseFfprobeJson,
  type ProbeOptions,
} from './probe';
export {
  checkInputFile,
  fsErrorToVqError,
  guessRawSpecText,
  type InputFileCheck,
} from './checkInput';
export {
  classifyProbeFailure,
  mentionsTruncation,
  sniffContainer,
  type ContainerMagic,
  type ProbeFailureContext,
} from './classify';
export { buildMediaInfo, describeStreams, pickVideoStream, type BuildInput } from './build';
export {
  displayRotation,
  formatLevel,
  hdrOf,
  intervalsVary,
  mergeHiddenFrames,
  rawFrameBytes,
  ratesDiffer,
} from './facts';
export { PacketTally, type PacketSummary } from './packets';
