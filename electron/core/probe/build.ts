/**
 * Assembles `MediaInfo` from validated ffprobe output and the packet pass. Pure: no processes, no
 * file system, so the fallbacks (duration, bit rate, frame count, VFR) are testable on fixtures.
 */
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import type {
  AudioStreamInfo,
  MediaInfo,
  RawVideoSpec,
  VideoStreamInfo,
} from '../../../shared/media';
import { bitDepthOf } from '../../../shared/pixfmt';
import { parseRate } from '../../../shared/rawSpec';
import {
  aspectOrNull,
  displayRotation,
  formatLevel,
  hdrOf,
  parseClockDuration,
  rateOrNull,
  ratesDiffer,
  tagValue,
  toNumber,
  toPositive,
  toText,
} from './facts';
import type { PacketSummary } from './packets';
import type { FfprobeOutput, FfprobeStream } from './schema';

/** True for a stream that is a picture to show, not cover art (`disposition.attached_pic`). */
export function isRealVideo(s: FfprobeStream): boolean {
  return s.codec_type === 'video' && toNumber(s.disposition?.['attached_pic']) !== 1;
}

/** Lists a file's streams for messages: "1 audio stream (aac), 1 cover image (mjpeg)". */
export function describeStreams(streams: readonly FfprobeStream[]): string {
  const groups = new Map<string, { n: number; codecs: Set<string> }>();
  for (const s of streams) {
    const kind =
      s.codec_type === 'video' && !isRealVideo(s)
        ? 'cover image'
        : `${s.codec_type ?? 'unknown'} stream`;
    const g = groups.get(kind) ?? { n: 0, codecs: new Set<string>() };
    g.n++;
    if (s.codec_name) g.codecs.add(s.codec_name);
    groups.set(kind, g);
  }
  return [...groups]
    .map(
      ([kind, g]) =>
        `${g.n} ${kind}${g.n > 1 ? 's' : ''}${g.codecs.size ? ` (${[...g.codecs].join(', ')})` : ''}`,
    )
    .join(', ');
}

/** The first real video stream, or NO_VIDEO naming the streams the file does have. */
export function pickVideoStream(doc: FfprobeOutput, fileName: string): FfprobeStream {
  const video = doc.streams.find(isRealVideo);
  if (video) return video;
  const has = doc.streams.length
    ? `it has ${describeStreams(doc.streams)}`
    : 'ffmpeg found no streams in it';
  throw new VqError(
    'NO_VIDEO',
    `${fileName} has no video stream: ${has}.`,
    'Choose a file with video. VQ Studio encodes and scores pictures; audio-only files cannot be used.',
  );
}

/** What {@link buildMediaInfo} needs. */
export interface BuildInput {
  /** Absolute path as the person gave it (symlinks not resolved). */
  absPath: string;
  sizeBytes: number;
  doc: FfprobeOutput;
  raw: RawVideoSpec | null;
  /** Bytes per raw frame (raw input only). */
  rawFrameBytes?: number | null;
  /** The packet pass over the video stream, when it ran. */
  packets: PacketSummary | null;
}

/** Rounds derived (not ffprobe-given) numbers so JSON output stays readable. */
function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** Rounds derived durations to microseconds, the precision ffprobe prints. */
function round6(n: number): number {
  return Math.round(n * 1e6) / 1e6;
}

