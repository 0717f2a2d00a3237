/** Tests of the messages both transports carry: calls, answers, events and dropped paths. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, type Envelope } from '../errors';
import {
  DroppedPathsSchema,
  EVENT_TYPES,
  NOT_AN_ENVELOPE,
  isVqEvent,
  parseCall,
  readEnvelope,
} from './messages';

/** What arrives after JSON or structured cloning: -0 becomes 0 in JSON, so compare to that. */
const viaJson = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

const method = fc.string({ minLength: 1, maxLength: 64 });

const apiError = fc.record(
  {
    code: fc.constantFrom(...ERROR_CODES),
    message: fc.string({ minLength: 1 }),
    hint: fc.string({ minLength: 1 }),
  },
  { requiredKeys: ['code', 'message'] },
);

const envelope: fc.Arbitrary<Envelope<unknown>> = fc.oneof(
  fc.record({ ok: fc.constant(true as const), value: fc.jsonValue() }),
  fc.record({ ok: fc.constant(false as const), error: apiError }),
);

describe('parseCall', () => {
  it('reads back every call as it was sent, after JSON or structured cloning', () => {
    fc.assert(
      fc.property(method, fc.jsonValue(), (m, args) => {
        const sent = viaJson({ method: m, args });
        expect(parseCall(sent)).toEqual({ ok: true, call: sent });
        expect(parseCall(structuredClone(sent))).toEqual({ ok: true, call: sent });
      }),
    );
  });

  it('refuses anything else with INVALID_ARGS and never throws', () => {
    for (const bad of [
      undefined,
      null,
      'app.info',
      ['app.info', {}],
      {},
      { method: 'app.info' },
      { args: {} },
      { method: '', args: {} },
      { method: 'x'.repeat(65), args: {} },
      { method: 7, args: {} },
      { method: 'app.info', args: {}, id: 1 },
    ]) {
      expect(parseCall(bad), JSON.stringify(bad)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS', message: expect.stringMatching(/method.*args/) },
      });
    }
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const parsed = parseCall(v);
        if (parsed.ok) expect(parsed.call).toEqual(v);
        else expect(parsed.error.code).toBe('INVALID_ARGS');
      }),
    );
  });
});

describe('readEnvelope', () => {
  it('reads back every envelope as it was sent', () => {
    fc.assert(
      fc.property(envelope, (sent) => {
        expect(readEnvelope(viaJson(sent))).toEqual(viaJson(sent));
      }),
    );
  });

  it('turns anything that is not an envelope into an INTERNAL error, never throwing', () => {
    for (const bad of [null, undefined, 42, 'ok', [], { ok: true }, { value: 1 }, { ok: 'yes' }]) {
      expect(readEnvelope(bad), JSON.stringify(bad)).toEqual(NOT_AN_ENVELOPE);
    }
    fc.assert(
      fc.property(fc.anything(), (v) => {
        const read = readEnvelope(v);
        if (!read.ok) expect(ERROR_CODES).toContain(read.error.code);
      }),
    );
  });

  it('reads a failed envelope leniently, keeping what it can of the error', () => {
    expect(
      readEnvelope({ ok: false, error: { code: 'FROM_A_NEWER_APP', message: 'odd' } }),
    ).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'odd' } });
    expect(readEnvelope({ ok: false, error: { code: 'NOT_FOUND', hint: '' } })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'Unknown error.' },
    });
    expect(readEnvelope({ ok: false })).toMatchObject({
      ok: false,
      error: { code: 'INTERNAL', message: expect.stringMatching(/without details/) },
    });
  });
});

describe('isVqEvent', () => {
  it('accepts every event type of the contract with an integer seq', () => {
    for (const type of EVENT_TYPES) expect(isVqEvent({ seq: 1, type }), type).toBe(true);
    expect(EVENT_TYPES).toContain('job.progress');
  });

  it('drops unknown types and events without an integer seq', () => {
    expect(isVqEvent({ seq: 1, type: 'bogus' })).toBe(false);
    expect(isVqEvent({ seq: 1.5, type: 'job.updated' })).toBe(false);
    expect(isVqEvent({ seq: '1', type: 'job.updated' })).toBe(false);
    expect(isVqEvent({ type: 'job.updated' })).toBe(false);
    expect(isVqEvent(null)).toBe(false);
  });
});

describe('DroppedPathsSchema', () => {
  it('takes 1 to 1000 paths and nothing else', () => {
    expect(DroppedPathsSchema.safeParse(['/a.mp4', 'C:\\b.mkv']).success).toBe(true);
    expect(DroppedPathsSchema.safeParse(Array(1000).fill('/a.mp4')).success).toBe(true);
    for (const bad of [[], Array(1001).fill('/a.mp4'), [''], ['/a\0b'], '/a.mp4', [1], null]) {
      expect(DroppedPathsSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });
});
