import { describe, expect, it } from 'vitest';
import type { VqApi } from '../../../shared/api';
import { VqError } from '../../../shared/errors';
import { createDispatcher } from './dispatch';

// A service whose methods record their arguments; only the dispatcher is under test here.
function fakeService(calls: unknown[]): VqApi {
  return new Proxy({} as VqApi, {
    get: (_t, method) => async (args: unknown) => {
      calls.push({ method, args });
      if (method === 'library.get') throw new VqError('UNKNOWN_ITEM', 'No library item with id x.', 'Refresh');
      if (method === 'settings.get') throw new Error('disk on fire');
      return { echoed: args };
    },
  });
}

describe('createDispatcher', () => {
  it('validates arguments and calls the method', async () => {
    const calls: unknown[] = [];
    const dispatch = createDispatcher(fakeService(calls));
    const r = await dispatch('library.import', { paths: ['/a.mp4'] });
    expect(r).toEqual({ ok: true, value: { echoed: { paths: ['/a.mp4'] } } });
    expect(calls).toHaveLength(1);
  });

  it('refuses unknown methods without calling anything', async () => {
    const calls: unknown[] = [];
    const r = await createDispatcher(fakeService(calls))('library.dropTables', {});
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('INVALID_ARGS');
    expect(calls).toHaveLength(0);
  });

  it('refuses prototype keys as method names', async () => {
    const r = await createDispatcher(fakeService([]))('constructor', {});
    expect(!r.ok && r.error.code).toBe('INVALID_ARGS');
  });

  it('refuses bad arguments with a readable reason', async () => {
    const calls: unknown[] = [];
    const dispatch = createDispatcher(fakeService(calls));
    const r1 = await dispatch('library.import', { paths: [] });
    expect(!r1.ok && r1.error.message).toMatch(/paths/);
    const r2 = await dispatch('library.import', { paths: ['/a'], extra: 1 });
    expect(!r2.ok && r2.error.code).toBe('INVALID_ARGS');
    const r3 = await dispatch('library.get', { id: '../../etc' });
    expect(!r3.ok && r3.error.code).toBe('INVALID_ARGS');
    expect(calls).toHaveLength(0);
  });

  it('turns a VqError into an error envelope with its hint', async () => {
    const r = await createDispatcher(fakeService([]))('library.get', { id: 'x' });
    expect(r).toEqual({ ok: false, error: { code: 'UNKNOWN_ITEM', message: 'No library item with id x.', hint: 'Refresh' } });
  });

  it('turns an unexpected error into INTERNAL', async () => {
    const r = await createDispatcher(fakeService([]))('settings.get', {});
    expect(r).toEqual({ ok: false, error: { code: 'INTERNAL', message: 'disk on fire' } });
  });

});
