/**
 * How rate–quality points become curves: one set of rules for the Analysis view, the HTML report
 * and `vq hull`, so the three never draw or compare different things. Pure.
 *
 * A curve compares like with like. By default there is one curve per encoder setting: encoder,
 * preset and rate-control family — constant quality (CRF) or a target bitrate (ABR and CBR, one
 * or two pass). A veryfast ABR ladder and an ultrafast CRF grid of the same encoder are two curves,
 * never one. The alternatives split each setting by resolution, or take a ladder as the curve.
 *
 * The line of a curve is its points in bitrate order when they are one resolution or one point per
 * resolution (a ladder). Several rates at several resolutions (a per-title grid) are a cloud, not a
 * curve: its line is its convex hull, the best that setting reaches (the upper envelope, or the
 * lower one for a lower-is-better figure such as CAMBI: hull.ts). A curve whose points
 * come from more than one setting (a ladder mixing encoders) gets no line and no BD-rate.
 *
 * The convex hull is taken per setting, across resolutions: it then says which resolution one
 * configuration should use at each bitrate, and the ladder picked from it can be encoded with that
 * configuration. A hull across settings would mix constant-quality points (no rate control at all)
 * with ABR ones and presets of very different speed, and promise a curve no single encode delivers.
 * Where the best resolution changes along the hull (a crossover) is only said between two
 * resolutions that each have a curve of their own (2 points or more): between single points the
 * change is just the shape of a ladder, not two curves crossing.
 */
import {
  convexHull,
  hullCrossovers,
  type Crossover,
  type HullInput,
  type QualityDirection,
} from './hull';

/** Rate-control family: constant quality (CRF) or a target bitrate (ABR, CBR). */
export type RateFamily = 'quality' | 'bitrate';

/** The family of a rung's rate-control mode ('crf' | 'abr' | 'cbr'). */
export function rateFamilyOf(mode: string): RateFamily {
  return mode === 'crf' ? 'quality' : 'bitrate';
}

/** A point that can be grouped: a hull input (group = its resolution) with its rung's facts. */
export interface GroupablePoint extends HullInput {
  /** Encoder, or "" when unknown. */
  encoder: string;
  /** The rung's preset; null = the encoder's default; undefined = not known (a plain results file). */
  preset?: string | null;
  /** The rung's rate-control mode ('crf', 'abr', 'cbr'); null or undefined when not known. */
  rateMode?: string | null;
  /** The ladder of the batch that made it; null when none. */
  ladderId?: string | null;
  ladderName?: string | null;
}

/** How points are grouped into curves. */
export type CurveGrouping = 'settings' | 'settingsResolution' | 'ladder';

/** The groupings in the order a picker lists them (the first is the default), with their names. */
export const CURVE_GROUPINGS: readonly { id: CurveGrouping; label: string }[] = [
  { id: 'settings', label: 'Encoder · preset · rate control' },
  { id: 'settingsResolution', label: 'Encoder · preset · rate control × resolution' },
  { id: 'ladder', label: 'Ladder' },
];

/** How a curve's line was made: its points, its upper hull (a grid), or none (mixed settings). */
export type LineKind = 'points' | 'hull' | 'none';

/** One curve: its points and the line that is drawn and compared (BD-rate). */
export interface CurveGroup<P extends GroupablePoint> {
  /** Stable within a grouping: "libx264|veryfast|bitrate", "libx264|veryfast|bitrate|720p", "ladder:id". */
  key: string;
  /** "libx264 veryfast ABR", "libx264 veryfast ABR 720p", "My ladder". */
  label: string;
  /** Every point, by bitrate ascending. */
  points: P[];
  /** The settings (see {@link settingsOf}) among the points, by label. */
  settings: string[];
  /** True when the points come from more than one setting: no line, no BD-rate. */
  mixed: boolean;
  line: P[];
  lineKind: LineKind;
}

const MODE_ORDER = ['crf', 'abr', 'cbr'];

/** The setting of a point: its key (encoder, preset, rate family) and its name. */
export function settingsOf(p: GroupablePoint): { key: string; label: string } {
  const preset = p.preset === undefined ? '?' : (p.preset ?? 'default');
  const family = p.rateMode ? rateFamilyOf(p.rateMode) : '?';
  const words = [p.encoder || 'unknown encoder'];
  if (p.preset !== undefined) words.push(p.preset ?? 'default preset');
  if (p.rateMode) words.push(p.rateMode.toUpperCase());
  return { key: `${p.encoder}|${preset}|${family}`, label: words.join(' ') };
}

/** The name of a setting from its points: the rate modes present, "ABR/CBR" when both are. */
function settingsLabel(points: readonly GroupablePoint[]): string {
  const first = points[0]!;
  const modes = [...new Set(points.map((p) => p.rateMode).filter((m): m is string => !!m))].sort(
    (a, b) => MODE_ORDER.indexOf(a) - MODE_ORDER.indexOf(b),
  );
  const words = [first.encoder || 'unknown encoder'];
  if (first.preset !== undefined) words.push(first.preset ?? 'default preset');
  if (modes.length) words.push(modes.map((m) => m.toUpperCase()).join('/'));
  return words.join(' ');
}

/** Height of a point for ordering ("720p" groups without a height sort first). */
function heightOf(p: GroupablePoint): number {
  return p.height ?? 0;
}

