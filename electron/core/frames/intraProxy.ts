/**
 * The intra proxy: a lossless copy of a file's decoded pictures in which every frame is a
 * keyframe, so any frame is one small decode away instead of a GOP's (a cold random frame of a
 * 1080p file with 250-frame GOPs: ~1 s from the file, ~30 ms from the proxy, see
 * bench/frames.bench.ts).
 *
 * - Chunks: runs of whole GOPs of the file ({@link planChunks}), built in the background while the
 *   file is open, the chunk around the playhead first. Each is decoded from its keyframe exactly
 *   as the frame server decodes (seek, landing check, select by pts), and stored losslessly in the
 *   decoder's own pixel format: Ut Video for 8-bit 4:2:0/4:2:2/4:4:4 and planar RGB (fastest to
 *   decode), FFV1 for 10-bit; other formats get no proxy. The frames written are checked against
 *   the index (every pts, in order) before the chunk is kept.
 * - Colour: the proxy decoder restores the file's stream colour tags (`setparams`), which a Ut
 *   Video or FFV1 stream does not carry, so the RGB conversion is the one the file's decode gets.
 *   Every served frame is byte-exact against a full decode (extractFrame.test.ts).
 * - Disk: `cache/proxy/<file>/<first frame>.mkv` plus a `.json` that names the file's identity;
 *   written under a temporary name and renamed when whole, reused after a restart, and bounded in
 *   bytes across files (least recently used chunks go first). A title too big for half the bound
 *   gets chunks only around what is viewed.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { lastLines, runTool } from '../ffmpeg/process';
import { seekedInputArgs, type FrameIndex } from './frameIndex';
import { identityHash, storeCacheEntry, type FrameSource } from './frameIndexStore';
import { readProxyLayout, type ProxyLayout } from './matroska';
import { planSession } from './sessionPlan';

/** A chunk has at least this many frames (whole GOPs are added until it has). */
export const CHUNK_MIN_FRAMES = 120;
/**
 * A chunk has at most this many frames, and at most a quarter of the store's bound in raw pictures
 * ({@link chunkFramesFor}): a longer GOP is cut into pieces, each built by decoding from the
 * keyframe (a file with one keyframe still gets chunks of a bounded size).
 */
export const CHUNK_MAX_FRAMES = 600;

/**
 * Frames a chunk may hold for pictures of this size in a store of `maxBytes` (pure): as many raw
 * pictures (3 bytes a pixel, the most a stored format takes) as fill a quarter of the bound, within
 * 24 and {@link CHUNK_MAX_FRAMES}. Lossless coding only shrinks them, so a chunk stays well under
 * the `-fs` limit its build runs with.
 */
export function chunkFramesFor(
  size: { width: number | null; height: number | null },
  maxBytes: number,
): number {
  const raw = (size.width ?? 1920) * (size.height ?? 1080) * 3;
  return Math.max(24, Math.min(CHUNK_MAX_FRAMES, Math.floor(maxBytes / 4 / raw)));
}
/**
 * Files whose GOPs average fewer frames than this get no proxy: a cold frame there is a short
 * decode from the file already.
 */
export const PROXY_MIN_GOP = 48;

/** Pixel formats the proxy stores, and the lossless intra codec for each. */
const PROXY_CODECS: Record<string, 'utvideo' | 'ffv1'> = {
  yuv420p: 'utvideo',
  yuv422p: 'utvideo',
  yuv444p: 'utvideo',
  gbrp: 'utvideo',
  gray: 'ffv1',
  yuv420p10le: 'ffv1',
  yuv422p10le: 'ffv1',
  yuv444p10le: 'ffv1',
};

/** Frames `start` to `start + count - 1` of a file (presentation order). */
export interface ChunkSpan {
  start: number;
  count: number;
}

/** A built chunk ready to serve. */
export interface ProxyChunk extends ChunkSpan {
  file: string;
  /** `setparams` filter restoring the file's colour tags, or '' when it has none. */
  colour: string;
  layout: ProxyLayout;
}

/**
 * Splits a file into chunks of whole GOPs of at least {@link CHUNK_MIN_FRAMES} (pure); none when
 * the index cannot seek by pts or its GOPs are short (see {@link PROXY_MIN_GOP}).
 */
