/**
 * Where a video's picture is inside its frame: black bars (letterbox above and below, pillarbox
 * left and right) found by ffmpeg's cropdetect over the whole video. The bars of a video do not
 * move, so the keyframes are enough and only they are decoded (`-skip_frame nokey`: a few per
 * second at most); a video with too few keyframes to tell is sampled every few frames instead.
 * cropdetect keeps the largest box any frame needs (`reset=0`), so a dark scene never shrinks it.
 */
import { createInterface } from 'node:readline';
import { VqError } from '../../../shared/errors';
import { videoStreamArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import type { PictureBox } from '../../../shared/score';
import { runTool } from '../ffmpeg/process';

/** A rectangle of a frame, in pixels. */
export type Box = PictureBox;

/** Options of {@link detectPictureArea}. */
export interface PictureAreaOptions {
  ffmpeg: string;
  input: string;
  raw?: RawVideoSpec | null;
  /** The frame size the video decodes to. */
  width: number;
  height: number;
  signal?: AbortSignal;
}

/**
 * cropdetect's threshold as a share of white (24 of 255, its default for 8 bits, for every bit
 * depth: a share is scaled to the depth by every release since 4.1), even sizes (chroma), and
 * the box of all frames.
 */
const CROPDETECT = 'cropdetect=limit=0.094:round=2:reset=0';
/** Keyframes needed before their box is trusted; fewer, and frames are sampled instead. */
const MIN_SAMPLES = 3;
/** The sampled fallback looks at every this-many-th frame. */
const SAMPLE_EVERY = 5;
/** Bars thinner than this share of the frame on each side are read as no bars (edge noise). */
const MIN_BAR_SHARE = 0.01;

/** Releases whose cropdetect takes `skip` (5.0 and later skip 2 frames unless told): by path. */
const takesSkip = new Map<string, boolean>();

/**
 * The picture area of a video, or null when the picture fills the frame (no bars thicker than
 * 1 % of a side; a video that is all black has none either).
 */
export async function detectPictureArea(o: PictureAreaOptions): Promise<Box | null> {
  let found = await cropdetect(o, true);
  if (found.samples < MIN_SAMPLES) found = await cropdetect(o, false);
  return barsOf(found.box, o.width, o.height);
}

/** The box cropdetect ends with, and how many frames it looked at. */
async function cropdetect(
  o: PictureAreaOptions,
  keyframesOnly: boolean,
): Promise<{ box: Box | null; samples: number }> {
  const skip = takesSkip.get(o.ffmpeg) ?? true;
  const filter = [
    keyframesOnly ? null : `select=${`not(mod(n\\,${SAMPLE_EVERY}))`}`,
    skip ? `${CROPDETECT}:skip=0` : CROPDETECT,
  ]
    .filter((f): f is string => f !== null)
    .join(',');
  // cropdetect reports each frame's box at the info level.
  const input = videoStreamArgs(o.input, o.raw).map((a, i, all) =>
    all[i - 1] === '-loglevel' ? 'info' : a,
  );
  // -skip_frame applies to the input it precedes: before its -i.
  const at = input.lastIndexOf('-i');
  if (keyframesOnly && at >= 0) input.splice(at, 0, '-skip_frame', 'nokey');
  const args = ['-nostats', ...input, '-vf', filter, '-f', 'null', '-'];
  let box: Box | null = null;
  let samples = 0;
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'alignment',
    signal: o.signal,
    onChild: (child) => {
      createInterface({ input: child.stderr }).on('line', (line) => {
        const m = /crop=(-?\d+):(-?\d+):(-?\d+):(-?\d+)/.exec(line);
        if (!m) return;
        samples++;
        const [width, height, x, y] = m.slice(1).map(Number) as [number, number, number, number];
        box = { x, y, width, height };
      });
    },
  });
  if (r.canceled) throw new VqError('CANCELED', 'Looking for black bars was canceled.');
  if (r.code !== 0 && skip && /skip/.test(r.stderrTail) && /[Oo]ption/.test(r.stderrTail)) {
    // A release before 5.0: no `skip` option, and nothing skipped.
    takesSkip.set(o.ffmpeg, false);
    return cropdetect(o, keyframesOnly);
  }
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not look for black bars in ${o.input} (exit ${r.code ?? r.signal}): ${r.stderrTail.trim().split('\n').slice(-3).join(' ')}`,
      'Check that the file plays; a damaged file cannot be aligned.',
    );
  }
  takesSkip.set(o.ffmpeg, skip);
  return { box, samples };
}

/** The box as bars, or null: none, an empty box (all black), or bars too thin to count. */
export function barsOf(box: Box | null, width: number, height: number): Box | null {
  if (!box || box.width <= 0 || box.height <= 0) return null;
  const x = Math.max(0, box.x);
  const y = Math.max(0, box.y);
  const w = Math.min(box.width, width - x);
  const h = Math.min(box.height, height - y);
  if (w <= 0 || h <= 0) return null;
  const thin = (bar: number, side: number): boolean => bar <= side * MIN_BAR_SHARE;
  const noBars =
    thin(x, width) && thin(width - x - w, width) && thin(y, height) && thin(height - y - h, height);
  return noBars ? null : { x, y, width: w, height: h };
}
