/**
 * Where the shared queue lives: a Redis URL from `--redis`, VQ_REDIS_URL or the setting, checked
 * before anything connects. `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS.
 * The password never appears in what VQ Studio prints.
 */
import { isIP } from 'node:net';
import { VqError } from '../../../shared/errors';

/** A checked Redis URL. */
export interface RedisTarget {
  /** The URL as given (with its password): for the client only. */
  url: string;
  host: string;
  port: number;
  db: number;
  tls: boolean;
  /** True when the URL carries a password. */
  hasPassword: boolean;
  /** The URL without its password, for messages: `redis://:***@127.0.0.1:6379/0`. */
  display: string;
}

/** Reads and checks a Redis URL; throws INVALID_ARGS saying what is wrong and what to write. */
export function parseRedisUrl(text: string): RedisTarget {
  const bad = (why: string, shown: string | null = null): never => {
    throw new VqError(
      'INVALID_ARGS',
      // Only the scheme and host are repeated: anything else may hold the password.
      `The Redis URL${shown ? ` ${shown}` : ''} ${why}.`,
      'Write it as redis://[:PASSWORD@]HOST[:PORT][/DB] (rediss:// for TLS), e.g. redis://127.0.0.1:6379.',
    );
  };
  let u: URL;
  try {
    u = new URL(text.trim());
  } catch {
    return bad('is not a URL');
  }
  const shown = `${u.protocol}//${u.host}`;
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:')
    return bad('must start with redis:// or rediss://', shown);
  if (!u.hostname) return bad('names no host', shown);
  const port = u.port ? Number(u.port) : 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) return bad('has no valid port', shown);
  const dbText = u.pathname.replace(/^\//, '');
  const db = dbText === '' ? 0 : Number(dbText);
  if (!/^\d{0,2}$/.test(dbText) || !Number.isInteger(db) || db > 15)
    return bad('names no database 0–15', shown);
  if (u.search || u.hash) return bad('has options VQ Studio does not read', shown);
  const hasPassword = u.password !== '';
  return {
    url: text.trim(),
    host: u.hostname,
    port,
    db,
    tls: u.protocol === 'rediss:',
    hasPassword,
    display: `${u.protocol}//${hasPassword ? `${u.username}:***@` : u.username ? `${u.username}@` : ''}${u.host}/${db}`,
  };
}

/**
 * The TLS options of a `rediss://` target for ioredis (undefined for plain `redis://`): the server
 * name is sent only for a host name (RFC 6066 forbids an IP address there); certificates are
 * checked against Node's CAs plus NODE_EXTRA_CA_CERTS (a private CA).
 */
export function redisTls(target: RedisTarget): { servername?: string } | undefined {
  if (!target.tls) return undefined;
  return isIP(target.host.replace(/^\[|\]$/g, '')) ? {} : { servername: target.host };
}
