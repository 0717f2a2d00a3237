/**
 * The scored renditions of a source turned into what the Analysis view draws: one curve per
 * group (encoder × resolution, encoder, or ladder) of the chosen quality figure, and the points
 * the convex hull of one encoder is computed over (grouped by resolution).
 */
import type { RdQuality, RdRendition } from '../../../../shared/analysis';

/** How renditions are grouped into curves. */
export type RdGrouping = 'encoderResolution' | 'encoder' | 'ladder';

/** The groupings in the order the picker lists them, with their names. */
export const RD_GROUPINGS: readonly { id: RdGrouping; label: string }[] = [
  { id: 'encoderResolution', label: 'Encoder × resolution' },
  { id: 'encoder', label: 'Encoder' },
  { id: 'ladder', label: 'Ladder' },
];

/** One rendition on a curve: its measured bitrate (bits/s) and the chosen quality figure. */
export interface CurvePoint {
  bitrate: number;
  quality: number;
  rendition: RdRendition;
}

/** One curve of the chart and the BD-rate table. */
export interface RdCurve {
  /** Stable within a grouping: "libx264|720p", "libx264", "ladder:crf-sweep". */
  key: string;
  /** "libx264 720p", "libx264", "CRF sweep". */
  label: string;
  /** Points by bitrate ascending. */
  points: CurvePoint[];
}

/** `${height}p`: how the app names a resolution in curves and crossovers. */
export function resolutionName(height: number): string {
  return `${height}p`;
}

/** The group key and label of a rendition under a grouping. */
export function groupOf(r: RdRendition, grouping: RdGrouping): { key: string; label: string } {
  switch (grouping) {
    case 'encoder':
      return { key: r.encoder, label: r.encoder };
    case 'ladder':
      return r.ladderId === null
        ? { key: 'ladder:', label: 'No ladder' }
        : { key: `ladder:${r.ladderId}`, label: r.ladderName ?? r.ladderId };
    default:
      return {
        key: `${r.encoder}|${resolutionName(r.height)}`,
        label: `${r.encoder} ${resolutionName(r.height)}`,
      };
  }
}

/** A usable figure: finite and, for a bitrate, positive. */
function usable(bitrate: number, quality: number | null): quality is number {
  return Number.isFinite(bitrate) && bitrate > 0 && quality !== null && Number.isFinite(quality);
}

/**
 * Curves of the chosen figure under a grouping. Renditions without that figure (not measured) or
 * without a measured bitrate are left out and counted in `missing`. Curves are ordered by
 * encoder, then resolution (height ascending), then label; points by bitrate ascending.
 */
export function buildCurves(
  renditions: readonly RdRendition[],
  grouping: RdGrouping,
  quality: RdQuality,
): { curves: RdCurve[]; missing: number } {
  const byKey = new Map<string, RdCurve & { sort: [string, number] }>();
  let missing = 0;
  for (const r of renditions) {
    const q = r.metrics[quality];
    if (!usable(r.bitrate, q)) {
      missing++;
      continue;
    }
    const g = groupOf(r, grouping);
    let curve = byKey.get(g.key);
    if (!curve) {
      const sort: [string, number] =
        grouping === 'encoderResolution' ? [r.encoder, r.height] : [g.label, 0];
      curve = { key: g.key, label: g.label, points: [], sort };
      byKey.set(g.key, curve);
    }
    curve.points.push({ bitrate: r.bitrate, quality: q, rendition: r });
  }
  const curves = [...byKey.values()]
    .sort(
      (a, b) =>
        a.sort[0].localeCompare(b.sort[0]) ||
        a.sort[1] - b.sort[1] ||
        a.label.localeCompare(b.label),
    )
    .map(({ key, label, points }) => ({
      key,
      label,
      points: points.sort((a, b) => a.bitrate - b.bitrate || a.quality - b.quality),
    }));
  // Two ladders may share a name (every per-title grid of a source is "Per-title grid: <file>"):
  // their curves get the ladder id too, so the legend and the BD-rate table tell them apart.
  const seen = new Map<string, number>();
  for (const c of curves) seen.set(c.label, (seen.get(c.label) ?? 0) + 1);
  for (const c of curves) {
    if ((seen.get(c.label) ?? 0) > 1) c.label = `${c.label} (${c.key.replace(/^ladder:/, '')})`;
  }
  return { curves, missing };
}

/** The encoders of the renditions, sorted, each once. */
export function encodersOf(renditions: readonly RdRendition[]): string[] {
  return [...new Set(renditions.map((r) => r.encoder))].sort();
}

/** A hull candidate: a rendition of the hull's encoder, grouped by resolution. */
export interface HullCandidate {
  id: string;
  group: string;
  bitrate: number;
  quality: number;
  width: number;
  height: number;
  rendition: RdRendition;
}

/**
 * The points the convex hull of one encoder is computed over: every rendition of that encoder with
 * the chosen figure, across resolutions (group `${height}p`, id the rendition id).
 */
export function hullCandidates(
  renditions: readonly RdRendition[],
  encoder: string,
  quality: RdQuality,
): HullCandidate[] {
  const out: HullCandidate[] = [];
  for (const r of renditions) {
    const q = r.metrics[quality];
    if (r.encoder !== encoder || !usable(r.bitrate, q)) continue;
    out.push({
      id: r.renditionId,
      group: resolutionName(r.height),
      bitrate: r.bitrate,
      quality: q,
      width: r.width,
      height: r.height,
      rendition: r,
    });
  }
  return out;
}
