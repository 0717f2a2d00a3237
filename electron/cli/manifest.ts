/**
 * `DIR/manifest.json` of `vq encode`: the source, the ladder, every rendition with its measured
 * facts and the command that made it, and what was skipped or failed. Pure.
 */
import type { Ladder } from '../../shared/ladder';
import type { LibraryItem } from '../../shared/library';
import type { Batch, Job, Rendition, SkippedRung } from '../../shared/queue';

/** One rendition in the manifest. */
export interface ManifestRendition {
  rungId: string;
  path: string;
  encoder: string;
  width: number;
  height: number;
  /** Measured from the output. */
  bitrateKbps: number | null;
  sizeBytes: number;
  /** Wall time of the process that made it (shared by the rungs of a decode-once job). */
  encodeSeconds: number | null;
  /** The argument array that wrote the file (the last pass of a two-pass encode). */
  command: string[];
  /** Every pass, when there were two. */
  passes?: string[][];
}

/** The manifest file. */
export interface EncodeManifest {
  source: {
    path: string;
    codec: string;
    width: number;
    height: number;
    frameRate: number | null;
    frameCount: number | null;
    durationSeconds: number | null;
    bitrateKbps: number | null;
    pixFmt: string;
    bitDepth: number;
  };
  ladder: { id: string; name: string };
  outDir: string;
  decodeOnce: boolean;
  renditions: ManifestRendition[];
  skipped: SkippedRung[];
  failed: { rungId: string; status: string; reason: string; stderrTail: string | null }[];
}

/** Builds the manifest of a finished batch; renditions follow the ladder's rung order. */
export function buildManifest(source: LibraryItem, batch: Batch, jobs: Job[], renditions: Rendition[]): EncodeManifest {
  const order = rungOrder(batch.ladder);
  const latest = new Map<string, Rendition>();
  for (const r of renditions) {
    const had = latest.get(r.rungId);
    if (!had || had.createdAt < r.createdAt) latest.set(r.rungId, r);
  }
  const failed: EncodeManifest['failed'] = [];
  for (const j of jobs) {
    if (j.status === 'done' || j.status === 'queued' || j.status === 'running') continue;
    for (const rungId of j.rungIds) {
      if (latest.has(rungId)) continue; // a re-run made it after all
      failed.push({ rungId, status: j.status, reason: j.error ?? j.status, stderrTail: j.stderrTail });
    }
  }
  const v = source.media.video;
  return {
    source: {
      path: source.path,
      codec: v.codec,
      width: v.width,
      height: v.height,
      frameRate: v.frameRate,
      frameCount: v.frameCount,
      durationSeconds: source.media.durationSeconds,
      bitrateKbps: source.media.bitrateKbps,
      pixFmt: v.pixFmt,
      bitDepth: v.bitDepth,
    },
    ladder: { id: batch.ladder.id, name: batch.ladder.name },
    outDir: batch.outDir,
    decodeOnce: batch.decodeOnce,
    renditions: [...latest.values()]
      .sort((a, b) => (order.get(a.rungId) ?? 0) - (order.get(b.rungId) ?? 0))
      .map((r) => ({
        rungId: r.rungId,
        path: r.path,
        encoder: r.encoder,
        width: r.width,
        height: r.height,
        bitrateKbps: r.bitrateKbps,
        sizeBytes: r.sizeBytes,
        encodeSeconds: r.encodeSeconds,
        command: r.command[r.command.length - 1] ?? [],
        ...(r.command.length > 1 ? { passes: r.command } : {}),
      })),
    skipped: batch.skipped,
    failed: failed.sort((a, b) => (order.get(a.rungId) ?? 0) - (order.get(b.rungId) ?? 0)),
  };
}

function rungOrder(ladder: Ladder): Map<string, number> {
  return new Map(ladder.rungs.map((r, i) => [r.id, i]));
}
