/**
 * Frame signatures for alignment: one decode of a video, every frame shrunk to a tiny grey picture
 * (16×9 by area averaging, so resolution, compression noise and sharpening hardly move it) and
 * normalised to zero mean and unit length, so brightness and contrast changes do not move it
 * either. Two frames showing the same picture have signatures whose dot product is near 1; a
 * different picture scores clearly less. Frames are read as decoded (`-vsync passthrough`):
 * none is dropped or repeated by ffmpeg, so the n-th signature is the video's n-th frame.
 */
import { VqError } from '../../../shared/errors';
import { createInterface } from 'node:readline';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { RawVideoSpec } from '../../../shared/media';
import { runTool } from '../ffmpeg/process';
import { BARS_FILTERS, barsOf, cropLine, type Box } from './pictureArea';

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
  /** The pixel format it decodes to (the probe's), when known. */
  pixFmt?: string | null;
  /** Look for black bars in the same decode (pictureArea.ts): the size the video decodes to. */
  findBars?: { width: number; height: number } | null;
  signal?: AbortSignal;
}

/** Decodes `input` once and returns a signature per frame. */
export async function computeSignatures(o: SignatureOptions): Promise<Signatures> {
  const { count, levels } = await decodeLevels(o);
  return { count, data: normalise(levels, count) };
}

/** What one decode gives: every frame's 16×9 grey levels, and the bars when looked for. */
export interface DecodedLevels {
  count: number;
  levels: Uint8Array;
  /** The picture area inside black bars, or null (none, or not looked for). */
  bars: Box | null;
}

/** The grey levels of every frame's 16×9 picture, as one decode gives them (and the bars). */
export async function decodeLevels(o: SignatureOptions): Promise<DecodedLevels> {
  const frameBytes = SIGNATURE_DIMS;
  const chunks: Buffer[] = [];
  let bytes = 0;
  const shrink = [
    o.crop ? `crop=${o.crop.width}:${o.crop.height}:${o.crop.x}:${o.crop.y}` : null,
    // A YUV or grey video: its luma plane alone (what a signature is made of), so no chroma is
    // scaled for nothing (8 % of the decode's time at 1080p); any other is made grey by swscale.
    hasLumaPlane(o.pixFmt)
      ? `extractplanes=y,scale=${SIGNATURE_WIDTH}:${SIGNATURE_HEIGHT}:flags=area,format=gray`
      : `scale=${SIGNATURE_WIDTH}:${SIGNATURE_HEIGHT}:flags=area,format=gray`,
  ]
    .filter((f): f is string => f !== null)
    .join(',');
  const graph = o.findBars
    ? `[0:v:0]split=2[s][b];[s]${shrink}[sig];[b]${BARS_FILTERS}`
    : `[0:v:0]${shrink}[sig]`;
  const args = [
    // cropdetect reports its box at the info level.
    ...['-hide_banner', '-nostdin', '-nostats', '-loglevel', o.findBars ? 'info' : 'error'],
    // The in-loop deblocking filter skipped (H.264, HEVC): 8 % less decode time, and a 16×9
    // average of a picture does not see the edges it would smooth.
    ...['-skip_loop_filter', 'all'],
    ...fileInputArgs(o.input, { raw: o.raw }),
    ...['-filter_complex', graph, '-map', '[sig]'],
    // Every decoded frame once (-fps_mode's older name, which every supported release reads).
    ...['-vsync', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
  ];
  let box: Box | null = null;
  // The process can end before its last stderr lines are read: wait for the reader too.
  let stderrRead: Promise<void> = Promise.resolve();
  const r = await runTool(o.ffmpeg, args, {
    purpose: 'alignment',
    signal: o.signal,
    onStdoutData: (chunk) => {
      chunks.push(chunk);
      bytes += chunk.length;
    },
    onChild: o.findBars
      ? (child) => {
          const lines = createInterface({ input: child.stderr });
          lines.on('line', (line) => {
            box = cropLine(line) ?? box;
          });
          stderrRead = new Promise((resolve) => lines.once('close', resolve));
        }
      : undefined,
  });
  await stderrRead;
  if (r.canceled) throw new VqError('CANCELED', 'Reading the frames for alignment was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffmpeg could not decode ${o.input} for alignment (exit ${r.code ?? r.signal}): ${lastErrorLines(r.stderrTail)}`,
      'Check that the file plays; a damaged file cannot be aligned.',
    );
  }
  const all = Buffer.concat(chunks, bytes);
  const count = Math.floor(all.length / frameBytes);
  if (count === 0) {
    throw new VqError('FFMPEG_FAILED', `${o.input} decoded to no video frame.`);
  }
  const bars = o.findBars ? barsOf(box, o.findBars.width, o.findBars.height) : null;
  return { count, levels: all.subarray(0, count * frameBytes), bars };
}

/** True for a pixel format whose first plane is luma (YUV, NV12-like, grey). */
function hasLumaPlane(pixFmt: string | null | undefined): boolean {
  return pixFmt !== null && pixFmt !== undefined && /^(yuvj?\d|nv\d|gray)/.test(pixFmt);
}

/** The last lines of stderr that are not cropdetect's reports: what went wrong. */
function lastErrorLines(stderr: string): string {
  return stderr
    .trim()
    .split('\n')
    .filter((l) => cropLine(l) === null)
    .slice(-3)
    .join(' ');
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
