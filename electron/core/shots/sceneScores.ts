/**
 * Scene scores of a title: how much each frame differs from the one before, so cuts between scenes
 * can be found (shots, and chunk boundaries where an encoder loses nothing by starting afresh).
 *
 * One decode of the video scores every frame against the one before, with ffmpeg's `scdet` filter
 * where the build has it, else `select`'s `scene` score (every build has it). `metadata=print`
 * writes each frame's score under `frame:N`, the frame's index in decode order (the filter's
 * input count), so a cut is an exact frame index, never a time rounded back to a frame. Both
 * filters compute the same score (the smaller of the mean absolute frame difference and its change
 * from the frame before, so a steady fade or dissolve scores low); scdet gives it as a percentage
 * of the full pixel range, select as 1/100 of an 8-bit level, so select's score × 10000/256 is
 * scdet's, the one scale kept here.
 */
import { VqError } from '../../../shared/errors';
import { fileInputArgs, videoStreamArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { DEFAULT_SCENE_THRESHOLD } from '../../../shared/shots';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekBeforeFrame, type FrameRate } from '../media/frameSeek';

/** Which filter scores the frames. */
export type SceneMethod = 'scdet' | 'select';

/** Options of {@link measureSceneScores}. */
export interface SceneScoreOptions {
  ffmpeg: string;
  /** The title, an absolute path. */
  input: string;
  signal?: AbortSignal;
  /** Geometry of headerless raw video; null or absent for a file that says its own. */
  raw?: RawVideoSpec | null;
  /** Force a filter (tests compare both); default scdet when this ffmpeg has it. */
  method?: SceneMethod;
  /** Called as frames are scored, with how many so far. */
  onFrames?: (frames: number) => void;
}

/** Every frame's scene score (scdet's scale, 0–100; frame 0's is 0) and the filter that gave them. */
export interface MeasuredSceneScores {
  method: SceneMethod;
  scores: Float32Array;
}

/** select's `scene` score (0–1, 1/100 of an 8-bit level) times this is scdet's (0–100 %). */
const SELECT_TO_SCDET = 10000 / 256;

/** Decodes the title once and scores each frame against the one before. */
export async function measureSceneScores(o: SceneScoreOptions): Promise<MeasuredSceneScores> {
  const method = o.method ?? ((await hasScdet(o.ffmpeg, o.signal)) ? 'scdet' : 'select');
  const scores = new SceneScores();
  const args = [...videoStreamArgs(o.input, o.raw), '-vf', sceneFilter(method), '-f', 'null', '-'];
  let reported = 0;
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'probe',
    signal: o.signal,
    collectStdout: false,
    onStdoutLine: (line) => {
      scores.addLine(line);
      if (o.onFrames && scores.frames >= reported + 250) o.onFrames((reported = scores.frames));
    },
  });
  if (r.canceled) throw new VqError('CANCELED', 'Scene detection was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Scene detection of ${o.input} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      'Check that the file plays; the command is in the Activity panel.',
    );
  }
  if (scores.frames === 0) {
    throw new VqError('FFMPEG_FAILED', `Scene detection of ${o.input} found no video frames.`);
  }
  return { method, scores: scores.dense(method === 'select' ? SELECT_TO_SCDET : 1) };
}

/** The frames (ascending, never 0) scoring at least `threshold` (scdet's scale, 0–100). */
export function cutsAbove(
  scores: ArrayLike<number>,
  threshold = DEFAULT_SCENE_THRESHOLD,
): number[] {
  if (!(threshold > 0 && threshold <= 100)) {
    throw new VqError(
      'INVALID_ARGS',
      `A scene threshold runs above 0 up to 100, not ${threshold}.`,
    );
  }
  const cuts: number[] = [];
  for (let i = 1; i < scores.length; i++) if (scores[i]! >= threshold) cuts.push(i);
  return cuts;
}

/**
 * Scene scores of a few stretches of a title only, for when the title's are not cached and one
 * decode of all of it would cost more than the work that needs them (a CRF search places its
 * samples by the cuts just before each). Each stretch [start, start + frames) is read with a seek
 * to two frames before it (media/frameSeek.ts): a frame's score needs the frame before it and that
 * frame's difference too, so from there on the scores are the whole decode's. Keys are the title's
 * frame numbers (frame 0 never scores).
 *
 * With `keepFrames`, the frames decoded for stretch i (from its `first`, two before its start) are
 * also written to `keepFrames(i)` as YUV4MPEG, so work that needs those pictures next need not
 * seek and decode them again; `kept` says which title frame each file starts at.
 */
