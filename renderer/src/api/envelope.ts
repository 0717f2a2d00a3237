/**
 * Turns an answer into a value or a thrown VqError. Answers come from outside the renderer (IPC or
 * WebSocket), so they are read with the shared wire schema (shared/wire/messages.ts), not trusted.
 */
import { VqError } from '../../../shared/errors';
import { readEnvelope } from '../../../shared/wire/messages';

/**
 * The value of an ok envelope; throws the VqError of a failed one, or INTERNAL for an answer that
 * is not an envelope.
 */
export function unwrapEnvelope<T>(answer: unknown): T {
  const envelope = readEnvelope(answer);
  if (envelope.ok) return envelope.value as T;
  const { code, message, hint } = envelope.error;
  throw new VqError(code, message, hint);
}