export function planChunks(index: FrameIndex, maxFrames = CHUNK_MAX_FRAMES): ChunkSpan[] {
  const n = index.frames.length;
  if (!index.seekable || index.secondsPerTick === null || n === 0) return [];
  const keys: number[] = [];
  index.frames.forEach((f, i) => f.key && keys.push(i));
  if (keys[0] !== 0 || n / keys.length < PROXY_MIN_GOP) return [];
  const chunks: ChunkSpan[] = [];
  let start = 0;
  for (let k = 1; k <= keys.length; k++) {
    const next = k < keys.length ? keys[k]! : n;
    // A GOP longer than a chunk is cut into pieces of at most maxFrames.
    while (next - start > maxFrames) {
      chunks.push({ start, count: maxFrames });
      start += maxFrames;
    }
    if (next - start >= Math.min(CHUNK_MIN_FRAMES, maxFrames) || next === n) {
      chunks.push({ start, count: next - start });
      start = next;
    }
  }
  // A short tail joins the chunk before it (within the most a chunk holds).
  const last = chunks[chunks.length - 1]!;
  const before = chunks[chunks.length - 2];
  if (before && last.count < CHUNK_MIN_FRAMES && before.count + last.count <= maxFrames) {
    chunks.pop();
    before.count += last.count;
  }
  return chunks;
}

/** Words of a stream's picture tags that are not colour: field order and chroma siting. */
const NOT_COLOUR = new Set([
  'progressive',
  'left',
  'center',
  'topleft',
  'top',
  'bottomleft',
  'bottom',
  'unknown',
]);

/**
 * The decoded pixel format (showinfo's `fmt:`) and the stream colour tags of a file, from its
 * first frame's decode at log level info: `Stream #0:0…: Video: h264 (High), yuv420p(tv, bt709,
 * progressive), …` (pure).
 */
export function parseStreamPicture(stderr: string): { pixFmt: string; colour: string } | null {
  const m = /Stream #0:\d+[^\n]*?: Video: [^\n]*?, ([a-z0-9_]+)(?:\(([^)]*)\))?,/.exec(stderr);
  const fmt = /\[Parsed_showinfo_0 @[^\]]*\]\s+n:\s*0\b.*?\bfmt:([a-z0-9_]+)/.exec(stderr);
  if (!m || !fmt) return null;
  const pixFmt = fmt[1]!;
  const tags = (m[2] ?? '').split(',').map((t) => t.trim());
  const params: string[] = [];
  for (const t of tags) {
    if (t === 'tv' || t === 'pc') params.push(`range=${t}`);
    else if (/^[a-z0-9-]+(\/[a-z0-9-]+\/[a-z0-9-]+)?$/.test(t) && !NOT_COLOUR.has(t)) {
      const [space, primaries, transfer] = t.includes('/') ? t.split('/') : [t, t, t];
      if (space !== 'unknown') params.push(`colorspace=${space}`);
      if (primaries !== 'unknown') params.push(`color_primaries=${primaries}`);
      if (transfer !== 'unknown') params.push(`color_trc=${transfer}`);
    }
  }
  return { pixFmt, colour: params.length ? `setparams=${params.join(':')}` : '' };
}

interface StoredChunk extends ChunkSpan {
  v: 1;
  identity: string;
  colour: string;
  bytes: number;
}

/** Chunks on disk, by file and first frame, with their total size bounded (see module comment). */
export class ProxyStore {
  private readonly dir: string;
  /** Chunk file → size and last use, for the bound. */
  private readonly used = new Map<string, { bytes: number; at: number }>();
  private readonly layouts = new Map<string, Promise<ProxyChunk | null>>();
  private scanned: Promise<void> | null = null;

  constructor(
    cacheDir: string,
    readonly maxBytes: number,
  ) {
    this.dir = path.join(cacheDir, 'proxy');
  }

  /** Bytes of chunks on disk now. */
  get bytes(): number {
    let total = 0;
    for (const u of this.used.values()) total += u.bytes;
    return total;
  }

  /** True while a chunk file is kept (not dropped for the bound or cleared). */
  isKept(file: string): boolean {
    return this.used.has(file);
  }

  chunkFile(identity: string, start: number): string {
    return path.join(this.dir, identityHash(identity), `${start}.mkv`);
  }

  /** The built chunk starting at `start`, or null when there is none (or it is not valid). */
  async chunk(identity: string, span: ChunkSpan): Promise<ProxyChunk | null> {
    await this.scan();
    const file = this.chunkFile(identity, span.start);
    let got = this.layouts.get(file);
    if (!got) {
      got = this.load(identity, span, file);
      this.layouts.set(file, got);
      got.then(
        (c) => c === null && this.layouts.delete(file),
        () => this.layouts.delete(file),
      );
    }
    const chunk = await got;
    const u = this.used.get(file);
    if (chunk && u) u.at = Date.now();
    return chunk;
  }

