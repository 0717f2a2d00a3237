import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { errorFromEnvelope, unwrapEnvelope } from './envelope';

describe('unwrapEnvelope', () => {
  it('returns the value of an ok envelope, including falsy values', () => {
    expect(unwrapEnvelope({ ok: true, value: { a: 1 } })).toEqual({ a: 1 });
    expect(unwrapEnvelope({ ok: true, value: 0 })).toBe(0);
    expect(unwrapEnvelope({ ok: true, value: null })).toBeNull();
  });

  it('throws a VqError with code, message and hint for a failed envelope', () => {
    let caught: unknown;
    try {
      unwrapEnvelope({
        ok: false,
        error: { code: 'NOT_FOUND', message: '/x.mp4 does not exist.', hint: 'Check the path' },
      });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(VqError);
    const e = caught as VqError;
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('/x.mp4 does not exist.');
    expect(e.hint).toBe('Check the path');
  });

  it('leaves the hint undefined when the error has none', () => {
    const e = errorFromEnvelope({ code: 'UNSUPPORTED', message: 'No dialog.' });
    expect(e.hint).toBeUndefined();
    expect(e.toApiError()).toEqual({ code: 'UNSUPPORTED', message: 'No dialog.' });
  });

  it('maps an unknown code to INTERNAL and keeps the message', () => {
    const e = errorFromEnvelope({ code: 'WHATEVER', message: 'odd' });
    expect(e.code).toBe('INTERNAL');
    expect(e.message).toBe('odd');
  });

  it('rejects things that are not envelopes', () => {
    for (const bad of [
      null,
      undefined,
      42,
      'ok',
      [],
      { ok: true },
      { value: 1 },
      { ok: 'yes', value: 1 },
    ]) {
      expect(() => unwrapEnvelope(bad)).toThrow(VqError);
    }
    expect(() => unwrapEnvelope({ ok: false })).toThrow(/without details/);
  });
});
