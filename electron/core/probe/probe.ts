/**
 * probeFile: pre-checks, one ffprobe run for the container and stream facts, and (by default) a
 * packet pass that counts frames and catches files cut off after an intact index.
 */
import { open } from 'node:fs/promises';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import { fileInputArgs } from '../../../shared/ffmpegInput';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { runTool, type RunResult } from '../ffmpeg/process';
import { buildMediaInfo, pickVideoStream } from './build';
import { checkInputFile } from './checkInput';
import {
  classifyProbeFailure,
  mentionsTruncation,
  sniffContainer,
  truncatedError,
  type ContainerMagic,
} from './classify';
import { rawFrameBytes, toPositive } from './facts';
import { runPacketPass, type PacketSummary } from './packets';
import { FfprobeOutputSchema, type FfprobeOutput } from './schema';

/** Options of {@link probeFile}. */
export interface ProbeOptions {
  /** The ffprobe binary to run. */
  ffprobe: string;
  /** Geometry of headerless raw video; required for .yuv and friends. */
  raw?: RawVideoSpec;
  signal?: AbortSignal;
  /**
   * Read every packet of the video stream (default true): counts frames when the container does
   * not, detects VFR from timestamps, and detects data cut off after an intact index. This reads
   * the whole file (no decoding); without it only the last second is read to check for cuts.
   */
  countFrames?: boolean;
}

/** A header read and stream listing should be quick; a stall means a hung network drive. */
const HEADER_TIMEOUT_MS = 60_000;
/** Reading every packet is I/O bound: 15 minutes is ~90 GB at 100 MB/s. */
const PACKET_TIMEOUT_MS = 15 * 60_000;

/**
 * Input options that keep ffprobe and ffmpeg on local files: no network protocol, even for a
 * resource a file names inside it. Placed before `-i`.
 */
export const LOCAL_ONLY_ARGS = ['-protocol_whitelist', 'file,pipe'] as const;

/**
 * Demuxers that read other files or addresses a file names (playlists, concat lists, session
 * descriptions). A "video" that is one of these could make every later decode read whatever it
 * lists, so the library refuses it; users encode or score the media itself.
 */
const INDIRECT_FORMATS = new Set(['hls', 'applehttp', 'dash', 'concat', 'ffconcat', 'sdp', 'rtp', 'rtsp', 'imf', 'mpegdash', 'avisynth', 'vapoursynth']);

/** Script formats ffmpeg picks by extension on builds that have them: their scripts run code. */
const SCRIPT_EXTENSIONS: Record<string, string> = { '.avs': 'avisynth', '.avsi': 'avisynth', '.vpy': 'vapoursynth' };

/** The indirect format a file's first bytes announce (HLS, ffconcat, SDP), or null. */
export function sniffIndirection(head: Uint8Array): string | null {
  const text = Buffer.from(head).toString('latin1').replace(/^\xef\xbb\xbf/, '').trimStart();
  if (text.startsWith('#EXTM3U')) return 'hls';
  if (text.startsWith('ffconcat version')) return 'ffconcat';
  if (/^v=0\r?\n/.test(text)) return 'sdp';
  return null;
}

/** Throws when the file is a playlist or list of other resources (by its bytes or ffprobe's word). */
export function refuseIndirection(formatName: string | null | undefined, fileName: string): void {
  const names = (formatName ?? '').split(',');
  const hit = names.find((n) => INDIRECT_FORMATS.has(n.trim()));
  if (hit) {
    throw new VqError(
      'NOT_MEDIA',
      `${fileName} is a ${hit} ${hit === 'avisynth' || hit === 'vapoursynth' ? 'script' : 'playlist or list of other files'}, not a video file.`,
      'Open the media file itself (for HLS/DASH, one of its renditions joined into one file).',
    );
  }
}

