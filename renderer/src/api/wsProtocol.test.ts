import { describe, expect, it } from 'vitest';
import { encodeRequest, parseServerMessage } from './wsProtocol';

describe('WebSocket protocol', () => {
  it('encodes a request as { id, method, args }, in that order', () => {
    expect(JSON.parse(encodeRequest(7, 'library.list', {}))).toEqual({
      id: 7,
      method: 'library.list',
      args: {},
    });
    // The server reads the method from the first bytes to apply its size limit (shared/wire.ts).
    expect(encodeRequest(7, 'library.list', { b: 1, a: 2 })).toBe(
      '{"id":7,"method":"library.list","args":{"b":1,"a":2}}',
    );
  });

  it('settles a request whose answer has a broken envelope, instead of leaving it waiting', () => {
    expect(parseServerMessage('{"id":4,"result":{"ok":"yes"}}')).toMatchObject({
      kind: 'result',
      id: 4,
      result: { ok: false, error: { code: 'INTERNAL' } },
    });
  });

  it('recognises results and events', () => {
    expect(parseServerMessage('{"id":3,"result":{"ok":true,"value":1}}')).toEqual({
      kind: 'result',
      id: 3,
      result: { ok: true, value: 1 },
    });
    const event = { seq: 5, type: 'library.removed', id: 'abc' };
    expect(parseServerMessage(JSON.stringify({ event }))).toEqual({ kind: 'event', event });
  });

  it('flags anything else as invalid instead of throwing', () => {
    expect(parseServerMessage('not json').kind).toBe('invalid');
    expect(parseServerMessage('null').kind).toBe('invalid');
    expect(parseServerMessage('{"id":null,"result":{}}').kind).toBe('invalid');
    expect(parseServerMessage('{"event":{"seq":1,"type":"bogus.type"}}').kind).toBe('invalid');
    expect(parseServerMessage('{"event":{"seq":"1","type":"library.removed"}}').kind).toBe(
      'invalid',
    );
  });
});
