/**
 * A small shift of the distorted picture against the reference's (a transcoder's crop or pad off
 * by a few pixels, which costs VMAF points for nothing): a few matched frame pairs read at a
 * working size, every shift within ±{@link MAX_SHIFT} working pixels tried on their luma, the one
 * with the least mean difference refined between pixels, and kept when it beats no shift clearly.
 * It reads the frames again (a decode of each video up to its last sample), so it runs only when
 * asked (`vq align --shift`, scoring with `align: on`).
 */
import { VqError } from '../../../shared/errors';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { runTool } from '../ffmpeg/process';
import type { Box } from './pictureArea';

/** Where the distorted picture sits against the reference's, in reference pixels. */
export interface PictureShift {
  /** The distorted picture shows reference pixel (u, v) at (u + x, v + y). */
  x: number;
  y: number;
}

/** One video to read samples of. */
export interface ShiftInput {
  path: string;
  raw?: RawVideoSpec | null;
  /** Its picture area inside bars, or null for the whole frame. */
  area: Box | null;
}

/** Widest working picture (the reference picture scaled down to it, never up). */
const WORK_WIDTH = 640;
/** Shifts tried, in working pixels, each way. */
const MAX_SHIFT = 8;
/** A shift counts when its mean difference is below this share of no shift's. */
const CLEARLY_BETTER = 0.85;

/**
 * The shift of `distorted` against `reference` over the matched frame pairs given (reference
 * frame, distorted frame), or null when there is none (under half a reference pixel, or not
 * clearly better than none). `refPicture` is the reference picture's size (its area inside bars).
 */
export async function findShift(o: {
  ffmpeg: string;
  reference: ShiftInput;
  distorted: ShiftInput;
  refPicture: { width: number; height: number };
  pairs: readonly { ref: number; dist: number }[];
  signal?: AbortSignal;
}): Promise<PictureShift | null> {
  if (o.pairs.length === 0) return null;
  const width = Math.min(WORK_WIDTH, o.refPicture.width) & ~1;
  const height = Math.max(2, Math.round((width * o.refPicture.height) / o.refPicture.width) & ~1);
  const size = { width, height };
  const [refs, dists] = await Promise.all([
    readGrey(
      o.ffmpeg,
      o.reference,
      o.pairs.map((p) => p.ref),
      size,
      o.signal,
    ),
    readGrey(
      o.ffmpeg,
      o.distorted,
      o.pairs.map((p) => p.dist),
      size,
      o.signal,
    ),
  ]);
  const side = 2 * MAX_SHIFT + 1;
  const costs = new Float64Array(side * side);
  for (const p of o.pairs)
    addShiftCosts(costs, refs.get(p.ref)!, dists.get(p.dist)!, width, height);
  let best = 0;
  for (let c = 1; c < costs.length; c++) if (costs[c]! < costs[best]!) best = c;
  const at = (dx: number, dy: number): number => costs[(dy + MAX_SHIFT) * side + (dx + MAX_SHIFT)]!;
  const bx = (best % side) - MAX_SHIFT;
  const by = Math.floor(best / side) - MAX_SHIFT;
  if (at(bx, by) >= at(0, 0) * CLEARLY_BETTER) return null;
  // Between pixels: the lowest point of a parabola through the best and its neighbours.
  const refine = (minus: number, mid: number, plus: number): number => {
    const bend = minus - 2 * mid + plus;
    return bend > 0 ? Math.max(-0.5, Math.min(0.5, (minus - plus) / (2 * bend))) : 0;
  };
  const fx =
    Math.abs(bx) < MAX_SHIFT ? bx + refine(at(bx - 1, by), at(bx, by), at(bx + 1, by)) : bx;
  const fy =
    Math.abs(by) < MAX_SHIFT ? by + refine(at(bx, by - 1), at(bx, by), at(bx, by + 1)) : by;
  const scale = o.refPicture.width / width;
  const x = Math.round(fx * scale);
  const y = Math.round(fy * (o.refPicture.height / height));
  return x === 0 && y === 0 ? null : { x, y };
}

/**
 * Adds, for each shift (dx, dy), the mean absolute difference between reference pixel (u, v)
 * and distorted pixel (u + dx, v + dy) over the part every shift can see.
 */
function addShiftCosts(
  costs: Float64Array,
  ref: Uint8Array,
  dist: Uint8Array,
  width: number,
  height: number,
): void {
  const side = 2 * MAX_SHIFT + 1;
  const x0 = MAX_SHIFT;
  const x1 = width - MAX_SHIFT;
  const y0 = MAX_SHIFT;
  const y1 = height - MAX_SHIFT;
  const count = Math.max(1, (x1 - x0) * (y1 - y0));
  for (let dy = -MAX_SHIFT; dy <= MAX_SHIFT; dy++) {
    for (let dx = -MAX_SHIFT; dx <= MAX_SHIFT; dx++) {
      let sum = 0;
      for (let v = y0; v < y1; v++) {
        const r = v * width;
        const d = (v + dy) * width + dx;
        for (let u = x0; u < x1; u++) sum += Math.abs(ref[r + u]! - dist[d + u]!);
      }
      const at = (dy + MAX_SHIFT) * side + (dx + MAX_SHIFT);
      costs[at] = costs[at]! + sum / count;
    }
  }
}

/**
 * The luma of frames `frames` of a video (its picture area) at `size`, by frame number: one
 * ffmpeg reading up to the last of them.
 */
async function readGrey(
  ffmpeg: string,
  v: ShiftInput,
  frames: readonly number[],
  size: { width: number; height: number },
  signal?: AbortSignal,
): Promise<Map<number, Uint8Array>> {
  const wanted = [...new Set(frames)].sort((a, b) => a - b);
  for (const f of wanted) {
    if (!Number.isSafeInteger(f) || f < 0) throw new Error(`not a frame number: ${f}`);
  }
  const a = v.area;
  const filters = [
    `select=${wanted.map((f) => `eq(n\\,${f})`).join('+')}`,
    a ? `crop=${a.width}:${a.height}:${a.x}:${a.y}` : null,
    `scale=${size.width}:${size.height}:flags=bicubic`,
    'format=gray',
  ].filter((f): f is string => f !== null);
  const chunks: Buffer[] = [];
  const r = await runTool(
    ffmpeg,
    [
      ...['-hide_banner', '-nostdin', '-loglevel', 'error'],
      ...fileInputArgs(v.path, { raw: v.raw }),
      ...['-filter_complex', `[0:v:0]${filters.join(',')}[o]`, '-map', '[o]'],
      ...['-vsync', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
    ],
    { purpose: 'alignment', signal, onStdoutData: (c) => chunks.push(c) },
  );
  if (r.canceled) throw new VqError('CANCELED', 'Looking for a shift was canceled.');
  const all = Buffer.concat(chunks);
  const bytes = size.width * size.height;
  if (r.code !== 0 || all.length !== bytes * wanted.length) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not read frames ${wanted.join(', ')} of ${v.path} to look for a shift: ${r.stderrTail.trim().split('\n').slice(-2).join(' ') || `${all.length / bytes} of ${wanted.length} frames came back`}`,
    );
  }
  return new Map(
    wanted.map((f, k) => [f, new Uint8Array(all.subarray(k * bytes, (k + 1) * bytes))]),
  );
}
