/**
 * The frame server's work ahead of the person: intra proxy chunks (intraProxy.ts) built in the
 * background for the files open in a viewer, the chunk around the frame last asked for first and
 * the chunks of frames the viewer says are likely next (a chart's worst frames) after it, then the
 * rest of a file whose whole proxy fits half the disk bound; and the proxy decoders
 * (proxyDecoder.ts) that serve frames from them.
 *
 * One chunk is built at a time, at low CPU priority. When nothing is wanted nothing runs: a file
 * that stays open costs no CPU once its chunks are built, and the disk the store's bound allows.
 */
import { VqError } from '../../../shared/errors';
import type { HdrDisplay } from '../../../shared/frames';
import type { SessionPixFmt } from './decodeSession';
import { buildFrameIndex, type FrameIndex } from './frameIndex';
import type { FrameSource } from './frameIndexStore';
import {
  buildChunk,
  chunkFramesFor,
  pictureKey,
  planChunks,
  probePicture,
  ProxyStore,
  type ChunkSpan,
  type ProxyChunk,
} from './intraProxy';
import { ProxyDecoder } from './proxyDecoder';

/** Proxy decoders alive at most (an idle one is an ffmpeg waiting on its stdin: no CPU). */
const MAX_DECODERS = 4;
/** A proxy decoder without requests for this long is stopped. */
const DECODER_IDLE_MS = 60_000;
/** Proxy decoders that failed for one file before its proxy is no longer used. */
const MAX_FAILURES = 3;
/** Files the builder keeps track of (the least recently viewed is forgotten first). */
const MAX_FILES = 32;
/**
 * A file without a proxy (short GOPs, a format the proxy does not store) and at most this many
 * frames gets its picture types named by one decode in the background; a longer one as it is
 * viewed.
 */
const TYPE_SCAN_MAX_FRAMES = 20_000;

interface FileProxy {
  source: FrameSource;
  identity: string;
  index: FrameIndex;
  chunks: ChunkSpan[];
  picture: Promise<{ pixFmt: string; colour: string } | null>;
  built: Map<number, ProxyChunk>;
  /** Chunks not to try again (their build failed or the format has no proxy). */
  refused: Set<number>;
  /** Chunk starts wanted soon, most wanted last. */
  wanted: number[];
  /** The frame last asked for (the rest of the file is built outwards from it). */
  near: number;
  /** Whole file when its proxy fits half the bound; null until the first chunk says. */
  whole: boolean | null;
  failures: number;
  lastUsed: number;
  /** The background decode that names picture types where no proxy build does. */
  typeScan: 'todo' | 'done';
}

/** What a proxy decoder is asked to serve. */
export interface ProxyFrameRequest {
  identity: string;
  n: number;
  size: { width: number; height: number };
  scaled: boolean;
  pixFmt: SessionPixFmt;
  display: HdrDisplay | null;
  signal?: AbortSignal;
}

export class Proxies {
  readonly store: ProxyStore;
  private readonly files = new Map<string, FileProxy>();
  private readonly decoders = new Map<string, ProxyDecoder>();
  private building: AbortController | null = null;
  private pumping = false;
  /** Set when something is wanted while the builder looks for work: it looks again. */
  private dirty = false;
  /** Aborted by close(): stops the picture probes and builds under way. */
  private readonly closing = new AbortController();
  private closed = false;
  /** Resolves when the builder has nothing left to do (tests, benchmarks). */
  private idleWaiters: (() => void)[] = [];
  /** Told when a file's picture types are all named (or no more will be): the index is stored again. */
  onTypesKnown: ((identity: string, index: FrameIndex) => void) | null = null;

  private readonly sweeper: NodeJS.Timeout;

  constructor(cacheDir: string, maxBytes: number) {
    this.store = new ProxyStore(cacheDir, maxBytes);
    // Idle proxy decoders are stopped after a while (an ffmpeg and its memory each).
    this.sweeper = setInterval(() => this.trimDecoders(false), DECODER_IDLE_MS / 4);
    this.sweeper.unref();
  }

