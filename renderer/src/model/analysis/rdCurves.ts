/**
 * The scored renditions of a source turned into what the Analysis view draws: one curve per group
 * of the chosen quality figure, and the points the convex hull of one encoder setting is computed
 * over. The grouping rules are shared/rd's (groupCurves.ts), the same as the HTML report's.
 */
import { type RdRendition } from '../../../../shared/analysis';
import { rdQualityDirection, type RdQuality } from '../../../../shared/rd/quality';
import {
  CURVE_GROUPINGS,
  groupCurves,
  settingsChoices,
  settingsOf,
  type CurveGrouping,
  type CurvePoint,
  type LineKind,
} from '../../../../shared/rd';

/** How renditions are grouped into curves (shared/rd). */
export type RdGrouping = CurveGrouping;

/** The groupings in the order the picker lists them, the default first. */
export const RD_GROUPINGS = CURVE_GROUPINGS;

/**
 * One rendition on a curve: shared/rd's curve point (its id, measured bitrate in bits/s, the chosen
 * quality figure, and what curves group it by) with the rendition it stands for.
 */
export interface RenditionPoint extends CurvePoint {
  width: number;
  height: number;
  rendition: RdRendition;
}

/** One curve of the chart and the BD-rate table. */
export interface RdCurve {
  /** Stable within a grouping: "libx264|veryfast|bitrate", "ladder:crf-sweep". */
  key: string;
  /** "libx264 veryfast ABR", "libx264 veryfast ABR 720p", "CRF sweep". */
  label: string;
  /** Points by bitrate ascending. */
  points: RenditionPoint[];
  /** What is drawn as the line and compared: the points, their hull (a grid), or none. */
  line: RenditionPoint[];
  lineKind: LineKind;
  /** The encoder settings among the points, when more than one (a ladder mixing them). */
  mixed: string[] | null;
}

/** `${height}p`: how the app names a resolution in curves and crossovers. */
export function resolutionName(height: number): string {
  return `${height}p`;
}

function renditionPoint(r: RdRendition, quality: number): RenditionPoint {
  return {
    id: r.renditionId,
    label: r.label,
    group: resolutionName(r.height),
    width: r.width,
    height: r.height,
    encoder: r.encoder,
    preset: r.preset,
    rateMode: r.rateMode,
    ladderId: r.ladderId,
    ladderName: r.ladderName,
    bitrate: r.bitrate,
    quality,
    rendition: r,
  };
}

/** A usable figure: finite and, for a bitrate, positive. */
function usable(bitrate: number, quality: number | null): quality is number {
  return Number.isFinite(bitrate) && bitrate > 0 && quality !== null && Number.isFinite(quality);
}

/** The renditions with the chosen figure and a measured bitrate, and how many were left out. */
function usablePoints(
  renditions: readonly RdRendition[],
  quality: RdQuality,
): { points: RenditionPoint[]; missing: number } {
  const points: RenditionPoint[] = [];
  for (const r of renditions) {
    const q = r.metrics[quality];
    if (usable(r.bitrate, q)) points.push(renditionPoint(r, q));
  }
  return { points, missing: renditions.length - points.length };
}

/**
 * Curves of the chosen figure under a grouping (a grid's line is its hull on the figure's better
 * side: the lower envelope for CAMBI). Renditions without that figure (not measured) or without a
 * measured bitrate are left out and counted in `missing`.
 */
export function buildCurves(
  renditions: readonly RdRendition[],
  grouping: RdGrouping,
  quality: RdQuality,
): { curves: RdCurve[]; missing: number } {
  const { points, missing } = usablePoints(renditions, quality);
  const curves = groupCurves(points, grouping, rdQualityDirection(quality)).map((c): RdCurve => ({
    key: c.key,
    label: c.label,
    points: c.points,
    line: c.line,
    lineKind: c.lineKind,
    mixed: c.mixed ? c.settings : null,
  }));
  return { curves, missing };
}

/**
 * Renditions whose score is stale, as the chart marks them: on no curve, in no hull or BD-rate,
 * and only where they have the figure and a measured bitrate.
 */
export function stalePlotPoints(
  stale: readonly RdRendition[],
  quality: RdQuality,
): RenditionPoint[] {
  return usablePoints(stale, quality).points;
}

/** The encoder settings of the renditions with the figure, as hull choices in curve order. */
export function hullChoicesOf(
  renditions: readonly RdRendition[],
  quality: RdQuality,
): { key: string; label: string; points: number }[] {
  return settingsChoices(usablePoints(renditions, quality).points);
}

/**
 * The points the convex hull of one encoder setting (key from {@link hullChoicesOf}) is computed
 * over: its renditions with the chosen figure, across resolutions (group `${height}p`).
 */
export function hullCandidates(
  renditions: readonly RdRendition[],
  settingsKey: string,
  quality: RdQuality,
): RenditionPoint[] {
  return usablePoints(renditions, quality).points.filter((p) => settingsOf(p).key === settingsKey);
}
