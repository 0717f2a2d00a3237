/**
 * Packages an encoded ladder for streaming without re-encoding: each rendition's video (and the
 * ladder's audio, once) is copied by ffmpeg's HLS muxer into CMAF segments (fragmented MP4: an
 * init segment and one `.m4s` per segment), then the segments are measured from their boxes and
 * the playlists written from those measures: `master.m3u8` with a variant per rendition and its
 * media playlists (HLS), and `manifest.mpd` over the same segments (DASH).
 *
 * Nothing a manifest says about a file is trusted: each rendition is probed, its keyframes read
 * from its packets, and renditions whose keyframes do not fall on every segment boundary are
 * refused with the rung and the reason. The package is written in a sibling folder and moved to
 * its place when whole, so a failed or canceled run never leaves a half package under its name.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import {
  averageBitrate,
  checkAlignment,
  dashManifest,
  defaultSegmentSeconds,
  describeGops,
  masterPlaylist,
  mediaPlaylist,
  peakBitrate,
  segmentSeconds as durationsOf,
  type AlignmentProblem,
  type PackageAudio,
  type PackageSegment,
  type PackageSummary,
  type PackageTrack,
  type PackageVariant,
  type RenditionKeyframes,
} from '../../../shared/packaging';
import { VqError } from '../../../shared/errors';
import { runToolChecked } from '../ffmpeg/process';
import { LOCAL_ONLY_ARGS, probeFile } from '../probe/probe';
import { readInit, readMp4Tracks, readSegment } from './mp4Boxes';

/** Audio codecs CMAF carries as they are; others are re-encoded to AAC. */
const COPY_AUDIO = new Set(['aac', 'opus', 'ac3', 'eac3', 'flac']);
/** Bit rate of audio re-encoded to AAC. */
const AAC_KBPS = 128;
/** Segment lengths accepted (seconds). */
export const MIN_SEGMENT_SECONDS = 0.5;
export const MAX_SEGMENT_SECONDS = 60;

/** One rendition to package. */
export interface PackageInput {
  rungId: string;
  path: string;
}

export interface PackageOptions {
  ffmpeg: string;
  ffprobe: string;
  renditions: readonly PackageInput[];
  /** The source the ladder was encoded from, when known (recorded, never read). */
  sourcePath?: string | null;
  outDir: string;
  hls: boolean;
  dash: boolean;
  /** Segment length; by default the GOP multiple nearest 4 s that every rendition allows. */
  segmentSeconds?: number;
  signal?: AbortSignal;
  /**
   * Asked for rungs whose keyframes do not fit the segments, instead of refusing them: writes an
   * aligned re-encode of each into `dir` (inside the package) and returns them with the commands
   * that made them; the rest is checked again. Without it such rungs are refused.
   */
  align?: (
    problems: readonly AlignmentProblem[],
    segmentSeconds: number,
    dir: string,
  ) => Promise<{ rungId: string; path: string; command: string[] }[]>;
  /** Tracks muxed so far of all (the probe and keyframe pass count as the first step). */
  onProgress?: (p: { done: number; total: number; step: string }) => void;
}

/** What packaging needs to know of a rendition before muxing it. */
interface Probed {
  input: PackageInput;
  video: {
    codec: string;
    width: number;
    height: number;
    frameRateText: string | null;
    frameRate: number | null;
  };
  audio: {
    codec: string;
    channels: number | null;
    sampleRate: number | null;
    language: string | null;
  } | null;
  keyframes: RenditionKeyframes;
}

