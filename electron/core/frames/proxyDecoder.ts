/**
 * A running decoder of a file's intra proxy (intraProxy.ts): one ffmpeg reading a Matroska stream
 * from stdin, to which the frames wanted are written in any order, so a random frame costs one
 * intra decode and no process start (~30 ms for 1080p where a new ffmpeg alone takes ~70 ms).
 *
 * Each frame is written as a cluster of its own whose timestamp names it (the n-th write at
 * n × 1000 ms), and showinfo reports that timestamp for each picture on stdout, in order, so
 * pictures are named by what ffmpeg says, never by counting. ffmpeg holds the last picture or two
 * until more input comes (its pipeline is that deep; 5.1 holds one, 7.1 two), so after the wanted
 * frame as many following frames of the chunk are written, a depth learned by finding the output
 * stalled; they land in a small ring and serve the next steps.
 */
import type { Writable } from 'node:stream';
import fs, { type FileHandle } from 'node:fs/promises';
import { VqError } from '../../../shared/errors';
import type { HdrDisplay } from '../../../shared/frames';
import { lastLines, runTool } from '../ffmpeg/process';
import type { SessionPixFmt } from './decodeSession';
import { displayFilters } from './hdrDisplay';
import type { ProxyChunk } from './intraProxy';
import { CLUSTER_HEAD_ROOM, clusterInPlace } from './matroska';
import { RawFrameCutter } from './rawFrames';

/** Pictures an ffmpeg may hold back, at most (5.1 holds one, 7.1 two when fed quickly). */
const MAX_DEPTH = 4;
/** No picture for this long while frames wait: the ffmpeg holds one more back than assumed. */
const STALL_MS = 150;
/** A decoder that gives nothing for this long is stopped (the request then decodes the file). */
const STUCK_MS = 5000;
/** Frames written after a served one, for the steps after it. */
const READ_AHEAD = 4;
/** Decoded frames kept for the next steps, in bytes (at least two frames). */
const RING_BYTES = 64 * 1024 * 1024;

// [Parsed_showinfo_1 @ 0x…] n:   3 pts:   3000 …
const SHOWINFO_PTS = /\[Parsed_showinfo_\d+ @[^\]]*\]\s+n:\s*\d+\s+pts:\s*(-?\d+)\b/;

/** What a proxy decoder outputs. */
export interface ProxyDecoderSpec {
  ffmpeg: string;
  /** The Matroska stream's start (the chunks of one file share it). */
  head: Buffer;
  colour: string;
  width: number;
  height: number;
  scaled: boolean;
  pixFmt: SessionPixFmt;
  display: HdrDisplay | null;
}

interface Written {
  seq: number;
  /** Frame number in the file. */
  n: number;
}

/** One ffmpeg decoding proxy frames written to its stdin. */
export class ProxyDecoder {
  readonly frameBytes: number;
  private readonly ringFrames: number;
  private stdin: Writable | null = null;
  private readonly abort = new AbortController();
  private ended = false;
  private error: VqError | null = null;
  private seq = 0;
  /** Frames written whose picture has not come out yet, in order. */
  private readonly inFlight: Written[] = [];
  private readonly names: number[] = [];
  private readonly pictures: Buffer[] = [];
  private readonly cutter: RawFrameCutter;
  private stderrLine = '';
  private wake: (() => void) | null = null;
  private readonly ring = new Map<number, Buffer>();
  private chain: Promise<unknown> = Promise.resolve();
  /** The picture a serve waits for, kept aside from the ring so that nothing evicts it. */
  private waitingSeq = -1;
  private claimed: Buffer | null = null;
  /** Milliseconds between pictures lately (a slow picture is not taken for a stall). */
  private pictureMs = 0;
  private lastPictureAt = 0;
  /** The frame served last (steps read ahead, jumps do not). */
  private lastN = -2;
  /** Frames written after each wanted one to push it out (learned: see {@link STALL_MS}). */
  private depth = 1;
  lastUsed = Date.now();

  constructor(private readonly spec: ProxyDecoderSpec) {
    this.frameBytes = spec.width * spec.height * (spec.pixFmt === 'rgba' ? 4 : 3);
    this.ringFrames = Math.max(2, Math.floor(RING_BYTES / this.frameBytes));
    this.cutter = new RawFrameCutter(this.frameBytes);
    this.start();
  }

  /** True while its ffmpeg runs. */
  get running(): boolean {
    return !this.ended;
  }

