/**
 * The samples of a CRF search joined into one file, the "sample reel": every step of the search
 * encodes it and scores the encode against it, so a step is one encode and one score however many
 * samples there are. Each sample is read with a seek to just before its first frame
 * (media/frameSeek.ts; ffmpeg's accurate seek drops what comes before) and cut to its length by
 * trim, so the reel holds exactly the sample frames, in order.
 *
 * The reel is uncompressed YUV4MPEG when the title's format fits it and the frames fit in
 * {@link Y4M_REEL_MAX_BYTES}: nothing to encode when it is made and nothing to decode at every
 * step (twice a step: the encode's input and the score's reference). Else it is lossless in
 * Matroska: x264 at QP 0 for 8-bit 4:2:0, which encodes and decodes about twice as fast as FFV1;
 * FFV1 for every other format.
 *
 * A reel can also be put together from frames already decoded (the stretches a local scene scan
 * read, sceneScores.ts `keepFrames`): {@link reelFromKept} copies the sample frames out of them,
 * so the title is decoded near each sample once, not twice.
 */
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { VqError } from '../../../shared/errors';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { SampleSpan } from '../../../shared/crfSearch';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekBeforeFrame, type FrameRate } from '../media/frameSeek';

/** How a reel is kept: uncompressed, or losslessly compressed (see the file comment). */
export type ReelCodec = 'y4m' | 'x264' | 'ffv1';

/** Most bytes of uncompressed frames a search keeps in its work folder (the reel and the frames it is cut from). */
export const Y4M_REEL_MAX_BYTES = 4 * 1024 ** 3;

/** Bytes of one picture of each format YUV4MPEG carries, by pixel format (planes at their own size). */
const Y4M_FORMATS: Readonly<
  Record<string, { bytes: number; cx: number; cy: number; planes: number }>
> = {
  yuv420p: { bytes: 1, cx: 2, cy: 2, planes: 3 },
  yuv422p: { bytes: 1, cx: 2, cy: 1, planes: 3 },
  yuv444p: { bytes: 1, cx: 1, cy: 1, planes: 3 },
  yuv420p10le: { bytes: 2, cx: 2, cy: 2, planes: 3 },
  yuv422p10le: { bytes: 2, cx: 2, cy: 1, planes: 3 },
  yuv444p10le: { bytes: 2, cx: 1, cy: 1, planes: 3 },
  gray: { bytes: 1, cx: 1, cy: 1, planes: 1 },
};

/** Bytes of one frame of `pixFmt` in YUV4MPEG, or null when it does not carry that format. */
export function y4mFrameBytes(width: number, height: number, pixFmt: string): number | null {
  const f = Y4M_FORMATS[pixFmt];
  if (!f) return null;
  const chroma = f.planes === 3 ? 2 * Math.ceil(width / f.cx) * Math.ceil(height / f.cy) : 0;
  return (width * height + chroma) * f.bytes;
}

/**
 * The most uncompressed frames the work folder `dir` takes: {@link Y4M_REEL_MAX_BYTES}, or half its
 * disk's free space when that is less (a temporary folder is often in memory).
 */
export async function y4mRoom(dir: string): Promise<number> {
  try {
    const s = await fsp.statfs(dir);
    return Math.min(Y4M_REEL_MAX_BYTES, (s.bavail * s.bsize) / 2);
  } catch {
    return Y4M_REEL_MAX_BYTES;
  }
}

/**
 * How to keep a reel of `frames` frames of this title (see the file comment): uncompressed when its
 * format fits YUV4MPEG, it is SDR (the lossless reel keeps an HDR title's colour tags, YUV4MPEG
 * would not) and `frames` of it fit in `maxBytes`; else lossless, as this ffmpeg can.
 */
export function reelCodecFor(
  media: MediaInfo,
  frames: number,
  o: { hasX264: boolean; maxBytes?: number },
): ReelCodec {
  const v = media.video;
  const bytes = y4mFrameBytes(v.width, v.height, v.pixFmt);
  if (bytes !== null && v.hdr === null && bytes * frames <= (o.maxBytes ?? Y4M_REEL_MAX_BYTES))
    return 'y4m';
  return v.pixFmt === 'yuv420p' && o.hasX264 ? 'x264' : 'ffv1';
}

