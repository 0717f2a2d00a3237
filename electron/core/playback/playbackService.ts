/**
 * Packages in the app, and playing them: packages are recorded when made (`vq package`, or a
 * batch packaged from the app), listed with the renditions and scores behind each variant, and
 * played through the app's own server over a shaped network: a playback session paces every byte
 * the player fetches to its network profile's rate at that moment, one link shared by all the
 * requests in flight (as a real link is). A playback's report comes back from the player and is
 * summarised here from the stored per-frame VMAF (the player's own numbers are not taken).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import {
  rateAt,
  seriesOfResult,
  summarizePlayback,
  type NetworkProfile,
  type PackageEntry,
  type PlaybackReport,
  type PlaybackSummary,
  type VariantSeries,
} from '../../../shared/playback';
import { buildEncodeCommand, containerExtension, planLadder } from '../../../shared/encodePlan';
import type { AlignmentProblem, PackageSummary } from '../../../shared/packaging';
import { runToolChecked } from '../ffmpeg/process';
import { openRegularFile } from '../media/regularFile';
import { sourceGeometry } from '../encode/planBatch';
import { packageLadder } from '../package/packager';
import type { LibraryRepo } from '../store/libraryRepo';
import type { PackageRepo } from '../store/packageRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreService } from '../scoreService/scoreService';
import type { Toolchain } from '../toolchain';

/** Sessions kept at once; the oldest goes first. */
const MAX_SESSIONS = 16;
/** Bytes sent per pacing step. */
const PACE_BYTES = 16 * 1024;
/** The files of a package a player may fetch, by their path in the package. */
const PLAYABLE =
  /^(?:master\.m3u8|manifest\.mpd|(?:v\d{1,2}|audio)\/(?:index\.m3u8|init\.mp4|seg-\d{5,9}\.m4s))$/;

const CONTENT_TYPES: Record<string, string> = {
  '.m3u8': 'application/vnd.apple.mpegurl',
  '.mpd': 'application/dash+xml',
  '.mp4': 'video/mp4',
  '.m4s': 'video/iso.segment',
};

export interface PlaybackDeps {
  dataDir: string;
  packages: PackageRepo;
  library: LibraryRepo;
  renditions: RenditionRepo;
  scores: ScoreService;
  toolchain: Toolchain;
}

interface Session {
  id: string;
  pkg: { id: string; dir: string };
  profile: NetworkProfile;
  startedAt: number;
  /** When the shaped link is free again (ms, performance clock). */
  linkFreeAt: number;
  lastUsed: number;
}

/** A file of a package opened for a player, paced to its session's network. */
export interface PlayFile {
  size: number;
  contentType: string;
  /** The bytes, paced; stops early when `signal` aborts. The file closes when it ends. */
  body: AsyncIterable<Buffer>;
  /** Closes the file without reading it (a HEAD request). */
  close(): Promise<void>;
}

