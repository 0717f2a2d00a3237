/**
 * Scene cuts of a title: the frames where a new scene starts, so chunk boundaries can fall where an
 * encoder loses nothing by starting afresh.
 *
 * One decode of the video scores every frame against the one before, with ffmpeg's `scdet` filter
 * where the build has it, else `select`'s `scene` score (every build has it). `metadata=print`
 * writes each frame's score under `frame:N`, the frame's index in decode order (the filter's
 * input count), so a cut is an exact frame index, never a time rounded back to a frame. Both
 * filters compute the same score (the smaller of the mean absolute frame difference and its change
 * from the frame before); scdet gives it as a percentage of the full pixel range, select as
 * 1/100 of an 8-bit level, so select's score × 10000/256 is scdet's and one threshold serves both.
 */
import { VqError } from '../../../../shared/errors';
import { videoStreamArgs } from '../../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../../shared/media';
import { lastLines, runTool } from '../../ffmpeg/process';

/** Which filter scores the frames. */
export type SceneMethod = 'scdet' | 'select';

/** Options of {@link detectSceneCuts}. */
export interface SceneCutOptions {
  ffmpeg: string;
  /** The title, an absolute path. */
  input: string;
  signal?: AbortSignal;
  /** A frame scoring at least this (scdet's scale, 0–100) starts a scene; default 10, scdet's. */
  threshold?: number;
  /** Geometry of headerless raw video; null or absent for a file that says its own. */
  raw?: RawVideoSpec | null;
  /** Force a filter (tests compare both); default scdet when this ffmpeg has it. */
  method?: SceneMethod;
}

/** scdet's default threshold. */
export const DEFAULT_SCENE_THRESHOLD = 10;

/** select's `scene` score (0–1, 1/100 of an 8-bit level) times this is scdet's (0–100 %). */
const SELECT_TO_SCDET = 10000 / 256;

/** The frame indices (ascending, never 0) where a new scene starts. */
export async function detectSceneCuts(o: SceneCutOptions): Promise<number[]> {
  const threshold = o.threshold ?? DEFAULT_SCENE_THRESHOLD;
  if (!(threshold > 0 && threshold <= 100)) {
    throw new VqError(
      'INVALID_ARGS',
      `A scene threshold runs above 0 up to 100, not ${threshold}.`,
    );
  }
  const method = o.method ?? ((await hasScdet(o.ffmpeg, o.signal)) ? 'scdet' : 'select');
  const scores = new SceneScores();
  const args = [...videoStreamArgs(o.input, o.raw), '-vf', sceneFilter(method), '-f', 'null', '-'];
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'probe',
    signal: o.signal,
    collectStdout: false,
    onStdoutLine: (line) => scores.addLine(line),
  });
  if (r.canceled) throw new VqError('CANCELED', 'Scene detection was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Scene detection of ${o.input} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      'Check that the file plays; the command is in the Activity panel.',
    );
  }
  return scores.cuts(method === 'select' ? threshold / SELECT_TO_SCDET : threshold);
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
    return [...this.scores]
      .filter(([frame, s]) => frame > 0 && s >= threshold)
      .map(([frame]) => frame)
      .sort((a, b) => a - b);
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