/** Builds the MediaInfo; throws NO_VIDEO when there is no picture stream. */
export function buildMediaInfo(input: BuildInput): MediaInfo {
  const { doc, raw, packets, sizeBytes } = input;
  const fileName = path.basename(input.absPath);
  const fmt = doc.format ?? {};
  const vs = pickVideoStream(doc, fileName);
  const codec = toText(vs.codec_name) ?? 'unknown';
  const tags: Record<string, string> = {};

  const rFrameRate = rateOrNull(vs.r_frame_rate);
  const avgFrameRate = rateOrNull(vs.avg_frame_rate);
  const frameRate = raw ? raw.fps : (parseRate(avgFrameRate) ?? parseRate(rFrameRate));

  let frameCount: number | null = null;
  let frameCountSource: VideoStreamInfo['frameCountSource'] = null;
  const nbFrames = toPositive(vs.nb_frames);
  const frameBytes = input.rawFrameBytes ?? null;
  if (raw && frameBytes) {
    frameCount = Math.floor(sizeBytes / frameBytes);
    frameCountSource = 'computed';
    const rest = sizeBytes - frameCount * frameBytes;
    if (rest !== 0) {
      tags['rawWarning'] =
        `The file size (${sizeBytes} bytes) is not a whole number of ${raw.width}x${raw.height} ` +
        `${raw.pixFmt} frames (${frameBytes} bytes each): the last ${rest} bytes are ignored. ` +
        'Check the size and pixel format.';
    }
  } else if (nbFrames !== null) {
    frameCount = nbFrames;
    frameCountSource = 'container';
  } else if (packets && packets.frames > 0) {
    frameCount = packets.frames;
    frameCountSource = 'counted';
  }

  const framesOverRate = frameCount !== null && frameRate ? round6(frameCount / frameRate) : null;
  const videoDuration = raw
    ? framesOverRate
    : (toPositive(vs.duration) ??
      parseClockDuration(tagValue(vs.tags, 'DURATION')) ??
      framesOverRate);

  let videoKbps: number | null;
  if (raw && frameBytes) videoKbps = round3((frameBytes * 8 * raw.fps) / 1000);
  else {
    const given = toPositive(vs.bit_rate) ?? toPositive(tagValue(vs.tags, 'BPS'));
    videoKbps =
      given !== null
        ? given / 1000
        : packets && packets.bytes > 0 && videoDuration
          ? round3((packets.bytes * 8) / videoDuration / 1000)
          : null;
  }

  // Interlaced streams report the field rate as r_frame_rate: exactly twice avg is not VFR.
  const rAvg = (parseRate(rFrameRate) ?? 0) / (parseRate(avgFrameRate) ?? 1);
  const fieldRate = Math.abs(rAvg - 2) < 0.001;
  const vfr =
    !raw &&
    ((!fieldRate && ratesDiffer(rFrameRate, avgFrameRate)) || (packets?.intervalsVary ?? false));

  if (!raw && packets && !packets.hasTimestamps && toPositive(fmt.duration) === null && frameRate) {
    tags['timingNote'] =
      `The stream has no timestamps (elementary stream); ffmpeg assumes ${frameRate} fps, ` +
      'so the duration is the frame count divided by that rate.';
  }

  const pixFmt = raw ? raw.pixFmt : (toText(vs.pix_fmt) ?? 'unknown');
  const transfer = toText(vs.color_transfer);
  const video: VideoStreamInfo = {
    index: vs.index,
    codec,
    codecLongName: toText(vs.codec_long_name),
    profile: toText(vs.profile),
    level: formatLevel(codec, toNumber(vs.level)),
    width: raw ? raw.width : (toPositive(vs.width) ?? 0),
    height: raw ? raw.height : (toPositive(vs.height) ?? 0),
    sar: aspectOrNull(vs.sample_aspect_ratio),
    dar: aspectOrNull(vs.display_aspect_ratio),
    rotation: displayRotation(vs.side_data_list, vs.tags),
    pixFmt,
    bitDepth: bitDepthOf(pixFmt),
    rFrameRate: raw ? (rFrameRate ?? String(raw.fps)) : rFrameRate,
    avgFrameRate,
    frameRate,
    vfr,
    frameCount,
    frameCountSource,
    durationSeconds: videoDuration,
    bitrateKbps: videoKbps,
    colorRange: toText(vs.color_range),
    colorPrimaries: toText(vs.color_primaries),
    colorTransfer: transfer,
    colorMatrix: toText(vs.color_space),
    hdr: hdrOf(transfer),
    fieldOrder: toText(vs.field_order),
    startTimeSeconds: raw ? null : toNumber(vs.start_time),
  };

  const audio: AudioStreamInfo[] = doc.streams
    .filter((s) => s.codec_type === 'audio')
    .map((s) => {
      const kbps = toPositive(s.bit_rate) ?? toPositive(tagValue(s.tags, 'BPS'));
      const language = tagValue(s.tags, 'language');
      return {
        index: s.index,
        codec: toText(s.codec_name) ?? 'unknown',
        channels: toPositive(s.channels),
        channelLayout: toText(s.channel_layout),
        sampleRate: toPositive(s.sample_rate),
        bitrateKbps: kbps !== null ? kbps / 1000 : null,
        // "und" is ISO 639-2 for "undetermined": no language is known.
        language: language && language !== 'und' ? language : null,
      };
    });

  const durationSeconds = raw ? videoDuration : (toPositive(fmt.duration) ?? videoDuration);
  const givenKbps = raw ? null : toPositive(fmt.bit_rate);
  const bitrateKbps =
    givenKbps !== null
      ? givenKbps / 1000
      : durationSeconds
        ? round3((sizeBytes * 8) / durationSeconds / 1000)
        : null;

  for (const key of ['title', 'encoder', 'creation_time']) {
    // MP4 puts the encoding library on the stream ("Lavc61.3.100 libx264") when the container
    // has none; it is the more useful of the two for an encoding tool.
    const v = tagValue(fmt.tags, key) ?? (key === 'encoder' ? tagValue(vs.tags, key) : null);
    if (v) tags[key] = v;
  }

  return {
    path: input.absPath,
    fileName,
    container: raw ? 'rawvideo' : (toText(fmt.format_name) ?? 'unknown'),
    containerLongName: toText(fmt.format_long_name),
    sizeBytes,
    durationSeconds,
    bitrateKbps,
    startTimeSeconds: toNumber(fmt.start_time),
    video,
    audio,
    raw,
    tags,
  };
}
