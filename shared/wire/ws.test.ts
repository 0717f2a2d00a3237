/** Tests of the WebSocket wire of `vq serve`: both ends' encoders and total parsers. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type Envelope } from '../errors';
import {
  DEFAULT_MESSAGE_LIMIT_BYTES,
  MAX_WIRE_MESSAGE_BYTES,
  REQUEST_HEAD_CHARS,
  checkMessageSize,
  encodeEvent,
  encodeRequest,
  encodeResult,
  parseClientRequest,
  parseServerMessage,
  peekRequestHead,
  readClientMessage,
} from './ws';

/** A text message as the server's socket hands it over. */
function received(text: string, binary = false) {
  const bytes = new TextEncoder().encode(text);
  return {
    binary,
    byteLength: bytes.length,
    head: String.fromCharCode(...bytes.subarray(0, REQUEST_HEAD_CHARS)),
    text: () => text,
  };
}

const envelope: fc.Arbitrary<Envelope<unknown>> = fc.oneof(
  fc.record({ ok: fc.constant(true as const), value: fc.jsonValue() }),
  fc.record({
    ok: fc.constant(false as const),
    error: fc.record(
      {
        code: fc.constantFrom(...ERROR_CODES),
        message: fc.string({ minLength: 1 }),
        hint: fc.string({ minLength: 1 }),
      },
      { requiredKeys: ['code', 'message'] },
    ),
  }),
);

describe('WebSocket wire', () => {
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
    ).toMatchObject({
      ok: false,
      error: { hint: expect.stringMatching(/POST \/api\/project-import/) },
    });
    // Keys in another order get the default limit: only a well-formed import may be large.
    expect(checkMessageSize('{"method":"project.import","id":1', 2 * 1024 * 1024)).toMatchObject({
      ok: false,
      id: null,
    });
  });

  it('encodes a request as { id, method, args }, in that order', () => {
    // The server reads the method from the first bytes to apply its size limit.
    expect(encodeRequest(7, 'library.list', { b: 1, a: 2 })).toBe(
      '{"id":7,"method":"library.list","args":{"b":1,"a":2}}',
    );
    expect(encodeRequest(7, 'app.info', undefined)).toBe('{"id":7,"method":"app.info","args":{}}');
  });

  it('round-trips any request and any answer', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/),
        fc.jsonValue(),
        (id, method, args) => {
          const text = encodeRequest(id, method, args);
          expect(peekRequestHead(text)).toEqual({ id, method });
          expect(parseClientRequest(text)).toEqual({
            ok: true,
            request: { id, method, args: JSON.parse(JSON.stringify(args ?? {})) },
          });
        },
      ),
    );
    fc.assert(
      fc.property(fc.nat(), envelope, (id, result) => {
        expect(parseServerMessage(encodeResult(id, result))).toEqual({
          kind: 'result',
          id,
          result: JSON.parse(JSON.stringify(result)),
        });
      }),
    );
  });

  it('never throws on any text, at either end', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json()), (text) => {
        expect(['result', 'event', 'invalid']).toContain(parseServerMessage(text).kind);
        const parsed = parseClientRequest(text);
        if (!parsed.ok) expect(parsed.error.code).toBe('INVALID_ARGS');
      }),
    );
  });

  it('settles a request whose answer has a broken envelope, instead of leaving it waiting', () => {
    expect(parseServerMessage('{"id":4,"result":{"ok":"yes"}}')).toMatchObject({
      kind: 'result',
      id: 4,
      result: { ok: false, error: { code: 'INTERNAL' } },
    });
    expect(parseServerMessage('{"event":{"seq":1,"type":"bogus.type"}}').kind).toBe('invalid');
    expect(parseServerMessage('{"event":{"seq":"1","type":"library.removed"}}').kind).toBe(
      'invalid',
    );
  });

  it('answers even a result that cannot be JSON, with an INTERNAL error saying why', () => {
    const text = encodeResult(5, { ok: true, value: { size: 1n } });
    expect(parseServerMessage(text)).toMatchObject({
      kind: 'result',
      id: 5,
      result: { ok: false, error: { code: 'INTERNAL', message: /could not be encoded.*BigInt/ } },
    });
  });

  it('reads a received message: binary and oversized ones are refused before decoding', () => {
    expect(readClientMessage(received(encodeRequest(2, 'app.info', {})))).toEqual({
      ok: true,
      request: { id: 2, method: 'app.info', args: {} },
    });
    expect(readClientMessage(received(encodeRequest(2, 'app.info', {}), true))).toMatchObject({
      ok: false,
      id: null,
      error: { code: 'INVALID_ARGS', message: /Binary/ },
    });
    const big = { ...received(encodeRequest(3, 'app.info', {})), byteLength: 2 * 1024 * 1024 };
    const decoded: string[] = [];
    const refused = readClientMessage({ ...big, text: () => (decoded.push('!'), big.text()) });
    expect(refused).toMatchObject({ ok: false, id: 3, error: { message: /app\.info.*1 MiB/ } });
    expect(decoded).toEqual([]);
    expect(readClientMessage(received('{"id":9,"method":"app.info"}'))).toMatchObject({
      ok: false,
      id: 9,
      error: { code: 'INVALID_ARGS' },
    });
  });
});
