/**
 * What a score request names, looked up: the reference (a library item) and each distorted
 * target (a library item or a rendition) as the engine's {@link ScoreSource} with the facts stored
 * beside its result (label, encoder, size, bit rate).
 */
import { VqError } from '../../../shared/errors';
import type { FixId } from '../../../shared/preflight';
import type { ScoreOptions } from '../../../shared/score';
import type { LibraryItem } from '../../../shared/library';
import type { ScoreTarget } from '../../../shared/scoreResults';
import type { ScoreRequest, ScoreSource } from '../scoreEngine';
import type { LibraryRepo } from '../store/libraryRepo';
import { refuseUnreadable } from '../encode/deriveJob';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoredTarget } from '../store/scoreRepo';

/** The reference of a request. */
export interface ResolvedReference {
  item: LibraryItem;
  source: ScoreSource;
}

/** One distorted target of a request. */
export interface ResolvedTarget {
  scored: ScoredTarget;
  source: ScoreSource;
}

/** Where targets are looked up. */
export interface TargetRepos {
  library: LibraryRepo;
  renditions: RenditionRepo;
}

/** The library item a request scores against; UNKNOWN_ITEM when it is gone. */
export function resolveReference(repos: TargetRepos, id: string): ResolvedReference {
  const found = repos.library.get(id);
  if (!found) {
    throw new VqError(
      'UNKNOWN_ITEM',
      `No library item with id ${id} to score against.`,
      'It may have been removed; refresh the library.',
    );
  }
  refuseUnreadable(found);
  return {
    item: found.item,
    source: { path: found.item.path, raw: found.raw, media: found.item.media },
  };
}

/** One target; UNKNOWN_ITEM / NOT_FOUND when the item or rendition is gone. */
export function resolveTarget(repos: TargetRepos, t: ScoreTarget): ResolvedTarget {
  if (t.kind === 'source') {
    const found = repos.library.get(t.id);
    if (!found) {
      throw new VqError(
        'UNKNOWN_ITEM',
        `No library item with id ${t.id} to score.`,
        'It may have been removed; refresh the library.',
      );
    }
    refuseUnreadable(found);
    const m = found.item.media;
    return {
      scored: {
        target: t,
        path: found.item.path,
        label: found.item.fileName,
        encoder: null,
        width: m.video.width,
        height: m.video.height,
        bitrateKbps: m.video.bitrateKbps ?? m.bitrateKbps,
      },
      source: { path: found.item.path, raw: found.raw, media: m },
    };
  }
  const r = repos.renditions.get(t.id);
  if (!r) {
    throw new VqError(
      'NOT_FOUND',
      `No rendition with id ${t.id} to score.`,
      'It may have been replaced by a re-run; refresh the queue.',
    );
  }
  const refusal = repos.renditions.refusal(r.id);
  if (refusal) {
    throw new VqError(
      'INVALID_ARGS',
      `${r.fileName} cannot be read: ${refusal}`,
      'Encode the rung again here, or import the project again once its files are on this machine.',
    );
  }
  return {
    scored: {
      target: t,
      path: r.path,
      label: r.rungId,
      encoder: r.encoder,
      width: r.width,
      height: r.height,
      bitrateKbps: r.bitrateKbps,
    },
    source: { path: r.path, media: r.media },
  };
}

/** The engine request of a reference, its targets, options and per-target fixes. */
export function scoreRequest(
  ref: ResolvedReference,
  targets: readonly ResolvedTarget[],
  options: ScoreOptions,
  fixes: readonly FixId[][],
): ScoreRequest {
  return {
    ...options,
    reference: ref.source,
    distorted: targets.map((t) => t.source),
    distortedFixes: targets.map((_, i) => [...(fixes[i] ?? [])]),
  };
}
