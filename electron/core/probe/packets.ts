/**
 * The packet pass: one ffprobe run that lists every packet of the video stream (demux only, no
 * decoding). It counts frames where the container has no count, notices data cut off after an
 * index that is still whole (faststart MP4, Matroska), and gives the timestamps for VFR detection.
 */
import { runTool, type RunResult } from '../ffmpeg/process';
import { intervalsVary, mergeHiddenFrames, toNumber } from './facts';

/** What the packet pass learned about one stream. */
export interface PacketSummary {
  /** Packets read (one per coded frame in every container we know, except hidden VP8/VP9 frames). */
  packets: number;
  /** Displayed frames: packets, with hidden VP8/VP9 frames folded in. */
  frames: number;
  /** Sum of packet sizes in bytes (the stream's bit rate when the container does not say). */
  bytes: number;
  /** The furthest byte any packet ends at, or null when ffprobe gave no positions. */
  lastEnd: number | null;
  /** True when packets carry presentation timestamps (elementary streams have none). */
  hasTimestamps: boolean;
  /** True when the presentation intervals vary (see `intervalsVary`). */
  intervalsVary: boolean;
}

/** Collects `-of compact=p=0` packet lines (`pts=0|duration=41|size=2673|pos=581|flags=K_`). */
export class PacketTally {
  private packets = 0;
  private bytes = 0;
  private lastEnd: number | null = null;
  private readonly pts: number[] = [];

  /** Adds one output line; lines without a packet size (blank, other sections) are ignored. */
  addLine(line: string): void {
    if (!line.includes('size=')) return;
    let size: number | null = null;
    let pos: number | null = null;
    let pts: number | null = null;
    for (const field of line.split('|')) {
      const eq = field.indexOf('=');
      if (eq < 0) continue;
      const key = field.slice(0, eq);
      const value = field.slice(eq + 1);
      if (key === 'size') size = toNumber(value);
      else if (key === 'pos') pos = toNumber(value);
      else if (key === 'pts') pts = toNumber(value);
    }
    if (size === null) return;
    this.packets++;
    this.bytes += size;
    if (pos !== null && pos >= 0) this.lastEnd = Math.max(this.lastEnd ?? 0, pos + size);
    if (pts !== null) this.pts.push(pts);
  }

  /** The summary; `codec` decides whether hidden VP8/VP9 frames are folded in. */
  summary(codec: string): PacketSummary {
    const sorted = [...this.pts].sort((a, b) => a - b);
    // Only trust timestamps when every packet had one; a mix means a broken or odd stream.
    const hasTimestamps = sorted.length > 0 && sorted.length === this.packets;
    const shown =
      hasTimestamps && (codec === 'vp8' || codec === 'vp9') ? mergeHiddenFrames(sorted) : sorted;
    return {
      packets: this.packets,
      frames: hasTimestamps ? shown.length : this.packets,
      bytes: this.bytes,
      lastEnd: this.lastEnd,
      hasTimestamps,
      intervalsVary: hasTimestamps && intervalsVary(shown),
    };
  }
}

/** Options of {@link runPacketPass}. */
export interface PacketPassOptions {
  ffprobe: string;
  /** ffprobe arguments that select the input (`-f rawvideo ...` and `-i url`). */
  inputArgs: readonly string[];
  streamIndex: number;
  codec: string;
  /** Seek here first (`-read_intervals`) to read only the tail of the file. */
  fromSeconds?: number;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Runs the packet pass and returns the summary with the raw process result (stderr, exit). */
export async function runPacketPass(
  opts: PacketPassOptions,
): Promise<{ summary: PacketSummary; result: RunResult }> {
  const tally = new PacketTally();
  const args = [
    '-v',
    'error',
    '-select_streams',
    String(opts.streamIndex),
    ...(opts.fromSeconds !== undefined
      ? ['-read_intervals', `${opts.fromSeconds.toFixed(3)}%`]
      : []),
    '-show_entries',
    'packet=pts,size,pos',
    '-of',
    'compact=p=0',
    ...opts.inputArgs,
  ];
  // Streamed line by line: a two-hour 60 fps file lists ~430k packets, no need to hold the text.
  const result = await runTool(opts.ffprobe, args, {
    purpose: 'probe',
    signal: opts.signal,
    timeoutMs: opts.timeoutMs,
    collectStdout: false,
    onStdoutLine: (line) => tally.addLine(line),
  });
  return { summary: tally.summary(opts.codec), result };
}
