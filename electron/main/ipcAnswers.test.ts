/** Tests of main's IPC answers: messages read with the shared wire schemas, always an envelope. */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import type { VqApi } from '../../shared/api';
import { VqError } from '../../shared/errors';
import { createDispatcher, type Dispatch } from '../core/api/dispatch';
import { answerDrop, answerInvoke } from './ipcAnswers';

/** The real dispatcher over a service with two methods; `calls` records what reached them. */
function dispatcher(): { dispatch: Dispatch; calls: unknown[][] } {
  const calls: unknown[][] = [];
  const service: Partial<VqApi> = {
    'library.get': async (args) => {
      calls.push(['library.get', args]);
      if (args.id === 'gone') throw new VqError('NOT_FOUND', 'No such library item.');
      return { id: args.id } as never;
    },
    'library.import': async (args) => {
      calls.push(['library.import', args]);
      return { added: [], failed: [] } as never;
    },
  };
  return { dispatch: createDispatcher(service as VqApi), calls };
}

describe('answerInvoke', () => {
  it('dispatches a call and answers with its envelope', async () => {
    const { dispatch, calls } = dispatcher();
    expect(await answerInvoke(dispatch, { method: 'library.get', args: { id: 'a1' } })).toEqual({
      ok: true,
      value: { id: 'a1' },
    });
    expect(await answerInvoke(dispatch, { method: 'library.get', args: { id: 'gone' } })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No such library item.' },
    });
    expect(calls).toEqual([
      ['library.get', { id: 'a1' }],
      ['library.get', { id: 'gone' }],
    ]);
  });

  it('answers a message that is not a call with INVALID_ARGS, dispatching nothing', async () => {
    const { dispatch, calls } = dispatcher();
    for (const bad of [
      'library.get',
      null,
      undefined,
      ['library.get', { id: 'a1' }],
      { method: 'library.get' },
      { method: 'library.get', args: { id: 'a1' }, sender: 'me' },
    ]) {
      expect(await answerInvoke(dispatch, bad), JSON.stringify(bad)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS', message: expect.stringMatching(/A call must be/) },
      });
    }
    expect(calls).toEqual([]);
  });

  it('always resolves to an envelope, whatever arrives', async () => {
    const { dispatch } = dispatcher();
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (message) => {
        const answer = await answerInvoke(dispatch, message);
        expect(typeof answer.ok).toBe('boolean');
        if (!answer.ok) expect(answer.error.code).toBe('INVALID_ARGS');
      }),
    );
  });

  it('answers INTERNAL instead of rejecting when the dispatcher itself throws', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const broken: Dispatch = () => {
      throw new Error('dispatcher bug');
    };
    await expect(answerInvoke(broken, { method: 'app.info', args: {} })).resolves.toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'dispatcher bug' },
    });
    expect(logged).toHaveBeenCalledOnce();
    logged.mockRestore();
  });
});

describe('answerDrop', () => {
  it('imports the dropped paths', async () => {
    const { dispatch, calls } = dispatcher();
    expect(await answerDrop(dispatch, ['/clips/a.mp4', '/clips/b.mkv'])).toMatchObject({
      ok: true,
    });
    expect(calls).toEqual([['library.import', { paths: ['/clips/a.mp4', '/clips/b.mkv'] }]]);
  });

  it('refuses anything but 1 to 1000 paths, importing nothing', async () => {
    const { dispatch, calls } = dispatcher();
    for (const bad of [[], Array(1001).fill('/a.mp4'), [''], '/a.mp4', { paths: ['/a.mp4'] }]) {
      expect(await answerDrop(dispatch, bad)).toMatchObject({
        ok: false,
        error: { code: 'INVALID_ARGS', message: expect.stringMatching(/1 to 1000/) },
      });
    }
    expect(calls).toEqual([]);
  });
});