  /**
   * Tells the builder a file is being viewed at frame `near` (where it was, or frame 0, when not
   * given): its proxy is planned (once) and the chunk around `near` goes first.
   */
  open(source: FrameSource, identity: string, index: FrameIndex, near?: number): void {
    if (this.closed) return;
    let f = this.files.get(identity);
    if (!f) {
      const chunks = planChunks(index, chunkFramesFor(index, this.store.maxBytes));
      f = {
        source,
        identity,
        index,
        chunks,
        picture: chunks.length
          ? probePicture(source, this.closing.signal).catch(() => null)
          : Promise.resolve(null),
        built: new Map(),
        refused: new Set(),
        wanted: [],
        near: near ?? 0,
        whole: null,
        failures: 0,
        lastUsed: Date.now(),
        typeScan: index.frames.length <= TYPE_SCAN_MAX_FRAMES ? 'todo' : 'done',
      };
      this.files.set(identity, f);
      this.trimFiles();
    }
    if (near !== undefined) f.near = near;
    f.lastUsed = Date.now();
    this.want(f, [f.near]);
  }

  /**
   * True while a file's picture types are still being named in the background (some are '?', and
   * chunks of its whole-file proxy or its type scan are left): a viewer asks again for them.
   */
  typesPending(identity: string): boolean {
    const f = this.files.get(identity);
    if (!f || !f.index.frames.some((fr) => fr.type === '?')) return false;
    if (needsTypeScan(f)) return true;
    if (f.whole === false || f.failures >= MAX_FAILURES) return false;
    return f.chunks.some((c) => !f.built.has(c.start) && !f.refused.has(c.start));
  }

  /** Frames likely to be asked for next (a chart's worst frames): their chunks are built soon. */
  hint(identity: string, frames: readonly number[]): void {
    const f = this.files.get(identity);
    if (f) this.want(f, [...frames].reverse());
  }

  /** Chunks built (or found on disk) for the files open. */
  get builtChunks(): number {
    let n = 0;
    for (const f of this.files.values()) {
      for (const c of f.built.values()) if (this.store.isKept(c.file)) n++;
    }
    return n;
  }