/** Writes the reel of `spans` of `input` to `out` (.y4m for y4m, else .mkv). */
export async function makeSampleReel(o: {
  ffmpeg: string;
  input: { path: string; raw: RawVideoSpec | null };
  spans: readonly SampleSpan[];
  rate: FrameRate;
  out: string;
  /** Uncompressed, or lossless: x264 (8-bit 4:2:0 only) or FFV1. */
  codec: ReelCodec;
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
    ...(o.codec === 'y4m'
      ? ['-strict', '-1', '-f', 'yuv4mpegpipe'] // 10-bit YUV4MPEG is not an "official" format
      : o.codec === 'x264'
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

/** A YUV4MPEG file's layout: its header line and the size of each frame's record ("FRAME\n" + picture). */
async function y4mLayout(
  file: fs.promises.FileHandle,
): Promise<{ header: Buffer; record: number; frames: number } | null> {
  const head = Buffer.alloc(512);
  const { bytesRead } = await file.read(head, 0, head.length, 0);
  const end = head.subarray(0, bytesRead).indexOf(0x0a);
  if (end < 0 || !head.subarray(0, 10).equals(Buffer.from('YUV4MPEG2 '))) return null;
  const header = Buffer.from(head.subarray(0, end + 1));
  const fields = header.toString('latin1').trim().split(' ').slice(1);
  const field = (k: string): string | undefined =>
    fields.find((f) => f.startsWith(k))?.slice(k.length);
  const width = Number(field('W'));
  const height = Number(field('H'));
  const c = field('C') ?? '420jpeg';
  const pixFmt = c.startsWith('420p10')
    ? 'yuv420p10le'
    : c.startsWith('422p10')
      ? 'yuv422p10le'
      : c.startsWith('444p10')
        ? 'yuv444p10le'
        : c.startsWith('420')
          ? 'yuv420p'
          : c.startsWith('422')
            ? 'yuv422p'
            : c.startsWith('444') && !c.startsWith('444alpha')
              ? 'yuv444p'
              : c === 'mono'
                ? 'gray'
                : null;
  const picture = pixFmt ? y4mFrameBytes(width, height, pixFmt) : null;
  if (!picture) return null;
  const record = FRAME_MARK.length + picture;
  const size = (await file.stat()).size;
  if ((size - header.length) % record !== 0) return null;
  return { header, record, frames: (size - header.length) / record };
}

const FRAME_MARK = Buffer.from('FRAME\n');

/**
 * Puts the reel of `spans` together from frames already decoded: `kept[i].file` is YUV4MPEG holding
 * the title's frames from `kept[i].first` on. Each sample's frames are copied from the one file
 * that holds all of them, every record checked to be a frame. Returns false, writing nothing
 * usable, when a sample is in none of the files or a file is not what it should be; the caller
 * then cuts the reel from the title.
 */
export async function reelFromKept(
  kept: readonly { file: string; first: number }[],
  spans: readonly SampleSpan[],
  out: string,
): Promise<boolean> {
  const files: fs.promises.FileHandle[] = [];
  let target: fs.promises.FileHandle | null = null;
  try {
    for (const k of kept) files.push(await fsp.open(k.file, 'r'));
    target = await fsp.open(out, 'w');
    const layouts = await Promise.all(files.map((f) => y4mLayout(f)));
    let header: Buffer | null = null;
    for (const span of spans) {
      const i = kept.findIndex(
        (k, j) =>
          layouts[j] !== null &&
          span.start >= k.first &&
          span.start + span.frames <= k.first + layouts[j]!.frames,
      );
      if (i < 0) return false;
      const layout = layouts[i]!;
      if (header === null) {
        header = layout.header;
        await target.write(header);
      } else if (!header.equals(layout.header)) return false;
      const record = Buffer.alloc(layout.record);
      for (let f = span.start; f < span.start + span.frames; f++) {
        const at = layout.header.length + (f - kept[i]!.first) * layout.record;
        const { bytesRead } = await files[i]!.read(record, 0, record.length, at);
        if (
          bytesRead !== record.length ||
          !record.subarray(0, FRAME_MARK.length).equals(FRAME_MARK)
        )
          return false;
        await target.write(record);
      }
    }
    return header !== null;
  } finally {
    await target?.close();
    await Promise.all(files.map((f) => f.close()));
  }
}
