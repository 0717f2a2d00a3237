import { describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { unwrapEnvelope } from './envelope';

/** The VqError that `f` throws. */
function caught(f: () => unknown): VqError {
  try {
    f();
  } catch (err) {
    if (err instanceof VqError) return err;
    throw err;
  }
  throw new Error('expected a VqError');
}

describe('unwrapEnvelope', () => {
  it('returns the value of an ok envelope, including falsy values', () => {
    expect(unwrapEnvelope({ ok: true, value: { a: 1 } })).toEqual({ a: 1 });
    expect(unwrapEnvelope({ ok: true, value: 0 })).toBe(0);
    expect(unwrapEnvelope({ ok: true, value: null })).toBeNull();
  });

  it('throws a VqError with code, message and hint for a failed envelope', () => {
    const e = caught(() =>
      unwrapEnvelope({
        ok: false,
        error: { code: 'NOT_FOUND', message: '/x.mp4 does not exist.', hint: 'Check the path' },
      }),
    );
    expect(e.code).toBe('NOT_FOUND');
    expect(e.message).toBe('/x.mp4 does not exist.');
    expect(e.hint).toBe('Check the path');
  });

  it('leaves the hint undefined when the error has none', () => {
    const e = caught(() =>
      unwrapEnvelope({ ok: false, error: { code: 'UNSUPPORTED', message: 'No dialog.' } }),
    );
    expect(e.hint).toBeUndefined();
    expect(e.toApiError()).toEqual({ code: 'UNSUPPORTED', message: 'No dialog.' });
  });

  it('maps an unknown code to INTERNAL and keeps the message', () => {
    const e = caught(() =>
      unwrapEnvelope({ ok: false, error: { code: 'WHATEVER', message: 'odd' } }),
    );
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
