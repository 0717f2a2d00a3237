/**
 * The app's side of the shared queue: one BullMQ connection to the Redis of VQ_REDIS_URL, one
 * BullMQ Queue per lane, created when a job first needs it. The connection reconnects by itself
 * (with backoff) when Redis goes away; commands wait for it rather than fail, and every caller
 * that waits also listens to its job's abort signal.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { VqError } from '../../../shared/errors';
import { LANES_KEY, QUEUE_PREFIX } from './encodeTask';
import { TransferServer } from './transferServer';
import { parseRedisUrl, redisTls, type RedisTarget } from './redisUrl';

/** A BullMQ-ready connection (BullMQ needs `maxRetriesPerRequest: null`). */
export function bullConnection(target: RedisTarget): Redis {
  const redis = new Redis(target.url, {
    maxRetriesPerRequest: null,
    connectTimeout: 5_000,
    retryStrategy: (times: number) => Math.min(200 * times, 2_000),
    ...(target.tls ? { tls: redisTls(target) } : {}),
  });
  // Connection trouble is reported by those who wait on it; without a listener ioredis prints it.
  redis.on('error', () => {});
  return redis;
}

/** The queues of the shared queue's lanes over one connection. */
export class SharedQueue {
  private readonly queues = new Map<string, Queue>();
  readonly redis: Redis;

  constructor(readonly target: RedisTarget) {
    this.redis = bullConnection(target);
  }

  /** The BullMQ queue of `lane`. */
  lane(lane: string): Queue {
    let q = this.queues.get(lane);
    if (!q) {
      q = new Queue(lane, { connection: this.redis, prefix: QUEUE_PREFIX });
      q.on('error', () => {});
      this.queues.set(lane, q);
    }
    return q;
  }

  /**
   * Lists `lane` in {@link LANES_KEY}, so the workers that can run it watch it; said with every
   * send, since a Redis that restarted empty forgot it.
   */
  async announce(lane: string): Promise<Queue> {
    await this.redis.sadd(LANES_KEY, lane);
    return this.lane(lane);
  }

  /** True while the connection is up. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** True once {@link close} was called: nothing is followed any more. */
  closed = false;

  /** Closes the queues and the connection. */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.allSettled([...this.queues.values()].map((q) => q.close()));
    this.redis.disconnect();
  }
}

/**
 * The shared queue of `env.VQ_REDIS_URL`, or null when it is unset (the embedded SQLite queue
 * runs everything here). Throws INVALID_ARGS for a URL that cannot be read. Connecting happens in
 * the background: jobs wait for it.
 */
export function sharedQueueOf(env: NodeJS.ProcessEnv): SharedQueue | null {
  const text = env.VQ_REDIS_URL?.trim();
  return text ? new SharedQueue(parseRedisUrl(text)) : null;
}

/** The app's transfer server, started when the first job needs it. */
export interface TransferHolder {
  get(): Promise<TransferServer>;
  close(): Promise<void>;
}

/**
 * With VQ_TRANSFER=http, workers read sources and send outputs over HTTP instead of a shared disk:
 * the app serves them from a TransferServer on VQ_TRANSFER_HOST (default 127.0.0.1: nothing listens
 * beyond this machine unless configured), VQ_TRANSFER_PORT (default a free port), reached by
 * workers as VQ_TRANSFER_PUBLIC_HOST (default the bound host). Null when VQ_TRANSFER is unset;
 * INVALID_ARGS for another value.
 */
export function transferOf(env: NodeJS.ProcessEnv): TransferHolder | null {
  const mode = env.VQ_TRANSFER?.trim();
  if (!mode) return null;
  if (mode !== 'http') {
    throw new VqError(
      'INVALID_ARGS',
      `VQ_TRANSFER is "${mode}"; it takes "http" (workers fetch sources and send outputs over HTTP) or nothing (a shared disk).`,
    );
  }
  const port = env.VQ_TRANSFER_PORT ? Number(env.VQ_TRANSFER_PORT) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new VqError(
      'INVALID_ARGS',
      `VQ_TRANSFER_PORT is "${env.VQ_TRANSFER_PORT}"; give a port number.`,
    );
  }
  let started: Promise<TransferServer> | null = null;
  return {
    get: () => {
      if (!started) {
        started = TransferServer.start({
          host: env.VQ_TRANSFER_HOST?.trim() || '127.0.0.1',
          port,
          publicHost: env.VQ_TRANSFER_PUBLIC_HOST?.trim() || undefined,
        });
        // A server that could not start (the port is taken) is tried again by the next job.
        started.catch(() => (started = null));
      }
      return started;
    },
    close: async () => {
      if (started) await (await started.catch(() => null))?.close();
    },
  };
}
