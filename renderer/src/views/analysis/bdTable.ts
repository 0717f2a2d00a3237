/**
 * The BD-rate table: every curve against a chosen anchor with `bdRate` from shared/rd, computed in
 * the renderer. A pair that has no BD numbers (too few points, a curve that is not monotonic, no
 * shared range) keeps its reason in words, so the cell says why instead of staying blank. For a
 * lower-is-better figure (CAMBI) each curve keeps only the cheapest of its points at its lowest
 * value (shared/rd `withoutRepeatedBest`): a ladder's top rungs all at CAMBI 0 would else make
 * every curve "not monotonic".
 */
import { VqError } from '../../../../shared/errors';
import {
  BD_MIN_POINTS,
  bdRate,
  qualityOverlapShare,
  withoutRepeatedBest,
  type BdMethod,
  type BdResult,
  type QualityDirection,
  type RdPoint,
} from '../../../../shared/rd';

/** Below this share of shared quality range the BD numbers rest on little common ground. */
export const SMALL_OVERLAP = 0.75;

/** A curve as the table needs it. */
export interface BdCurve {
  key: string;
  label: string;
  /** The curve's line (shared/rd groupCurves.ts): its points, or their hull for a grid. */
  points: readonly RdPoint[];
  /** Points of more than one encoder setting: no BD numbers, whichever side it is on. */
  mixed?: boolean;
}

/** Why a pair has no BD numbers, as a short phrase for the cell. */
export type BdProblem =
  'too few points' | 'not monotonic' | 'no overlap' | 'mixed settings' | 'cannot compute';

/** One row of the table: a curve against the anchor. */
export type BdRow =
  | {
      key: string;
      label: string;
      points: number;
      /**
       * Points of this curve left out because they repeat its best value at a higher bitrate
       * (lower-is-better figures only; see the module comment).
       */
      dropped: number;
      ok: true;
      result: BdResult;
      /** Share (0..1) of both curves' quality range they have in common. */
      overlapShare: number;
    }
  | {
      key: string;
      label: string;
      points: number;
      dropped: number;
      ok: false;
      problem: BdProblem;
      /** The full reason, naming the curve and what to do. */
      message: string;
    };

/** The short phrase for a BD error message from shared/rd. */
export function bdProblemOf(message: string): BdProblem {
  if (/needs at least|singular/i.test(message)) return 'too few points';
  if (/not monotonic/i.test(message)) return 'not monotonic';
  if (/do not overlap/i.test(message)) return 'no overlap';
  return 'cannot compute';
}

/** "The anchor curve …" / "The test curve …" in the names the table shows. */
function named(message: string, anchor: string, test: string): string {
  return message
    .replace(/^The anchor curve/, `The anchor curve (${anchor})`)
    .replace(/^The test curve/, `The curve ${test}`);
}

/**
 * Every curve but the anchor against the anchor, in the order given, for a figure that is better
 * higher or lower (`direction`: CAMBI's BD-quality is better negative). Null when the anchor is
 * not among the curves.
 */
export function bdRows(
  curves: readonly BdCurve[],
  anchorKey: string,
  method: BdMethod,
  direction: QualityDirection = 'higher',
): BdRow[] | null {
  const anchor = curves.find((c) => c.key === anchorKey);
  if (!anchor) return null;
  const anchorPoints = withoutRepeatedBest(anchor.points, direction).points;
  return curves
    .filter((c) => c.key !== anchorKey)
    .map((c): BdRow => {
      const used = withoutRepeatedBest(c.points, direction);
      const base = {
        key: c.key,
        label: c.label,
        points: c.points.length,
        dropped: used.dropped.length,
      };
      const mixed = c.mixed ? c : anchor.mixed ? anchor : null;
      if (mixed) {
        return {
          ...base,
          ok: false,
          problem: 'mixed settings',
          message: `${mixed.label} holds renditions of more than one encoder setting (encoder, preset, rate control); a BD-rate of such a curve would compare unlike things. Group the curves by encoder setting.`,
        };
      }
      try {
        return {
          ...base,
          ok: true,
          result: bdRate(anchorPoints, used.points, method, direction),
          overlapShare: qualityOverlapShare(anchorPoints, used.points),
        };
      } catch (err) {
        const message = err instanceof VqError || err instanceof Error ? err.message : String(err);
        const hint = err instanceof VqError && err.hint ? ` ${err.hint}` : '';
        return {
          ...base,
          ok: false,
          problem: bdProblemOf(message),
          message: named(message, anchor.label, c.label) + hint,
        };
      }
    });
}

/** "−12.3 %" / "+4.0 %": signed, one decimal, a real minus sign. */
export function percentText(v: number): string {
  const s = Math.abs(v).toFixed(1);
  if (s === '0.0') return '0.0 %';
  return `${v < 0 ? '−' : '+'}${s} %`;
}

/** A signed quality difference with `decimals` decimals: "+1.25", "−0.004". */
export function signedText(v: number, decimals: number): string {
  const s = Math.abs(v).toFixed(decimals);
  if (Number(s) === 0) return s;
  return `${v < 0 ? '−' : '+'}${s}`;
}

/**
 * The anchor when none was chosen (or the chosen one is no longer shown): the convex hull when it
 * has enough points for `method`, else the curve with the most points that has enough and is not
 * mixed, else the first curve. A one-point curve as the anchor would make every row say "too few
 * points", a mixed one "mixed settings".
 */
export function defaultAnchorKey(curves: readonly BdCurve[], method: BdMethod): string | null {
  const min = BD_MIN_POINTS[method];
  const hull = curves.find((c) => c.key === 'hull' && c.points.length >= min);
  if (hull) return hull.key;
  let best: BdCurve | null = null;
  for (const c of curves)
    if (!c.mixed && c.points.length >= min && (!best || c.points.length > best.points.length))
      best = c;
  return (best ?? curves[0])?.key ?? null;
}
