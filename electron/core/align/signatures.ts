/**
 * Frame signatures for alignment: one decode of a video, every frame shrunk to a tiny grey picture
 * (16×9 by area averaging, so resolution, compression noise and sharpening hardly move it) and
 * normalised to zero mean and unit length, so brightness and contrast changes do not move it
 * either. Two frames showing the same picture have signatures whose dot product is near 1; a
 * different picture scores clearly less. Frames are read as decoded (`-vsync passthrough`):
 * none is dropped or repeated by ffmpeg, so the n-th signature is the video's n-th frame.
 */
import { VqError } from '../../../shared/errors';
import { videoStreamArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { runTool } from '../ffmpeg/process';
import type { Box } from './pictureArea';

/** Width and height of the grey picture a signature is made from. */
export const SIGNATURE_WIDTH = 16;
export const SIGNATURE_HEIGHT = 9;
/** Values per signature. */
export const SIGNATURE_DIMS = SIGNATURE_WIDTH * SIGNATURE_HEIGHT;

/** The signatures of a video's frames, in decode (presentation) order. */
export interface Signatures {
  /** How many frames. */
  count: number;
  /**
   * `count` rows of {@link SIGNATURE_DIMS} values, each row zero-mean and unit length; a flat
   * frame (one grey level: black, a fade) is all zeros.
   */
  data: Float32Array;
}

/** Options of {@link computeSignatures}. */
export interface SignatureOptions {
  ffmpeg: string;
  /** The video, an absolute path. */
  input: string;
  raw?: RawVideoSpec | null;
  /** The picture area to read (bars left out), when the video has bars; else the whole frame. */
  crop?: Box | null;
  signal?: AbortSignal;
}

/** Decodes `input` once and returns a signature per frame. */
export async function computeSignatures(o: SignatureOptions): Promise<Signatures> {
  const { count, levels } = await decodeLevels(o);
  return { count, data: normalise(levels, count) };
}

/** The grey levels of every frame's 16×9 picture, as one decode gives them. */
export async function decodeLevels(
  o: SignatureOptions,
): Promise<{ count: number; levels: Uint8Array }> {
  const frameBytes = SIGNATURE_DIMS;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const args = [
    ...videoStreamArgs(o.input, o.raw),
    // Every decoded frame once (-fps_mode's older name, which every supported release reads).
    '-vsync',
    'passthrough',
    '-vf',
    [
      o.crop ? `crop=${o.crop.width}:${o.crop.height}:${o.crop.x}:${o.crop.y}` : null,
      `scale=${SIGNATURE_WIDTH}:${SIGNATURE_HEIGHT}:flags=area,format=gray`,
    ]
      .filter((f): f is string => f !== null)
      .join(','),
    '-f',
    'rawvideo',
    'pipe:1',
  ];
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'alignment',
    signal: o.signal,
    onStdoutData: (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
    },
  });
  if (r.canceled) throw new VqError('CANCELED', 'Reading the frames for alignment was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode ${o.input} for alignment (exit ${r.code ?? r.signal}): ${r.stderrTail.trim().split('\n').slice(-3).join(' ')}`,
      'Check that the file plays; a damaged file cannot be aligned.',
    );
  }
  const all = Buffer.concat(chunks, bytes);
  const count = Math.floor(all.length / frameBytes);
  if (count === 0) {
    throw new VqError('FFMPEG_FAILED', `${o.input} decoded to no video frame.`);
  }
  return { count, levels: all.subarray(0, count * frameBytes) };
}

/** Spread of levels (root of the summed squared deviations) below which a frame is flat. */
const FLAT_NORM = Math.sqrt(SIGNATURE_DIMS);

/** Each row of grey levels as a zero-mean, unit-length vector (a flat frame stays all zeros). */
export function normalise(levels: Uint8Array, count: number): Float32Array {
  const n = SIGNATURE_DIMS;
  const out = new Float32Array(count * n);
  for (let f = 0; f < count; f++) {
    const at = f * n;
    let mean = 0;
    for (let k = 0; k < n; k++) mean += levels[at + k]!;
    mean /= n;
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const v = levels[at + k]! - mean;
      out[at + k] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    // Nearly one grey level (black, a fade: within a level of flat on average) is flat, not
    // its noise scaled up to a picture.
    if (norm < FLAT_NORM) out.fill(0, at, at + n);
    else for (let k = 0; k < n; k++) out[at + k] = out[at + k]! / norm;
  }
  return out;
}
