/**
 * Turns a result envelope into a value or a thrown VqError. Envelopes come from outside the renderer
 * (IPC or WebSocket), so the shape is checked instead of trusted.
 */
import { ERROR_CODES, VqError, type ErrorCode } from '../../../shared/errors';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && (ERROR_CODES as readonly string[]).includes(v);
}

/** The VqError an envelope's error half stands for; unknown codes become INTERNAL. */
export function errorFromEnvelope(error: unknown): VqError {
  if (!isRecord(error)) {
    return new VqError('INTERNAL', 'The app reported an error without details.');
  }
  const message =
    typeof error.message === 'string' && error.message ? error.message : 'Unknown error.';
  const hint = typeof error.hint === 'string' && error.hint ? error.hint : undefined;
  return new VqError(isErrorCode(error.code) ? error.code : 'INTERNAL', message, hint);
}

/** The value of an ok envelope; throws the VqError of a failed one or of a malformed answer. */
export function unwrapEnvelope<T>(envelope: unknown): T {
  if (isRecord(envelope)) {
    if (envelope.ok === true && 'value' in envelope) return envelope.value as T;
    if (envelope.ok === false) throw errorFromEnvelope(envelope.error);
  }
  throw new VqError('INTERNAL', 'The app answered with something that is not a result envelope.');
}