export class PlaybackService {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly deps: PlaybackDeps) {}

  /** Records a package written to `dir` (its source found by path in the library). */
  register(dir: string, summary: PackageSummary): PackageEntry {
    const source = summary.sourcePath ? this.deps.library.getByPath(summary.sourcePath) : null;
    const stored = {
      id: summary.id,
      dir: path.resolve(dir),
      sourceId: source?.item.id ?? this.sourceOfRenditions(summary),
      createdAt: summary.createdAt,
      summary,
    };
    this.deps.packages.add(stored);
    return this.entry(stored);
  }

  /** Packages, newest first, each with its variants' renditions, scores and playbacks. */
  list(): PackageEntry[] {
    return this.deps.packages.list().map((p) => this.entry(p));
  }

  /** Packages the renditions of a batch into the data folder's `packages/`. */
  async packageBatch(args: {
    batchId: string;
    hls: boolean;
    dash: boolean;
    segmentSeconds?: number;
    align?: boolean;
  }): Promise<PackageEntry> {
    const renditions = this.deps.renditions.list({ batchId: args.batchId });
    if (renditions.length === 0) {
      throw new VqError(
        'NOT_FOUND',
        `Batch ${args.batchId} has no renditions to package.`,
        'Encode the ladder first.',
      );
    }
    // The newest rendition of each rung, in the ladder's order of making.
    const byRung = new Map<string, (typeof renditions)[number]>();
    for (const r of renditions) if (!byRung.has(r.rungId)) byRung.set(r.rungId, r);
    const source = this.deps.library.get(renditions[0]!.sourceId);
    const [ffmpeg, ffprobe] = await Promise.all([
      this.deps.toolchain.binaryFor('encode'),
      this.deps.toolchain.binaryFor('probe'),
    ]);
    const outDir = path.join(
      this.deps.dataDir,
      'packages',
      `${args.batchId.slice(0, 8)}-${Date.now().toString(36)}`,
    );
    await fs.mkdir(path.dirname(outDir), { recursive: true });
    const inputs = [...byRung.values()].reverse().map((r) => ({ rungId: r.rungId, path: r.path }));
    const files = new Map(inputs.map((i) => [i.rungId, i.path]));
    const summary = await packageLadder({
      ffmpeg,
      ffprobe,
      renditions: inputs,
      align: args.align
        ? (problems, seg, dir) => this.alignRungs(problems, seg, dir, files)
        : undefined,
      sourcePath: source?.item.path ?? null,
      outDir,
      hls: args.hls,
      dash: args.dash,
      segmentSeconds: args.segmentSeconds,
    });
    return this.register(outDir, summary);
  }

  /**
   * Re-encodes rungs whose keyframes miss the segment boundaries (packageLadder's `align`): each
   * from its library source, with its own settings but a fixed, closed GOP that divides the
   * segment length and keyframes forced on every boundary. A rung that is not a rendition of
   * this library (its settings unknown) cannot be re-encoded and stays refused.
   */
  async alignRungs(
    problems: readonly AlignmentProblem[],
    seg: number,
    dir: string,
    files: ReadonlyMap<string, string>,
    signal?: AbortSignal,
  ): Promise<{ rungId: string; path: string; command: string[] }[]> {
    const made: { rungId: string; path: string; command: string[] }[] = [];
    const cannot: string[] = [];
    const encoder = await this.deps.toolchain.binaryFor('encode');
    await fs.mkdir(dir, { recursive: true });
    for (const p of problems) {
      const file = files.get(p.rungId);
      const rendition = file ? this.deps.renditions.atPath(path.resolve(file)) : null;
      const source = rendition ? this.deps.library.get(rendition.sourceId) : null;
      if (!rendition || !source || source.refused) {
        const why = !rendition
          ? 'it is not a rendition in this library, so its settings and source are not known'
          : 'its source is not in the library any more';
        cannot.push(`rung "${p.rungId}" (${p.reason}) cannot be re-encoded: ${why}`);
        continue;
      }
      const own = rendition.rung.gopSeconds;
      const gop = own !== null && Math.abs(seg / own - Math.round(seg / own)) < 1e-6 ? own : seg;
      const rung = { ...rendition.rung, gopSeconds: gop, fixedGop: true };
      const plan = planLadder(
        { id: 'aligned', name: 'aligned', rungs: [rung] },
        sourceGeometry(source.item.media, source.raw),
      );
      const planned = plan.rungs[0];
      if (!planned) {
        const why = [...plan.refused, ...plan.skipped].map((x) => x.reason).join('; ');
        cannot.push(
          `rung "${p.rungId}" cannot be re-encoded from its source: ${why || 'the plan refused it'}`,
        );
        continue;
      }
      const duration = source.item.media.durationSeconds ?? 0;
      const keyframesAt: number[] = [];
      for (let t = 0; t < duration; t += seg) keyframesAt.push(t);
      const out = path.join(dir, `${rendition.rungId}.${containerExtension(rung.container)}`);
      // One pass: a two-pass rung's aligned copy is encoded in one (its rate as asked).
      const args = buildEncodeCommand(
        { path: source.item.path, raw: source.raw },
        [planned],
        [out],
        { keyframesAt },
      );
      await runToolChecked(encoder, args, { purpose: 'encode', signal });
      made.push({ rungId: p.rungId, path: out, command: [encoder, ...args] });
    }
    if (cannot.length > 0) {
      throw new VqError(
        'GOPS_MISALIGNED',
        `Some rungs do not fit ${seg} s segments and cannot be re-encoded here: ${cannot.join('; ')}.`,
        'Encode those rungs with `vq encode` (fixed GOPs whose length divides the segment), or choose another segment length.',
      );
    }
    return made;
  }

  /** Starts a playback session of a package over `profile`; its files are fetched through it. */
  async start(packageId: string, profile: NetworkProfile): Promise<{ sessionId: string }> {
    const pkg = this.deps.packages.get(packageId);
    if (!pkg)
      throw new VqError(
        'NOT_FOUND',
        `No package with id ${packageId}.`,
        'See the packages listed in Play.',
      );
    if (!pkg.summary.hls) {
      throw new VqError(
        'UNSUPPORTED',
        `Package ${path.basename(pkg.dir)} has no HLS playlists (it was made with --dash only).`,
        'Package it again with HLS to play it here.',
      );
    }
    const master = await fs.stat(path.join(pkg.dir, 'master.m3u8')).catch(() => null);
    if (!master?.isFile()) {
      throw new VqError(
        'NOT_FOUND',
        `The package's master.m3u8 is gone from ${pkg.dir}.`,
        'The folder was moved or deleted: package the ladder again.',
      );
    }
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.sessions.values()].sort((a, b) => a.lastUsed - b.lastUsed)[0]!;
      this.sessions.delete(oldest.id);
    }
    const now = performance.now();
    const s: Session = {
      id: randomUUID().replace(/-/g, ''),
      pkg: { id: pkg.id, dir: pkg.dir },
      profile,
      startedAt: now,
      linkFreeAt: now,
      lastUsed: Date.now(),
    };
    this.sessions.set(s.id, s);
    return { sessionId: s.id };
  }

  /**
   * A file of a session's package, for the player: only the playlists, init and media segments
   * a package has (`PLAYABLE`), read from inside its folder, paced to the network. Null when the
   * session or the file is unknown.
   */
  async open(sessionId: string, file: string, signal?: AbortSignal): Promise<PlayFile | null> {
    const s = this.sessions.get(sessionId);
    if (!s || !PLAYABLE.test(file)) return null;
    s.lastUsed = Date.now();
    const full = path.join(s.pkg.dir, ...file.split('/'));
    const opened = await openRegularFile(full).catch(() => null);
    if (!opened?.ok) return null;
    const size = opened.size;
    const fh = opened.handle;
    let closed = false;
    const close = async (): Promise<void> => {
      if (closed) return;
      closed = true;
      await fh.close();
    };
    // The round trip passes before the answer starts, as on a real link (a player measures its
    // throughput from the first byte).
    const latency = s.profile.latencyMs ?? 0;
    if (latency > 0) await sleep(latency, signal);
    const body = async function* (this: PlaybackService): AsyncGenerator<Buffer> {
      try {
        let at = 0;
        while (at < size && !signal?.aborted) {
          const chunk = Buffer.alloc(Math.min(PACE_BYTES, size - at));
          const { bytesRead } = await fh.read(chunk, 0, chunk.length, at);
          if (bytesRead <= 0) break;
          await this.pace(s, bytesRead, signal);
          at += bytesRead;
          yield chunk.subarray(0, bytesRead);
        }
      } finally {
        await close();
      }
    }.call(this);
    return {
      size,
      contentType: CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
      body,
      close,
    };
  }

  /** Records a playback's report and returns its summary (computed here, see shared/playback.ts). */
  save(report: PlaybackReport): PlaybackSummary {
    const pkg = this.deps.packages.get(report.packageId);
    if (!pkg) throw new VqError('NOT_FOUND', `No package with id ${report.packageId}.`);
    const links = this.links(pkg.summary, pkg.sourceId);
    const series = pkg.summary.variants.map((v, i) =>
      this.series(links[i]!.scoreResultId, v.frameRate),
    );
    const summary = summarizePlayback(
      randomUUID(),
      new Date().toISOString(),
      pkg.summary,
      report,
      series,
    );
    this.deps.packages.addPlayback(summary);
    return summary;
  }

  /** Waits until `bytes` may go on the session's link at its current rate. */
  private async pace(s: Session, bytes: number, signal?: AbortSignal): Promise<void> {
    const now = performance.now();
    const start = Math.max(now, s.linkFreeAt);
    // The rate when these bytes go out, which may be after a step, queued behind others.
    const kbps = rateAt(s.profile, (start - s.startedAt) / 1000);
    if (kbps === null) {
      s.linkFreeAt = start;
      return;
    }
    s.linkFreeAt = start + (bytes * 8) / kbps; // kbit/s = bits per ms
    const wait = s.linkFreeAt - now;
    if (wait >= 1) await sleep(wait, signal);
  }

  private entry(p: {
    id: string;
    dir: string;
    sourceId: string | null;
    createdAt: string;
    summary: PackageSummary;
  }): PackageEntry {
    return {
      id: p.id,
      name: path.basename(p.dir),
      dir: p.dir,
      sourceId: p.sourceId,
      createdAt: p.createdAt,
      summary: p.summary,
      variantLinks: this.links(p.summary, p.sourceId),
      playbacks: this.deps.packages.playbacks(p.id),
    };
  }

  /** Each variant's rendition in the library (by the file it was copied from) and its newest VMAF. */
  private links(summary: PackageSummary, sourceId: string | null): PackageEntry['variantLinks'] {
    const current = sourceId ? this.deps.scores.list(sourceId).results : [];
    return summary.variants.map((v) => {
      const rendition = this.deps.renditions.atPath(v.sourceFile);
      const score = rendition
        ? current.find(
            (r) => r.target.kind === 'rendition' && r.target.id === rendition.id && r.metrics.vmaf,
          )
        : undefined;
      return { renditionId: rendition?.id ?? null, scoreResultId: score?.id ?? null };
    });
  }

  private sourceOfRenditions(summary: PackageSummary): string | null {
    for (const v of summary.variants) {
      const r = this.deps.renditions.atPath(v.sourceFile);
      if (r) return r.sourceId;
    }
    return null;
  }

  /** Per-frame VMAF of a stored score result on the media clock (see `seriesOfResult`). */
  private series(resultId: string | null, fps: number | null): VariantSeries | null {
    if (!resultId) return null;
    try {
      return seriesOfResult(this.deps.scores.get(resultId), fps);
    } catch {
      return null; // deleted meanwhile
    }
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
