/**
 * The frame server as the app runs it, for a viewer that steps, scrubs and jumps: frame indexes
 * listed from packets and stored on disk (packetIndex.ts; a long file's first frames are served
 * while it is listed), one running decoder per (file, size, format) that serves the next frames
 * from its pipe and recent ones from memory (decodeSession.ts), an intra proxy built ahead in the
 * background from which a jump is one intra decode (intraProxy.ts, proxies.ts), a memory and a
 * disk cache of served frames, prefetch of the neighbours in the stepping direction and of the
 * frames a viewer says come next (`prefetch`), and cancellation of requests nobody waits for. Every frame is exactly frame N of a full sequential decode (see extractFrame.test.ts); an
 * HDR file's frames are all tone-mapped for display where its ffmpeg can (hdrDisplay.ts).
 */
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import type { FrameInfo, FrameSamples, HdrDisplay } from '../../../shared/frames';
import { DecodeSession, type SessionPixFmt } from './decodeSession';
import { DiskFrameCache, MemoryFrameCache } from './frameCache';
import { serializeFrameIndex, timelineOf, type FrameIndex } from './frameIndex';
import {
  identityHash,
  loadOrBuildFrameIndex,
  sourceIdentity,
  storeCacheEntry,
  storedIndexPath,
  type FrameSource,
} from './frameIndexStore';
import { displayKey, hdrDisplayOf } from './hdrDisplay';
import { blockOrigin, blockSamples, decodeSampleBlock, type SampleBlock } from './frameSamples';
import {
  checkFrameArgs,
  checkFrameInRange,
  extractFrame,
  planFrame,
  type FrameFormat,
} from './extractFrame';
import { encodePng } from './png';
import { Proxies } from './proxies';

/** Bounds and places of a {@link FrameService}. */
export interface FrameServiceOptions {
  /** The data dir's cache folder: indexes and PNGs are kept there. Memory only when null. */
  cacheDir: string | null;
  /** Served frames kept in memory (default 256 MB). */
  memoryBytes?: number;
  /** PNGs kept on disk (default 1 GB). */
  diskBytes?: number;
  /** Running decoders at most (default 4); the least recently used idle one goes first. */
  maxSessions?: number;
  /** A decoder without requests for this long is stopped (default 5 s). */
  sessionIdleMs?: number;
  /** Decoded frames each decoder keeps for stepping back (default 96 MB). */
  ringBytes?: number;
  /**
   * Intra proxy chunks kept on disk, in bytes (default 4 GiB; 0: no proxy). Needs `cacheDir`.
   * See intraProxy.ts.
   */
  proxyBytes?: number;
}

/** One frame request. */
export interface FrameRequest extends FrameSource {
  /** 0-based frame number in presentation order. */
  index: number;
  /** Output size (bicubic); native (after autorotate) when omitted. */
  size?: { width: number; height: number };
  format: FrameFormat;
  /** Aborted when the asker no longer wants the frame (scrolled past, connection closed). */
  signal?: AbortSignal;
  /** Decoded ahead of a viewer (not where it is): does not move the proxy builder's focus. */
  ahead?: boolean;
}

/** Intra proxy chunks on disk by default (see {@link FrameServiceOptions.proxyBytes}). */
export const DEFAULT_PROXY_BYTES = 4 * 1024 ** 3;

/** Frames a viewer may ask to have ready at once (a chart's worst frames). */
const MAX_PREFETCH = 16;

/** How long `info` waits for a whole index before answering with the part listed so far. */
const INFO_GRACE_MS = 1000;

/** Frame indexes kept in memory (a few MB each for hour-long files). */
const MAX_INDEXES = 32;

/**
 * Decoded blocks kept for pixel readouts (a cursor moving over one frame asks often), at most this
 * many bytes of raw samples (a block is at most 512 KiB).
 */
const SAMPLE_CACHE_BYTES = 16 * 1024 * 1024;

/**
 * Block decodes of one file waiting for their turn, at most: a newer request pushes the oldest
 * waiting one out (CANCELED), since a cursor moving on no longer wants it.
 */
