/**
 * Parses ffmpeg's `-progress pipe:1` output: blocks of key=value lines, each ending with
 * `progress=continue|end`. Pure, so it is tested against real captured output.
 * Note: `out_time_ms` is in microseconds too (a historical misnomer); `out_time_us` is used.
 */

/** One progress block. Unknown values (`N/A`) are null. */
export interface ProgressBlock {
  frame: number | null;
  fps: number | null;
  bitrateKbps: number | null;
  totalSizeBytes: number | null;
  outTimeSeconds: number | null;
  speed: number | null;
  dupFrames: number | null;
  dropFrames: number | null;
  end: boolean;
}

/** Feeds lines in; calls `onBlock` at every `progress=` line with the block it closes. */
export class ProgressParser {
  private current = new Map<string, string>();

  constructor(private readonly onBlock: (block: ProgressBlock) => void) {}

  /** Takes one line of ffmpeg's progress output. */
  push(line: string): void {
    const eq = line.indexOf('=');
    if (eq <= 0) return;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    if (key === 'progress') {
      this.onBlock(toBlock(this.current, value === 'end'));
      this.current = new Map();
    } else {
      this.current.set(key, value);
    }
  }
}

function num(v: string | undefined): number | null {
  if (v === undefined || v === 'N/A' || v === '') return null;
  const n = Number.parseFloat(v);
  return Number.isFinite(n) ? n : null;
}

function toBlock(m: Map<string, string>, end: boolean): ProgressBlock {
  const outUs = num(m.get('out_time_us') ?? m.get('out_time_ms'));
  return {
    frame: num(m.get('frame')),
    fps: num(m.get('fps')),
    bitrateKbps: num(m.get('bitrate')?.replace(/kbits\/s$/, '')),
    totalSizeBytes: num(m.get('total_size')),
    outTimeSeconds: outUs !== null && outUs >= 0 ? outUs / 1e6 : null,
    speed: num(m.get('speed')?.replace(/x$/, '')),
    dupFrames: num(m.get('dup_frames')),
    dropFrames: num(m.get('drop_frames')),
    end,
  };
}

/**
 * Fraction done in [0, 1]. 1 only at `progress=end` (the caller also checks the exit code);
 * before that it is clamped below 1. Frames are used when the duration is unknown.
 */
export function progressFraction(b: ProgressBlock, total: { durationSeconds: number | null; frames: number | null }): number | null {
  if (b.end) return 1;
  let f: number | null = null;
  if (b.outTimeSeconds !== null && total.durationSeconds && total.durationSeconds > 0) f = b.outTimeSeconds / total.durationSeconds;
  else if (b.frame !== null && total.frames && total.frames > 0) f = b.frame / total.frames;
  if (f === null) return null;
  return Math.min(Math.max(f, 0), 0.999);
}

/** Seconds left, from the fraction done and the time spent so far; null until it means something. */
export function etaSeconds(fraction: number | null, elapsedSeconds: number): number | null {
  if (fraction === null || fraction <= 0.01 || elapsedSeconds < 0.5) return null;
  return Math.max(0, (elapsedSeconds * (1 - fraction)) / fraction);
}