export async function measureSceneScoresNear(
  o: Omit<SceneScoreOptions, 'onFrames'> & {
    rate: FrameRate;
    stretches: readonly { start: number; frames: number }[];
    keepFrames?: (index: number) => string;
  },
): Promise<{
  method: SceneMethod;
  scores: Map<number, number>;
  kept: { file: string; first: number }[];
}> {
  const method = o.method ?? ((await hasScdet(o.ffmpeg, o.signal)) ? 'scdet' : 'select');
  const scores = new Map<number, number>();
  const kept: { file: string; first: number }[] = [];
  for (const [index, st] of o.stretches.entries()) {
    const from = Math.max(0, st.start - 2);
    const parsed = new SceneScores();
    const seek = from > 0 ? ['-ss', Math.max(0, seekBeforeFrame(from, o.rate)).toFixed(6)] : [];
    const file = o.keepFrames?.(index) ?? null;
    const args = [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error', ...seek],
      ...fileInputArgs(o.input, { raw: o.raw }),
      ...['-map', '0:v:0', '-an', '-sn', '-dn'],
      ...['-vf', `trim=end_frame=${st.start + st.frames - from},${sceneFilter(method)}`],
      // Kept frames: one out for each decoded, at the title's rate (10-bit YUV4MPEG is not one
      // of the format's official ones, so ffmpeg asks for -strict -1).
      ...(file
        ? ['-r', `${o.rate.num}/${o.rate.den}`, '-strict', '-1', '-y', '-f', 'yuv4mpegpipe', file]
        : ['-f', 'null', '-']),
    ];
    const r = await runTool(o.ffmpeg, args, {
      purpose: 'probe',
      signal: o.signal,
      collectStdout: false,
      onStdoutLine: (line) => parsed.addLine(line),
    });
    if (r.canceled) throw new VqError('CANCELED', 'Scene detection was canceled.');
    if (r.code !== 0) {
      throw new VqError(
        'FFMPEG_FAILED',
        `Scene detection of ${o.input} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      );
    }
    const dense = parsed.dense(method === 'select' ? SELECT_TO_SCDET : 1);
    for (let i = Math.max(1, st.start - from); i < dense.length; i++)
      scores.set(from + i, dense[i]!);
    if (file) kept.push({ file, first: from });
  }
  return { method, scores, kept };
}

/** The frame indices (ascending, never 0) where a new scene starts: every frame at or over `threshold`. */
export async function detectSceneCuts(
  o: SceneScoreOptions & { threshold?: number },
): Promise<number[]> {
  cutsAbove([], o.threshold); // a bad threshold fails before the decode
  return cutsAbove((await measureSceneScores(o)).scores, o.threshold);
}

/** The filter chain that prints every frame's scene score to stdout. */
export function sceneFilter(method: SceneMethod): string {
  return method === 'scdet'
    ? 'scdet=sc_pass=0,metadata=mode=print:key=lavfi.scd.score:file=-'
    : 'select=gte(scene\\,0),metadata=mode=print:key=lavfi.scene_score:file=-';
}

/**
 * Collects `metadata=print` output: a `frame:N pts:… pts_time:…` line, then the score's
 * `key=value` line for that frame.
 */
export class SceneScores {
  private frame: number | null = null;
  private readonly scores = new Map<number, number>();

  /** Adds one output line; anything else is ignored. */
  addLine(line: string): void {
    const head = /^frame:\s*(\d+)\s/.exec(line + ' ');
    if (head) {
      this.frame = Number(head[1]);
      return;
    }
    const score = /^lavfi\.(?:scd\.score|scene_score)=([0-9.]+(?:e[-+]?\d+)?)\s*$/i.exec(line);
    if (score && this.frame !== null) this.scores.set(this.frame, Number(score[1]));
  }

  /** Frames seen so far. */
  get frames(): number {
    return this.scores.size;
  }

  /** The frames (ascending, not the first) scoring at least `threshold` in the filter's scale. */
  cuts(threshold: number): number[] {
    return cutsAbove(this.dense(1), threshold);
  }

  /** Every frame's score times `scale`, frame 0 up to the last seen (a frame never printed is 0). */
  dense(scale: number): Float32Array {
    let last = -1;
    for (const f of this.scores.keys()) if (f > last) last = f;
    const out = new Float32Array(last + 1);
    for (const [f, s] of this.scores) if (f > 0) out[f] = s * scale;
    return out;
  }
}

const scdetByBinary = new Map<string, boolean>();

/**
 * True when this ffmpeg has the scdet filter (ffmpeg 4.4 and later). A clear answer is kept per
 * binary; a check that could not run answers false (select works everywhere) and is asked again.
 */
export async function hasScdet(ffmpeg: string, signal?: AbortSignal): Promise<boolean> {
  const known = scdetByBinary.get(ffmpeg);
  if (known !== undefined) return known;
  const r = await runTool(ffmpeg, ['-hide_banner', '-h', 'filter=scdet'], {
    purpose: 'toolchain check',
    signal,
    timeoutMs: 15_000,
  });
  if (r.code !== 0) return false;
  const has = /^Filter scdet\b/m.test(r.stdout);
  scdetByBinary.set(ffmpeg, has);
  return has;
}
