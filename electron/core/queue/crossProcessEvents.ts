/**
 * Events for what another process wrote to the same data folder. A `vq encode` beside the app or
 * `vq serve` runs its own batch in its own process; open clients of the app learn of it only from
 * the database. SQLite's `PRAGMA data_version` changes when another connection commits, so a poll
 * costs one pragma while nothing happens; when it changes, the rows that are new or changed since
 * the last look become the usual events (`library.added`, `batch.added`, `job.updated`,
 * `rendition.added`, `score.added`). What this process said itself is remembered from its own
 * event stream and not said again. (Live progress of another process's job is not in the
 * database: its job shows as running until it ends.)
 */
import type { VqEvent } from '../../../shared/api';
import type { Job, JobStatus } from '../../../shared/queue';
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
}

const OPEN: readonly JobStatus[] = ['queued', 'running'];

/** Turns other processes' writes into events, polling `PRAGMA data_version`. */
export class CrossProcessEvents {
  private dataVersion: number;
  /** Queued or running jobs as last told (JSON), so a change shows and a repeat does not. */
  private readonly toldJobs = new Map<string, string>();
  private readonly batches = new Set<string>();
  private readonly sources = new Set<string>();
  private readonly toldRenditions = new Set<string>();
  private readonly toldScores = new Set<string>();
  private lastRenditionRow: number;
  private lastScoreRow: number;
  private timer: NodeJS.Timeout | null = null;
  private readonly unsubscribe: () => void;

  constructor(private readonly deps: CrossProcessEventsDeps) {
    const { db } = deps;
    this.dataVersion = this.readDataVersion();
    for (const id of ids(db, 'SELECT id FROM batches')) this.batches.add(id);
    for (const id of ids(db, 'SELECT id FROM sources')) this.sources.add(id);
    for (const j of deps.jobs.listJobs({ statuses: OPEN })) this.toldJobs.set(j.id, JSON.stringify(j));
    this.lastRenditionRow = maxRow(db, 'renditions');
    this.lastScoreRow = maxRow(db, 'score_results');
    this.unsubscribe = deps.events.subscribe((e) => this.remember(e));
  }

  /** Polls every `intervalMs` (default 1 s) until {@link close}. */
  start(intervalMs = 1000): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.poll();
      } catch (err) {
        // A busy or closing database: the next poll tries again.
        console.warn('queue: reading changes of other processes failed:', err instanceof Error ? err.message : err);
      }
    }, intervalMs);
    this.timer.unref();
  }

  /** Looks once; true when another process had written since the last look. */
  poll(): boolean {
    const version = this.readDataVersion();
    if (version === this.dataVersion) return false;
    this.dataVersion = version;
    this.scan();
    this.deps.onChange?.();
    return true;
  }

  /** Stops polling and listening. */
  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.unsubscribe();
  }

  private readDataVersion(): number {
    return this.deps.db.pragma('data_version', { simple: true }) as number;
  }

  /** Records what this process told, so a scan does not say it again. */
  private remember(e: VqEvent): void {
    switch (e.type) {
      case 'job.updated':
        if (OPEN.includes(e.job.status)) this.toldJobs.set(e.job.id, JSON.stringify(e.job));
        else this.toldJobs.delete(e.job.id); // a finished job comes back only by being queued again
        break;
      case 'batch.added':
        this.batches.add(e.batch.id);
        break;
      case 'library.added':
        this.sources.add(e.item.id);
        break;
      case 'library.removed':
        this.sources.delete(e.id);
        break;
      case 'rendition.added':
        this.toldRenditions.add(e.rendition.id);
        break;
      case 'score.added':
        this.toldScores.add(e.result.id);
        break;
      default:
        break;
    }
  }

  private scan(): void {
    const { db, jobs, library, renditions, scores, events } = this.deps;
    const known = new Set<string>();
    for (const id of ids(db, 'SELECT id FROM sources')) {
      known.add(id);
      if (this.sources.has(id)) continue;
      const src = library.get(id);
      if (src) events.emit({ type: 'library.added', item: src.item });
    }
    for (const id of [...this.sources]) if (!known.has(id)) events.emit({ type: 'library.removed', id });

    const candidates = new Map<string, Job>();
    for (const id of ids(db, 'SELECT id FROM batches ORDER BY created_at, rowid')) {
      if (this.batches.has(id)) continue;
      const batch = jobs.getBatch(id);
      if (!batch) continue;
      events.emit({ type: 'batch.added', batch });
      // All its jobs, also those that finished between two looks.
      for (const j of jobs.listJobs({ batchId: id })) candidates.set(j.id, j);
    }
    for (const j of jobs.listJobs({ statuses: OPEN })) candidates.set(j.id, j);
    for (const id of this.toldJobs.keys()) {
      if (candidates.has(id)) continue;
      const j = jobs.getJob(id);
      if (j) candidates.set(id, j);
      else this.toldJobs.delete(id);
    }

    const newRenditions = db
      .prepare('SELECT rowid AS r, id FROM renditions WHERE rowid > ? ORDER BY rowid')
      .all(this.lastRenditionRow) as { r: number; id: string }[];
    for (const row of newRenditions) {
      this.lastRenditionRow = Math.max(this.lastRenditionRow, row.r);
      if (this.toldRenditions.delete(row.id)) continue;
      const rendition = renditions.get(row.id);
      if (rendition) events.emit({ type: 'rendition.added', rendition });
    }
    const newScores = db
      .prepare('SELECT rowid AS r, id FROM score_results WHERE rowid > ? ORDER BY rowid')
      .all(this.lastScoreRow) as { r: number; id: string }[];
    for (const row of newScores) {
      this.lastScoreRow = Math.max(this.lastScoreRow, row.r);
      if (this.toldScores.delete(row.id)) continue;
      const result = scores.summary(row.id);
      if (result) events.emit({ type: 'score.added', result });
    }

    // Jobs last: a client then has the batch and the rendition when it sees a job done.
    const ordered = [...candidates.values()].sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    for (const j of ordered) {
      if (this.toldJobs.get(j.id) === JSON.stringify(j)) continue;
      events.emit({ type: 'job.updated', job: j });
    }
  }
}

function ids(db: Db, sql: string): string[] {
  return (db.prepare(sql).all() as { id: string }[]).map((r) => r.id);
}

function maxRow(db: Db, table: 'renditions' | 'score_results'): number {
  const row = db.prepare(`SELECT MAX(rowid) AS m FROM ${table}`).get() as { m: number | null };
  return row.m ?? 0;
}
