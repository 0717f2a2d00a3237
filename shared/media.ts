/** What probe knows about a media file. JSON keys are camelCase; this is also `vq probe --json`. */

/** HDR transfer family of a stream, or null for SDR/unknown. */
export type HdrKind = 'pq' | 'hlg' | null;

/** The video stream facts that matter for encoding and scoring. */
export interface VideoStreamInfo {
  index: number;
  codec: string;
  codecLongName: string | null;
  profile: string | null;
  level: string | null;
  width: number;
  height: number;
  /** Sample aspect ratio as "N:D", null when unset. */
  sar: string | null;
  /** Display aspect ratio as "N:D", null when unset. */
  dar: string | null;
  /** Rotation in degrees from the display matrix or rotate tag (0, 90, 180, 270, or other). */
  rotation: number;
  pixFmt: string;
  bitDepth: number;
  /** r_frame_rate as "N/D". */
  rFrameRate: string | null;
  /** avg_frame_rate as "N/D". */
  avgFrameRate: string | null;
  /** The frame rate as a number (avg, else r). */
  frameRate: number | null;
  /** True when the timestamps say the frame rate varies. */
  vfr: boolean;
  frameCount: number | null;
  /** Where frameCount came from: the container header, or counted packets. */
  frameCountSource: 'container' | 'counted' | 'computed' | null;
  durationSeconds: number | null;
  bitrateKbps: number | null;
  colorRange: string | null;
  colorPrimaries: string | null;
  colorTransfer: string | null;
  colorMatrix: string | null;
  hdr: HdrKind;
  fieldOrder: string | null;
  /**
   * When its first frame is shown, in seconds on the file's clock (the file itself may start
   * earlier, with audio); null when unknown (and absent from probes made before it was read).
   */
  startTimeSeconds?: number | null;
}

/** One audio stream. */
export interface AudioStreamInfo {
  index: number;
  codec: string;
  channels: number | null;
  channelLayout: string | null;
  sampleRate: number | null;
  bitrateKbps: number | null;
  language: string | null;
}

/** Raw (headerless) video needs its geometry from the user: `WxH:pix_fmt[:fps]`. */
export interface RawVideoSpec {
  width: number;
  height: number;
  pixFmt: string;
  fps: number;
}

/** Everything probe reports about a file. */
export interface MediaInfo {
  path: string;
  fileName: string;
  /** ffprobe format name(s), e.g. "mov,mp4,m4a,3gp,3g2,mj2". */
  container: string;
  containerLongName: string | null;
  sizeBytes: number;
  durationSeconds: number | null;
  bitrateKbps: number | null;
  startTimeSeconds: number | null;
  video: VideoStreamInfo;
  audio: AudioStreamInfo[];
  /** Set when the file was read as raw video. */
  raw: RawVideoSpec | null;
  /** Container tags worth showing (title, encoder, creation time). */
  tags: Record<string, string>;
}

/**
 * File extensions (lower case, no dot) of the video files VQ Studio expects: the open dialog's
 * filter, the file browser's "looks like video" mark and the wording of a refusal.
 */
// prettier-ignore
export const VIDEO_EXTENSIONS: readonly string[] = [
  'mp4', 'm4v', 'mov', 'mkv', 'webm', 'avi', 'ts', 'm2ts', 'mts', 'mxf', 'y4m', 'yuv',
  '264', 'h264', '265', 'h265', 'hevc', 'ivf', 'obu', 'flv', 'wmv', 'mpg', 'mpeg', '3gp',
];

/** True for a file name whose extension is one of {@link VIDEO_EXTENSIONS}. */
export function hasVideoExtension(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.');
  return dot > 0 && VIDEO_EXTENSIONS.includes(fileName.slice(dot + 1).toLowerCase());
}

/** Codecs of still pictures: a file of one such frame is a photo or a screenshot, not a video. */
const STILL_CODECS = new Set([
  'mjpeg',
  'png',
  'bmp',
  'tiff',
  'webp',
  'gif',
  'jpeg2000',
  'jpegls',
  'jpegxl',
  'qoi',
]);

/**
 * True for a still image (a JPEG, PNG, …) that ffprobe reads as a one-frame video: the image
 * demuxers (`image2`, `*_pipe`) or a picture codec, and at most one frame. It can be imported and
 * compared, but is no video to encode a ladder from, and a person should be told.
 */
export function isStillImage(media: Pick<MediaInfo, 'container' | 'video'>): boolean {
  const { container, video } = media;
  if (video.frameCount !== null && video.frameCount > 1) return false;
  const imageDemuxer = container === 'image2' || /(^|,)\w+_pipe(,|$)/.test(container);
  return imageDemuxer || (video.frameCount === 1 && STILL_CODECS.has(video.codec));
}

/** What is said about a still image once it is in the library. */
export const STILL_IMAGE_REMARK = 'a still image: imported as a one-frame video';
