/**
 * What the ffmpeg the toolchain report selects for scoring can measure, as the Score dialog and
 * the ladder editor's score-after-encode choices show it: each metric computable or not with the
 * reason (shared/metricSupport.ts, the same words the engine refuses with), and the VMAF models
 * built into its libvmaf. Pure over the report the toolchain store holds.
 */
import { metricSupport, type MetricSupport } from '../../../../shared/metricSupport';
import { SCORE_METRICS, type ScoreMetric } from '../../../../shared/score';
import type { BinaryInfo, ToolchainReport, VmafModel } from '../../../../shared/toolchain';

/** Each metric's support on the scoring build. */
export type MetricSupportMap = Readonly<Record<ScoreMetric, MetricSupport>>;

/** The scoring build of a report (the engine's choice too: core/scoreEngine/plan.ts), or null for none. */
export function scoringBuild(report: ToolchainReport): BinaryInfo | null {
  return (
    report.binaries.find((b) => b.kind === 'ffmpeg' && b.path === report.selected.score) ?? null
  );
}

/**
 * Each metric's support on the report's scoring build; null while the report is not known (then
 * nothing is marked unavailable: the engine still says why when it cannot).
 */
export function scoringSupport(report: ToolchainReport | null): MetricSupportMap | null {
  if (!report) return null;
  const build = scoringBuild(report);
  return Object.fromEntries(SCORE_METRICS.map((m) => [m, metricSupport(m, build)])) as Record<
    ScoreMetric,
    MetricSupport
  >;
}

/** True unless the support map says the scoring build cannot compute `metric`. */
export function isUsable(support: MetricSupportMap | null, metric: ScoreMetric): boolean {
  return support?.[metric].ok !== false;
}

/**
 * The models the scoring build's libvmaf can load by name (libvmaf 2 or later: built-ins and
 * `.json` files); none for libvmaf 1.x, whose `.pkl` models go by path.
 */
export function scoringModels(report: ToolchainReport | null): VmafModel[] {
  const lib = report ? scoringBuild(report)?.libvmaf : null;
  return lib && lib.api === 2 ? lib.models : [];
}
