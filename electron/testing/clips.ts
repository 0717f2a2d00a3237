/** Test helper: short generated clips (lavfi testsrc2) and a few ffprobe facts about outputs. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Ladder, Rung } from '../../shared/ladder';

/** Options of {@link makeClip}. */
export interface ClipOptions {
  width?: number;
  height?: number;
  fps?: number;
  seconds?: number;
  /** Add a sine tone as AAC audio. */
  audio?: boolean;
  /** Sample aspect ratio "N/D" to store (anamorphic sources). */
  sar?: string;
  /** An HDR clip: x265 10-bit, tagged BT.2020 with the PQ or HLG transfer. */
  hdr?: 'pq' | 'hlg';
  name?: string;
}

/**
 * Writes an H.264 clip of testsrc2 (high quality, so rungs have detail; HEVC 10-bit for an HDR
 * clip) and returns its path.
 */
export function makeClip(dir: string, o: ClipOptions = {}): string {
  const { width = 640, height = 360, fps = 30, seconds = 1 } = o;
  const file = path.join(dir, o.name ?? `src-${width}x${height}-${fps}-${seconds}.mp4`);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', `testsrc2=s=${width}x${height}:r=${fps}:d=${seconds}`];
  if (o.audio) args.push('-f', 'lavfi', '-i', `sine=f=440:d=${seconds}`);
  if (o.sar) args.push('-vf', `setsar=${o.sar}`);
  if (o.hdr) {
    const trc = o.hdr === 'pq' ? 'smpte2084' : 'arib-std-b67';
    const x265 = `log-level=error:colorprim=bt2020:transfer=${trc}:colormatrix=bt2020nc:range=limited`;
    args.push('-c:v', 'libx265', '-preset', 'ultrafast', '-crf', '16', '-x265-params', x265, '-pix_fmt', 'yuv420p10le');
    args.push('-color_primaries', 'bt2020', '-color_trc', trc, '-colorspace', 'bt2020nc', '-color_range', 'tv');
  } else {
    args.push('-c:v', 'libx264', '-preset', 'ultrafast', '-crf', '16', '-pix_fmt', 'yuv420p');
  }
  if (o.audio) args.push('-c:a', 'aac', '-shortest');
  args.push(file);
  execFileSync('ffmpeg', args);
  return file;
}

/** Options of {@link makeStill}. */
export interface StillOptions {
  /** Encode with this video codec (e.g. libx264 for a one-frame video); default: by extension. */
  codec?: string;
  /** The ffmpeg binary (default: ffmpeg on PATH). */
  ffmpeg?: string;
}

/**
 * Writes one 320×240 frame of testsrc2 as `name` in `dir` (a JPEG or PNG by its extension, or a
 * one-frame video with `codec`) and returns its path.
 */
export function makeStill(dir: string, name: string, o: StillOptions = {}): string {
  const file = path.join(dir, name);
  const codec = o.codec ? ['-c:v', o.codec] : [];
  execFileSync(o.ffmpeg ?? 'ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=s=320x240', '-frames:v', '1', ...codec, file]);
  return file;
}

/** A rung with quick defaults (x264 ultrafast CRF, 1 s fixed GOP, MP4, no audio). */
export function quickRung(p: Partial<Rung> & { id: string }): Rung {
  return {
    width: null,
    height: 180,
    encoder: 'libx264',
    rateControl: { mode: 'crf', crf: 30 },
    preset: 'ultrafast',
    gopSeconds: 1,
    fixedGop: true,
    pixFmt: 'yuv420p',
    fpsCap: null,
    audio: { mode: 'none' },
    container: 'mp4',
    ...p,
  };
}

/** A ladder of the given rungs. */
export function quickLadder(id: string, rungs: Rung[]): Ladder {
  return { id, name: `Test ${id}`, rungs };
}

/** ffprobe facts of the first video stream. */
export function streamFacts(file: string): { codec: string; width: number; height: number; pixFmt: string; frames: number; rate: string } {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-count_packets', '-show_entries', 'stream=codec_name,width,height,pix_fmt,nb_read_packets,avg_frame_rate', '-of', 'json', file],
    { encoding: 'utf8' },
  );
  const s = (JSON.parse(out) as { streams: Record<string, string | number>[] }).streams[0]!;
  return {
    codec: String(s.codec_name),
    width: Number(s.width),
    height: Number(s.height),
    pixFmt: String(s.pix_fmt),
    frames: Number(s.nb_read_packets),
    rate: String(s.avg_frame_rate),
  };
}

/** Presentation times (s) of the packets flagged as keyframes (works for AV1 too). */
export function keyframeTimes(file: string): number[] {
  const out = execFileSync(
    'ffprobe',
    ['-v', 'error', '-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags', '-of', 'csv=p=0', file],
    { encoding: 'utf8' },
  );
  // Lines look like "0.500000,K__" (pts, flags).
  return out
    .split('\n')
    .map((l) => l.trim().split(','))
    .filter((f) => f[1]?.startsWith('K'))
    .map((f) => Math.round(Number(f[0]) * 1000) / 1000)
    .sort((a, b) => a - b);
}

/**
 * The settings x264 and x265 write into every stream (an SEI message: "options: cabac=1 ref=3 …"
 * or "options: 640x360 fps=30/1 …"), or null when the stream has none.
 */
export function encoderSettings(file: string): string | null {
  const bytes = fs.readFileSync(file);
  const at = bytes.indexOf('options: ');
  if (at < 0) return null;
  // x264 ends the text with a NUL; x265 does not, so stop at the first non-printable byte.
  let end = at;
  while (end < bytes.length && bytes[end]! >= 0x20 && bytes[end]! < 0x7f) end++;
  return bytes.subarray(at, end).toString('latin1');
}

/** MD5 of the video stream's packets (`-c copy -f md5`): equal means bit-identical encodes. */
export function videoMd5(file: string): string {
  return execFileSync('ffmpeg', ['-v', 'error', '-i', file, '-map', '0:v:0', '-c', 'copy', '-f', 'md5', '-'], { encoding: 'utf8' }).trim();
}
