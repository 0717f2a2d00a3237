/**
 * Who is working: each `vq worker` keeps one record in Redis (`vq:worker:<name>`, JSON, expiring
 * after three missed heartbeats), so `vq workers` and the app can list the machines, what they can
 * run and when each was last heard from. A record is written only by its own worker, and every
 * reader checks it with WorkerInfoSchema; a name held by a live worker cannot be taken by another.
 */
import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { VqError } from '../../../shared/errors';
import {
  WORKER_HEARTBEAT_MS,
  WorkerInfoSchema,
  type ListedWorker,
  type WorkerInfo,
  type WorkerListing,
} from '../../../shared/workers';

const KEY_PREFIX = 'vq:worker:';

/** How often a worker writes its record by default; it expires after three missed beats. */
export const HEARTBEAT_MS = WORKER_HEARTBEAT_MS;

/** A new worker id (one per run of `vq worker`). */
export function newWorkerId(): string {
  return randomBytes(16).toString('hex');
}

/** This worker's record in Redis, kept alive until {@link WorkerRegistration.stop}. */
export class WorkerRegistration {
  private timer: NodeJS.Timeout | null = null;
  private info: WorkerInfo;

  private constructor(
    private readonly redis: Redis,
    info: WorkerInfo,
    private readonly heartbeatMs: number,
    private readonly onLost: (why: string) => void,
  ) {
    this.info = info;
  }

  /**
   * Registers `info` under its name. Refused (NAME_TAKEN) when a live worker with another id holds
   * the name — two machines under one name would make every listing and every job's `worker` lie.
   */
  static async register(
    redis: Redis,
    info: WorkerInfo,
    opts: { heartbeatMs?: number; onLost?: (why: string) => void } = {},
  ): Promise<WorkerRegistration> {
    const heartbeatMs = opts.heartbeatMs ?? HEARTBEAT_MS;
    const record = WorkerInfoSchema.parse(info);
    const ok = await redis.set(
      keyOf(record.name),
      JSON.stringify(record),
      'PX',
      heartbeatMs * 3,
      'NX',
    );
    if (ok !== 'OK') {
      const holder = await readWorker(redis, record.name);
      throw new VqError(
        'NAME_TAKEN',
        `A worker named "${record.name}" is already running${holder ? ` on ${holder.host} (pid ${holder.pid})` : ''}.`,
        'Give this one another --name, or stop the other first (its name frees itself within three heartbeats after it stops).',
      );
    }
    const reg = new WorkerRegistration(redis, record, heartbeatMs, opts.onLost ?? (() => {}));
    reg.timer = setInterval(() => void reg.beat(), heartbeatMs);
    reg.timer.unref();
    return reg;
  }

  /** The record as last written. */
  get current(): WorkerInfo {
    return this.info;
  }

  /** Updates what the record says (current job, jobs done) and writes it now. */
  async update(change: Partial<Pick<WorkerInfo, 'currentJob' | 'jobsDone'>>): Promise<void> {
    this.info = { ...this.info, ...change };
    await this.beat();
  }

  /** Writes the record again with a fresh heartbeat, while the name is still this worker's. */
  private async beat(): Promise<void> {
    if (!this.timer) return;
    try {
      const holder = await readWorker(this.redis, this.info.name);
      if (holder && holder.id !== this.info.id) {
        this.halt();
        this.onLost(
          `another worker (${holder.host}, pid ${holder.pid}) took the name "${this.info.name}"`,
        );
        return;
      }
      this.info = { ...this.info, lastHeartbeat: Date.now() };
      await this.redis.set(
        keyOf(this.info.name),
        JSON.stringify(this.info),
        'PX',
        this.heartbeatMs * 3,
      );
    } catch (err) {
      // A missed beat is not fatal: Redis may be restarting. Three in a row free the name.
      console.warn(`worker ${this.info.name}: heartbeat failed: ${(err as Error).message}`);
    }
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the heartbeat and removes the record, if it is still this worker's. */
  async stop(): Promise<void> {
    this.halt();
    const holder = await readWorker(this.redis, this.info.name).catch(() => null);
    if (holder?.id === this.info.id) await this.redis.del(keyOf(this.info.name));
  }
}

/** Every worker record in Redis, checked; the ones that are not valid records are only counted. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<WorkerListing> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 200);
    cursor = next;
    keys.push(...batch);
  } while (cursor !== '0' && keys.length < 10_000);
  const values = keys.length ? await redis.mget(...keys) : [];
  const workers: ListedWorker[] = [];
  let invalid = 0;
  for (const [i, value] of values.entries()) {
    const info = parseRecord(value);
    if (!info || keyOf(info.name) !== keys[i]) {
      if (value !== null) invalid++;
      continue;
    }
    workers.push({ ...info, silentMs: Math.max(0, now - info.lastHeartbeat) });
  }
  workers.sort((a, b) => a.name.localeCompare(b.name));
  return { workers, invalid };
}

async function readWorker(redis: Redis, name: string): Promise<WorkerInfo | null> {
  return parseRecord(await redis.get(keyOf(name)));
}

function parseRecord(value: string | null): WorkerInfo | null {
  if (value === null || value.length > 256 * 1024) return null;
  try {
    const parsed = WorkerInfoSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

function keyOf(name: string): string {
  return `${KEY_PREFIX}${name}`;
}
