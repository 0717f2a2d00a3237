/**
 * A running decoder for one file at one output size and pixel format: one ffmpeg process that
 * seeks once and then writes decoded frames to stdout as raw pixels, so stepping to the next frame
 * reads on from the pipe instead of starting a new ffmpeg and decoding from a keyframe again.
 *
 * Frames are named by their pts: the filter graph is `showinfo, select, showinfo[, scale][, tone
 * map]` (an HDR file's, see hdrDisplay.ts); the first showinfo reports the first decoded frame (to
 * check where the seek landed, see sessionPlan.ts), the second one line per output frame, in the
 * order frames reach stdout, so the k-th line names the k-th frame on stdout. Recently decoded frames stay in a bounded ring, so a
 * step back within it is served from memory. Requests are served one at a time in arrival order;
 * the pipe is paused (ffmpeg waits) once a few frames past the last request are decoded.
 */
import type { ChildProcessByStdio } from 'node:child_process';
import type { Readable } from 'node:stream';
import { VqError } from '../../../shared/errors';
import type { HdrDisplay } from '../../../shared/frames';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekedInputArgs, type FrameIndex } from './frameIndex';
import type { FrameSource } from './frameIndexStore';
import { displayFilters } from './hdrDisplay';
import { RawFrameCutter } from './rawFrames';
import { FROM_START, keyframeAtOrBefore, planSession, type SessionPlan } from './sessionPlan';

/** Raw pixel layout a session writes. */
export type SessionPixFmt = 'rgb24' | 'rgba';

/** What a session decodes. */
export interface SessionSpec {
  source: FrameSource;
  index: FrameIndex;
  /** Output size; `scaled` says whether it comes from a bicubic scale or is the native size. */
  width: number;
  height: number;
  scaled: boolean;
  pixFmt: SessionPixFmt;
  /** How an HDR file is shown (tone-mapped after the scale, see hdrDisplay.ts); none for SDR. */
  display?: HdrDisplay | null;
  /** Bytes of decoded frames to keep (the ring); at least a few frames are always kept. */
  ringBytes: number;
  /** Told about each frame the ring drops (the owner may keep an encoded copy). */
  onEvict?: (n: number, pixels: Buffer) => void;
  /** Told the picture type of each frame decoded (an index from packets does not know them). */
  onType?: (n: number, type: string) => void;
}

/** Frames decoded beyond the last request before the pipe is paused. */
export const PREFETCH_FRAMES = 4;
/** A forward jump this short reads on through the pipe rather than seeking again. */
const FORWARD_READ_MAX = 30;
/** Frames let through before a random jump's target, so a first step back is instant. */
const RANDOM_BEFORE = 2;
/**
 * Frames let through before the target when stepping back needs a new seek; those that do not
 * fit the ring go to `onEvict`.
 */
const BACKWARD_BEFORE = 48;

// [Parsed_showinfo_0 @ 0x…] n:   0 pts:      0 pts_time:0 pos: 48 fmt:yuv420p sar:1/1 s:176x144 …
const SHOWINFO =
  /\[Parsed_showinfo_(\d+) @[^\]]*\]\s+n:\s*\d+\s+pts:\s*(-?\d+|NOPTS)\b.*?\bs:(\d+)x(\d+)(?:.*?\btype:([IPB?]))?/;

interface Run {
  abort: AbortController;
  plan: SessionPlan;
  keysBack: number;
  child: ChildProcessByStdio<null, Readable, Readable> | null;
  /** null until the first decoded frame is seen; false when the seek landed too late. */
  landed: boolean | null;
  lastArrived: number;
  /** True once a request was answered from this run (it is then no longer a bare seek). */
  served: boolean;
  /** Output frames whose showinfo line has come but whose pixels have not, and the reverse. */
  lines: { pts: number | null; width: number; height: number; type: string | undefined }[];
  frames: Buffer[];
  outCount: number;
  cutter: RawFrameCutter;
  stderrLine: string;
  wantUntil: number;
  paused: boolean;
  ended: boolean;
  error: VqError | null;
  wake: (() => void) | null;
}

