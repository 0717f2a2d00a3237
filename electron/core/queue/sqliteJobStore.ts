/** The embedded queue store: batches and jobs in the library database. */
import type { Ladder } from '../../../shared/ladder';
import type { Batch, Job, JobKind, JobPlan, JobStatus, SkippedRung } from '../../../shared/queue';
import type { Db } from '../store/db';
import type { JobPatch, JobStore, NewJob, RunningJob } from './jobStore';

interface BatchRow {
  id: string;
  source_id: string;
  ladder_json: string;
  out_dir: string;
  decode_once: number;
  skipped_json: string;
  created_at: string;
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
};

/** {@link JobStore} over SQLite (better-sqlite3 is synchronous, so each method is one transaction). */
export class SqliteJobStore implements JobStore {
  constructor(private readonly db: Db) {}

  addBatch(batch: Batch, jobs: NewJob[]): Job[] {
    return this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO batches (id, source_id, ladder_json, out_dir, decode_once, skipped_json, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          batch.id,
          batch.sourceId,
          JSON.stringify(batch.ladder),
          batch.outDir,
          batch.decodeOnce ? 1 : 0,
          JSON.stringify(batch.skipped),
          batch.createdAt,
        );
      return jobs.map((j) => this.insertJob(j, batch.createdAt));
    })();
  }

  addJob(job: NewJob): Job {
    return this.db.transaction(() => this.insertJob(job, new Date().toISOString()))();
  }

  getBatch(id: string): Batch | null {
    const row = this.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as BatchRow | undefined;
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

  listJobs(filter: { batchId?: string; statuses?: readonly JobStatus[] } = {}): Job[] {
    const where: string[] = [];
    const params: string[] = [];
    if (filter.batchId !== undefined) {
      where.push('batch_id = ?');
      params.push(filter.batchId);
    }
    if (filter.statuses) {
      if (filter.statuses.length === 0) return [];
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
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

  claim(id: string, runner: string, startedAt: string): Job | null {
    const changed = this.db
      .prepare(
        `UPDATE jobs SET status = 'running', runner = ?, started_at = ?, heartbeat_at = ?, finished_at = NULL,
           attempts = attempts + 1, error = NULL, stderr_tail = NULL, encode_seconds = NULL, pid = NULL
         WHERE id = ? AND status = 'queued'`,
      )
      .run(runner, startedAt, startedAt, id).changes;
    return changed === 1 ? this.getJob(id) : null;
  }

  update(id: string, patch: JobPatch): Job {
    const sets: string[] = [];
    const params: (string | number | null)[] = [];
    for (const [key, value] of Object.entries(patch) as [keyof JobPatch, unknown][]) {
      if (value === undefined) continue;
      sets.push(`${PATCH_COLUMNS[key]} = ?`);
      params.push(key === 'commands' ? JSON.stringify(value) : (value as string | number | null));
    }
    if (sets.length) this.db.prepare(`UPDATE jobs SET ${sets.join(', ')} WHERE id = ?`).run(...params, id);
    const job = this.getJob(id);
    if (!job) throw new Error(`job ${id} vanished`);
    return job;
  }

  requeue(id: string, atEnd: boolean): Job {
    this.db.transaction(() => {
      const order = atEnd ? this.nextOrder() : null;
      this.db
        .prepare(
          `UPDATE jobs SET status = 'queued', queue_order = COALESCE(?, queue_order), started_at = NULL,
             finished_at = NULL, error = NULL, stderr_tail = NULL, encode_seconds = NULL, runner = NULL, pid = NULL
           WHERE id = ?`,
        )
        .run(order, id);
    })();
    return this.update(id, {});
  }

  running(): RunningJob[] {
    const rows = this.db
      .prepare(`SELECT * FROM jobs WHERE status = 'running' ORDER BY queue_order`)
      .all() as JobRow[];
    return rows.map((r) => ({ job: jobFromRow(r), runner: r.runner, pid: r.pid, heartbeatAt: r.heartbeat_at }));
  }

  heartbeat(runner: string, at: string): void {
    this.db.prepare(`UPDATE jobs SET heartbeat_at = ? WHERE runner = ? AND status = 'running'`).run(at, runner);
  }

  private nextOrder(): number {
    const row = this.db.prepare('SELECT MAX(queue_order) AS m FROM jobs').get() as { m: number | null };
    return (row.m ?? 0) + 1;
  }

  private insertJob(j: NewJob, createdAt: string): Job {
    this.db
      .prepare(
        `INSERT INTO jobs (id, batch_id, kind, status, rung_ids, plan_json, depends_on, queue_order,
           attempts, created_at, binary, command_json)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, 0, ?, ?, ?)`,
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
      );
    return this.getJob(j.id)!;
  }
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
  };
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
    attempts: row.attempts,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    binary: row.binary,
    commands: JSON.parse(row.command_json) as string[][],
    stderrTail: row.stderr_tail,
    error: row.error,
    encodeSeconds: row.encode_seconds,
  };
}
