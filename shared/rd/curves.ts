/**
 * Rate–quality curves of one source, one per encoder setting (encoder, preset, rate-control
 * family; see groupCurves.ts): the points, their convex hull across resolutions, its crossovers,
 * and the recommended ladder. Pure; the CLI (`vq hull`) and the HTML report draw from it.
 */
import { groupCurves, settingsHull, type GroupablePoint, type LineKind } from './groupCurves';
import type { Crossover, QualityDirection } from './hull';
import { recommendLadder, type LadderPickOptions, type PickedRung } from './ladderPick';

/** A point with what the curves need to know about it. */
export interface CurvePoint extends GroupablePoint {
  label: string;
}

/** The curve of one encoder setting. */
export interface SettingsCurve<P extends CurvePoint = CurvePoint> {
  /** The setting's key (groupCurves.ts `settingsOf`). */
  key: string;
  /** "libx264 veryfast ABR"; just the encoder when the points do not say more. */
  label: string;
  /** Encoder, or "" when unknown. */
  encoder: string;
  /** Every usable point, by bitrate ascending. */
  points: P[];
  /** What is compared (BD-rate): the points, or their hull for a grid (groupCurves.ts). */
  line: P[];
  lineKind: LineKind;
  hull: P[];
  crossovers: Crossover[];
  /**
   * Recommended ladder from the hull, top first; none on a lower-is-better figure (the picker's
   * rules are written for a figure that rises with quality: ladderPick.ts).
   */
  picks: PickedRung<P>[];
}

/** The hull group of a point: its resolution as "1280x720", "720p" with only a height, or "unknown". */
export function resolutionGroup(width: number | null | undefined, height: number | null | undefined): string {
  if (width && height) return `${width}x${height}`;
  if (height) return `${height}p`;
  return 'unknown';
}

/**
 * One curve per encoder setting (in curve order), each with its hull across resolutions (on the
 * figure's better side: `direction`), crossovers and recommended ladder.
 */
export function curvesBySettings<P extends CurvePoint>(
  points: readonly P[],
  pick?: Partial<LadderPickOptions>,
  direction: QualityDirection = 'higher',
): SettingsCurve<P>[] {
  return groupCurves(points, 'settings', direction).map((c) => {
    const { hull, crossovers } = settingsHull(c.points, direction);
    return {
      key: c.key,
      label: c.label,
      encoder: c.points[0]!.encoder,
      points: c.points,
      line: c.line,
      lineKind: c.lineKind,
      hull,
      crossovers,
      picks: direction === 'higher' ? recommendLadder(hull, pick) : [],
    };
  });
}
