/** The embedded queue store: batches and jobs in the library database. */
import type { Ladder } from '../../../shared/ladder';
import type { Batch, Job, JobKind, JobPlan, JobStatus, SkippedRung } from '../../../shared/queue';
import type { Db } from '../store/db';
import type {
  Claimant,
  JobGuard,
  JobPatch,
  JobStore,
  NewJob,
  RequeueOptions,
  RunnerRecord,
  RunningJob,
} from './jobStore';

interface BatchRow {
  id: string;
  source_id: string;
  ladder_json: string;
  out_dir: string;
  decode_once: number;
  skipped_json: string;
  created_at: string;
  chunk_seconds: number | null;
  chunk_starts_json: string | null;
}

interface JobRow {
  id: string;
  batch_id: string;
  kind: string;
  status: string;
  rung_ids: string;
  plan_json: string;
  depends_on: string | null;
  queue_order: number;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  binary: string | null;
  command_json: string;
  stderr_tail: string | null;
  error: string | null;
  encode_seconds: number | null;
  runner: string | null;
  heartbeat_at: string | null;
  pid: number | null;
  owner: string | null;
  worker: string | null;
}

interface RunnerRow {
  runner: string;
  pid: number;
  heartbeat_at: string;
  identity: string | null;
}

const PATCH_COLUMNS: Record<keyof JobPatch, string> = {
  status: 'status',
  startedAt: 'started_at',
  finishedAt: 'finished_at',
  binary: 'binary',
  commands: 'command_json',
  stderrTail: 'stderr_tail',
  error: 'error',
  encodeSeconds: 'encode_seconds',
  runner: 'runner',
  pid: 'pid',
  owner: 'owner',
  worker: 'worker',
};

/**
 * {@link JobStore} over SQLite (better-sqlite3 is synchronous, so each method is one transaction).
 * Every transaction that writes begins IMMEDIATE (takes the write lock before its first read): in
 * WAL mode a deferred transaction that read first and then writes fails at once with
 * SQLITE_BUSY_SNAPSHOT when another process committed in between (the busy timeout cannot help),
 * while BEGIN IMMEDIATE waits out the other writer.
 */