const MAX_WAITING_SAMPLES = 2;

interface CachedBlock {
  block: Promise<SampleBlock>;
  /** Raw bytes once decoded (0 before). */
  bytes: number;
}

/** Pixel-readout decodes of one file: one runs at a time, the next ones wait in order. */
interface SampleLine {
  busy: boolean;
  waiting: { go: () => void; drop: (err: VqError) => void }[];
}

/** Neighbours prefetched (decoded and encoded) after a frame is served, in the stepping direction. */
const PREFETCH_ENCODED = 2;

interface SessionEntry {
  key: string;
  session: DecodeSession;
  lastServed: number;
  /** Background prefetch requests by frame number, aborted by a request for another frame. */
  prefetch: Map<number, AbortController>;
  /** Frames in the file. */
  count: number;
  /** Requests decoding through this session now (prefetches not counted). */
  active: number;
  /** 1 stepping forward (or jumping), -1 stepping back. */
  direction: 1 | -1;
  /** Cache key of frame n of this session. */
  frameKey: (n: number) => string;
  format: FrameFormat;
  size: { width: number; height: number };
}

/** A file's index: being listed (`partial` grows) or complete. */
interface IndexEntry {
  done: Promise<FrameIndex>;
  /** The frames whose presentation order is final so far; the whole index once complete. */
  partial: FrameIndex | null;
  complete?: boolean;
  /** The build failed (`done` rejects with why). */
  failed?: boolean;
  /** Requests waiting for more of the index. */
  waiters: Set<() => void>;
}

/** Frames by number, fast when stepping; one per app (the core owns it). */
export class FrameService {
  private readonly memory: MemoryFrameCache;
  private readonly disk: DiskFrameCache | null;
  /** Proxy chunks built ahead and the decoders that serve them (null: no proxy). */
  readonly proxies: Proxies | null;
  /**
   * Neighbours decoded from the proxy and encoded ahead of a person stepping, by session key: the
   * frame last served there and the jobs running.
   */
  private readonly proxyPrefetch = new Map<
    string,
    { last: number; jobs: Map<number, AbortController> }
  >();
  /** Frames being read ahead (`prefetch`), by file and size. */
  private readonly prefetching = new Map<string, { abort: AbortController; done: Promise<void> }>();
  /** Where served frames came from (diagnostics, tests, the benchmark). */
  readonly served = { memory: 0, disk: 0, proxy: 0, file: 0, listing: 0 };
  private readonly sessions = new Map<string, SessionEntry>();
  private readonly inflight = new Map<string, Promise<Buffer>>();
  private readonly indexes = new Map<string, IndexEntry>();
  private readonly sampleBlocks = new Map<string, CachedBlock>();
  private readonly sampleLines = new Map<string, SampleLine>();
  /** Aborted by close(): stops the pixel-readout decodes still running. */
  private readonly closing = new AbortController();
  private sweeper: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(private readonly opts: FrameServiceOptions) {
    this.memory = new MemoryFrameCache(opts.memoryBytes ?? 256 * 1024 * 1024);
    this.disk = opts.cacheDir
      ? new DiskFrameCache(path.join(opts.cacheDir, 'frames'), opts.diskBytes ?? 1024 ** 3)
      : null;
    const proxyBytes = opts.proxyBytes ?? DEFAULT_PROXY_BYTES;
    this.proxies = opts.cacheDir && proxyBytes > 0 ? new Proxies(opts.cacheDir, proxyBytes) : null;
    const cacheDir = opts.cacheDir;
    if (this.proxies && cacheDir) {
      // Picture types named by the proxy builds are kept with the index for the next start.
      this.proxies.onTypesKnown = (identity, index) =>
        void storeCacheEntry(
          storedIndexPath(cacheDir, identity),
          serializeFrameIndex(index, identity),
        );
    }
  }