  private async load(identity: string, span: ChunkSpan, file: string): Promise<ProxyChunk | null> {
    const meta = await fs.readFile(`${file}.json`, 'utf8').catch(() => null);
    if (meta === null) return null;
    let stored: StoredChunk;
    try {
      stored = JSON.parse(meta) as StoredChunk;
    } catch {
      return null;
    }
    if (
      typeof stored !== 'object' ||
      stored === null ||
      stored.v !== 1 ||
      stored.identity !== identity ||
      stored.start !== span.start ||
      stored.count !== span.count ||
      typeof stored.colour !== 'string' ||
      !/^(setparams=[a-z0-9_=:-]+)?$/.test(stored.colour)
    ) {
      return null;
    }
    const layout = await readProxyLayout(file, span.count).catch(() => null);
    if (!layout || layout.blocks.length !== span.count) return null;
    return { ...span, file, colour: stored.colour, layout };
  }

  /** Files a chunk written at `tmp` under its name, then trims the store to its bound. */
  async keep(identity: string, span: ChunkSpan, colour: string, tmp: string): Promise<void> {
    const file = this.chunkFile(identity, span.start);
    const bytes = (await fs.stat(tmp)).size;
    const meta: StoredChunk = { v: 1, identity, ...span, colour, bytes };
    await fs.rename(tmp, file);
    if (!(await storeCacheEntry(`${file}.json`, JSON.stringify(meta)))) {
      await fs.rm(file, { force: true });
      return;
    }
    this.used.set(file, { bytes, at: Date.now() });
    this.layouts.delete(file);
    await this.trim(file);
  }

  /** Where a chunk is written before it is whole. */
  async tempFile(identity: string, start: number): Promise<string> {
    const dir = path.dirname(this.chunkFile(identity, start));
    await fs.mkdir(dir, { recursive: true });
    return path.join(dir, `${start}.${process.pid}.${Date.now()}.part.mkv`);
  }

  /** Drops least recently used chunks (never `keepFile`) until the store fits its bound. */
  private async trim(keepFile: string): Promise<void> {
    const order = [...this.used.entries()].sort((a, b) => a[1].at - b[1].at);
    let total = this.bytes;
    for (const [file, u] of order) {
      if (total <= this.maxBytes) break;
      if (file === keepFile) continue;
      this.used.delete(file);
      this.layouts.delete(file);
      total -= u.bytes;
      await fs.rm(file, { force: true });
      await fs.rm(`${file}.json`, { force: true });
    }
  }

  /**
   * Learns the chunks already on disk (sizes and last use), and removes half-written ones a
   * process that no longer runs left behind (another one's build may be under way).
   */
  private scan(): Promise<void> {
    this.scanned ??= (async () => {
      const files = await fs.readdir(this.dir, { recursive: true }).catch(() => [] as string[]);
      for (const rel of files) {
        const file = path.join(this.dir, rel);
        const part = /\.(\d+)\.(\d+)\.part\.mkv$/.exec(rel);
        if (part) {
          if (!processRuns(Number(part[1])) || Date.now() - Number(part[2]) > 86_400_000) {
            await fs.rm(file, { force: true }).catch(() => undefined);
          }
          continue;
        }
        if (!rel.endsWith('.mkv')) continue;
        const st = await fs.stat(file).catch(() => null);
        if (st) this.used.set(file, { bytes: st.size, at: st.mtimeMs });
      }
    })();
    return this.scanned;
  }
}

/** True when a process with this id runs (signal 0 checks without sending anything). */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Why a chunk was not built (kept so the same chunk is not tried again and again). */
export type BuildRefusal = 'format' | 'mismatch' | 'failed';

/**
 * Builds chunk `span` of a file into `store`: decoded from the keyframe at or before its first
 * frame, checked frame by frame against the index, then kept. Resolves with what went wrong when
 * it was not kept, and the picture types of its frames (one char each) when it was.
 */
