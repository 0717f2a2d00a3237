/**
 * Events for what another process wrote to the same data folder. A `vq encode` beside the app or
 * `vq serve` runs its own batch in its own process; open clients of the app learn of it only from
 * the database. SQLite's `PRAGMA data_version` changes when another connection commits, so a poll
 * costs one pragma while nothing happens. When it changes, the jobs, renditions, score results,
 * library sources and batches whose entry in the `changes` table (stamped by triggers with a
 * counter that never goes back, migration 7) is newer than the last look become the usual events
 * (`job.updated`, `rendition.added`/`removed`, `score.added`/`removed`, `library.added`/`removed`,
 * `batch.added`/`removed`), and a pause or resume of the queue becomes `queue.paused`. Nothing else is read: a write no client sees (another queue's heartbeat) costs
 * one query that finds no entry, however large the library. At most {@link SLICE} entries are
 * turned into events per look; the rest follow right after (setImmediate), so another process's
 * import of 100k sources never holds the event loop in one piece. What this process said itself
 * is remembered from its own event stream and not said again. (Live progress of another process's
 * job is not in the database: its job shows as running until it ends.)
 */
import { createHash } from 'node:crypto';
import type { VqEvent } from '../../../shared/api';
import type { LibraryItem } from '../../../shared/library';
import type { Job } from '../../../shared/queue';
import type { EventHub } from '../events';
import type { Db } from '../store/db';
import type { LibraryRepo } from '../store/libraryRepo';
import type { RenditionRepo } from '../store/renditionRepo';
import type { ScoreRepo } from '../store/scoreRepo';
import type { JobStore } from './jobStore';

/** What {@link CrossProcessEvents} reads and where it tells. */
export interface CrossProcessEventsDeps {
  db: Db;
  jobs: JobStore;
  library: LibraryRepo;
  renditions: RenditionRepo;
  scores: ScoreRepo;
  events: EventHub;
  /** Called after another process changed the database (the queue may have work now). */
  onChange?: () => void;
  /** Entries of `changes` turned into events per look (default {@link SLICE}). */
  slice?: number;
}

/** Tombstones of deleted rows are kept this long, for processes that look rarely. */
const TOMBSTONE_MS = 60 * 60 * 1000;

/** Entries handled per look: a few milliseconds of reads, however many another process wrote. */
export const SLICE = 500;

interface ChangeRow {
  kind: 'job' | 'rendition' | 'score' | 'source' | 'batch';
  id: string;
  seq: number;
  removed_at: number | null;
}