  /** Resolves once no chunk is being built or wanted (tests and benchmarks wait for it). */
  whenIdle(): Promise<void> {
    if (!this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Frame `n` decoded from its proxy chunk, or null when no built chunk covers it yet (the chunk is
   * then wanted first) or the proxy cannot serve it: the caller decodes the file instead.
   */
  async frame(r: ProxyFrameRequest): Promise<Buffer | null> {
    const f = this.files.get(r.identity);
    if (!f || f.failures >= MAX_FAILURES) return null;
    f.lastUsed = Date.now();
    const span = spanOf(f.chunks, r.n);
    if (!span) return null;
    let chunk = f.built.get(span.start) ?? null;
    if (chunk && !this.store.isKept(chunk.file)) {
      // Dropped to keep the store in its bound: built again when wanted.
      f.built.delete(span.start);
      chunk = null;
    }
    chunk ??= await this.store.chunk(f.identity, span);
    if (this.closed) return null;
    if (!chunk) {
      this.want(f, [r.n]);
      return null;
    }
    f.built.set(span.start, chunk);
    const picture = await f.picture;
    if (!picture || this.closed) return null;
    const key = `${f.identity}|${pictureKey(picture, chunk.layout.head)}|${r.size.width}x${r.size.height}|${r.scaled}|${r.pixFmt}|${r.display?.toneMapped ? r.display.transfer : ''}`;
    let decoder = this.decoders.get(key);
    if (!decoder?.running) {
      this.trimDecoders();
      decoder = new ProxyDecoder({
        ffmpeg: f.source.ffmpeg,
        head: chunk.layout.head,
        colour: chunk.colour,
        width: r.size.width,
        height: r.size.height,
        scaled: r.scaled,
        pixFmt: r.pixFmt,
        display: r.display,
      });
      this.decoders.set(key, decoder);
    }
    try {
      return await decoder.get(chunk, r.n, r.signal);
    } catch (err) {
      if (r.signal?.aborted) throw err;
      if (this.decoders.get(key) === decoder) this.decoders.delete(key);
      decoder.close();
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // The chunk was dropped for the store's bound meanwhile: built again when wanted.
        f.built.delete(span.start);
      } else if (!(err instanceof VqError && err.code === 'CANCELED')) {
        // A decoder that fails is replaced; a file whose decoders keep failing is served from
        // itself.
        f.failures++;
        console.warn(`proxy decoder for ${f.source.input}: ${(err as Error).message}`);
      }
      return null;
    }
  }

  /**
   * Resolves once frame `n`'s chunk is built, cannot be, or the file has no proxy (at most
   * `timeoutMs`).
   */
  async whenChunkReady(identity: string, n: number, timeoutMs = 60_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (Date.now() < until && !this.closed) {
      const f = this.files.get(identity);
      const span = f ? spanOf(f.chunks, n) : null;
      if (!f || !span || f.built.has(span.start) || f.refused.has(span.start)) return;
      if (!f.wanted.includes(span.start) && !this.pumping) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Forgets decoded frames in every proxy decoder (caches cleared); chunks stay. */
  clearRings(): void {
    for (const d of this.decoders.values()) d.clearRing();
  }

  close(): void {
    this.closed = true;
    this.closing.abort();
    this.stopAll();
    if (this.sweeper) clearInterval(this.sweeper);
  }

  private stopAll(): void {
    this.building?.abort();
    for (const d of this.decoders.values()) d.close();
    this.decoders.clear();
  }

  /** Forgets the least recently viewed files past {@link MAX_FILES} (their chunks stay on disk). */
  private trimFiles(): void {
    if (this.files.size <= MAX_FILES) return;
    const oldest = [...this.files.values()].sort((a, b) => a.lastUsed - b.lastUsed);
    for (const f of oldest.slice(0, this.files.size - MAX_FILES)) this.files.delete(f.identity);
  }

  private trimDecoders(makeRoom = true): void {
    const now = Date.now();
    for (const [key, d] of this.decoders) {
      if (!d.running || now - d.lastUsed > DECODER_IDLE_MS) {
        d.close();
        this.decoders.delete(key);
      }
    }
    while (makeRoom && this.decoders.size >= MAX_DECODERS) {
      const [key, d] = [...this.decoders.entries()].sort(
        (a, b) => a[1].lastUsed - b[1].lastUsed,
      )[0]!;
      d.close();
      this.decoders.delete(key);
    }
  }

  private want(f: FileProxy, frames: readonly number[]): void {
    for (const n of frames) {
      const span = spanOf(f.chunks, n);
      if (!span) continue;
      f.wanted = f.wanted.filter((s) => s !== span.start);
      f.wanted.push(span.start);
    }
    this.dirty = true;
    void this.pump();
  }

  /** Builds the chunks anyone wants, one at a time, until none is left. */
  private async pump(): Promise<void> {
    if (this.pumping || this.closed) return;
    this.pumping = true;
    try {
      for (;;) {
        this.dirty = false;
        const job = await this.nextJob();
        if (this.closed) break;
        if (!job) {
          // Something was wanted while nextJob looked: look again.
          if (this.dirty) continue;
          break;
        }
        if (job.span) await this.build(job.f, job.span);
        else await this.scanTypes(job.f);
      }
    } catch (err) {
      console.warn(`proxy builder: ${(err as Error).message}`);
    } finally {
      this.pumping = false;
      this.idle();
    }
  }

  private async build(f: FileProxy, span: ChunkSpan): Promise<void> {
    const abort = new AbortController();
    this.building = abort;
    try {
      const picture = await f.picture;
      const built = picture
        ? await buildChunk({
            source: f.source,
            identity: f.identity,
            index: f.index,
            span,
            store: this.store,
            picture,
            signal: abort.signal,
          }).catch(() => ({ refused: 'failed' as const }))
        : { refused: 'format' as const };
      if (built.refused === 'format') for (const c of f.chunks) f.refused.add(c.start);
      else if (built.refused) f.refused.add(span.start);
      else {
        // The build decoded these frames: their picture types are known now.
        [...built.types].forEach((t, i) => {
          const frame = f.index.frames[span.start + i];
          if (frame && frame.type === '?' && t !== '?') frame.type = t;
        });
        const chunk = await this.store.chunk(f.identity, span);
        if (chunk) f.built.set(span.start, chunk);
        else f.refused.add(span.start);
        if (f.whole === null && chunk) f.whole = this.fitsWhole(f, chunk);
        if (!this.typesPending(f.identity)) this.onTypesKnown?.(f.identity, f.index);
      }
    } finally {
      this.building = null;
    }
  }

  /** Names a file's picture types with one decode (no proxy build does it for this file). */
  private async scanTypes(f: FileProxy): Promise<void> {
    const abort = new AbortController();
    this.building = abort;
    try {
      const decoded = await buildFrameIndex({
        ffmpeg: f.source.ffmpeg,
        input: f.source.input,
        raw: f.source.raw,
        signal: abort.signal,
        lowPriority: true,
      }).catch(() => null);
      if (decoded) {
        const byPts = new Map(decoded.frames.map((d) => [d.pts, d.type]));
        f.index.frames.forEach((frame, i) => {
          // By pts where they name frames, else by position (the same decode order).
          const t = f.index.seekable ? byPts.get(frame.pts) : decoded.frames[i]?.type;
          if (frame.type === '?' && t && t !== '?') frame.type = t;
        });
      }
      f.typeScan = 'done';
      this.onTypesKnown?.(f.identity, f.index);
    } finally {
      this.building = null;
    }
  }

  private idle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  /** True when a file's whole proxy, at the first chunk's bytes per frame, fits half the bound. */
  private fitsWhole(f: FileProxy, chunk: ProxyChunk): boolean {
    const bytes = chunk.layout.blocks.reduce((sum, b) => sum + b.length, 0);
    return (bytes / chunk.count) * f.index.frames.length <= this.store.maxBytes / 2;
  }

  /**
   * The most wanted chunk of the most recently viewed file that is not built yet, or a type scan
   * (span null) where no proxy names the types.
   */
  private async nextJob(): Promise<{ f: FileProxy; span: ChunkSpan | null } | null> {
    const files = [...this.files.values()].sort((a, b) => b.lastUsed - a.lastUsed);
    for (const f of files) {
      const open = async (start: number): Promise<ChunkSpan | null> => {
        if (f.built.has(start) || f.refused.has(start)) return null;
        const span = f.chunks.find((c) => c.start === start)!;
        const onDisk = await this.store.chunk(f.identity, span);
        if (onDisk) {
          f.built.set(start, onDisk);
          if (f.whole === null) f.whole = this.fitsWhole(f, onDisk);
          return null;
        }
        return span;
      };
      while (f.wanted.length > 0) {
        const span = await open(f.wanted.pop()!);
        if (span) return { f, span };
      }
      if (f.whole) {
        // The rest of the file, outwards from the frame last asked for.
        const byDistance = [...f.chunks].sort((a, b) => distance(a, f.near) - distance(b, f.near));
        for (const c of byDistance) {
          const span = await open(c.start);
          if (span) return { f, span };
        }
      }
      if (needsTypeScan(f) && f.index.frames.some((fr) => fr.type === '?')) {
        return { f, span: null };
      }
    }
    return null;
  }
}

/** True when a file's types are left to a scan: no proxy chunk of it will be built. */
function needsTypeScan(f: FileProxy): boolean {
  return f.typeScan === 'todo' && f.chunks.every((c) => f.refused.has(c.start));
}

function spanOf(chunks: readonly ChunkSpan[], n: number): ChunkSpan | null {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = chunks[mid]!;
    if (n < c.start) hi = mid - 1;
    else if (n >= c.start + c.count) lo = mid + 1;
    else return c;
  }
  return null;
}

function distance(c: ChunkSpan, n: number): number {
  if (n < c.start) return c.start - n;
  return Math.max(0, n - (c.start + c.count - 1));
}