/** Packages the renditions into `outDir` (which must not exist or be empty). */
export async function packageLadder(o: PackageOptions): Promise<PackageSummary> {
  if (!o.hls && !o.dash)
    throw new VqError('INVALID_ARGS', 'Nothing to write: ask for HLS, DASH or both.');
  if (o.renditions.length === 0) {
    throw new VqError('INVALID_ARGS', 'The ladder has no renditions to package.');
  }
  const ids = new Set<string>();
  for (const r of o.renditions) {
    if (ids.has(r.rungId)) throw new VqError('INVALID_ARGS', `Rung "${r.rungId}" is listed twice.`);
    ids.add(r.rungId);
  }
  if (
    o.segmentSeconds !== undefined &&
    !(o.segmentSeconds >= MIN_SEGMENT_SECONDS && o.segmentSeconds <= MAX_SEGMENT_SECONDS)
  ) {
    throw new VqError(
      'INVALID_ARGS',
      `The segment length must be between ${MIN_SEGMENT_SECONDS} and ${MAX_SEGMENT_SECONDS} seconds (got ${o.segmentSeconds}).`,
    );
  }
  const outDir = path.resolve(o.outDir);
  await checkOutDir(outDir);

  const total = o.renditions.length + 2;
  o.onProgress?.({ done: 0, total, step: 'reading keyframes' });
  const probed: Probed[] = [];
  for (const input of o.renditions) probed.push(await probeRendition(o, input));
  const seg = o.segmentSeconds ?? defaultSegmentSeconds(probed.map((p) => p.keyframes));

  // Written next to its place, moved there when whole.
  const work = `${outDir}.part-${process.pid}-${randomUUID().slice(0, 8)}`;
  await fs.mkdir(work, { recursive: true });
  try {
    const commands: string[][] = [];
    let problems = checkAlignment(
      probed.map((p) => p.keyframes),
      seg,
    );
    if (problems.length > 0 && o.align) {
      o.onProgress?.({
        done: 0,
        total,
        step: `re-encoding ${problems.length} rung(s) with aligned GOPs`,
      });
      for (const made of await o.align(problems, seg, path.join(work, 'aligned'))) {
        const at = probed.findIndex((p) => p.input.rungId === made.rungId);
        if (at < 0) continue;
        probed[at] = await probeRendition(o, { rungId: made.rungId, path: made.path });
        commands.push(made.command);
      }
      problems = checkAlignment(
        probed.map((p) => p.keyframes),
        seg,
      );
    }
    if (problems.length > 0) {
      const gops = describeGops(probed.map((p) => p.keyframes));
      throw new VqError(
        'GOPS_MISALIGNED',
        `These renditions cannot be cut into ${seg} s segments: ${problems.map((p) => `rung "${p.rungId}": ${p.reason}`).join('; ')}.` +
          (gops ? ` Their GOPs: ${gops}.` : ''),
        'Encode every rung with a fixed GOP of the same length in seconds (the rung settings "GOP" and "fixed GOP"), choose a segment length that is a multiple of it (--segment-seconds), or let vq package re-encode them aligned (--align).',
      );
    }
    const audioFrom = probed.find((p) => p.audio) ?? null;
    const variants: PackageVariant[] = [];
    for (const [i, p] of probed.entries()) {
      o.onProgress?.({ done: i + 1, total, step: `rung ${p.input.rungId}` });
      const dir = `v${i}`;
      const cmd = await muxTrack(o, p.input.path, path.join(work, dir), seg, 'video');
      commands.push(cmd);
      const track = await measureTrack(path.join(work, dir), dir, seg).catch((err: unknown) => {
        throw new VqError(
          'FFMPEG_FAILED',
          `Rung "${p.input.rungId}": the segments of ${p.input.path} could not be read: ${(err as Error).message}.`,
        );
      });
      variants.push({
        ...track,
        ...p.video,
        rungId: p.input.rungId,
        sourceFile: finalPath(path.resolve(p.input.path), work, outDir),
      });
      checkCuts(p.input.rungId, track, seg, p.keyframes);
    }
    let audio: PackageAudio | null = null;
    if (audioFrom) {
      o.onProgress?.({ done: total - 1, total, step: 'audio' });
      const a = audioFrom.audio!;
      const copy = COPY_AUDIO.has(a.codec);
      const cmd = await muxTrack(
        o,
        audioFrom.input.path,
        path.join(work, 'audio'),
        seg,
        copy ? 'audio' : 'audio-aac',
      );
      commands.push(cmd);
      const track = await measureTrack(path.join(work, 'audio'), 'audio', seg);
      audio = {
        ...track,
        sourceFile: finalPath(path.resolve(audioFrom.input.path), work, outDir),
        codec: copy ? a.codec : 'aac',
        channels: a.channels,
        sampleRate: a.sampleRate,
        language:
          a.language && /^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(a.language) ? a.language : null,
      };
    }
    const durationSeconds = Math.max(
      ...variants.map((v) => durationsOf(v).reduce((a, b) => a + b, 0)),
    );
    const summary: PackageSummary = {
      id: randomUUID(),
      sourcePath: o.sourcePath ?? null,
      segmentSeconds: seg,
      durationSeconds,
      hls: o.hls,
      dash: o.dash,
      variants,
      audio,
      commands,
      createdAt: new Date().toISOString(),
    };
    for (const t of [...variants, ...(audio ? [audio] : [])]) {
      const playlist = path.join(work, t.dir, 'index.m3u8');
      if (o.hls) await fs.writeFile(playlist, mediaPlaylist(t));
      else await fs.rm(playlist, { force: true });
    }
    if (o.hls) await fs.writeFile(path.join(work, 'master.m3u8'), masterPlaylist(summary));
    if (o.dash) await fs.writeFile(path.join(work, 'manifest.mpd'), dashManifest(summary));
    await fs.writeFile(path.join(work, 'package.json'), `${JSON.stringify(summary, null, 2)}\n`);
    // Empty when checked; if anything landed in it meanwhile, it stays and the package does not.
    await fs.rmdir(outDir).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return;
      if (err.code === 'ENOTEMPTY' || err.code === 'EEXIST') {
        throw new VqError(
          'OUTPUT_EXISTS',
          `${outDir} is not empty any more (something was written into it while packaging).`,
          'Choose a new folder for the package.',
        );
      }
      throw err;
    });
    await fs.rename(work, outDir);
    o.onProgress?.({ done: total, total, step: 'done' });
    return summary;
  } catch (err) {
    await fs.rm(work, { recursive: true, force: true }).catch(() => undefined);
    throw err;
  }
}

