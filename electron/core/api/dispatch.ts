/**
 * The main-side dispatcher shared by IPC and WebSocket: it checks the method name, validates the
 * argument object with the method's zod schema, calls the service and wraps the outcome in a result
 * envelope. Nothing untyped reaches a service.
 */
import { isVqMethod, requestSchemas, type VqApi, type VqMethod } from '../../../shared/api';
import { toApiError, type Envelope } from '../../../shared/errors';

/** Calls one API method from untrusted input; always resolves to an envelope. */
export type Dispatch = (method: unknown, args: unknown) => Promise<Envelope<unknown>>;

/**
 * Builds the dispatcher over a service implementation (createCore's, whose database errors are
 * already described: api/databaseErrors.ts).
 */
export function createDispatcher(service: VqApi): Dispatch {
  return async (method, args) => {
    if (!isVqMethod(method)) {
      return {
        ok: false,
        error: { code: 'INVALID_ARGS', message: `Unknown method ${JSON.stringify(method)}.` },
      };
    }
    const parsed = requestSchemas[method].safeParse(args ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.length ? i.path.join('.') + ': ' : ''}${i.message}`)
        .join('; ');
      return {
        ok: false,
        error: { code: 'INVALID_ARGS', message: `Invalid arguments for ${method}: ${detail}` },
      };
    }
    try {
      const call = service[method] as (a: unknown) => Promise<unknown>;
      const value = await call(parsed.data);
      return { ok: true, value };
    } catch (err) {
      const error = toApiError(err);
      if (error.code === 'INTERNAL') console.error(`${method as VqMethod} failed:`, err);
      return { ok: false, error };
    }
  };
}
