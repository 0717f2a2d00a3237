/**
 * Where the app splits a title for the shared queue's workers: a one-rung job of a batch asked to
 * be encoded in chunks (`chunkSeconds`) is cut at scene-aware boundaries on the rung's fixed
 * keyframe grid (planChunks), so the joined file has the keyframes a one-pass encode has. What
 * cannot be split exactly runs whole, and the reason is said: several rungs in one process,
 * two-pass rate control (each chunk would have its own first pass), a frame-rate cap, a variable
 * frame rate or an unknown frame count, or a title shorter than two chunks. A per-shot encode
 * (core/target) gives the starts itself (`Batch.chunkStarts`): its shots.
 */
import type { Ladder } from '../../../shared/ladder';
import { planLadder } from '../../../shared/encodePlan';
import { VqError } from '../../../shared/errors';
import { parseFrameRate } from '../media/frameSeek';
import { fixedGopFrames, planChunks, type ChunkRange } from '../encode/chunks/chunkPlan';
import { detectSceneCuts } from '../shots/sceneScores';
import { sourceGeometry } from '../encode/planBatch';
import type { StoredSource } from '../store/libraryRepo';
import type { Toolchain } from '../toolchain';
import { ABORTED, whileNotAborted } from './following';

/** How a job runs on the shared queue: in these chunks, or whole and why. */
export type TitleSplit = { chunks: ChunkRange[] } | { whole: string };

/**
 * Scene cuts found or being found, by file (path, size, modification time): the rungs of a ladder
 * (and a retry) share one decode of the title.
 */
const cutsSeen = new Map<string, Promise<number[]>>();

/**
 * Plans the chunks of a one-rung job of `ladder` on `source` (see the file comment); with
 * `chunkStarts` (a per-shot encode's shots), exactly there instead.
 */
export async function splitTitle(o: SplitOptions): Promise<TitleSplit> {
  const split = await planSplit(o);
  // Starts given are a per-shot encode's shots: a stream without them is of no use to it.
  if (o.chunkStarts && 'whole' in split) {
    throw new VqError(
      'INVALID_ARGS',
      `This title cannot be split at its shots on the workers: ${split.whole}.`,
      'Run the per-shot encode without the shared queue.',
    );
  }
  return split;
}

interface SplitOptions {
  chunkSeconds: number | null;
  chunkStarts?: readonly number[] | null;
  ladder: Ladder;
  rungIds: readonly string[];
  source: StoredSource;
  toolchain: Toolchain;
  signal: AbortSignal;
}

async function planSplit(o: SplitOptions): Promise<TitleSplit> {
  if (o.rungIds.length !== 1) return { whole: 'its rungs share one ffmpeg process' };
  const media = o.source.item.media;
  const video = media.video;
  if (video.vfr) return { whole: 'its source has a variable frame rate' };
  const rate = parseFrameRate(video.rFrameRate ?? video.avgFrameRate ?? '');
  if (!rate || !video.frameCount)
    return { whole: 'the frame rate or frame count of its source is unknown' };
  const rungs = o.ladder.rungs.filter((r) => r.id === o.rungIds[0]);
  const planned = planLadder({ ...o.ladder, rungs }, sourceGeometry(media, o.source.raw)).rungs[0];
  if (!planned) return { whole: 'its rung is not encoded for this source' };
  if (planned.twoPass)
    return { whole: 'two-pass rate control needs the whole title in its first pass' };
  if (planned.fps !== null) return { whole: 'its rung changes the frame rate' };
  if (o.chunkStarts) return { chunks: chunksAt(o.chunkStarts, video.frameCount) };
  if (!o.chunkSeconds) return { whole: 'it asks for no chunks' };
  const fps = rate.num / rate.den;
  const key = `${o.source.item.path}\0${media.sizeBytes}\0${o.source.mtimeMs}`;
  let finding = cutsSeen.get(key);
  if (!finding) {
    // Not the first job's signal: a cancel of that job must not fail the others waiting for it.
    finding = o.toolchain
      .binaryFor('decode')
      .then((ffmpeg) => detectSceneCuts({ ffmpeg, input: o.source.item.path, raw: o.source.raw }));
    cutsSeen.set(key, finding);
    finding.catch(() => cutsSeen.delete(key));
  }
  const cuts = await whileNotAborted(finding, o.signal);
  if (cuts === ABORTED) throw new VqError('CANCELED', 'Canceled while looking for scene cuts.');
  const chunks = planChunks({
    frameCount: video.frameCount,
    gopFrames: fixedGopFrames(planned),
    sceneCuts: cuts,
    targetFrames: Math.max(1, Math.round(o.chunkSeconds * fps)),
  });
  return chunks.length < 2 ? { whole: 'the title is shorter than two chunks' } : { chunks };
}

/**
 * The chunks that start at `starts` and run to the next (the last to the end of the title). Throws
 * when the starts are not 0 then ascending frames inside the title: a batch that says so was not
 * made by this app.
 */
export function chunksAt(starts: readonly number[], frameCount: number): ChunkRange[] {
  const ok =
    starts.length > 0 &&
    starts[0] === 0 &&
    starts.every(
      (f, i) => Number.isInteger(f) && f < frameCount && (i === 0 || f > starts[i - 1]!),
    );
  if (!ok) {
    throw new VqError(
      'INVALID_ARGS',
      `The chunk starts of this batch are not frames 0 and up, ascending, inside its ${frameCount}-frame title.`,
    );
  }
  return starts.map((start, index) => ({ index, start, end: starts[index + 1] ?? frameCount }));
}