  /** The frame index of a file (from memory, the disk cache, its packets, or one decode). */
  async index(source: FrameSource): Promise<{ identity: string; index: FrameIndex }> {
    const { identity, entry } = await this.indexEntry(source);
    return { identity, index: await entry.done };
  }

  private async indexEntry(source: FrameSource): Promise<{ identity: string; entry: IndexEntry }> {
    const identity = await sourceIdentity(source);
    let entry = this.indexes.get(identity);
    if (!entry) {
      const e: IndexEntry = {
        done: Promise.resolve(null as never),
        partial: null,
        waiters: new Set(),
      };
      const wake = (): void => {
        for (const w of e.waiters) w();
      };
      // Not tied to a request's signal: the index outlives one request.
      const { ffmpeg, input, raw } = source;
      e.done = loadOrBuildFrameIndex({
        ffmpeg,
        input,
        raw,
        cacheDir: this.opts.cacheDir,
        identity,
        signal: this.closing.signal,
        onProgress: (partial) => {
          e.partial = partial;
          wake();
        },
      });
      e.done.then(
        (index) => {
          e.partial = index;
          e.complete = true;
          wake();
        },
        () => {
          // Nothing listed is served once the build failed: requests get its error.
          e.partial = null;
          e.failed = true;
          if (this.indexes.get(identity) === e) this.indexes.delete(identity);
          wake();
        },
      );
      entry = e;
      this.indexes.set(identity, entry);
      while (this.indexes.size > MAX_INDEXES) {
        this.indexes.delete(this.indexes.keys().next().value!);
      }
    } else {
      this.indexes.delete(identity);
      this.indexes.set(identity, entry);
    }
    return { identity, entry };
  }

  /**
   * The index as far as it is known once it names frame `n` (or is complete): a long title's
   * first frames are served while its later packets are still being listed.
   */
  private async indexCovering(
    source: FrameSource,
    n: number,
    signal?: AbortSignal,
  ): Promise<{ identity: string; index: FrameIndex; complete: boolean }> {
    const { identity, entry } = await this.indexEntry(source);
    for (;;) {
      throwIfAborted(signal, n);
      if (entry.complete || entry.failed) {
        return { identity, index: await entry.done, complete: true };
      }
      if (entry.partial && entry.partial.frames.length > n) {
        return { identity, index: entry.partial, complete: false };
      }
      await new Promise<void>((resolve, reject) => {
        const done = (): void => {
          entry.waiters.delete(done);
          signal?.removeEventListener('abort', done);
          if (signal?.aborted) reject(canceledError(n));
          else resolve();
        };
        entry.waiters.add(done);
        signal?.addEventListener('abort', done, { once: true });
        // A failed build rejects here with its own error.
        entry.done.catch((err: unknown) => {
          entry.waiters.delete(done);
          reject(err);
        });
      });
    }
  }

  /**
   * Frame count, times, picture types and keyframes of a file, and how an HDR file is shown. While
   * a long file's packets are still being listed this is the part known so far (`complete` false):
   * ask again for the rest.
   */
  async info(source: FrameSource): Promise<Omit<FrameInfo, 'id'>> {
    const { entry } = await this.indexEntry(source);
    // A short file is listed in well under this: it gets its whole timeline in one answer.
    await Promise.race([entry.done.catch(() => undefined), sleep(INFO_GRACE_MS)]);
    const { identity, index, complete } = await this.indexCovering(source, 0);
    // A file shown in a viewer: its proxy is built while the person looks.
    if (complete) this.proxies?.open(source, identity, index);
    return {
      count: index.frames.length,
      ...timelineOf(index),
      hdrDisplay: hdrDisplayOf(source),
      complete,
      typesPending: complete && (this.proxies?.typesPending(identity) ?? false),
    };
  }

