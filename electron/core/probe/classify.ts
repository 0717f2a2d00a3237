/**
 * Turns what ffprobe printed on stderr into a typed error a person understands. Pure, so each rule
 * is pinned by a unit test with the exact text ffprobe 5.1 prints.
 */
import { VqError } from '../../../shared/errors';
import { hasVideoExtension } from '../../../shared/media';
import { lastLines } from '../ffmpeg/process';

/** What the first bytes of a file say about its container, from {@link sniffContainer}. */
export type ContainerMagic = 'isobmff' | 'ebml' | 'other';

/** What the classifier knows about the file besides stderr. */
export interface ProbeFailureContext {
  sizeBytes: number;
  /** Lower-case extension with the dot (".mp4"), or "" when there is none. */
  ext: string;
  /** File name for messages; defaults to "The file". */
  fileName?: string;
  /**
   * The container the first bytes announce. ffprobe picks the MP4 demuxer by extension alone, so
   * a text file renamed .mp4 also ends in "moov atom not found": only the magic tells a cut MP4
   * from something that never was one. Unknown (undefined) trusts the message.
   */
  magic?: ContainerMagic;
}

/** ISO-BMFF top-level box types that can open an MP4/MOV file. */
const ISO_BOXES = new Set([
  'ftyp',
  'moov',
  'mdat',
  'free',
  'skip',
  'wide',
  'pnot',
  'uuid',
  'styp',
  'sidx',
  'moof',
]);

/** Names the container announced by a file's first bytes (at least 8 are needed). */
export function sniffContainer(head: Uint8Array): ContainerMagic {
  if (
    head.length >= 4 &&
    head[0] === 0x1a &&
    head[1] === 0x45 &&
    head[2] === 0xdf &&
    head[3] === 0xa3
  ) {
    return 'ebml';
  }
  if (head.length >= 8) {
    const box = String.fromCharCode(head[4]!, head[5]!, head[6]!, head[7]!);
    if (ISO_BOXES.has(box)) return 'isobmff';
  }
  return 'other';
}

/**
 * stderr lines that mean the data stops before the file's own structure says it should. Seen with
 * ffprobe 5.1: MP4 "partial file" (faststart index, cut data), Matroska "File ended prematurely",
 * the generic reader's "Truncating packet" and "End of file".
 */
const TRUNCATION_MARKERS: readonly RegExp[] = [
  /partial file/i,
  /file ended prematurely/i,
  /truncating packet/i,
  /\bend of file\b/i,
  /unexpected end of (file|stream)/i,
];

/** True when stderr (of a run that may have exited 0) says the file is cut off. */
export function mentionsTruncation(stderr: string): boolean {
  return TRUNCATION_MARKERS.some((re) => re.test(stderr));
}

/** The TRUNCATED error for a file whose data ends early. */
export function truncatedError(fileName: string, detail: string, indexMissing = false): VqError {
  return new VqError(
    'TRUNCATED',
    `${fileName} is incomplete: ${detail}. It is probably still downloading or copying, or was cut off.`,
    indexMissing
      ? 'Wait for the download or copy to finish, or get the file again. A recording that stopped ' +
          'early has no index (moov atom); tools such as untrunc can rebuild one from a good file ' +
          'made by the same camera.'
      : 'Wait for the download or copy to finish, or get the file again. To use the part that ' +
          'exists, remux it: ffmpeg -i <file> -c copy <new file>.',
  );
}

/**
 * Maps a failed ffprobe run to a VqError: NOT_MEDIA for data no demuxer accepts, TRUNCATED for a
 * file that stops early (missing MP4 index, short Matroska), NOT_FOUND / PERMISSION_DENIED for
 * races with the pre-checks, RAW_NEEDS_FORMAT for a bad raw pix_fmt, else FFMPEG_FAILED with the
 * last stderr lines.
 */
export function classifyProbeFailure(stderr: string, ctx: ProbeFailureContext): VqError {
  const name = ctx.fileName ?? 'The file';
  const small = ctx.sizeBytes < 4096 ? ` (only ${ctx.sizeBytes} bytes)` : '';

  if (/moov atom not found/i.test(stderr)) {
    if (ctx.magic === 'other') return notMedia(name, ctx.ext);
    return truncatedError(name, `its MP4 index (moov atom) is missing${small}`, true);
  }
  if (/EBML header parsing failed/i.test(stderr)) {
    // The Matroska demuxer is chosen for .mkv/.webm by extension; without the EBML magic the
    // content was never Matroska.
    if (ctx.magic === 'ebml') return truncatedError(name, `its Matroska header is cut off${small}`);
    return notMedia(name, ctx.ext);
  }
  if (mentionsTruncation(stderr)) {
    return truncatedError(name, `the data ends before the container says it should${small}`);
  }
  const pixLine = /^.*(?:No such pixel format|Invalid pixel format).*$/im.exec(stderr);
  if (pixLine) {
    return new VqError(
      'RAW_NEEDS_FORMAT',
      `ffmpeg does not know the pixel format given for ${name}: ${pixLine[0].replace(/^\[[^\]]*\]\s*/, '').trim()}`,
      'Pass --raw WxH:pix_fmt[:fps] with a pix_fmt from `ffmpeg -pix_fmts`, e.g. yuv420p or yuv420p10le.',
    );
  }
  if (/Invalid data found when processing input/i.test(stderr)) {
    if (ctx.magic === 'isobmff' || ctx.magic === 'ebml') {
      return truncatedError(name, `its container header is damaged or cut off${small}`);
    }
    return notMedia(name, ctx.ext);
  }
  if (/No such file or directory/i.test(stderr)) {
    return new VqError(
      'NOT_FOUND',
      `${name} disappeared while it was being read.`,
      'Check that the file still exists.',
    );
  }
  if (/Permission denied/i.test(stderr)) {
    return new VqError(
      'PERMISSION_DENIED',
      `ffprobe may not read ${name}.`,
      'Give your user read permission on the file (and its folders), or copy it somewhere readable.',
    );
  }
  const tail = lastLines(stderr, 3);
  return new VqError(
    'FFMPEG_FAILED',
    `ffprobe could not read ${name}${tail ? `: ${tail}` : '.'}`,
    'Try the file in another player; if it plays, report the ffprobe message above.',
  );
}

function notMedia(name: string, ext: string): VqError {
  // A video extension whose content is something else was renamed or damaged; any other
  // extension (.md, .pdf, .txt) is simply not a video, and saying it "does not look like a .md
  // file" would be wrong.
  const videoExt = ext !== '' && hasVideoExtension(`x${ext}`);
  return new VqError(
    'NOT_MEDIA',
    `${name} is not a video file ffmpeg can read.`,
    videoExt
      ? `Its content does not look like a ${ext} file. Check that it is a video (e.g. .mp4, .mkv, ` +
          '.webm, .mov) and was not renamed from another kind of file.'
      : 'Choose a video file (e.g. .mp4, .mkv, .webm, .mov).',
  );
}
