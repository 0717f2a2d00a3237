/** Rate–quality analysis: convex hull, BD-rate, per-title ladder picking, CSV input. Pure. */
export { convexHull, hullCrossovers, monotonicPoints, type RdPoint, type HullInput, type Crossover, type QualityDirection } from './hull';
export { bdRate, qualityOverlapShare, withoutRepeatedBest, BD_METHODS, BD_MIN_POINTS, type BdMethod, type BdResult } from './bdrate';
export {
  recommendLadder,
  checkedLadderPickOptions,
  ladderFromPicks,
  DEFAULT_LADDER_PICK,
  type LadderPickOptions,
  type PickedRung,
  type LadderFromPicksOptions,
} from './ladderPick';
export { parseRdCsv } from './csv';
export {
  RD_QUALITIES,
  RD_QUALITY_LABELS,
  RD_QUALITY_SERIES,
  ladderQualityProblem,
  rdQualityDirection,
  rdQualityTitle,
  type RdQuality,
} from './quality';
export { readResultsDocument, type ResultPoint, type ResultsFormat } from './resultsFile';
export { curvesBySettings, resolutionGroup, type CurvePoint, type SettingsCurve } from './curves';
export {
  CURVE_GROUPINGS,
  defaultSettingsKey,
  groupCurves,
  lineOf,
  rateFamilyOf,
  settingsChoices,
  settingsHull,
  settingsOf,
  type CurveGroup,
  type CurveGrouping,
  type GroupablePoint,
  type LineKind,
  type RateFamily,
  type SettingsHull,
} from './groupCurves';
