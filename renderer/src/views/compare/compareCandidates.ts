/** What can be shown next to a source in Compare: its renditions, and items of the same length. */
import { formatBitrate } from '../../../../shared/format';
import type { LibraryItem } from '../../../../shared/library';
import type { MediaInfo } from '../../../../shared/media';
import type { Rendition } from '../../../../shared/queue';

/** One video a pane can show. */
export interface CompareCandidate {
  id: string;
  kind: 'source' | 'rendition' | 'item';
  /** The rung id of a rendition, else the file name. */
  title: string;
  fileName: string;
  width: number;
  height: number;
  bitrateKbps: number | null;
  /** What probe knows of the file (codec and container decide playback). */
  media: MediaInfo;
}

/** The pane of the source itself. */
export function sourceCandidate(source: LibraryItem): CompareCandidate {
  return {
    id: source.id,
    kind: 'source',
    title: source.fileName,
    fileName: source.fileName,
    width: source.media.video.width,
    height: source.media.video.height,
    bitrateKbps: source.media.video.bitrateKbps ?? source.media.bitrateKbps,
    media: source.media,
  };
}

/**
 * The renditions of `source` (by rung id), then other library items with the same known frame
 * count (by file name): a frame index means the same picture in each. Items whose frames were
 * matched to the source's by their pictures (`matched`: a stored score on such a match) come
 * too, whatever their length: the match says which of their frames goes with each.
 */
export function compareCandidates(
  source: LibraryItem,
  renditions: readonly Rendition[],
  items: readonly LibraryItem[],
  matched: ReadonlySet<string> = new Set(),
): CompareCandidate[] {
  const own: CompareCandidate[] = renditions
    .filter((r) => r.sourceId === source.id)
    .map((r) => ({
      id: r.id,
      kind: 'rendition',
      title: r.rungId,
      fileName: r.fileName,
      width: r.width,
      height: r.height,
      bitrateKbps: r.bitrateKbps,
      media: r.media,
    }));
  own.sort((a, b) => b.height - a.height || a.title.localeCompare(b.title));
  const frames = source.media.video.frameCount;
  const others: CompareCandidate[] = items
    .filter(
      (i) =>
        i.id !== source.id &&
        ((frames !== null && i.media.video.frameCount === frames) || matched.has(i.id)),
    )
    .map((i) => ({ ...sourceCandidate(i), kind: 'item' }));
  others.sort((a, b) => a.fileName.localeCompare(b.fileName));
  return [...own, ...others];
}

/**
 * The checked ids that are candidates now: an id checked for another source, or of a rendition
 * since deleted, is not shown and must not count against the pane limit.
 */
export function liveChecked(
  checked: readonly string[],
  candidates: readonly Pick<CompareCandidate, 'id'>[],
): string[] {
  return checked.filter((id) => candidates.some((c) => c.id === id));
}

/**
 * `checked` with `id` toggled: unchecked when checked, else added while fewer than `max` live
 * candidates are checked. Stale ids (see {@link liveChecked}) are dropped.
 */
export function toggleChecked(
  checked: readonly string[],
  id: string,
  candidates: readonly Pick<CompareCandidate, 'id'>[],
  max: number,
): string[] {
  const live = liveChecked(checked, candidates);
  if (live.includes(id)) return live.filter((x) => x !== id);
  return live.length < max ? [...live, id] : live;
}

/** "1280×720 · 2,400 kb/s" for a pane label. */
export function candidateFacts(c: CompareCandidate): string {
  const rate = c.bitrateKbps === null ? null : formatBitrate(c.bitrateKbps);
  return [`${c.width}×${c.height}`, rate].filter((p) => p !== null).join(' · ');
}
