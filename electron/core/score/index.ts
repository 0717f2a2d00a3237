/**
 * The quality-scoring engine (issue 4): VMAF, PSNR, SSIM and MS-SSIM of one or more distorted
 * videos against one reference in ONE ffmpeg process, aligned, per frame and pooled, equal to the
 * hand-written ffmpeg command. No `electron` import. Entry points: {@link planScore} (probe,
 * pre-flight, command; nothing runs), {@link executeScorePlan} (run a plan) and {@link scoreRun}
 * (both, refusing a blocked plan).
 */
export {
  planScore,
  metricsFor,
  scoreBinary,
  MS_SSIM_MIN_SIZE,
  type ScoreSource,
  type ScoreRequest,
  type ScoreDeps,
  type ScorePlan,
  type PlannedPair,
  type ComputedMetrics,
} from './plan';
export {
  scoreRun,
  executeScorePlan,
  executeScorePlans,
  planScoreProcesses,
  needsProcessPerDistorted,
  assemblePair,
  PreflightBlockedError,
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
  type LibvmafLog,
  type LibvmafFrame,
  type LibvmafPooled,
  type PsnrStatsLine,
  type SsimStatsLine,
} from './logs';
export { filterValue, escapeOptionLevel, escapeGraphLevel, libvmafDictValue } from './escape';
export {
  scoreJson,
  perFrameCsv,
  perFrameJson,
  CSV_COLUMNS,
  type ScoreJson,
  type PooledJson,
} from './export';
export { packSeries, unpackSeries } from './frameBlob';
export { parseMetricsArg, parseScaleArg, parseFixArg, type Parsed } from './cliArgs';