  /** Frame `index` as PNG (RGB) or raw RGBA bytes. Rejects with CANCELED when `signal` aborts. */
  async frame(req: FrameRequest): Promise<Buffer> {
    checkFrameArgs(req);
    const { identity, index, complete } = await this.indexCovering(req, req.index, req.signal);
    checkFrameInRange(req, index);
    throwIfAborted(req.signal, req.index);
    // Still listing a long file's packets: one decode for this frame, from the part listed.
    if (!complete) {
      this.served.listing++;
      return extractFrame({ ...req, frameIndex: index });
    }
    if (!req.ahead) this.proxies?.open(req, identity, index, req.index);
    const native =
      index.width !== null && index.height !== null
        ? { width: index.width, height: index.height }
        : null;
    const size = req.size ?? native;
    // Without a known native size raw frames cannot be cut from the pipe: one ffmpeg per frame.
    if (!size) return extractFrame(req);
    const scaled = req.size !== undefined;
    const display = hdrDisplayOf(req);
    // Keys say whether frames are tone-mapped: that depends on more than the file's identity (its
    // probed transfer, the build's filters), and PNGs cached as stored must not be served then.
    const fileKey = identityHash(identity) + displayKey(display);
    const frameKey = (n: number): string =>
      `${fileKey}-${n}-${size.width}x${size.height}${scaled ? 's' : ''}-${req.format}`;
    const key = frameKey(req.index);
    const sessionKey = `${identity}${displayKey(display)}|${size.width}x${size.height}|${scaled}|${req.format}`;
    // A jump makes the prefetched neighbours of the previous frame unwanted (a frame read ahead
    // of the viewer is no jump of the viewer's).
    const existing = req.ahead ? undefined : this.sessions.get(sessionKey);
    for (const [n, ac] of [
      ...(existing?.prefetch ?? []),
      ...((!req.ahead && this.proxyPrefetch.get(sessionKey)?.jobs) || []),
    ]) {
      if (Math.abs(n - req.index) > PREFETCH_ENCODED) ac.abort();
    }
    const pixFmt: SessionPixFmt = req.format === 'png' ? 'rgb24' : 'rgba';
    const proxyAhead = (): void =>
      this.proxyAhead(sessionKey, identity, index.frames.length, req.index, frameKey, {
        size,
        scaled,
        pixFmt,
        display,
        format: req.format,
      });
    // Served from a cache: the file's decoder prefetches on from there where it reaches the
    // neighbours without a new seek, else the proxy does.
    const served = (bytes: Buffer): Buffer => {
      const entry = this.sessions.get(sessionKey);
      const near = (e: SessionEntry): boolean =>
        e.session.canServeSoon(req.index + 1) || e.session.canServeSoon(req.index - 1);
      if (entry && (!this.proxies || near(entry))) {
        this.afterServed(entry, req, req.index, frameKey, size);
      } else if (!req.ahead) proxyAhead();
      return bytes;
    };

    const cached = this.memory.get(key);
    if (cached) {
      this.served.memory++;
      return served(cached);
    }
    const pending = this.inflight.get(key);
    if (pending) {
      const got = await raceSignal(pending, req.signal, req.index).catch((err: unknown) => {
        if (req.signal?.aborted) throw err;
        return null; // the prefetch was canceled or failed: decode below
      });
      if (got) {
        this.served.memory++;
        return served(got);
      }
    }
    if (req.format === 'png' && this.disk) {
      const stored = await this.disk.get(key);
      if (stored) {
        this.served.disk++;
        this.memory.set(key, stored);
        return served(stored);
      }
    }
    // A jump the running decoder cannot reach by reading on: from the intra proxy when it covers
    // the frame (one intra decode), else a new seek in the file.
    if (!this.sessions.get(sessionKey)?.session.canServeSoon(req.index)) {
      const pixels = await this.proxies?.frame({
        identity,
        n: req.index,
        size,
        scaled,
        pixFmt,
        display,
        signal: req.signal,
      });
      if (pixels) {
        this.served.proxy++;
        const bytes = req.format === 'png' ? await viewerPng(pixels, size) : pixels;
        this.store(key, bytes, req.format, 'proxy');
        if (!req.ahead) proxyAhead();
        return bytes;
      }
    }
    // Read ahead of the viewer without a proxy: one decode of its own, so that the viewer's
    // decoder stays where the viewer is.
    if (req.ahead) {
      this.served.file++;
      const bytes = await extractFrame({ ...req, frameIndex: index });
      this.store(key, bytes, req.format);
      return bytes;
    }
    // Taken only now, with no wait before its use: another request may have retired it meanwhile.
    const entry = this.sessionFor(
      sessionKey,
      req,
      index,
      size,
      scaled,
      req.format,
      frameKey,
      display,
    );
    entry.active++;
    this.served.file++;
    const bytes = await this.decode(entry, req.index, req.format, size, req.signal).finally(
      () => entry.active--,
    );
    this.store(key, bytes, req.format);
    this.afterServed(entry, req, req.index, frameKey, size);
    return bytes;
  }

