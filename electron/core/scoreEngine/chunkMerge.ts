/**
 * Joining the scores of consecutive chunks (ScoreRequest.frameRange, chunkRange.ts) into the score
 * of one pass over the whole video: the per-frame values one after another, and every pooled
 * figure computed again from all of them (shared/pooling.ts: the harmonic mean, percentiles and
 * the rest over every frame — never a mean of chunk means, which weighs a short chunk like a long
 * one and is no harmonic mean at all). Pure.
 *
 * Chunk scores may come from other processes or machines, so they are checked, not trusted:
 * every frame of the run in exactly one chunk, the same run in every chunk (video, alignment,
 * model, build, series), and every value a number.
 */
import { VqError } from '../../../shared/errors';
import type {
  DistortedScore,
  ScoreRunResult,
  ScoreSeries,
  ScoreWarning,
} from '../../../shared/score';
import { repool } from './chunkRange';
import { withInfiniteWarnings } from './seriesWarnings';

/** Options of {@link mergeScoreChunks}. */
export interface MergeChunksOptions {
  /**
   * Frames of the whole run, when known: the chunks must then end exactly there (without it a
   * missing last chunk cannot be told from a shorter video).
   */
  frameCount?: number;
}

function refuse(
  message: string,
  hint = 'Score the missing or duplicated ranges again from planScoreChunks.',
): never {
  throw new VqError('INVALID_ARGS', message, hint);
}

/** "Frames 3–7 of x are" or "Frame 3 of x is", for a refusal. */
function framesOf(from: number, to: number, video: string): string {
  return from === to ? `Frame ${from} of ${video} is` : `Frames ${from}–${to} of ${video} are`;
}

/** The fields every chunk of one run shares; the first that differs is named in the refusal. */
function runFacts(c: DistortedScore): Record<string, unknown> {
  return {
    'distorted video': c.distorted,
    alignment: c.alignment,
    model: c.model,
    build: {
      version: c.ffmpeg.version,
      libvmafApi: c.ffmpeg.libvmafApi,
      libvmafVersion: c.ffmpeg.libvmafVersion,
    },
    'series scored': Object.keys(c.perFrame).sort(),
    'libvmaf features': Object.keys(c.libvmafFeatures).sort(),
    'fixes applied': c.fixes,
    'pre-flight findings': c.preflight.map((f) => f.id),
    'unavailable metrics': c.unavailable.map((u) => u.metric),
  };
}

/** Checks one chunk's own shape: consecutive frame numbers, one number per frame per series. */
function checkChunk(c: DistortedScore, i: number): void {
  const n = c.frameNumbers;
  if (n.length === 0 || c.frames !== n.length) {
    refuse(`Chunk ${i + 1} of ${c.distorted} has no frames or a frame count that is not its own.`);
  }
  if (!n.every((f, k) => Number.isSafeInteger(f) && f === n[0]! + k) || n[0]! < 0) {
    refuse(
      `Chunk ${i + 1} of ${c.distorted} does not number its frames one after another from 0 up.`,
    );
  }
  if (c.alignment.subsample !== 1 || c.alignment.startFrame !== 0) {
    refuse(`Chunk ${i + 1} of ${c.distorted} is not part of a whole-video run of every frame.`);
  }
  const columns: [string, readonly unknown[]][] = [
    ...Object.entries(c.perFrame),
    ...Object.entries(c.libvmafFeatures),
  ];
  for (const [name, values] of columns) {
    if (
      !Array.isArray(values) ||
      values.length !== n.length ||
      values.some((v) => typeof v !== 'number')
    ) {
      refuse(`Chunk ${i + 1} of ${c.distorted} does not have one number per frame for ${name}.`);
    }
  }
}

/**
 * Joins the scores of one distorted video's chunks (any order) into its one-pass score: frame
 * numbers, per-frame series and libvmaf features one after another; pooled figures, and the notes
 * that count frames, made again from all frames; everything else from the chunks, which must
 * agree. The command is the first chunk's, and a note lists the chunks. Throws INVALID_ARGS when
 * a frame of the run is in no chunk or in two, or the chunks are not parts of the same run.
 */
