/**
 * The quality-scoring engine (issues 4 and 12): VMAF, PSNR, SSIM, MS-SSIM, CAMBI and XPSNR of one
 * or more distorted videos against one reference in ONE ffmpeg process, aligned, per frame and
 * pooled, equal to the hand-written ffmpeg command. No `electron` import. Entry points: {@link planScore} (probe,
 * pre-flight, command; nothing runs), {@link executeScorePlan} (run a plan) and {@link scoreRun}
 * (both, refusing a blocked plan). A long video can be scored in chunks (`frameRange`,
 * {@link planScoreChunks}) joined into the one-pass result ({@link mergeScoreChunks}).
 */
export {
  planScore,
  metricsFor,
  computesAny,
  nothingToCompute,
  scoreBinary,
  MS_SSIM_MIN_SIZE,
  xpsnrSizeProblem,
  type ScoreSource,
  type ScoreRequest,
  type ScoreDeps,
  type ScorePlan,
  type PlannedPair,
  type ComputedMetrics,
} from './plan';
export { CAMBI_MIN_SIZE, cambiSizeProblem } from './cambiSize';
export {
  planScoreChunks,
  chunkOverlap,
  planFrameRange,
  checkFrameRange,
  cropToRange,
  LIBVMAF_MAX_LOOKBACK,
  type FrameRange,
  type ChunkOverlap,
  type PlannedFrameRange,
  type OverlapInputs,
} from './chunkRange';
export { mergeScoreChunks, mergeScoreRunChunks, type MergeChunksOptions } from './chunkMerge';
export {
  scoreRun,
  executeScorePlan,
  executeScorePlans,
  planScoreProcesses,
  needsProcessPerDistorted,
  assemblePair,
  everyNth,
  PreflightBlockedError,
  type PairLogs,
  type RunScoreOptions,
  type ScoreProcesses,
} from './run';
export {
  resolveModel,
  parseModelArg,
  wants4k,
  DEFAULT_MODEL_REQUEST,
  type ModelChoice,
} from './model';
export {
  buildScoreGraph,
  buildScoreArgs,
  libvmafFilter,
  type ScoreGraphSpec,
  type PairGraphSpec,
  type PairLogPaths,
  type VmafFilterSpec,
  type BuiltGraph,
  type ScoreInputArgs,
  type LegTiming,
} from './graph';
export {
  parseLibvmafJson,
  parseLibvmafXml,
  parsePsnrStats,
  parseSsimStats,
  parseXpsnrStats,
  type XpsnrStatsLine,
  type LibvmafLog,
  type LibvmafFrame,
  type LibvmafPooled,
  type PsnrStatsLine,
  type SsimStatsLine,
} from './logs';
export {
  filterValue,
  escapeOptionLevel,
  escapeGraphLevel,
  libvmafDictValue,
} from '../ffmpeg/escape';
export { scoreJson, perFrameCsv, perFrameJson, type ScoreJson, type PooledJson } from './export';
export { parseMetricsArg, parseScaleArg, parseFixArg, type Parsed } from './cliArgs';