  /**
   * Gets frames a viewer is likely to show next (a chart's worst frames) ready in memory, in the
   * background: their proxy chunks are built first, then each frame is decoded and encoded as a
   * request for it would be, so a click on one is served from memory. Returns how many were taken
   * (at most {@link MAX_PREFETCH}, those in range).
   */
  async prefetch(
    source: FrameSource & { frames: readonly number[]; size?: { width: number; height: number } },
  ): Promise<number> {
    checkFrameArgs({ index: 0, size: source.size });
    const { identity, entry } = await this.indexEntry(source);
    // A file still being listed has no worst frames worth reading ahead yet.
    if (!entry.complete) return 0;
    const index = await entry.done;
    const frames = [...new Set(source.frames)]
      .filter((n) => Number.isInteger(n) && n >= 0 && n < index.frames.length)
      .slice(0, MAX_PREFETCH);
    if (frames.length === 0) return 0;
    this.proxies?.open(source, identity, index);
    this.proxies?.hint(identity, frames);
    // A newer list for the same file and size replaces the one being read.
    const key = `${identity}|${source.size ? `${source.size.width}x${source.size.height}` : ''}`;
    this.prefetching.get(key)?.abort.abort();
    const abort = new AbortController();
    const done = (async () => {
      for (const n of frames) {
        if (this.closed || abort.signal.aborted) return;
        await this.proxies?.whenChunkReady(identity, n);
        await this.frame({
          ...source,
          index: n,
          format: 'png',
          size: source.size,
          signal: abort.signal,
          ahead: true,
        }).catch(() => undefined);
      }
    })().finally(() => {
      if (this.prefetching.get(key)?.abort === abort) this.prefetching.delete(key);
    });
    this.prefetching.set(key, { abort, done });
    return frames.length;
  }

  /** Resolves once the frames asked for ahead so far are ready (tests, the benchmark). */
  async whenPrefetched(): Promise<void> {
    await Promise.all([...this.prefetching.values()].map((p) => p.done));
  }

  /**
   * The decoded values of pixel (x, y) of frame `index`, in the decoder's own pixel format and
   * size (see frameSamples.ts). Only the block around the pixel is kept (by bytes, for the next
   * pixels asked); one decode per file runs at a time, the same block is decoded once for every
   * asker, and a request whose `signal` aborts stops waiting (CANCELED).
   */
  async samples(
    source: FrameSource & { index: number; x: number; y: number; signal?: AbortSignal },
  ): Promise<Omit<FrameSamples, 'id'>> {
    checkFrameArgs(source);
    const { identity, index } = await this.index(source);
    checkFrameInRange(source, index);
    throwIfAborted(source.signal, source.index);
    const origin = blockOrigin(source.x, source.y);
    const key = `${identity}|${source.index}|${origin.x0},${origin.y0}`;
    let cached = this.sampleBlocks.get(key);
    if (cached) {
      this.sampleBlocks.delete(key);
    } else {
      const decoded = this.inTurn(identity, source.index, () =>
        decodeSampleBlock(
          source,
          planFrame(index, source.index),
          source.index,
          origin,
          this.closing.signal,
        ),
      );
      const entry: CachedBlock = { block: decoded, bytes: 0 };
      decoded.then(
        (b) => {
          entry.bytes = b.raw.length;
          this.trimSampleBlocks();
        },
        () => {
          if (this.sampleBlocks.get(key) === entry) this.sampleBlocks.delete(key);
        },
      );
      cached = entry;
    }
    this.sampleBlocks.set(key, cached);
    const block = await raceSignal(cached.block, source.signal, source.index);
    return blockSamples(block, source.index, source.x, source.y);
  }