/** One ffmpeg decoding forward from a seek point, with a ring of its recent frames. */
export class DecodeSession {
  readonly frameBytes: number;
  /** When a request last came; the owner closes idle sessions. */
  lastUsed = Date.now();
  /** Requests queued or being served. */
  pending = 0;
  private readonly ring = new Map<number, Buffer>();
  private readonly ringFrames: number;
  private readonly ptsToIndex: Map<number, number> | null;
  private run: Run | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private lastServed = -1;
  private closed = false;

  constructor(private readonly spec: SessionSpec) {
    this.frameBytes = spec.width * spec.height * (spec.pixFmt === 'rgba' ? 4 : 3);
    this.ringFrames = Math.max(PREFETCH_FRAMES + 4, Math.floor(spec.ringBytes / this.frameBytes));
    this.ptsToIndex = spec.index.seekable
      ? new Map(spec.index.frames.map((f, i) => [f.pts!, i]))
      : null;
  }

  /** The decoded pixels of frame `n` if the ring has them (no decoding). */
  peek(n: number): Buffer | undefined {
    return this.ring.get(n);
  }

  /**
   * True when frame `n` is in the ring, or the running decoder reaches it by reading on a few
   * frames (no new seek).
   */
  canServeSoon(n: number): boolean {
    if (this.ring.has(n)) return true;
    const run = this.run;
    return (
      run !== null &&
      this.canReadForward(run, n) &&
      n - Math.max(run.lastArrived, run.plan.seekKey) <= FORWARD_READ_MAX
    );
  }

  /** True while an ffmpeg process of this session is alive. */
  get running(): boolean {
    return this.run !== null && !this.run.ended;
  }

  /**
   * The pixels of frame `n` (presentation order). Served after the requests before it; an aborted
   * `signal` rejects with CANCELED and, if no request was answered yet by the current seek, stops it.
   * `backward` says the person steps back (the owner knows: some steps are served from its caches),
   * so a new seek also decodes many frames before `n`.
   */
  get(n: number, signal?: AbortSignal, backward = false): Promise<Buffer> {
    if (signal?.aborted) return Promise.reject(canceled(n));
    this.pending++;
    this.lastUsed = Date.now();
    const p = this.chain.then(() => {
      if (signal?.aborted) throw canceled(n);
      if (this.closed) throw new VqError('CANCELED', `Decoding frame ${n} was stopped.`);
      return this.serve(n, signal, backward || this.lastServed === n + 1);
    });
    this.chain = p.catch(() => undefined);
    return p.finally(() => {
      this.pending--;
      this.lastUsed = Date.now();
    });
  }

  /** Stops the decoder and drops the ring. */
  close(): void {
    this.closed = true;
    this.stopRun();
    this.ring.clear();
  }

  /** Stops the decoder but keeps the ring (idle). */
  stopRun(): void {
    const run = this.run;
    this.run = null;
    if (run && !run.ended) run.abort.abort();
    run?.wake?.();
  }

  private async serve(
    n: number,
    signal: AbortSignal | undefined,
    backward: boolean,
  ): Promise<Buffer> {
    const hit = this.ring.get(n);
    if (hit) {
      this.touch(n, hit);
      if (!backward) this.extendPrefetch(n);
      this.lastServed = n;
      return hit;
    }
    let keysBack = 0;
    for (;;) {
      const run = this.run;
      if (!run || !this.canReadForward(run, n)) {
        const before = backward ? BACKWARD_BEFORE : RANDOM_BEFORE;
        this.start(planSession(this.spec.index, n, before, keysBack), keysBack);
      }
      const current = this.run!;
      // After a new seek, stop at the frame: decoding ahead would compete with its encoding for
      // the CPU; the owner's prefetch reads on once the frame is out.
      const ahead = backward || !current.served ? 0 : PREFETCH_FRAMES;
      const outcome = await this.waitFor(current, n, n + ahead, signal);
      if (outcome instanceof Buffer) {
        this.lastServed = n;
        return outcome;
      }
      if (this.closed) throw new VqError('CANCELED', `Decoding frame ${n} was stopped.`);
      if (outcome === 'late' && keysBack < 2) {
        keysBack++;
        continue;
      }
      if (current.error) throw current.error;
      if (keysBack !== FROM_START && current.plan.seekSeconds !== null) {
        // Landed late twice, or the frame did not come out of a seek: decode from the start.
        keysBack = FROM_START;
        continue;
      }
      throw new VqError(
        'FFMPEG_FAILED',
        `ffmpeg returned no picture for frame ${n} of ${this.spec.source.input}.`,
      );
    }
  }

