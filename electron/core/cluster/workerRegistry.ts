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
  private beating = false;
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
    // Not unref'd: a registered worker keeps its process alive until stop(), also while Redis is
    // away and the connection reconnects.
    reg.timer = setInterval(() => void reg.beat(), heartbeatMs);
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

  /**
   * Writes the record again with a fresh heartbeat — in one step on the server, and only while the
   * name is still this worker's (or free again, after Redis lost it). A beat still waiting for its
   * answer is not stacked with another.
   */
  private async beat(): Promise<void> {
    // While the connection is away (it reconnects by itself) there is nothing to write to.
    if (!this.timer || this.beating || this.redis.status !== 'ready') return;
    this.beating = true;
    try {
      const next = { ...this.info, lastHeartbeat: Date.now() };
      const written = await this.redis.eval(
        RENEW_IF_OURS,
        1,
        keyOf(next.name),
        idPrefix(next.id),
        JSON.stringify(next),
        String(this.heartbeatMs * 3),
      );
      if (written === 1) {
        this.info = next;
        return;
      }
      const holder = await readWorker(this.redis, this.info.name);
      this.halt();
      this.onLost(
        `another worker${holder ? ` (${holder.host}, pid ${holder.pid})` : ''} took the name "${this.info.name}"`,
      );
    } catch (err) {
      // A missed beat is not fatal: Redis may be restarting. Three in a row free the name.
      console.warn(`worker ${this.info.name}: heartbeat failed: ${(err as Error).message}`);
    } finally {
      this.beating = false;
    }
  }

  private halt(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Stops the heartbeat and removes the record, if it is still this worker's (one step on the server). */
  async stop(): Promise<void> {
    this.halt();
    await this.redis.eval(DELETE_IF_OURS, 1, keyOf(this.info.name), idPrefix(this.info.id));
  }
}

// A record is this worker's when it starts with its id: records are written by JSON.stringify of
// a WorkerInfoSchema-parsed object, whose first key is `id`.
const idPrefix = (id: string): string => `{"id":"${id}"`;

/** KEYS[1] record; ARGV: id prefix, new value, ttl ms. Writes when absent or ours; 1 if written. */
const RENEW_IF_OURS = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1`;

/** KEYS[1] record; ARGV[1] id prefix. Deletes it only when it is ours. */
const DELETE_IF_OURS = `
local v = redis.call('GET', KEYS[1])
if v and string.sub(v, 1, string.len(ARGV[1])) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

/** Every worker record in Redis, checked; the ones that are not valid records are only counted. */
export async function listWorkers(redis: Redis, now = Date.now()): Promise<WorkerListing> {
  // SCAN may return a key more than once: each is read once.
  const found = new Set<string>();
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', `${KEY_PREFIX}*`, 'COUNT', 200);
    cursor = next;
    for (const k of batch) found.add(k);
  } while (cursor !== '0' && found.size < 10_000);
  const keys = [...found];
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