  /** Pixels of frame `n` from the ring (no decoding). */
  peek(n: number): Buffer | undefined {
    return this.ring.get(n);
  }

  /** Forgets decoded frames (caches cleared); the process keeps running. */
  clearRing(): void {
    this.ring.clear();
  }

  /** Frame `n` (in `chunk`) decoded from the proxy. Requests are served one at a time. */
  get(chunk: ProxyChunk, n: number, signal?: AbortSignal): Promise<Buffer> {
    this.lastUsed = Date.now();
    const p = this.chain.then(() => this.serve(chunk, n, signal));
    // A step (not a jump): the next frames that way are written too, so that stepping on finds
    // them decoded. After a jump nothing more is queued, so the next jump waits for nothing.
    const step = n === this.lastN + 1 ? 1 : n === this.lastN - 1 ? -1 : 0;
    this.lastN = n;
    this.chain = p.then(
      () => (step ? this.readAhead(chunk, n, step) : undefined),
      () => undefined,
    );
    return p;
  }

  close(): void {
    this.ended = true;
    this.abort.abort();
    this.wake?.();
  }

  /** Writes frame `m` of `chunk` (read from `fh`) to the decoder; returns its sequence number. */
  private async write(fh: FileHandle, chunk: ProxyChunk, m: number): Promise<number> {
    const { offset, length } = chunk.layout.blocks[m - chunk.start]!;
    const room = Buffer.allocUnsafe(CLUSTER_HEAD_ROOM + length);
    const { bytesRead } = await fh.read(room, CLUSTER_HEAD_ROOM, length, offset);
    if (bytesRead !== length) {
      throw new VqError('FFMPEG_FAILED', `The proxy chunk ${chunk.file} is cut short.`);
    }
    if (this.ended || !this.stdin)
      throw new VqError('CANCELED', `Decoding frame ${m} was stopped.`);
    const seq = this.seq++;
    this.inFlight.push({ seq, n: m });
    this.stdin.write(clusterInPlace(room, seq * 1000));
    return seq;
  }

  /**
   * Writes the {@link READ_AHEAD} frames after `n` (before it when stepping back) that are neither
   * decoded nor on their way.
   */
  private async readAhead(chunk: ProxyChunk, n: number, step: 1 | -1): Promise<void> {
    const missing: number[] = [];
    for (let k = 1; k <= READ_AHEAD; k++) {
      const m = n + step * k;
      if (m < chunk.start || m >= chunk.start + chunk.count) break;
      if (!this.ring.has(m) && !this.inFlight.some((w) => w.n === m)) missing.push(m);
    }
    if (missing.length === 0 || this.ended) return;
    const fh = await fs.open(chunk.file, 'r').catch(() => null);
    if (!fh) return;
    try {
      for (const m of missing) await this.write(fh, chunk, m);
    } catch {
      // Not read ahead: the request for it decodes it.
    } finally {
      await fh.close();
    }
  }

  private async serve(chunk: ProxyChunk, n: number, signal?: AbortSignal): Promise<Buffer> {
    const hit = this.ring.get(n);
    if (hit) return hit;
    if (signal?.aborted) throw canceled(n);
    const fh = await fs.open(chunk.file, 'r');
    try {
      // Already on its way (read ahead): wait for it, else write it.
      const wanted = this.inFlight.find((w) => w.n === n)?.seq ?? (await this.write(fh, chunk, n));
      this.waitingSeq = wanted;
      this.claimed = null;
      let next = n + 1;
      const follow = async (): Promise<void> => {
        // The frames after the wanted one (or itself again at the chunk's end).
        await this.write(fh, chunk, next < chunk.start + chunk.count ? next : n);
        next++;
      };
      // Enough frames after it for ffmpeg to let it out.
      const after = (): number => this.inFlight.filter((w) => w.seq > wanted).length;
      while (after() < this.depth) await follow();
      const deadline = Date.now() + STUCK_MS;
      for (;;) {
        const waiting = this.inFlight.some((w) => w.seq === wanted);
        if (!waiting && this.claimed) return this.claimed;
        if (this.error) throw this.error;
        if (!waiting) {
          // Its picture was skipped (a damaged frame): this decoder cannot be trusted.
          this.fail(`the proxy decoder skipped frame ${n}`);
          continue;
        }
        if (this.ended) throw new VqError('CANCELED', `Decoding frame ${n} was stopped.`);
        if (signal?.aborted) throw canceled(n);
        if (Date.now() > deadline) {
          this.fail(`the proxy decoder gave no picture for frame ${n}`);
          continue;
        }
        const stall = Math.max(STALL_MS, 4 * this.pictureMs);
        if (!(await this.waitFor(stall, signal)) && this.depth < MAX_DEPTH && !signal?.aborted) {
          // Nothing came out although frames wait: this ffmpeg holds more pictures back.
          this.depth++;
          await follow();
        }
      }
    } finally {
      this.waitingSeq = -1;
      this.claimed = null;
      await fh.close();
    }
  }

