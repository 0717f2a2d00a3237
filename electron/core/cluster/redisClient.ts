/**
 * One connection to the shared queue's Redis, opened only when asked for and failing fast with a
 * message that says what to do: not reachable (is redis-server running, is the address right?),
 * or the password refused. No offline queue: a command never waits silently for a Redis that is
 * not there.
 */
import { Redis } from 'ioredis';
import { VqError } from '../../../shared/errors';
import { redisTls, type RedisTarget } from './redisUrl';

/** Connects to `target`; throws REDIS_UNAVAILABLE with the reason when it cannot. */
export async function connectRedis(
  target: RedisTarget,
  opts: {
    connectTimeoutMs?: number;
    /** Keep reconnecting (with backoff, up to 2 s apart) after the connection drops: for `vq worker`. */
    reconnect?: boolean;
  } = {},
): Promise<Redis> {
  const redis = new Redis(target.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: opts.connectTimeoutMs ?? 5_000,
    // No command waits longer than this for an answer (a server that accepts and never answers).
    commandTimeout: 3_000,
    retryStrategy: (times: number) => (opts.reconnect ? Math.min(200 * times, 2_000) : null),
    ...(target.tls ? { tls: redisTls(target) } : {}),
  });
  // The cause (a refused password, a refused connection) arrives as an 'error' event; the promise
  // below only learns that the connection closed. Without a listener ioredis would print it.
  let cause: unknown = null;
  redis.on('error', (err: unknown) => {
    cause = err;
  });
  try {
    await redis.connect();
    await redis.ping();
    return redis;
  } catch (err) {
    redis.disconnect(false);
    throw redisError(target, cause ?? err);
  }
}

/** The error to show for a failed Redis connection or command. */
export function redisError(target: RedisTarget, err: unknown): VqError {
  const message = (err instanceof Error ? err.message : String(err)).replace(/\.+$/, '');
  if (/NOAUTH|WRONGPASS|invalid username-password|invalid password/i.test(message)) {
    return new VqError(
      'REDIS_UNAVAILABLE',
      `Redis at ${target.display} refused the password${target.hasPassword ? '' : ' (the URL has none)'}.`,
      'Put the password in the URL: redis://:PASSWORD@HOST:PORT.',
    );
  }
  return new VqError(
    'REDIS_UNAVAILABLE',
    `Cannot reach Redis at ${target.display}: ${message}.`,
    'Is redis-server running there, and is the address right? Start one with: redis-server --port 6379 --bind 127.0.0.1',
  );
}