export function mergeScoreChunks(
  chunks: readonly DistortedScore[],
  o: MergeChunksOptions = {},
): DistortedScore {
  if (chunks.length === 0) refuse('There are no chunk scores to join.');
  chunks.forEach(checkChunk);
  const sorted = [...chunks].sort((a, b) => a.frameNumbers[0]! - b.frameNumbers[0]!);
  const first = sorted[0]!;
  const facts = runFacts(first);
  for (const c of sorted.slice(1)) {
    const other = runFacts(c);
    const differs = Object.keys(facts).find(
      (k) => JSON.stringify(facts[k]) !== JSON.stringify(other[k]),
    );
    if (differs) {
      refuse(
        `The chunks of ${first.distorted} are not parts of one run: their ${differs} differ ` +
          `(frames from ${first.frameNumbers[0]} and from ${c.frameNumbers[0]}).`,
        'Score every chunk of a video with the same request and the same ffmpeg/libvmaf build.',
      );
    }
  }

  let next = 0;
  for (const c of sorted) {
    const from = c.frameNumbers[0]!;
    const to = c.frameNumbers.at(-1)!;
    if (from > next) refuse(`${framesOf(next, from - 1, first.distorted)} in no chunk.`);
    if (from < next) {
      refuse(`${framesOf(from, Math.min(to, next - 1), first.distorted)} in two chunks.`);
    }
    next = to + 1;
  }
  if (o.frameCount !== undefined) {
    if (next < o.frameCount) {
      refuse(`${framesOf(next, o.frameCount - 1, first.distorted)} in no chunk.`);
    }
    if (next > o.frameCount) {
      refuse(
        `The chunks of ${first.distorted} run to frame ${next - 1}, but the run has ` +
          `${o.frameCount} frames.`,
      );
    }
  }

  const frameNumbers = sorted.flatMap((c) => c.frameNumbers);
  const perFrame: DistortedScore['perFrame'] = {};
  const metrics: DistortedScore['metrics'] = {};
  for (const k of Object.keys(first.perFrame) as ScoreSeries[]) {
    perFrame[k] = sorted.flatMap((c) => c.perFrame[k]!);
    metrics[k] = repool(perFrame[k], first.metrics[k]);
  }
  const libvmafFeatures: Record<string, number[]> = {};
  for (const k of Object.keys(first.libvmafFeatures)) {
    libvmafFeatures[k] = sorted.flatMap((c) => c.libvmafFeatures[k]!);
  }
  const seen = new Set<string>();
  const notes: ScoreWarning[] = [];
  for (const w of sorted.flatMap((c) => c.warnings)) {
    const key = `${w.id}\n${w.message}`;
    if (!seen.has(key)) notes.push(w);
    seen.add(key);
  }
  const ranges = sorted.map((c) => `${c.frameNumbers[0]}–${c.frameNumbers.at(-1)}`);
  return {
    ...first,
    frames: frameNumbers.length,
    frameNumbers,
    perFrame,
    metrics,
    libvmafFeatures,
    warnings: [
      ...withInfiniteWarnings(notes, perFrame),
      {
        id: 'scored-in-chunks',
        message:
          `Scored in ${sorted.length} chunks (frames ${ranges.join(', ')}), each its own ffmpeg ` +
          "run with the frames around it that VMAF's motion and XPSNR read; the command shown " +
          "is the first chunk's.",
      },
    ],
  };
}

/**
 * Joins the runs of consecutive chunks of one request (each a {@link ScoreRunResult} with every
 * distorted video, in the same order) into one run: each distorted video's chunks joined with
 * {@link mergeScoreChunks}; the command, build and model of the first chunk, its earliest start
 * and the summed duration.
 */
export function mergeScoreRunChunks(
  runs: readonly ScoreRunResult[],
  o: MergeChunksOptions = {},
): ScoreRunResult {
  if (runs.length === 0) refuse('There are no chunk runs to join.');
  const first = runs[0]!;
  for (const r of runs) {
    if (r.reference !== first.reference || r.results.length !== first.results.length) {
      refuse('The chunk runs are not of the same reference and distorted videos.');
    }
  }
  const merged = first.results.map((_, i) =>
    mergeScoreChunks(
      runs.map((r) => r.results[i]!),
      o,
    ),
  );
  const starts = runs.map((r) => r.startedAt).sort();
  const firstChunk = runs.reduce((a, b) =>
    b.results[0]!.frameNumbers[0]! < a.results[0]!.frameNumbers[0]! ? b : a,
  );
  return {
    ...firstChunk,
    results: merged,
    startedAt: starts[0]!,
    durationMs: runs.reduce((sum, r) => sum + r.durationMs, 0),
  };
}