async function readHead(realPath: string): Promise<Uint8Array> {
  const handle = await open(realPath, 'r');
  try {
    const buf = new Uint8Array(64);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Throws CANCELED for an already-aborted signal. Checked before each run because runTool, given a
 * signal that is already aborted, aborts the child before its 'error' listener exists and the
 * AbortError escapes as an uncaught exception.
 */
function throwIfAborted(signal: AbortSignal | undefined, fileName: string): void {
  if (signal?.aborted) throw new VqError('CANCELED', `Reading ${fileName} was canceled.`);
}

function throwIfStopped(r: RunResult, fileName: string, timeoutMs: number): void {
  if (r.canceled) throw new VqError('CANCELED', `Reading ${fileName} was canceled.`);
  if (r.timedOut) {
    throw new VqError(
      'FFMPEG_FAILED',
      `ffprobe did not finish reading ${fileName} within ${Math.round(timeoutMs / 1000)} s and was stopped.`,
      'The file may be on a slow or disconnected network drive; copy it to a local disk and try again.',
    );
  }
}

/** Parses and validates ffprobe's JSON; a malformed document is an ffprobe problem, not the file's. */
export function parseFfprobeJson(stdout: string): FfprobeOutput {
  let json: unknown;
  try {
    json = JSON.parse(stdout);
  } catch {
    throw new VqError(
      'FFMPEG_FAILED',
      'ffprobe printed output that is not JSON.',
      'Check that the configured ffprobe is a real ffprobe binary (`vq doctor`).',
    );
  }
  const parsed = FfprobeOutputSchema.safeParse(json);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    throw new VqError(
      'FFMPEG_FAILED',
      `ffprobe's output has an unexpected shape (${first ? `${first.path.join('.')}: ${first.message}` : 'invalid'}).`,
      'This ffprobe build may be too old or modified; run `vq doctor` to pick another.',
    );
  }
  return parsed.data;
}

/**
 * True for a file cut after an intact, front-loaded index: the container counts more frames than
 * could be read, and the data read runs to the last byte. ffprobe 5.1 also prints "partial file"
 * then; this catches it where a build stays quiet, without flagging files whose edit list hides
 * samples (their last packet ends before the end of the file).
 */
export function cutAfterIndex(
  nbFrames: number | null,
  packets: Pick<PacketSummary, 'packets' | 'lastEnd'>,
  sizeBytes: number,
): boolean {
  return (
    nbFrames !== null &&
    packets.packets < nbFrames &&
    packets.lastEnd !== null &&
    packets.lastEnd >= sizeBytes
  );
}

/** Reads a media file's container, video and audio facts with ffprobe. */
export async function probeFile(filePath: string, opts: ProbeOptions): Promise<MediaInfo> {
  const absPath = path.resolve(filePath);
  const fileName = path.basename(absPath);
  const raw = opts.raw ?? null;
  const { sizeBytes, realPath } = await checkInputFile(filePath, { raw: opts.raw });
  const ext = path.extname(fileName).toLowerCase();
  // Local files only, even for what a file names inside it (a playlist's http:// segments).
  const inputArgs = [...LOCAL_ONLY_ARGS, ...fileInputArgs(realPath, { raw })];
  const head = raw ? null : await readHead(realPath);
  // A playlist, list of files or script is refused before ffprobe reads anything it names or runs.
  if (head) refuseIndirection(SCRIPT_EXTENSIONS[ext] ?? sniffIndirection(head), fileName);
  const magic: ContainerMagic | undefined = head ? sniffContainer(head) : undefined;
  const failureContext = { sizeBytes, ext, fileName, magic };

  throwIfAborted(opts.signal, fileName);
  const r = await runTool(
    opts.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', ...inputArgs],
    { purpose: 'probe', signal: opts.signal, timeoutMs: HEADER_TIMEOUT_MS },
  );
  throwIfStopped(r, fileName, HEADER_TIMEOUT_MS);
  if (r.code !== 0) throw classifyProbeFailure(r.stderrTail, failureContext);
  // Matroska reports a short file while still exiting 0.
  if (mentionsTruncation(r.stderrTail)) throw classifyProbeFailure(r.stderrTail, failureContext);

  const doc = parseFfprobeJson(r.stdout);
  refuseIndirection(doc.format?.format_name, fileName);
  const vs = pickVideoStream(doc, fileName);
  const codec = vs.codec_name ?? 'unknown';

  let frameBytes: number | null = null;
  if (raw) {
    // Our table where we know the layout, else ffprobe's own: the rawvideo demuxer sets the
    // stream bit rate to frame bytes × 8 × fps.
    const fromRate = toPositive(vs.bit_rate);
    frameBytes =
      rawFrameBytes(raw) ?? (fromRate !== null ? Math.round(fromRate / 8 / raw.fps) : null);
    if (!frameBytes) {
      throw new VqError(
        'RAW_NEEDS_FORMAT',
        `Cannot work out the frame size of ${raw.pixFmt} video.`,
        'Use a common pix_fmt such as yuv420p.',
      );
    }
    if (sizeBytes < frameBytes) {
      throw new VqError(
        'RAW_NEEDS_FORMAT',
        `${fileName} (${sizeBytes} bytes) is smaller than one ${raw.width}x${raw.height} ${raw.pixFmt} frame (${frameBytes} bytes).`,
        'Check the size and pixel format given with --raw WxH:pix_fmt[:fps].',
      );
    }
  }

  let packets: PacketSummary | null = null;
  if (!raw) {
    const nbFrames = toPositive(vs.nb_frames);
    const duration = toPositive(doc.format?.duration) ?? toPositive(vs.duration);
    const full = opts.countFrames !== false;
    // Without a full count, read only the last second: enough to hit the end of a cut file.
    if (full || duration !== null) {
      throwIfAborted(opts.signal, fileName);
      const pass = await runPacketPass({
        ffprobe: opts.ffprobe,
        inputArgs,
        streamIndex: vs.index,
        codec,
        fromSeconds: full ? undefined : Math.max(0, (duration ?? 0) - 1),
        signal: opts.signal,
        timeoutMs: PACKET_TIMEOUT_MS,
      });
      throwIfStopped(pass.result, fileName, PACKET_TIMEOUT_MS);
      if (pass.result.code !== 0)
        throw classifyProbeFailure(pass.result.stderrTail, failureContext);
      if (mentionsTruncation(pass.result.stderrTail)) {
        throw truncatedError(fileName, 'its video data stops part-way through');
      }
      if (full) {
        const s = pass.summary;
        if (cutAfterIndex(nbFrames, s, sizeBytes)) {
          throw truncatedError(
            fileName,
            `only ${s.packets} of its ${nbFrames} video frames are in the file`,
          );
        }
        packets = s;
      }
    }
  }

  return buildMediaInfo({ absPath, sizeBytes, doc, raw, rawFrameBytes: frameBytes, packets });
}