export async function buildChunk(o: {
  source: FrameSource;
  identity: string;
  index: FrameIndex;
  span: ChunkSpan;
  store: ProxyStore;
  picture: { pixFmt: string; colour: string };
  signal?: AbortSignal;
}): Promise<{ refused: BuildRefusal } | { refused: null; types: string }> {
  const codec = PROXY_CODECS[o.picture.pixFmt];
  if (!codec) return { refused: 'format' };
  const { index, span } = o;
  const plan = planSession(index, span.start, 0);
  const firstPts = index.frames[span.start]!.pts!;
  const lastPts = index.frames[span.start + span.count - 1]!.pts!;
  const tmp = await o.store.tempFile(o.identity, span.start);
  const codecArgs =
    codec === 'utvideo'
      ? ['-c:v', 'utvideo']
      : ['-c:v', 'ffv1', '-level', '3', '-g', '1', '-slices', '4', '-slicecrc', '0'];
  const args = [
    ...seekedInputArgs(o.source.input, o.source.raw, plan.seekSeconds, 'info'),
    '-vf',
    [
      'showinfo=checksum=0',
      `select=between(pts\\,${firstPts}\\,${lastPts})`,
      'showinfo=checksum=0',
      'settb=1/1000',
      'setpts=N',
    ].join(','),
    '-frames:v',
    String(span.count),
    '-enc_time_base',
    '1/1000',
    '-pix_fmt',
    o.picture.pixFmt,
    ...codecArgs,
    '-threads',
    '2',
    // A chunk never takes more than a third of the store's bound (a corrupt or odd file).
    '-fs',
    String(Math.floor(o.store.maxBytes / 3)),
    '-f',
    'matroska',
    '-y',
    tmp,
  ];
  try {
    const r = await runTool(o.source.ffmpeg, args, {
      purpose: 'frame proxy',
      signal: o.signal,
      // Two showinfo lines a frame, about 300 bytes each (colour lines in 7.x).
      stderrTailBytes: span.count * 2048 + 65536,
      // Below the frames a person waits for: the proxy is built with what is left of the CPU.
      lowPriority: true,
    });
    if (r.canceled || r.code !== 0) {
      if (!r.canceled) console.warn(`proxy chunk failed: ${lastLines(r.stderrTail, 2)}`);
      return { refused: 'failed' };
    }
    const types = writtenFrames(r.stderrTail, index, span, plan.seekKey);
    if (types === null) return { refused: 'mismatch' };
    await o.store.keep(o.identity, span, o.picture.colour, tmp);
    return { refused: null, types };
  } finally {
    await fs.rm(tmp, { force: true });
  }
}

// [Parsed_showinfo_0 @ 0x…] n:   0 pts:  12800 … iskey:1 type:I …
const SHOWINFO_PTS =
  /\[Parsed_showinfo_(\d+) @[^\]]*\]\s+n:\s*\d+\s+pts:\s*(-?\d+|NOPTS)\b(?:.*?\biskey:(\d))?(?:.*?\btype:([IPB?]))?/g;

/**
 * The picture types of the frames a run wrote (one char each), or null unless it landed at or
 * before the keyframe it aimed at and wrote exactly the chunk's frames in presentation order
 * (pure; exported for tests).
 */
export function writtenFrames(
  stderr: string,
  index: FrameIndex,
  span: ChunkSpan,
  seekKey: number,
): string | null {
  let landed: boolean | null = null;
  const written: number[] = [];
  let types = '';
  for (const m of stderr.matchAll(SHOWINFO_PTS)) {
    const pts = m[2] === 'NOPTS' ? null : Number(m[2]);
    if (m[1] === '0') {
      const keyPts = index.frames[seekKey]!.pts!;
      if (landed === null) landed = pts !== null && pts <= keyPts;
      // The keyframe sought must decode as one (see decodeSession.ts).
      if (seekKey > 0 && pts === keyPts && m[3] === '0') landed = false;
    } else if (pts !== null) {
      written.push(pts);
      types += m[4] ?? '?';
    }
  }
  if (!landed || written.length !== span.count) return null;
  return written.every((pts, i) => pts === index.frames[span.start + i]!.pts) ? types : null;
}

/** The decoded pixel format and colour tags of a file (see {@link parseStreamPicture}). */
export async function probePicture(
  source: FrameSource,
  signal?: AbortSignal,
): Promise<{ pixFmt: string; colour: string } | null> {
  const args = [
    ...seekedInputArgs(source.input, source.raw, null, 'info'),
    '-frames:v',
    '1',
    '-vf',
    'showinfo=checksum=0',
    '-f',
    'null',
    '-',
  ];
  const r = await runTool(source.ffmpeg, args, { purpose: 'frame proxy', signal });
  return r.code === 0 ? parseStreamPicture(r.stderrTail) : null;
}

/** A short stable name of a format, its colour and a stream's start, for decoder keys. */
export function pictureKey(picture: { pixFmt: string; colour: string }, head: Buffer): string {
  return createHash('sha256')
    .update(`${picture.pixFmt}|${picture.colour}|`)
    .update(head)
    .digest('hex')
    .slice(0, 16);
}