/** Where a file written inside the work folder (an aligned re-encode) is once the package is in place. */
function finalPath(file: string, work: string, outDir: string): string {
  const rel = path.relative(work, file);
  return rel.startsWith('..') || path.isAbsolute(rel) ? file : path.join(outDir, rel);
}

/** The folder must be new or empty: a package never replaces files it did not make. */
async function checkOutDir(outDir: string): Promise<void> {
  const st = await fs.stat(outDir).catch(() => null);
  if (!st) return;
  if (!st.isDirectory()) {
    throw new VqError(
      'OUTPUT_EXISTS',
      `${outDir} exists and is not a folder.`,
      'Choose another --out.',
    );
  }
  const entries = await fs.readdir(outDir);
  if (entries.length > 0) {
    throw new VqError(
      'OUTPUT_EXISTS',
      `${outDir} is not empty (${entries.length} entr${entries.length === 1 ? 'y' : 'ies'}).`,
      'Choose a new folder for the package, or empty this one.',
    );
  }
}

/**
 * A rendition's streams and keyframes: from its MP4 sample tables when it is a progressive MP4
 * (what `vq encode` writes; no process), else from ffprobe (its streams, then its video packets).
 */
async function probeRendition(o: PackageOptions, input: PackageInput): Promise<Probed> {
  const tracks = await readMp4Tracks(input.path).catch(() => null);
  const video = tracks?.find((t) => t.kind === 'video' && VIDEO_ENTRIES[t.sampleEntry]);
  if (tracks && video && video.keyframes.length > 0) {
    // The first audio track, as ffmpeg's -map 0:a:0 takes it; a codec CMAF does not carry as it
    // is (ALAC, PCM, MP3) is re-encoded to AAC when muxed.
    const a = tracks.find((t) => t.kind === 'audio');
    const rate = video.sampleDelta > 0 ? reduce(video.timescale, video.sampleDelta) : null;
    return {
      input,
      video: {
        codec: VIDEO_ENTRIES[video.sampleEntry]!,
        width: video.width,
        height: video.height,
        frameRateText: rate ? `${rate[0]}/${rate[1]}` : null,
        frameRate: rate ? rate[0] / rate[1] : null,
      },
      audio: a
        ? {
            codec: a.codecs?.startsWith('mp4a.40.')
              ? 'aac'
              : (AUDIO_ENTRIES[a.sampleEntry] ?? a.sampleEntry),
            channels: a.channels,
            sampleRate: a.sampleRate,
            language: a.language === 'und' ? null : languageTag(a.language),
          }
        : null,
      keyframes: {
        rungId: input.rungId,
        keyframes: video.keyframes,
        durationSeconds: video.durationSeconds,
        frameSeconds: video.sampleDelta > 0 ? video.sampleDelta / video.timescale : 1 / 25,
        openGopAt: video.openGopAt,
      },
    };
  }
  const media = await probeFile(input.path, {
    ffprobe: o.ffprobe,
    signal: o.signal,
    countFrames: false,
  });
  if (!Object.values(VIDEO_ENTRIES).includes(media.video.codec)) {
    throw new VqError(
      'UNSUPPORTED',
      `Rung "${input.rungId}": ${input.path} is ${media.video.codec}; CMAF packages carry H.264, HEVC, AV1 or VP9.`,
      'Encode the rung with x264, x265, SVT-AV1, libaom or VP9.',
    );
  }
  const r = await runToolChecked(
    o.ffprobe,
    [
      ...['-v', 'error', ...LOCAL_ONLY_ARGS, '-select_streams', `${media.video.index}`],
      ...['-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', input.path],
    ].map(String),
    { purpose: 'package', signal: o.signal },
  );
  // Packets in decode order: a picture after a keyframe shown before it means an open GOP.
  const pts: number[] = [];
  const keys: number[] = [];
  let lastKey: number | null = null;
  let openAt: number | null = null;
  for (const line of r.stdout.split('\n')) {
    const [t, flags] = line.trim().split(',');
    const v = Number(t);
    if (!t || !Number.isFinite(v)) continue;
    pts.push(v);
    if (flags?.startsWith('K')) {
      keys.push(v);
      lastKey = v;
    } else if (lastKey !== null && keys.length > 1 && openAt === null && v < lastKey) {
      openAt = lastKey;
    }
  }
  if (pts.length === 0) {
    throw new VqError(
      'NO_VIDEO',
      `Rung "${input.rungId}": ${input.path} has no timed video packets.`,
    );
  }
  const first = Math.min(...pts);
  const frameSeconds = media.video.frameRate ? 1 / media.video.frameRate : medianStep(pts);
  const last = Math.max(...pts);
  const v = media.video;
  const a = media.audio[0];
  return {
    input,
    video: {
      codec: v.codec,
      width: v.width,
      height: v.height,
      frameRateText: v.rFrameRate ?? v.avgFrameRate,
      frameRate: v.frameRate,
    },
    audio: a
      ? {
          codec: a.codec,
          channels: a.channels,
          sampleRate: a.sampleRate,
          language: a.language ? languageTag(a.language) : null,
        }
      : null,
    keyframes: {
      rungId: input.rungId,
      keyframes: keys.map((k) => k - first).sort((x, y) => x - y),
      durationSeconds: last - first + frameSeconds,
      frameSeconds,
      openGopAt: openAt === null ? null : openAt - first,
    },
  };
}

