/**
 * What main answers on each IPC channel once the sender is trusted (ipc.ts checks that): the message
 * is read with the shared wire schemas (shared/wire/messages.ts) and dispatched. Every answer is an
 * envelope; a bad message, or even a dispatcher that throws, never rejects the renderer's invoke.
 */
import { toApiError, type Envelope } from '../../shared/errors';
import { DroppedPathsSchema, parseCall } from '../../shared/wire/messages';
import type { Dispatch } from '../core/api/dispatch';

/** The envelope an untrusted sender gets instead of an answer. */
export const UNTRUSTED_SENDER: Envelope<never> = {
  ok: false,
  error: { code: 'INVALID_ARGS', message: 'untrusted sender' },
};

/** Dispatches one call, turning even an unexpected throw into an envelope. */
async function dispatchSafely(
  dispatch: Dispatch,
  method: string,
  args: unknown,
): Promise<Envelope<unknown>> {
  try {
    return await dispatch(method, args);
  } catch (err) {
    console.error(`IPC ${method} failed:`, err);
    return { ok: false, error: toApiError(err) };
  }
}

/** The answer to one message of the invoke channel: a `Call`, or an INVALID_ARGS envelope. */
export async function answerInvoke(
  dispatch: Dispatch,
  message: unknown,
): Promise<Envelope<unknown>> {
  const parsed = parseCall(message);
  if (!parsed.ok) return { ok: false, error: parsed.error };
  return dispatchSafely(dispatch, parsed.call.method, parsed.call.args);
}

/** The answer to one message of the drop channel: the dropped paths are imported. */
export async function answerDrop(dispatch: Dispatch, message: unknown): Promise<Envelope<unknown>> {
  const parsed = DroppedPathsSchema.safeParse(message);
  if (!parsed.success) {
    return {
      ok: false,
      error: { code: 'INVALID_ARGS', message: 'A drop must carry 1 to 1000 non-empty file paths.' },
    };
  }
  return dispatchSafely(dispatch, 'library.import', { paths: parsed.data });
}
