// Redis URLs as VQ Studio reads them: what is accepted, what is refused with what advice, and that
// a password never reaches a message.
import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { parseRedisUrl } from './redisUrl';

describe('parseRedisUrl', () => {
  it('reads host, port, database and TLS, and hides the password', () => {
    expect(parseRedisUrl('redis://127.0.0.1:6380/2')).toMatchObject({
      host: '127.0.0.1',
      port: 6380,
      db: 2,
      tls: false,
      hasPassword: false,
      display: 'redis://127.0.0.1:6380/2',
    });
    const secret = parseRedisUrl('rediss://:s3cret@queue.example:6390');
    expect(secret).toMatchObject({
      host: 'queue.example',
      port: 6390,
      db: 0,
      tls: true,
      hasPassword: true,
    });
    expect(secret.display).toBe('rediss://:***@queue.example:6390/0');
    expect(secret.url).toContain('s3cret');
    expect(parseRedisUrl('redis://localhost').port).toBe(6379);
  });

  it('refuses what it cannot read, saying what to write, without the password', () => {
    for (const [text, why] of [
      ['localhost:6379', /is not a URL|must start with redis/],
      ['http://127.0.0.1:6379', /must start with redis:\/\//],
      ['redis://127.0.0.1:6379/16', /database 0–15/],
      ['redis://127.0.0.1:6379/x', /database 0–15/],
      ['redis://127.0.0.1:6379?tls=1', /options/],
      ['redis://:hunter2@127.0.0.1:6379/99', /database/],
    ] as const) {
      let err: unknown;
      try {
        parseRedisUrl(text);
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(VqError);
      expect((err as VqError).message).toMatch(why);
      expect((err as VqError).message).not.toContain('hunter2');
      expect((err as VqError).hint).toMatch(/redis:\/\/\[:PASSWORD@\]HOST/);
    }
  });
});