/** MP4 sample entries of video packaging copies, by the codec name ffprobe gives them. */
const VIDEO_ENTRIES: Record<string, string> = {
  avc1: 'h264',
  avc3: 'h264',
  hvc1: 'hevc',
  hev1: 'hevc',
  av01: 'av1',
  vp09: 'vp9',
};
/** MP4 sample entries of audio other than mp4a, by ffprobe's codec name. */
const AUDIO_ENTRIES: Record<string, string> = {
  Opus: 'opus',
  'ac-3': 'ac3',
  'ec-3': 'eac3',
  fLaC: 'flac',
};

/** A language code fit for a playlist attribute (BCP 47 letters), else null. */
function languageTag(code: string): string | null {
  if (!/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(code)) return null;
  return ISO639_1[code.toLowerCase()] ?? code;
}

/** ISO 639-2 codes with a two-letter ISO 639-1 form, which BCP 47 (HLS, DASH) prefers. */
// prettier-ignore
const ISO639_1: Record<string, string> = {
  eng: 'en', fra: 'fr', fre: 'fr', deu: 'de', ger: 'de', spa: 'es', ita: 'it', por: 'pt', nld: 'nl',
  dut: 'nl', swe: 'sv', nor: 'no', dan: 'da', fin: 'fi', pol: 'pl', ces: 'cs', cze: 'cs', rus: 'ru',
  ukr: 'uk', tur: 'tr', ell: 'el', gre: 'el', ara: 'ar', heb: 'he', hin: 'hi', jpn: 'ja', kor: 'ko',
  zho: 'zh', chi: 'zh', tha: 'th', vie: 'vi', ind: 'id', hun: 'hu', ron: 'ro', rum: 'ro',
};

