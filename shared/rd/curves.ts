/**
 * Rate–quality curves of one source, one per encoder: the points, their convex hull across
 * resolutions, its crossovers, and the recommended ladder. Pure; the CLI (`vq hull`) and the HTML
 * report draw from it.
 */
import { hullCrossovers, upperHull, type Crossover, type HullInput } from './hull';
import { recommendLadder, type LadderPickOptions, type PickedRung } from './ladderPick';

/** A point with what the curves need to know about it. */
export interface CurvePoint extends HullInput {
  /** Encoder, or "" when unknown. */
  encoder: string;
  label: string;
}

/** The curve of one encoder. */
export interface EncoderCurve<P extends CurvePoint = CurvePoint> {
  encoder: string;
  /** Every usable point, by bitrate ascending. */
  points: P[];
  hull: P[];
  crossovers: Crossover[];
  /** Recommended ladder from the hull, top first. */
  picks: PickedRung<P>[];
}

/** The hull group of a point: its resolution as "1280x720", "720p" with only a height, or "unknown". */
export function resolutionGroup(width: number | null | undefined, height: number | null | undefined): string {
  if (width && height) return `${width}x${height}`;
  if (height) return `${height}p`;
  return 'unknown';
}

/**
 * One curve per encoder (in order of first appearance), each with its hull across resolutions,
 * crossovers and recommended ladder.
 */
export function curvesByEncoder<P extends CurvePoint>(points: readonly P[], pick?: Partial<LadderPickOptions>): EncoderCurve<P>[] {
  const byEncoder = new Map<string, P[]>();
  for (const p of points) {
    const list = byEncoder.get(p.encoder) ?? [];
    list.push(p);
    byEncoder.set(p.encoder, list);
  }
  return [...byEncoder].map(([encoder, list]) => {
    const hull = upperHull(list);
    return {
      encoder,
      points: [...list].sort((a, b) => a.bitrate - b.bitrate),
      hull,
      crossovers: hullCrossovers(hull),
      picks: recommendLadder(hull, pick),
    };
  });
}
