/**
 * The app's side of the shared queue: one BullMQ connection to the Redis of VQ_REDIS_URL, one
 * BullMQ Queue per lane, created when a job first needs it. The connection reconnects by itself
 * (with backoff) when Redis goes away; commands wait for it rather than fail, and every caller
 * that waits also listens to its job's abort signal.
 */
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { LANES_KEY, QUEUE_PREFIX } from './encodeTask';
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

  /** The BullMQ queue of `lane`, listed in {@link LANES_KEY} so workers that can run it watch it. */
  async lane(lane: string): Promise<Queue> {
    let q = this.queues.get(lane);
    if (!q) {
      q = new Queue(lane, { connection: this.redis, prefix: QUEUE_PREFIX });
      q.on('error', () => {});
      this.queues.set(lane, q);
    }
    await this.redis.sadd(LANES_KEY, lane);
    return q;
  }

  /** True while the connection is up. */
  get connected(): boolean {
    return this.redis.status === 'ready';
  }

  /** Closes the queues and the connection. */
  async close(): Promise<void> {
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