  /**
   * Runs a pixel-readout decode of file `identity` once the one before it has ended. Waiting ones
   * beyond {@link MAX_WAITING_SAMPLES} are dropped, oldest first, with CANCELED.
   */
  private async inTurn<T>(identity: string, n: number, work: () => Promise<T>): Promise<T> {
    let line = this.sampleLines.get(identity);
    if (!line) {
      line = { busy: false, waiting: [] };
      this.sampleLines.set(identity, line);
    }
    const queue = line;
    if (queue.busy) {
      await new Promise<void>((go, drop) => {
        queue.waiting.push({ go, drop });
        while (queue.waiting.length > MAX_WAITING_SAMPLES) {
          queue.waiting
            .shift()!
            .drop(
              new VqError(
                'CANCELED',
                `The pixel values of frame ${n} were asked for again elsewhere before these were read.`,
              ),
            );
        }
      });
    }
    queue.busy = true;
    try {
      throwIfAborted(this.closing.signal, n);
      return await work();
    } finally {
      const next = queue.waiting.shift();
      if (next) next.go();
      else {
        queue.busy = false;
        this.sampleLines.delete(identity);
      }
    }
  }

  /** Forgets the least recently used decoded blocks past {@link SAMPLE_CACHE_BYTES}. */
  private trimSampleBlocks(): void {
    let total = 0;
    for (const e of this.sampleBlocks.values()) total += e.bytes;
    for (const [key, e] of this.sampleBlocks) {
      if (total <= SAMPLE_CACHE_BYTES) break;
      if (e.bytes === 0) continue; // still decoding: kept for those waiting on it
      this.sampleBlocks.delete(key);
      total -= e.bytes;
    }
  }

  /**
   * Empties the memory and disk frame caches, stops every decoder of the files and forgets the
   * proxy decoders' frames (indexes and proxy chunks stay).
   */
  async clearCaches(): Promise<void> {
    for (const e of this.sessions.values()) this.closeSession(e);
    for (const st of this.proxyPrefetch.values()) for (const ac of st.jobs.values()) ac.abort();
    this.proxyPrefetch.clear();
    this.proxies?.clearRings();
    this.memory.clear();
    this.inflight.clear();
    this.sampleBlocks.clear();
    await this.disk?.clear();
  }

  /** Stops every decoder. */
  close(): void {
    this.closed = true;
    this.closing.abort();
    for (const p of this.prefetching.values()) p.abort.abort();
    for (const st of this.proxyPrefetch.values()) for (const ac of st.jobs.values()) ac.abort();
    this.proxies?.close();
    for (const e of this.sessions.values()) this.closeSession(e);
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = null;
  }

  /** Decoders alive now (tests, diagnostics). */
  get runningSessions(): number {
    return [...this.sessions.values()].filter((e) => e.session.running).length;
  }

  private async decode(
    entry: SessionEntry,
    n: number,
    format: FrameFormat,
    size: { width: number; height: number },
    signal: AbortSignal | undefined,
  ): Promise<Buffer> {
    // Stepping back: one to three frames before the last one served, or going on backwards.
    const back = n < entry.lastServed && entry.lastServed - n <= (entry.direction < 0 ? 3 : 1);
    const pixels = await entry.session.get(n, signal, back);
    return format === 'png' ? viewerPng(pixels, size) : pixels;
  }

  /**
   * Keeps a frame in memory and, when it cost a decode from the file, on disk. A frame the
   * intra proxy gave is not written again: the proxy is its copy on disk (one intra decode away),
   * and stepping through it would otherwise write a PNG every few tens of milliseconds.
   */
  private store(
    key: string,
    bytes: Buffer,
    format: FrameFormat,
    from: 'file' | 'proxy' = 'file',
  ): void {
    this.memory.set(key, bytes);
    if (format === 'png' && this.disk && from === 'file') void this.disk.set(key, bytes);
  }

