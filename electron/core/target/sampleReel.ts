/**
 * The samples of a CRF search joined into one lossless file in Matroska, the "sample reel"
 * (x264 at QP 0 for 8-bit 4:2:0, which encodes and decodes about twice as fast as FFV1; FFV1 for
 * every other format): every step of the search encodes it and scores the encode against it, so a step is one
 * encode and one score however many samples there are. Each sample is read with a seek to just
 * before its first frame (media/frameSeek.ts; ffmpeg's accurate seek drops what comes before) and
 * cut to its length by trim, so the reel holds exactly the sample frames, in order.
 */
import { VqError } from '../../../shared/errors';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { SampleSpan } from '../../../shared/crfSearch';
import type { RawVideoSpec } from '../../../shared/media';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekBeforeFrame, type FrameRate } from '../media/frameSeek';

/** Writes the reel of `spans` of `input` to `out` (a .mkv path). */
export async function makeSampleReel(o: {
  ffmpeg: string;
  input: { path: string; raw: RawVideoSpec | null };
  spans: readonly SampleSpan[];
  rate: FrameRate;
  out: string;
  /** The lossless codec: x264 (8-bit 4:2:0 only) or FFV1. */
  codec: 'x264' | 'ffv1';
  signal?: AbortSignal;
}): Promise<void> {
  const args = ['-hide_banner', '-nostdin', '-y', '-loglevel', 'error'];
  o.spans.forEach((s) => {
    if (s.start > 0) args.push('-ss', Math.max(0, seekBeforeFrame(s.start, o.rate)).toFixed(6));
    args.push(...fileInputArgs(o.input.path, { raw: o.input.raw }));
  });
  const legs = o.spans.map(
    (s, i) => `[${i}:v:0]trim=end_frame=${s.frames},setpts=PTS-STARTPTS[s${i}]`,
  );
  const graph =
    o.spans.length === 1
      ? legs[0]!.replace('[s0]', '[v]')
      : `${legs.join(';')};${o.spans.map((_, i) => `[s${i}]`).join('')}concat=n=${o.spans.length}:v=1:a=0[v]`;
  args.push(
    // A constant rate, the title's: the frames already are, and the reel must say so (a
    // passed-through Matroska stream says 1000 fps, its clock's).
    ...['-filter_complex', graph, '-map', '[v]', '-r', `${o.rate.num}/${o.rate.den}`],
    ...(o.codec === 'x264'
      ? ['-c:v', 'libx264', '-qp', '0', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p']
      : ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slices', '4', '-slicecrc', '0']),
    o.out,
  );
  const r = await runTool(o.ffmpeg, args, { purpose: 'encode', signal: o.signal });
  if (r.canceled) throw new VqError('CANCELED', 'The CRF search was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Cutting the samples of ${o.input.path} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      'Check that the file plays to its end; the command is in the Activity panel.',
    );
  }
}
