/**
 * The workers as the app's Workers view reads them: the Redis of VQ_REDIS_URL (when set) is
 * connected for one listing and released; any failure becomes the view's message, never a throw.
 */
import { toApiError } from '../../../shared/errors';
import type { WorkersStatus } from '../../../shared/workers';
import { connectRedis } from './redisClient';
import { parseRedisUrl, type RedisTarget } from './redisUrl';
import { listWorkers } from './workerRegistry';

/** The workers registered in the Redis `env.VQ_REDIS_URL` names, or why they cannot be listed. */
export async function readWorkersStatus(env: NodeJS.ProcessEnv): Promise<WorkersStatus> {
  const text = env.VQ_REDIS_URL?.trim();
  if (!text) return { configured: false };
  let target: RedisTarget | null = null;
  try {
    target = parseRedisUrl(text);
    const redis = await connectRedis(target, { connectTimeoutMs: 3_000 });
    try {
      return {
        configured: true,
        redis: target.display,
        listing: await listWorkers(redis),
        error: null,
      };
    } finally {
      redis.disconnect();
    }
  } catch (err) {
    const e = toApiError(err);
    return {
      configured: true,
      redis: target?.display ?? null,
      listing: null,
      error: e.hint ? { message: e.message, hint: e.hint } : { message: e.message },
    };
  }
}