  /**
   * Prefetches the next frames in the direction the person steps from the proxy, as
   * {@link afterServed} does from a running decoder (no decoder of the file runs here).
   */
  private proxyAhead(
    sessionKey: string,
    identity: string,
    count: number,
    n: number,
    frameKey: (n: number) => string,
    o: {
      size: { width: number; height: number };
      scaled: boolean;
      pixFmt: SessionPixFmt;
      display: HdrDisplay | null;
      format: FrameFormat;
    },
  ): void {
    const proxies = this.proxies;
    if (!proxies || this.closed) return;
    let st = this.proxyPrefetch.get(sessionKey);
    if (!st) {
      st = { last: -1, jobs: new Map() };
      this.proxyPrefetch.set(sessionKey, st);
    }
    const state = st;
    const direction = n < state.last ? -1 : 1;
    state.last = n;
    for (let k = 1; k <= PREFETCH_ENCODED; k++) {
      const m = n + direction * k;
      const key = frameKey(m);
      if (m < 0 || m >= count || this.memory.has(key) || this.inflight.has(key)) continue;
      if (state.jobs.has(m)) continue;
      const ac = new AbortController();
      state.jobs.set(m, ac);
      const job = proxies
        .frame({ identity, n: m, ...o, signal: ac.signal })
        .then((px) => {
          // Not covered (or the proxy failed): a request for it decodes the file.
          if (!px) throw canceledError(m);
          return o.format === 'png' ? viewerPng(px, o.size) : px;
        })
        .then((bytes) => {
          this.store(key, bytes, o.format, 'proxy');
          return bytes;
        })
        .finally(() => {
          this.inflight.delete(key);
          if (state.jobs.get(m) === ac) state.jobs.delete(m);
        });
      job.catch(() => undefined);
      this.inflight.set(key, job);
    }
  }

  /** Prefetches the next frames in the direction the person steps. */
  private afterServed(
    entry: SessionEntry,
    req: FrameRequest,
    n: number,
    frameKey: (n: number) => string,
    size: { width: number; height: number },
  ): void {
    const direction = n < entry.lastServed ? -1 : 1;
    entry.lastServed = n;
    entry.direction = direction;
    if (this.closed) return;
    const count = entry.session === this.sessions.get(entry.key)?.session ? PREFETCH_ENCODED : 0;
    for (let k = 1; k <= count; k++) {
      const m = n + direction * k;
      const key = frameKey(m);
      if (
        m < 0 ||
        m >= entry.count ||
        this.memory.has(key) ||
        this.inflight.has(key) ||
        entry.prefetch.has(m)
      )
        continue;
      // Backwards only from the decoder's ring (a new seek is left to a real request); forwards
      // the decoder reads on.
      const pixels = direction < 0 ? entry.session.peek(m) : undefined;
      if (direction < 0 && !pixels) continue;
      // Forwards only from a decoder that runs: a frame served from a cache starts no decoder.
      if (direction > 0 && !entry.session.running) continue;
      const ac = new AbortController();
      entry.prefetch.set(m, ac);
      const job = (pixels ? Promise.resolve(pixels) : entry.session.get(m, ac.signal))
        .then((px) => (req.format === 'png' ? viewerPng(px, size) : px))
        .then((bytes) => {
          this.store(key, bytes, req.format);
          return bytes;
        })
        .finally(() => {
          this.inflight.delete(key);
          if (entry.prefetch.get(m) === ac) entry.prefetch.delete(m);
        });
      job.catch(() => undefined); // canceled or past the end: nobody asked for it yet
      this.inflight.set(key, job);
    }
  }