/** A fraction in lowest terms. */
function reduce(n: number, d: number): [number, number] {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  const g = gcd(n, d) || 1;
  return [n / g, d / g];
}

function medianStep(pts: number[]): number {
  const s = [...pts].sort((a, b) => a - b);
  const steps = s
    .slice(1)
    .map((v, i) => v - s[i]!)
    .filter((d) => d > 0)
    .sort((a, b) => a - b);
  return steps[Math.floor(steps.length / 2)] ?? 1 / 25;
}

/** Copies one stream of `file` into CMAF segments in `dir` (ffmpeg's HLS muxer, fMP4). */
async function muxTrack(
  o: PackageOptions,
  file: string,
  dir: string,
  seg: number,
  kind: 'video' | 'audio' | 'audio-aac',
): Promise<string[]> {
  await fs.mkdir(dir, { recursive: true });
  const args = [
    ...['-hide_banner', '-nostats', '-loglevel', 'error', ...LOCAL_ONLY_ARGS, '-i', file],
    ...(kind === 'video' ? ['-map', '0:v:0', '-c', 'copy'] : ['-map', '0:a:0']),
    ...(kind === 'audio'
      ? ['-c', 'copy']
      : kind === 'audio-aac'
        ? ['-c:a', 'aac', '-b:a', `${AAC_KBPS}k`]
        : []),
    ...['-f', 'hls', '-hls_time', String(seg), '-hls_playlist_type', 'vod'],
    ...['-hls_segment_type', 'fmp4', '-hls_fmp4_init_filename', 'init.mp4'],
    ...['-hls_segment_filename', path.join(dir, 'seg-%05d.m4s')],
    ...['-hls_flags', 'independent_segments', path.join(dir, 'index.m3u8')],
  ];
  await runToolChecked(o.ffmpeg, args, { purpose: 'package', signal: o.signal });
  return [o.ffmpeg, ...args];
}

/** Measures a muxed track from its files: codec string, timescale, each segment's time and size. */
async function measureTrack(dir: string, name: string, seg: number): Promise<PackageTrack> {
  const init = readInit(await fs.readFile(path.join(dir, 'init.mp4')));
  const files = (await fs.readdir(dir)).filter((f) => /^seg-\d{5,}\.m4s$/.test(f)).sort();
  const segments: PackageSegment[] = [];
  for (const [i, file] of files.entries()) {
    if (file !== `seg-${String(i).padStart(5, '0')}.m4s`) {
      throw new VqError('INTERNAL', `Segment ${i} of ${name} is missing (found ${file}).`);
    }
    const s = await readSegment(path.join(dir, file), init.defaultSampleDuration);
    segments.push({ file, t: s.t, d: s.end - s.t, bytes: s.bytes });
  }
  // A segment lasts until the next one is shown (pictures reordered across a boundary count
  // where they are shown, not where they are stored).
  for (let i = 0; i + 1 < segments.length; i++)
    segments[i]!.d = segments[i + 1]!.t - segments[i]!.t;
  if (segments.length === 0)
    throw new VqError('FFMPEG_FAILED', `ffmpeg wrote no segments for ${name}.`);
  const timed = segments.map((s) => ({ seconds: s.d / init.timescale, bytes: s.bytes }));
  const target = Math.max(1, ...timed.map((s) => Math.round(s.seconds)), Math.round(seg));
  return {
    dir: name,
    codecs: init.codecs,
    timescale: init.timescale,
    segments,
    peakBps: peakBitrate(timed, target),
    averageBps: averageBitrate(timed),
  };
}

/** ffmpeg must have cut at every boundary: each segment but the last lasts the segment length. */
function checkCuts(rungId: string, track: PackageTrack, seg: number, k: RenditionKeyframes): void {
  const durations = durationsOf(track);
  durations.slice(0, -1).forEach((d, i) => {
    if (Math.abs(d - seg) > k.frameSeconds / 2) {
      throw new VqError(
        'GOPS_MISALIGNED',
        `Rung "${rungId}": segment ${i} lasts ${d.toFixed(3)} s, not ${seg} s (ffmpeg could not cut there).`,
      );
    }
  });
}