/** Turns other processes' writes into events, polling `PRAGMA data_version`. */
export class CrossProcessEvents {
  private dataVersion: number;
  /** The change counter at the last look: every entry above it is new. */
  private lastSeq: number;
  /** True while entries above {@link lastSeq} are left for the next look (a burst in slices). */
  private backlog = false;
  /** What each job looked like when last told (a hash of its JSON), so a repeat is not told. */
  private readonly toldJobs = new Map<string, string>();
  /**
   * Sources this process told as added (a hash of the item, so another process's later change
   * to the same source is still told) or removed, until a scan meets them.
   */
  private readonly toldSources = new Map<string, string>();
  private readonly toldSourcesRemoved = new Set<string>();
  /** Batches, renditions and scores this process told as added or removed, until a scan meets them. */
  private readonly toldBatches = new Set<string>();
  private readonly toldBatchesRemoved = new Set<string>();
  /** Whether the queue was paused when last told (read from the database, told on a change). */
  private toldPaused: boolean;
  private readonly toldRenditions = new Set<string>();
  private readonly toldRenditionsRemoved = new Set<string>();
  private readonly toldScores = new Set<string>();
  private readonly toldScoresRemoved = new Set<string>();
  private lastPruneMs = 0;
  private timer: NodeJS.Timeout | null = null;
  /** The look that continues a backlog right after this one, while the timer runs. */
  private soon: NodeJS.Immediate | null = null;
  /** The last failure of the poll timer said in the log (said once until a poll works again). */
  private troubleSaid: string | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: CrossProcessEventsDeps) {
    this.dataVersion = this.readDataVersion();
    this.lastSeq = this.readSeq();
    this.toldPaused = deps.jobs.isPaused();
    this.unsubscribe = deps.events.subscribe((e) => this.remember(e));
  }

  /**
   * Polls every `intervalMs` (default 1 s) until {@link close}, and right after a look that left a
   * backlog; never throws from the timer.
   */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /**
   * Looks once: true when another process had written since the last look, or a backlog was
   * continued. Handles at most one slice of entries; {@link pending} says whether more wait.
   */
  poll(): boolean {
    const version = this.readDataVersion();
    const changed = version !== this.dataVersion;
    if (!changed && !this.backlog) return false;
    // One read transaction: the entries and the rows they stamp are read from the same snapshot.
    this.deps.db.transaction(() => this.scan())();
    this.dataVersion = version;
    this.pruneTombstones(); // a write: outside the read transaction
    if (changed) this.deps.onChange?.();
    return true;
  }

  /** True when the last look left entries for the next one. */
  get pending(): boolean {
    return this.backlog;
  }

  /** Stops polling and listening. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.soon) clearImmediate(this.soon);
    this.timer = null;
    this.soon = null;
    this.unsubscribe();
  }

  private tick(): void {
    try {
      this.poll();
      this.troubleSaid = null;
    } catch (err) {
      // A busy or closing database: the next poll tries again. Said once, not every second.
      const message = err instanceof Error ? err.message : String(err);
      if (this.troubleSaid === message) return;
      this.troubleSaid = message;
      console.warn(
        'queue: reading changes of other processes failed (tried again every second):',
        message,
      );
      return;
    }
    // The rest of a burst after whatever else waits in the event loop, not a second later.
    if (this.backlog && this.timer && !this.soon) {
      this.soon = setImmediate(() => {
        this.soon = null;
        this.tick();
      });
      this.soon.unref();
    }
  }

  private readDataVersion(): number {
    return this.deps.db.pragma('data_version', { simple: true }) as number;
  }

  private readSeq(): number {
    const row = this.deps.db.prepare('SELECT seq FROM change_counter WHERE id = 1').get() as
      { seq: number } | undefined;
    return row?.seq ?? 0;
  }

  /** Records what this process told, so a scan does not say it again. */
  private remember(e: VqEvent): void {
    switch (e.type) {
      case 'job.updated':
        this.toldJobs.set(e.job.id, jobHash(e.job));
        break;
      case 'batch.added':
        this.toldBatches.add(e.batch.id);
        break;
      case 'batch.removed':
        this.toldBatchesRemoved.add(e.batchId);
        break;
      case 'queue.paused':
        this.toldPaused = e.paused;
        break;
      case 'library.added':
        this.toldSourcesRemoved.delete(e.item.id);
        this.toldSources.set(e.item.id, itemHash(e.item));
        break;
      case 'library.removed':
        this.toldSources.delete(e.id);
        this.toldSourcesRemoved.add(e.id);
        break;
      case 'rendition.added':
        this.toldRenditions.add(e.rendition.id);
        break;
      case 'rendition.removed':
        this.toldRenditionsRemoved.add(e.id);
        break;
      case 'score.added':
        this.toldScores.add(e.result.id);
        break;
      case 'score.removed':
        this.toldScoresRemoved.add(e.id);
        break;
      default:
        break;
    }
  }

  /** Turns the next slice of entries (in counter order) into events. */
  private scan(): void {
    const { db, jobs, library, renditions, scores, events } = this.deps;
    const limit = Math.max(1, this.deps.slice ?? SLICE);
    const changed = db
      .prepare('SELECT kind, id, seq, removed_at FROM changes WHERE seq > ? ORDER BY seq LIMIT ?')
      .all(this.lastSeq, limit) as ChangeRow[];
    const changedJobs: Job[] = [];
    for (const c of changed) {
      const removed = c.removed_at !== null;
      switch (c.kind) {
        case 'job': {
          const j = removed ? null : jobs.getJob(c.id);
          if (j) changedJobs.push(j);
          else this.toldJobs.delete(c.id); // no event says a job is gone (its batch went with it)
          break;
        }
        case 'batch':
          // A batch is removed when the queue is cleared of finished batches (its jobs go with
          // it), or by a rolled-back project import.
          if (removed) {
            this.toldBatches.delete(c.id);
            if (!this.toldBatchesRemoved.delete(c.id))
              events.emit({ type: 'batch.removed', batchId: c.id });
          } else if (!this.toldBatches.delete(c.id)) {
            const batch = jobs.getBatch(c.id);
            if (batch) events.emit({ type: 'batch.added', batch });
          }
          break;
        case 'source':
          if (removed) {
            this.toldSources.delete(c.id);
            if (!this.toldSourcesRemoved.delete(c.id))
              events.emit({ type: 'library.removed', id: c.id });
          } else {
            // Added, or changed (verified or probed again): `library.added` replaces a known item.
            const told = this.toldSources.get(c.id);
            this.toldSources.delete(c.id);
            this.toldSourcesRemoved.delete(c.id);
            const src = library.get(c.id);
            if (src && told !== itemHash(src.item))
              events.emit({ type: 'library.added', item: src.item });
          }
          break;
        case 'rendition':
          if (removed) {
            this.toldRenditions.delete(c.id);
            if (!this.toldRenditionsRemoved.delete(c.id))
              events.emit({ type: 'rendition.removed', id: c.id });
          } else if (!this.toldRenditions.delete(c.id)) {
            const rendition = renditions.get(c.id);
            if (rendition) events.emit({ type: 'rendition.added', rendition });
          }
          break;
        case 'score':
          if (removed) {
            this.toldScores.delete(c.id);
            if (!this.toldScoresRemoved.delete(c.id))
              events.emit({ type: 'score.removed', id: c.id });
          } else if (!this.toldScores.delete(c.id)) {
            const result = scores.summary(c.id);
            if (result) events.emit({ type: 'score.added', result });
          }
          break;
        default:
          break;
      }
    }

    // Jobs last: a client then has the batch and the rendition when it sees a job done (their
    // entries are older, so an earlier slice or this one told them).
    changedJobs.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const j of changedJobs) {
      const hash = jobHash(j);
      if (this.toldJobs.get(j.id) === hash) continue;
      this.toldJobs.set(j.id, hash);
      events.emit({ type: 'job.updated', job: j });
    }
    // The pause is a row of its own (no entry in `changes`): one read per look tells a change.
    const paused = jobs.isPaused();
    if (paused !== this.toldPaused) {
      this.toldPaused = paused;
      events.emit({ type: 'queue.paused', paused });
    }
    // Last: a scan that fails midway is done again from the same point (a repeat, never a gap).
    this.backlog = changed.length === limit;
    if (changed.length > 0) this.lastSeq = changed[changed.length - 1]!.seq;
  }

  /** Deletes tombstones older than {@link TOMBSTONE_MS}, at most once a minute. */
  private pruneTombstones(): void {
    const now = Date.now();
    if (now - this.lastPruneMs < 60_000) return;
    this.lastPruneMs = now;
    this.deps.db
      .prepare('DELETE FROM changes WHERE removed_at IS NOT NULL AND removed_at < ?')
      .run(now - TOMBSTONE_MS);
  }
}

function jobHash(job: Job): string {
  return createHash('sha1').update(JSON.stringify(job)).digest('base64');
}

function itemHash(item: LibraryItem): string {
  return createHash('sha1').update(JSON.stringify(item)).digest('base64');
}