  private sessionFor(
    key: string,
    source: FrameSource,
    index: FrameIndex,
    size: { width: number; height: number },
    scaled: boolean,
    format: FrameFormat,
    frameKey: (n: number) => string,
    display: HdrDisplay | null,
  ): SessionEntry {
    const pixFmt: SessionPixFmt = format === 'png' ? 'rgb24' : 'rgba';
    const found = this.sessions.get(key);
    if (found) {
      found.session.lastUsed = Date.now();
      return found;
    }
    const max = this.opts.maxSessions ?? 4;
    if (this.sessions.size >= max) {
      // The least recently used one that no request waits for (prefetches are dropped with it).
      const idle = [...this.sessions.values()]
        .filter((e) => e.active === 0)
        .sort((a, b) => a.session.lastUsed - b.session.lastUsed);
      if (idle[0]) this.closeSession(idle[0]);
    }
    const session = new DecodeSession({
      source: { ffmpeg: source.ffmpeg, input: source.input, raw: source.raw },
      index,
      width: size.width,
      height: size.height,
      scaled,
      pixFmt,
      display,
      ringBytes: this.opts.ringBytes ?? 96 * 1024 * 1024,
      onEvict: (n, pixels) => this.keepEvicted(entry, n, pixels),
      onType: (n, type) => {
        const f = index.frames[n];
        if (f && f.type === '?') f.type = type;
      },
    });
    const entry: SessionEntry = {
      key,
      session,
      lastServed: -1,
      count: index.frames.length,
      active: 0,
      direction: 1,
      prefetch: new Map(),
      frameKey,
      format,
      size,
    };
    this.sessions.set(key, entry);
    this.startSweeper();
    return entry;
  }

  /**
   * A frame the decoder's ring drops while the person steps back towards it is kept encoded, so
   * that a new seek for stepping back covers many frames, not only the ring's few.
   */
  private keepEvicted(entry: SessionEntry, n: number, pixels: Buffer): void {
    if (this.closed || entry.direction > 0 || n >= entry.lastServed || entry.lastServed - n > 64) {
      return;
    }
    const key = entry.frameKey(n);
    if (this.memory.has(key) || this.inflight.has(key)) return;
    if (entry.format === 'rgba') return this.memory.set(key, pixels);
    const job = viewerPng(pixels, entry.size)
      .then((bytes) => {
        this.store(key, bytes, 'png');
        return bytes;
      })
      .finally(() => this.inflight.delete(key));
    job.catch(() => undefined);
    this.inflight.set(key, job);
  }

  private closeSession(entry: SessionEntry): void {
    for (const ac of entry.prefetch.values()) ac.abort();
    entry.session.close();
    if (this.sessions.get(entry.key) === entry) this.sessions.delete(entry.key);
  }

  /** Stops decoders that had no request for a while. */
  private startSweeper(): void {
    if (this.sweeper) return;
    const idleMs = this.opts.sessionIdleMs ?? 5000;
    this.sweeper = setInterval(
      () => {
        const now = Date.now();
        for (const e of this.sessions.values()) {
          if (e.active === 0 && now - e.session.lastUsed > idleMs) this.closeSession(e);
        }
        if (this.sessions.size === 0 && this.sweeper) {
          clearInterval(this.sweeper);
          this.sweeper = null;
        }
      },
      Math.max(50, Math.min(1000, idleMs / 2)),
    );
    this.sweeper.unref();
  }
}

/** A frame as PNG for the viewer: quick to make (see {@link encodePng}'s `quick`). */
function viewerPng(pixels: Buffer, size: { width: number; height: number }): Promise<Buffer> {
  return encodePng(pixels, size.width, size.height, 3, { quick: true });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function throwIfAborted(signal: AbortSignal | undefined, n: number): void {
  if (signal?.aborted) throw canceledError(n);
}

function canceledError(n: number): VqError {
  return new VqError('CANCELED', `The request for frame ${n} was canceled.`);
}

/** Waits for `p` unless `signal` aborts first (then rejects with CANCELED; `p` goes on). */
function raceSignal<T>(p: Promise<T>, signal: AbortSignal | undefined, n: number): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(canceledError(n));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
