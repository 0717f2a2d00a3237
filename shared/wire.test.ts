import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MESSAGE_LIMIT_BYTES,
  MAX_WIRE_MESSAGE_BYTES,
  checkMessageSize,
  encodeEvent,
  encodeRequest,
  encodeResult,
  parseClientRequest,
  parseServerMessage,
  peekRequestHead,
} from './wire';

describe('wire format', () => {
  it('round-trips a request, a result and an event through both ends', () => {
    expect(parseClientRequest(encodeRequest(3, 'app.info', {}))).toEqual({
      ok: true,
      request: { id: 3, method: 'app.info', args: {} },
    });
    expect(parseServerMessage(encodeResult(3, { ok: true, value: [1] }))).toEqual({
      kind: 'result',
      id: 3,
      result: { ok: true, value: [1] },
    });
    const event = { seq: 2, type: 'library.removed' as const, id: 'a' };
    expect(parseServerMessage(encodeEvent(event))).toEqual({ kind: 'event', event });
  });

  it('parses any text totally: non-requests are refused with the id when one is readable', () => {
    for (const text of [
      '',
      'null',
      '[]',
      '1',
      '"s"',
      '{}',
      '{"id":-1,"method":"x"}',
      '{"id":1.5,"method":"x"}',
      '{"id":1,"method":""}',
      '{"id":1,"method":"a","args":{},"extra":1}',
      '{"__proto__":{"id":1}}',
    ]) {
      const parsed = parseClientRequest(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.error.code).toBe('INVALID_ARGS');
    }
    expect(parseClientRequest('{"id":8,"method":7}')).toMatchObject({ ok: false, id: 8 });
    for (const text of [
      '',
      'null',
      '[]',
      '{"id":1}',
      '{"event":null}',
      '{"id":null,"result":{"ok":true,"value":1}}',
    ]) {
      expect(parseServerMessage(text).kind, text).toBe('invalid');
    }
  });

  it('reads id and method from the first bytes only, and bounds each method', () => {
    expect(peekRequestHead('{"id":12,"method":"project.import","args":{"text":"')).toEqual({
      id: 12,
      method: 'project.import',
    });
    expect(peekRequestHead('{"method":"project.import","id":12}')).toBeNull();
    expect(checkMessageSize('{"id":1,"method":"app.info"', DEFAULT_MESSAGE_LIMIT_BYTES)).toEqual({
      ok: true,
    });
    expect(
      checkMessageSize('{"id":1,"method":"app.info"', DEFAULT_MESSAGE_LIMIT_BYTES + 1),
    ).toMatchObject({
      ok: false,
      id: 1,
      error: { code: 'INVALID_ARGS', message: expect.stringMatching(/app\.info.*1 MiB/) },
    });
    expect(checkMessageSize('{"id":1,"method":"project.import"', 30 * 1024 * 1024)).toEqual({
      ok: true,
    });
    // Larger project files go up as an HTTP upload, read as they arrive; the refusal says so.
    expect(
      checkMessageSize('{"id":1,"method":"project.import"', MAX_WIRE_MESSAGE_BYTES + 1),
    ).toMatchObject({ ok: false, error: { hint: expect.stringMatching(/POST \/api\/project-import/) } });
    // Keys in another order get the default limit: only a well-formed import may be large.
    expect(checkMessageSize('{"method":"project.import","id":1', 2 * 1024 * 1024)).toMatchObject({
      ok: false,
      id: null,
    });
  });
});