/**
 * The line of a curve's points: none when they are mixed; their convex hull (on the figure's
 * better side) when they hold several rates at several resolutions (a grid); else the points
 * themselves by bitrate.
 */
export function lineOf<P extends GroupablePoint>(
  points: readonly P[],
  mixed: boolean,
  direction: QualityDirection = 'higher',
): { line: P[]; lineKind: LineKind } {
  if (mixed) return { line: [], lineKind: 'none' };
  const perGroup = new Map<string, number>();
  for (const p of points) perGroup.set(p.group, (perGroup.get(p.group) ?? 0) + 1);
  const grid = perGroup.size > 1 && [...perGroup.values()].some((n) => n > 1);
  if (grid) return { line: convexHull(points, direction), lineKind: 'hull' };
  return { line: [...points].sort((a, b) => a.bitrate - b.bitrate), lineKind: 'points' };
}

/**
 * Curves of points under a grouping (see the module comment), ordered by encoder, preset, rate
 * family, then resolution (height ascending), then label; points by bitrate ascending. Two ladders
 * of the same name get their ids in the label. `direction` says which way the quality is better
 * (a grid's line is its hull on that side).
 */
export function groupCurves<P extends GroupablePoint>(
  points: readonly P[],
  grouping: CurveGrouping,
  direction: QualityDirection = 'higher',
): CurveGroup<P>[] {
  const byKey = new Map<string, P[]>();
  const keyOf = (p: P): string => {
    if (grouping === 'ladder') return `ladder:${p.ladderId ?? ''}`;
    const s = settingsOf(p).key;
    return grouping === 'settingsResolution' ? `${s}|${p.group}` : s;
  };
  for (const p of points) {
    const key = keyOf(p);
    const list = byKey.get(key) ?? [];
    list.push(p);
    byKey.set(key, list);
  }
  const curves = [...byKey].map(([key, list]): CurveGroup<P> & { sort: string; height: number } => {
    const sorted = [...list].sort((a, b) => a.bitrate - b.bitrate || a.quality - b.quality);
    const settings = new Map<string, P[]>();
    for (const p of sorted) {
      const s = settingsOf(p).key;
      settings.set(s, [...(settings.get(s) ?? []), p]);
    }
    const names = [...settings.values()].map((ps) => settingsLabel(ps)).sort();
    const mixed = settings.size > 1;
    const first = sorted[0]!;
    const label =
      grouping === 'ladder'
        ? first.ladderId
          ? (first.ladderName ?? first.ladderId)
          : 'No ladder'
        : grouping === 'settingsResolution'
          ? `${settingsLabel(sorted)} ${first.group}`
          : settingsLabel(sorted);
    return {
      key,
      label,
      points: sorted,
      settings: names,
      mixed,
      ...lineOf(sorted, mixed, direction),
      sort: grouping === 'ladder' ? label : key.split('|').slice(0, 3).join('|'),
      height: grouping === 'settingsResolution' ? heightOf(first) : 0,
    };
  });
  curves.sort(
    (a, b) => a.sort.localeCompare(b.sort) || a.height - b.height || a.label.localeCompare(b.label),
  );
  const seen = new Map<string, number>();
  for (const c of curves) seen.set(c.label, (seen.get(c.label) ?? 0) + 1);
  return curves.map(({ sort: _sort, height: _height, ...c }) =>
    (seen.get(c.label) ?? 0) > 1 && grouping === 'ladder'
      ? { ...c, label: `${c.label} (${c.key.replace(/^ladder:/, '')})` }
      : c,
  );
}

/** The convex hull of one setting's points across resolutions, and its crossovers. */
export interface SettingsHull<P extends GroupablePoint> {
  hull: P[];
  /** Only between resolutions that each have 2 points or more (see the module comment). */
  crossovers: Crossover[];
}

/**
 * The convex hull of points (one setting's, across resolutions) on the figure's better side, and
 * the bitrates where the best resolution changes along it, left out where either resolution has
 * fewer than 2 points.
 */
export function settingsHull<P extends GroupablePoint>(
  points: readonly P[],
  direction: QualityDirection = 'higher',
): SettingsHull<P> {
  const hull = convexHull(points, direction);
  const perGroup = new Map<string, number>();
  for (const p of points) perGroup.set(p.group, (perGroup.get(p.group) ?? 0) + 1);
  const isCurve = (group: string): boolean => (perGroup.get(group) ?? 0) >= 2;
  return {
    hull,
    crossovers: hullCrossovers(hull).filter((c) => isCurve(c.from) && isCurve(c.to)),
  };
}

/**
 * The settings of the points as hull choices (key, name, point count), in curve order; the
 * default is {@link defaultSettingsKey}.
 */
export function settingsChoices(
  points: readonly GroupablePoint[],
): { key: string; label: string; points: number }[] {
  return groupCurves(points, 'settings').map((c) => ({
    key: c.key,
    label: c.label,
    points: c.points.length,
  }));
}

/** The setting whose hull is shown by default: the one with the most points (the first of a tie). */
export function defaultSettingsKey(
  choices: readonly { key: string; points: number }[],
): string | null {
  let best: { key: string; points: number } | null = null;
  for (const c of choices) if (!best || c.points > best.points) best = c;
  return best?.key ?? null;
}
