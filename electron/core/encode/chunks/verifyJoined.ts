/**
 * Checks a file joined from chunks before it may become a rendition. A chunk that is missing, in
 * twice, cut short or shifted leaves marks a stream copy does not hide: the frame count differs
 * from the title's, presentation times repeat or jump at a join, decode times go back, a chunk
 * does not start on a keyframe, or the decoder complains. Each check reads what ffprobe and
 * ffmpeg report of the file itself; nothing is taken from the chunks' own records.
 *
 * Assumes a constant frame rate (chunks are planned in frames of one): every presentation
 * interval must be the usual one within one tick of the stream's time base (Matroska's
 * millisecond ticks give 33 and 34 ms at 30 fps).
 */
import { VqError } from '../../../../shared/errors';
import { ffmpegInputUrl } from '../../../../shared/ffmpegInput';
import { lastLines, runTool } from '../../ffmpeg/process';

/** Options of {@link verifyJoined}. */
export interface VerifyJoinedOptions {
  ffprobe: string;
  ffmpeg: string;
  /** The joined file. */
  file: string;
  /** Frames of the title (of the rung's output rate). */
  expectedFrames: number;
  /** The first frame of every chunk; each must be a keyframe. */
  boundaries: number[];
  signal?: AbortSignal;
}

/** The verdict on a joined file: ok, or every problem found, in words. */
export type JoinedCheck = { ok: true } | { ok: false; problems: string[] };

/** Problems of one kind listed before "and N more". */
const LISTED = 5;

/** Checks the joined file (see the file comment); throws only when canceled or a tool is missing. */
export async function verifyJoined(o: VerifyJoinedOptions): Promise<JoinedCheck> {
  const timeline = new PacketTimeline();
  const probe = await runTool(
    o.ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'stream=time_base:packet=pts,dts,flags',
      '-of',
      'compact',
      ffmpegInputUrl(o.file),
    ],
    {
      purpose: 'probe',
      signal: o.signal,
      collectStdout: false,
      onStdoutLine: (l) => timeline.addLine(l),
    },
  );
  if (probe.canceled) throw new VqError('CANCELED', 'Checking the joined file was canceled.');
  const problems: string[] = [];
  if (probe.code !== 0) {
    problems.push(`ffprobe cannot read the joined file: ${lastLines(probe.stderrTail, 3)}`);
  } else {
    problems.push(...timeline.problems(o.expectedFrames, o.boundaries));
  }
  const decode = await runTool(
    o.ffmpeg,
    [
      '-hide_banner',
      '-nostdin',
      '-v',
      'error',
      '-i',
      ffmpegInputUrl(o.file),
      '-map',
      '0:v',
      '-map',
      '0:a?',
      '-f',
      'null',
      '-',
    ],
    { purpose: 'probe', signal: o.signal, collectStdout: false },
  );
  if (decode.canceled) throw new VqError('CANCELED', 'Checking the joined file was canceled.');
  if (decode.code !== 0 || decode.stderrTail.trim() !== '') {
    problems.push(
      `Decoding the joined file reports errors: ${lastLines(decode.stderrTail, 3) || `exit ${decode.code ?? decode.signal}`}`,
    );
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
}

/** One video packet as ffprobe lists it. */
interface Packet {
  pts: number | null;
  dts: number | null;
  key: boolean;
}

/**
 * Collects ffprobe's `-of compact` lines (`packet|pts=512|dts=0|flags=K_`, `stream|time_base=1/12800`)
 * and finds what is wrong with the timeline they describe.
 */
export class PacketTimeline {
  private readonly packets: Packet[] = [];
  private timeBase: { num: number; den: number } | null = null;

  /** Adds one output line; other lines are ignored. */
  addLine(line: string): void {
    const [section, ...fields] = line.split('|');
    const f = new Map(fields.map((x) => [x.slice(0, x.indexOf('=')), x.slice(x.indexOf('=') + 1)]));
    if (section === 'packet') {
      this.packets.push({
        pts: int(f.get('pts')),
        dts: int(f.get('dts')),
        key: (f.get('flags') ?? '').startsWith('K'),
      });
    } else if (section === 'stream') {
      const m = /^(\d+)\/(\d+)$/.exec(f.get('time_base') ?? '');
      if (m && Number(m[1]) > 0 && Number(m[2]) > 0)
        this.timeBase = { num: Number(m[1]), den: Number(m[2]) };
    }
  }

  /** Everything wrong with the timeline for a title of `expectedFrames` cut at `boundaries`. */
  problems(expectedFrames: number, boundaries: readonly number[]): string[] {
    const out: string[] = [];
    const n = this.packets.length;
    if (n !== expectedFrames) {
      out.push(
        `The joined file has ${n} frames; the title has ${expectedFrames} (a chunk is missing, in twice or cut short).`,
      );
    }
    if (n === 0) return out;
    if (this.packets.some((p) => p.pts === null)) {
      out.push('Some frames of the joined file have no presentation time.');
      return out;
    }
    const secs = (t: number): string =>
      this.timeBase ? `${round3((t * this.timeBase.num) / this.timeBase.den)} s` : `tick ${t}`;
    // Decode order: each join must continue the decoding timeline, never step back into the last chunk.
    const back = listed(
      this.packets.flatMap((p, i) => {
        const prev = this.packets[i - 1]?.dts;
        return i > 0 && p.dts !== null && prev !== null && prev !== undefined && p.dts <= prev
          ? [`at ${secs(p.dts)}`]
          : [];
      }),
    );
    if (back) out.push(`Decoding times do not increase ${back}.`);
    // Presentation order: frame k is the k-th packet by pts.
    const order = this.packets
      .map((p, i) => ({ pts: p.pts!, key: p.key, i }))
      .sort((a, b) => a.pts - b.pts);
    const intervals = order.slice(1).map((p, k) => p.pts - order[k]!.pts);
    const nominal = median(intervals);
    const same = listed(
      intervals.flatMap((d, k) => (d === 0 ? [`frame ${k + 1} (${secs(order[k]!.pts)})`] : [])),
    );
    if (same) out.push(`Two frames share one presentation time: ${same} (chunks overlap).`);
    if (nominal !== null && nominal > 0) {
      const slack = Math.max(1, nominal * 0.01);
      const odd = listed(
        intervals.flatMap((d, k) =>
          d !== 0 && Math.abs(d - nominal) > slack
            ? [`${round3(d / nominal)} frame intervals after frame ${k} (${secs(order[k]!.pts)})`]
            : [],
        ),
      );
      if (odd) out.push(`Frames are not evenly spaced: ${odd}.`);
    }
    const notKey = listed(
      boundaries.flatMap((b) => {
        if (!Number.isInteger(b) || b < 0 || b >= n) return [`${b} (past the last frame)`];
        return order[b]!.key ? [] : [String(b)];
      }),
    );
    if (notKey) out.push(`A chunk does not start on a keyframe: frame ${notKey}.`);
    return out;
  }
}

/** "a, b, c and 4 more", or null for none. */
function listed(items: string[]): string | null {
  if (items.length === 0) return null;
  const shown = items.slice(0, LISTED).join(', ');
  return items.length > LISTED ? `${shown} and ${items.length - LISTED} more` : shown;
}

function int(v: string | undefined): number | null {
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : null;
}

function median(v: number[]): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