  /** Resolves true when output arrives, false after `ms` without any or when `signal` aborts. */
  private waitFor(ms: number, signal?: AbortSignal): Promise<boolean> {
    return new Promise((resolve) => {
      const done = (arrived: boolean): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.wake = null;
        resolve(arrived);
      };
      const onAbort = (): void => done(false);
      const timer = setTimeout(() => done(false), ms);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => done(true);
    });
  }

  private fail(why: string): void {
    this.error ??= new VqError('FFMPEG_FAILED', `${why}.`);
    this.ring.clear();
    this.close();
  }

  private start(): void {
    const s = this.spec;
    const filters = [
      ...(s.colour ? [s.colour] : []),
      'showinfo=checksum=0',
      ...(s.scaled ? [`scale=${s.width}:${s.height}:flags=bicubic`] : []),
      ...displayFilters(s.display, s.pixFmt),
    ];
    const args = [
      ...['-hide_banner', '-nostats', '-loglevel', 'info'],
      // One decoding thread: frame threads would hold pictures back.
      ...['-threads', '1', '-probesize', '32', '-analyzeduration', '0', '-fpsprobesize', '0'],
      ...['-f', 'matroska', '-i', 'pipe:0', '-map', '0:v:0', '-vsync', 'passthrough'],
      ...['-vf', filters.join(','), '-pix_fmt', s.pixFmt],
      ...['-flush_packets', '1', '-f', 'rawvideo', 'pipe:1'],
    ];
    runTool(s.ffmpeg, args, {
      purpose: 'frame proxy',
      signal: this.abort.signal,
      onStdin: (stdin) => {
        this.stdin = stdin;
        stdin.write(s.head);
      },
      onStdoutData: (chunk) => this.onStdout(chunk),
      onChild: (child) => child.stderr.on('data', (c: Buffer) => this.onStderr(c)),
    })
      .then((r) => {
        if (!r.canceled && !this.error) {
          this.error = new VqError(
            'FFMPEG_FAILED',
            `The proxy decoder stopped: ${lastLines(r.stderrTail, 3)}`,
          );
        }
      })
      .catch((err: unknown) => {
        this.error ??= err instanceof VqError ? err : new VqError('FFMPEG_FAILED', String(err));
      })
      .finally(() => {
        this.ended = true;
        this.wake?.();
      });
  }

  private onStdout(chunk: Buffer): void {
    this.pictures.push(...this.cutter.push(chunk));
    this.match();
  }

  private onStderr(chunk: Buffer): void {
    const lines = (this.stderrLine + chunk.toString('utf8')).split('\n');
    this.stderrLine = lines.pop()!;
    for (const line of lines) {
      const m = SHOWINFO_PTS.exec(line);
      if (m) this.names.push(Number(m[1]));
    }
    this.match();
  }

  /** Names each picture by its showinfo timestamp and files it under its frame number. */
  private match(): void {
    let any = false;
    while (this.names.length > 0 && this.pictures.length > 0) {
      const ts = this.names.shift()!;
      const pixels = this.pictures.shift()!;
      const seq = ts / 1000;
      // Pictures come out in the order written: anything before this one was lost.
      const at = this.inFlight.findIndex((w) => w.seq === seq);
      if (at < 0) {
        this.fail(`the proxy decoder returned a picture nobody asked for (${ts})`);
        return;
      }
      const [w] = this.inFlight.splice(0, at + 1).slice(-1);
      if (seq === this.waitingSeq) this.claimed = pixels;
      const now = Date.now();
      if (this.lastPictureAt)
        this.pictureMs = 0.8 * this.pictureMs + 0.2 * (now - this.lastPictureAt);
      this.lastPictureAt = now;
      this.ring.delete(w!.n);
      this.ring.set(w!.n, pixels);
      while (this.ring.size > this.ringFrames) this.ring.delete(this.ring.keys().next().value!);
      any = true;
    }
    if (any) this.wake?.();
  }
}

function canceled(n: number): VqError {
  return new VqError('CANCELED', `The request for frame ${n} was canceled.`);
}