  private canReadForward(run: Run, n: number): boolean {
    if (run.ended || run.landed === false || n < run.plan.selectFrom || n <= run.lastArrived) {
      return false;
    }
    const from = Math.max(run.lastArrived, run.plan.seekKey);
    // Reading on is cheaper whenever a new seek would decode from a keyframe we already passed.
    return keyframeAtOrBefore(this.spec.index, n) <= from || n - from <= FORWARD_READ_MAX;
  }

  private extendPrefetch(n: number): void {
    const run = this.run;
    if (!run || run.ended || n < run.plan.selectFrom || n + FORWARD_READ_MAX < run.lastArrived) {
      return;
    }
    run.wantUntil = Math.max(run.wantUntil, n + PREFETCH_FRAMES);
    this.flow(run);
  }

  /** Waits until frame `n` arrives (reading on until `until`), the run ends, or it landed late. */
  private waitFor(
    run: Run,
    n: number,
    until: number,
    signal: AbortSignal | undefined,
  ): Promise<Buffer | 'late' | 'ended'> {
    run.wantUntil = Math.max(run.wantUntil, until);
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        run.wake = null;
        // A seek nobody waits for any more is stopped; a run that already served keeps its place.
        if (!run.served && this.run === run) this.stopRun();
        reject(canceled(n));
      };
      const check = (): void => {
        const frame = this.ring.get(n);
        let outcome: Buffer | 'late' | 'ended' | null = null;
        if (frame) outcome = frame;
        else if (run.landed === false) outcome = 'late';
        else if (run.ended || this.run !== run || run.lastArrived > n) outcome = 'ended';
        if (outcome === null) return;
        run.wake = null;
        signal?.removeEventListener('abort', onAbort);
        if (outcome instanceof Buffer) run.served = true;
        resolve(outcome);
      };
      run.wake = check;
      signal?.addEventListener('abort', onAbort, { once: true });
      this.flow(run);
      check();
    });
  }

  private start(plan: SessionPlan, keysBack: number): void {
    this.stopRun();
    const s = this.spec;
    const run: Run = {
      abort: new AbortController(),
      plan,
      keysBack,
      child: null,
      landed: plan.seekSeconds === null ? true : null,
      lastArrived: -1,
      served: false,
      lines: [],
      frames: [],
      outCount: 0,
      cutter: new RawFrameCutter(this.frameBytes),
      stderrLine: '',
      wantUntil: plan.selectFrom,
      paused: false,
      ended: false,
      error: null,
      wake: null,
    };
    this.run = run;
    const filters = [
      'showinfo=checksum=0',
      `select=${plan.select}`,
      'showinfo=checksum=0',
      ...(s.scaled ? [`scale=${s.width}:${s.height}:flags=bicubic`] : []),
      ...displayFilters(s.display ?? null, s.pixFmt),
    ];
    const args = [
      ...seekedInputArgs(s.source.input, s.source.raw, plan.seekSeconds, 'info'),
      '-vf',
      filters.join(','),
      '-pix_fmt',
      s.pixFmt,
      '-f',
      'rawvideo',
      '-',
    ];
    runTool(s.source.ffmpeg, args, {
      purpose: 'frame decode',
      signal: run.abort.signal,
      onStdoutData: (chunk) => this.onStdout(run, chunk),
      onChild: (child) => {
        run.child = child;
        child.stderr.on('data', (chunk: Buffer) => this.onStderr(run, chunk));
        if (run.paused) child.stdout.pause();
      },
    })
      .then((r) => {
        if (!r.canceled && r.code !== 0 && run.landed !== false) {
          run.error = new VqError(
            'FFMPEG_FAILED',
            `ffmpeg could not decode ${s.source.input}: ${lastLines(r.stderrTail, 3)}`,
          );
        }
      })
      .catch((err: unknown) => {
        run.error = err instanceof VqError ? err : new VqError('FFMPEG_FAILED', String(err));
      })
      .finally(() => {
        run.ended = true;
        run.wake?.();
      });
  }

  /** Resumes or pauses the pipe: decode until `wantUntil`, then let ffmpeg wait. */
  private flow(run: Run): void {
    const pause = run.lastArrived >= run.wantUntil && run.landed !== null;
    if (pause === run.paused) return;
    run.paused = pause;
    if (!run.child) return;
    if (pause) run.child.stdout.pause();
    else run.child.stdout.resume();
  }

  private onStdout(run: Run, chunk: Buffer): void {
    run.frames.push(...run.cutter.push(chunk));
    this.match(run);
  }

  private onStderr(run: Run, chunk: Buffer): void {
    const text = run.stderrLine + chunk.toString('utf8');
    const lines = text.split('\n');
    run.stderrLine = lines.pop()!;
    for (const line of lines) {
      const m = SHOWINFO.exec(line);
      if (!m) continue;
      const pts = m[2] === 'NOPTS' ? null : Number(m[2]);
      if (m[1] === '0') {
        const keyPts = this.spec.index.frames[run.plan.seekKey]!.pts!;
        // The first decoded frame must not be later than the keyframe the seek aimed at, and
        // that keyframe must decode as one (a container may flag a picture that is not a
        // random-access point: frames after it would then differ from a sequential decode).
        const late = run.landed === null && (pts === null || pts > keyPts);
        const notKey = run.plan.seekSeconds !== null && pts === keyPts && /\biskey:0\b/.test(line);
        if (run.landed === null) run.landed = !late;
        if ((late || notKey) && run.landed !== false) run.landed = false;
        if (late || notKey) {
          run.abort.abort();
          run.wake?.();
        }
        continue;
      }
      run.lines.push({ pts, width: Number(m[3]), height: Number(m[4]), type: m[5] });
    }
    this.match(run);
  }

  /** Pairs output frames with their showinfo lines, names them and files them in the ring. */
  private match(run: Run): void {
    while (run.lines.length > 0 && run.frames.length > 0) {
      const line = run.lines.shift()!;
      const pixels = run.frames.shift()!;
      const k = run.outCount++;
      if (this.run !== run || run.landed === false) continue;
      const s = this.spec;
      if (!s.scaled && (line.width !== s.width || line.height !== s.height)) {
        // The picture size changed mid-stream: raw frames no longer line up. Stop here.
        run.error = new VqError(
          'UNSUPPORTED',
          `${s.source.input} changes its picture size from ${s.width}x${s.height} to ${line.width}x${line.height}.`,
          'Ask for the frame at a fixed size (width and height).',
        );
        run.abort.abort();
        break;
      }
      const n = this.ptsToIndex
        ? line.pts === null
          ? undefined
          : this.ptsToIndex.get(line.pts)
        : run.plan.selectFrom + k;
      if (n === undefined || n < run.plan.seekKey || n <= run.lastArrived) continue;
      run.lastArrived = n;
      if (line.type) this.spec.onType?.(n, line.type);
      this.touch(n, pixels);
      run.wake?.();
    }
    this.flow(run);
    run.wake?.();
  }

  /** Files a frame as the most recent one in the ring, dropping the oldest beyond its bound. */
  private touch(n: number, pixels: Buffer): void {
    this.ring.delete(n);
    this.ring.set(n, pixels);
    while (this.ring.size > this.ringFrames) {
      const [oldest, px] = this.ring.entries().next().value!;
      this.ring.delete(oldest);
      this.spec.onEvict?.(oldest, px);
    }
  }
}

function canceled(n: number): VqError {
  return new VqError('CANCELED', `The request for frame ${n} was canceled.`);
}