export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Db) {}

  addBatch(batch: Batch, jobs: NewJob[]): Job[] {
    return this.db
      .transaction(() => {
        this.db
          .prepare(
            `INSERT INTO batches (id, source_id, ladder_json, out_dir, decode_once, skipped_json, created_at,
             chunk_seconds, chunk_starts_json)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            batch.id,
            batch.sourceId,
            JSON.stringify(batch.ladder),
            batch.outDir,
            batch.decodeOnce ? 1 : 0,
            JSON.stringify(batch.skipped),
            batch.createdAt,
            batch.chunkSeconds ?? null,
            batch.chunkStarts ? JSON.stringify(batch.chunkStarts) : null,
          );
        return jobs.map((j) => this.insertJob(j, batch.createdAt));
      })
      .immediate();
  }

  addJob(job: NewJob): Job {
    return this.db.transaction(() => this.insertJob(job, new Date().toISOString())).immediate();
  }

  getBatch(id: string): Batch | null {
    const row = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as
      BatchRow | undefined;
    return row ? batchFromRow(row) : null;
  }

  listBatches(): Batch[] {
    const rows = this.db
      .prepare('SELECT * FROM batches ORDER BY created_at DESC, rowid DESC')
      .all() as BatchRow[];
    return rows.map(batchFromRow);
  }

  getJob(id: string): Job | null {
    const row = this.db.prepare('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row ? jobFromRow(row) : null;
  }

  listJobs(
    filter: { batchId?: string; statuses?: readonly JobStatus[]; claimableBy?: Claimant } = {},
  ): Job[] {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (filter.batchId !== undefined) {
      where.push('batch_id = ?');
      params.push(filter.batchId);
    }
    if (filter.statuses) {
      if (filter.statuses.length === 0) return [];
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.claimableBy) {
      where.push(CLAIMABLE);
      params.push(...claimableParams(filter.claimableBy));
    }
    const sql = `SELECT * FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY queue_order`;
    return (this.db.prepare(sql).all(...params) as JobRow[]).map(jobFromRow);
  }

  dependants(jobId: string): Job[] {
    const rows = this.db
      .prepare('SELECT * FROM jobs WHERE depends_on = ? ORDER BY queue_order')
      .all(jobId) as JobRow[];
    return rows.map(jobFromRow);
  }

  claim(id: string, claimant: Claimant, startedAt: string): Job | null {
    // One statement decides: a job another process owns, or took a moment ago, is never taken
    // here. In the same transaction as the read back, so the job returned is the one claimed.
    return this.db
      .transaction(() => {
        const changed = this.db
          .prepare(
            `UPDATE jobs SET status = 'running', runner = ?, started_at = ?, heartbeat_at = ?, finished_at = NULL,
               attempts = attempts + 1, error = NULL, stderr_tail = NULL, encode_seconds = NULL, pid = NULL, worker = NULL
             WHERE id = ? AND status = 'queued' AND ${CLAIMABLE}`,
          )
          .run(claimant.runner, startedAt, startedAt, id, ...claimableParams(claimant)).changes;
        return changed === 1 ? this.getJob(id) : null;
      })
      .immediate();
  }

  update(id: string, patch: JobPatch, guard: JobGuard): Job | null {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof JobPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${PATCH_COLUMNS[key]} = ?`);
      params.push(key === 'commands' ? JSON.stringify(value) : (value as string | number | null));
    }
    const where = guardSql(guard);
    const tx = this.db.transaction(() => {
      const matched = sets.length
        ? this.db
            .prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ? AND ${where.sql}`)
            .run(...params, id, ...where.params).changes === 1
        : this.db
            .prepare(`SELECT 1 FROM jobs WHERE id = ? AND ${where.sql}`)
            .get(id, ...where.params) !== undefined;
      return matched ? this.getJob(id) : null;
    });
    // Only reads when there is nothing to set: no write lock then.
    return sets.length ? tx.immediate() : tx.deferred();
  }

  requeue(id: string, guard: JobGuard, opts: RequeueOptions): Job | null {
    const where = guardSql(guard);
    // IMMEDIATE: nextOrder() reads before the UPDATE writes.
    return this.db
      .transaction(() => {
        const order = opts.atEnd ? this.nextOrder() : null;
        const commands = opts.commands === undefined ? null : JSON.stringify(opts.commands);
        const changed = this.db
          .prepare(
            `UPDATE jobs SET status = 'queued', queue_order = COALESCE(?, queue_order), started_at = NULL,
             finished_at = NULL, error = NULL, stderr_tail = NULL, encode_seconds = NULL, runner = NULL, pid = NULL, worker = NULL,
             owner = ?, binary = CASE WHEN ? THEN ? ELSE binary END, command_json = COALESCE(?, command_json)
           WHERE id = ? AND ${where.sql}`,
          )
          .run(
            order,
            opts.owner,
            opts.binary !== undefined ? 1 : 0,
            opts.binary ?? null,
            commands,
            id,
            ...where.params,
          ).changes;
        return changed === 1 ? this.getJob(id) : null;
      })
      .immediate();
  }

  running(): RunningJob[] {
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE status = 'running' ORDER BY queue_order`)
      .all() as JobRow[];
    return rows.map((r) => ({
      job: jobFromRow(r),
      runner: r.runner,
      pid: r.pid,
      heartbeatAt: r.heartbeat_at,
      owner: r.owner,
    }));
  }

  owned(): { job: Job; owner: string }[] {
    const rows = this.db
      .prepare(
        `SELECT * FROM jobs WHERE owner IS NOT NULL AND status IN ('queued', 'running') ORDER BY queue_order`,
      )
      .all() as JobRow[];
    return rows.map((r) => ({ job: jobFromRow(r), owner: r.owner! }));
  }

  ownerOf(jobId: string): string | null {
    const row = this.db.prepare('SELECT owner FROM jobs WHERE id = ?').get(jobId) as
      { owner: string | null } | undefined;
    return row?.owner ?? null;
  }

  heartbeat(runner: string, at: string): void {
    this.db
      .transaction(() => {
        this.db
          .prepare(`UPDATE jobs SET heartbeat_at = ? WHERE runner = ? AND status = 'running'`)
          .run(at, runner);
        this.db
          .prepare('UPDATE queue_runners SET heartbeat_at = ? WHERE runner = ?')
          .run(at, runner);
        this.db.prepare('UPDATE queue_lease SET heartbeat_at = ? WHERE runner = ?').run(at, runner);
      })
      .immediate();
  }

  registerRunner(record: RunnerRecord & { mode: string }): void {
    this.db
      .prepare(
        `INSERT INTO queue_runners (runner, pid, mode, started_at, heartbeat_at, identity) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(runner) DO UPDATE SET heartbeat_at = excluded.heartbeat_at`,
      )
      .run(
        record.runner,
        record.pid,
        record.mode,
        record.heartbeatAt,
        record.heartbeatAt,
        record.identity,
      );
  }

  unregisterRunner(runner: string): void {
    this.db
      .transaction(() => {
        this.db.prepare('DELETE FROM queue_lease WHERE runner = ?').run(runner);
        this.db.prepare('DELETE FROM queue_runners WHERE runner = ?').run(runner);
      })
      .immediate();
  }

  getRunner(runner: string): RunnerRecord | null {
    const row = this.db
      .prepare('SELECT runner, pid, heartbeat_at, identity FROM queue_runners WHERE runner = ?')
      .get(runner) as RunnerRow | undefined;
    return row ? runnerFromRow(row) : null;
  }

  runners(): RunnerRecord[] {
    const rows = this.db
      .prepare('SELECT runner, pid, heartbeat_at, identity FROM queue_runners')
      .all() as RunnerRow[];
    return rows.map(runnerFromRow);
  }

  takeLease(candidate: RunnerRecord, holderAlive: (holder: RunnerRecord) => boolean): RunnerRecord {
    // IMMEDIATE: the write lock is taken before the read, so two processes cannot both see the
    // lease free and both take it.
    return this.db
      .transaction((): RunnerRecord => {
        const holder = this.leaseHolder();
        if (holder && holder.runner !== candidate.runner && holderAlive(holder)) return holder;
        this.db
          .prepare(
            `INSERT INTO queue_lease (id, runner, pid, acquired_at, heartbeat_at, identity) VALUES (1, ?, ?, ?, ?, ?)
             ON CONFLICT(id) DO UPDATE SET runner = excluded.runner, pid = excluded.pid,
               acquired_at = CASE WHEN runner = excluded.runner THEN acquired_at ELSE excluded.acquired_at END,
               heartbeat_at = excluded.heartbeat_at, identity = excluded.identity`,
          )
          .run(
            candidate.runner,
            candidate.pid,
            candidate.heartbeatAt,
            candidate.heartbeatAt,
            candidate.identity,
          );
        return candidate;
      })
      .immediate();
  }

  leaseHolder(): RunnerRecord | null {
    const row = this.db
      .prepare('SELECT runner, pid, heartbeat_at, identity FROM queue_lease WHERE id = 1')
      .get() as RunnerRow | undefined;
    return row ? runnerFromRow(row) : null;
  }

  move(jobId: string, to: 'up' | 'down' | 'first'): Job[] | null {
    // IMMEDIATE: the neighbour is read and both places written with no other writer in between.
    return this.db
      .transaction((): Job[] | null => {
        const row = this.db
          .prepare(`SELECT queue_order FROM jobs WHERE id = ? AND status = 'queued'`)
          .get(jobId) as { queue_order: number } | undefined;
        if (!row) return null;
        const order = row.queue_order;
        if (to === 'first') {
          const first = this.db
            .prepare(`SELECT MIN(queue_order) AS m FROM jobs WHERE status = 'queued'`)
            .get() as { m: number };
          if (first.m === order) return [];
          this.db.prepare('UPDATE jobs SET queue_order = ? WHERE id = ?').run(first.m - 1, jobId);
          return [this.getJob(jobId)!];
        }
        const neighbour = this.db
          .prepare(
            to === 'up'
              ? `SELECT id, queue_order FROM jobs WHERE status = 'queued' AND queue_order < ? ORDER BY queue_order DESC LIMIT 1`
              : `SELECT id, queue_order FROM jobs WHERE status = 'queued' AND queue_order > ? ORDER BY queue_order LIMIT 1`,
          )
          .get(order) as { id: string; queue_order: number } | undefined;
        if (!neighbour) return [];
        const set = this.db.prepare('UPDATE jobs SET queue_order = ? WHERE id = ?');
        set.run(neighbour.queue_order, jobId);
        set.run(order, neighbour.id);
        return [this.getJob(jobId)!, this.getJob(neighbour.id)!];
      })
      .immediate();
  }

  moveBatchFirst(batchId: string): Job[] {
    return this.db
      .transaction((): Job[] => {
        const queued = this.listJobs({ batchId, statuses: ['queued'] });
        if (queued.length === 0) return [];
        const others = this.db
          .prepare(
            `SELECT MIN(queue_order) AS m FROM jobs WHERE status = 'queued' AND batch_id <> ?`,
          )
          .get(batchId) as { m: number | null };
        if (others.m === null || queued[queued.length - 1]!.queueOrder < others.m) return [];
        const set = this.db.prepare('UPDATE jobs SET queue_order = ? WHERE id = ?');
        queued.forEach((j, i) => set.run(others.m! - queued.length + i, j.id));
        return queued.map((j) => this.getJob(j.id)!);
      })
      .immediate();
  }

  removeFinishedBatches(ownerGone: (owner: string) => boolean): string[] {
    return this.db
      .transaction((): string[] => {
        // A batch with no job yet is being written (a project import adds a batch and its jobs in
        // separate slices), not finished; so is any row of an import not committed yet.
        const rows = this.db
          .prepare(
            `SELECT b.id AS id, (SELECT json_group_array(DISTINCT o.owner) FROM jobs o
                 WHERE o.batch_id = b.id AND o.owner IS NOT NULL) AS owners
               FROM batches b
               WHERE EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id)
                 AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.batch_id = b.id AND j.status IN ('queued', 'running'))
                 AND NOT EXISTS (SELECT 1 FROM jobs d JOIN jobs j ON d.depends_on = j.id
                   WHERE j.batch_id = b.id AND d.batch_id <> b.id AND d.status IN ('queued', 'running'))
                 AND NOT EXISTS (SELECT 1 FROM pertitle_runs p
                   WHERE p.batch_id = b.id AND p.status NOT IN ('done', 'failed'))
                 AND NOT EXISTS (SELECT 1 FROM project_import_rows r
                   JOIN project_imports i ON i.id = r.import_id AND i.committed = 0
                   WHERE (r.tbl = 'batches' AND r.row_id = b.id)
                     OR (r.tbl = 'jobs' AND r.row_id IN (SELECT id FROM jobs WHERE batch_id = b.id)))
               ORDER BY b.created_at`,
          )
          .all() as { id: string; owners: string }[];
        // A batch of a live runner of another process (a `vq encode` about to write its manifest
        // from it) stays until that process has stopped.
        const ids = rows
          .filter((r) => (JSON.parse(r.owners) as string[]).every(ownerGone))
          .map((r) => r.id);
        // The jobs go with their batch (ON DELETE CASCADE); renditions and score runs keep their
        // rows with the batch and job set to NULL.
        const remove = this.db.prepare('DELETE FROM batches WHERE id = ?');
        for (const id of ids) remove.run(id);
        return ids;
      })
      .immediate();
  }

  isPaused(): boolean {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(PAUSED_KEY) as
      { value: string } | undefined;
    return row?.value === 'true';
  }

  setPaused(paused: boolean): void {
    this.db
      .prepare(
        'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
      )
      .run(PAUSED_KEY, JSON.stringify(paused));
  }

  private nextOrder(): number {
    const row = this.db.prepare('SELECT MAX(queue_order) AS m FROM jobs').get() as {
      m: number | null;
    };
    return (row.m ?? 0) + 1;
  }

  private insertJob(j: NewJob, createdAt: string): Job {
    this.db
      .prepare(
        `INSERT INTO jobs (id, batch_id, kind, status, rung_ids, plan_json, depends_on, queue_order,
           attempts, created_at, binary, command_json, owner)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, ?, ?)`,
      )
      .run(
        j.id,
        j.batchId,
        j.kind,
        JSON.stringify(j.rungIds),
        JSON.stringify(j.plan),
        j.dependsOn,
        this.nextOrder(),
        createdAt,
        j.binary,
        JSON.stringify(j.commands),
        j.owner ?? null,
      );
    return this.getJob(j.id)!;
  }
}

/**
 * Where the pause of the data folder's queue is kept: a row of the settings table (not one of the
 * person's settings, which settingsRepo reads by their own keys), so every process sees it.
 */
const PAUSED_KEY = 'queue.paused';

/**
 * Jobs a claimant may take: its own, and unowned ones while it holds the lease (read in the same
 * statement, so a holder that lost the lease a moment ago takes nothing more). Parameters:
 * {@link claimableParams}.
 */
const CLAIMABLE = `(owner = ? OR (? = 1 AND owner IS NULL
  AND EXISTS (SELECT 1 FROM queue_lease WHERE id = 1 AND runner = ?)))`;

function claimableParams(c: Claimant): (string | number)[] {
  return [c.runner, c.unowned ? 1 : 0, c.runner];
}

/** The WHERE condition (without `id = ?`) a {@link JobGuard} asks for. */
function guardSql(guard: JobGuard): { sql: string; params: string[] } {
  const statuses: readonly string[] =
    typeof guard.status === 'string' ? [guard.status] : guard.status;
  const parts = [`status IN (${statuses.map(() => '?').join(', ')})`];
  const params = [...statuses];
  for (const [column, value] of [
    ['runner', guard.runner],
    ['owner', guard.owner],
  ] as const) {
    if (value === undefined) continue;
    if (value === null) {
      parts.push(`${column} IS NULL`);
    } else {
      parts.push(`${column} = ?`);
      params.push(value);
    }
  }
  return { sql: parts.join(' AND '), params };
}

function runnerFromRow(row: RunnerRow): RunnerRecord {
  return {
    runner: row.runner,
    pid: row.pid,
    heartbeatAt: row.heartbeat_at,
    identity: row.identity,
  };
}

function batchFromRow(row: BatchRow): Batch {
  return {
    id: row.id,
    sourceId: row.source_id,
    ladder: JSON.parse(row.ladder_json) as Ladder,
    outDir: row.out_dir,
    decodeOnce: row.decode_once === 1,
    createdAt: row.created_at,
    skipped: JSON.parse(row.skipped_json) as SkippedRung[],
    ...(row.chunk_seconds ? { chunkSeconds: row.chunk_seconds } : {}),
    ...(row.chunk_starts_json ? { chunkStarts: chunkStartsOf(row.chunk_starts_json) } : {}),
  };
}

/**
 * A stored list of chunk starts; one that is not a list of frames reads as empty, which the
 * split refuses (titleChunks.ts chunksAt) rather than encoding the title whole.
 */
function chunkStartsOf(json: string): number[] {
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) && v.every((f) => Number.isInteger(f) && (f as number) >= 0)
      ? (v as number[])
      : [];
  } catch {
    return [];
  }
}

function jobFromRow(row: JobRow): Job {
  return {
    id: row.id,
    batchId: row.batch_id,
    kind: row.kind as JobKind,
    status: row.status as JobStatus,
    rungIds: JSON.parse(row.rung_ids) as string[],
    plan: JSON.parse(row.plan_json) as JobPlan,
    dependsOn: row.depends_on,
    queueOrder: row.queue_order,
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    binary: row.binary,
    commands: JSON.parse(row.command_json) as string[][],
    stderrTail: row.stderr_tail,
    error: row.error,
    encodeSeconds: row.encode_seconds,
    ...(row.worker ? { worker: row.worker } : {}),
  };
}
