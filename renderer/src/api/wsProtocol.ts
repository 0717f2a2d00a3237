/**
 * The WebSocket wire format of `vq serve`: the client sends `{ id, method, args }`; the server
 * answers `{ id, result: Envelope }` and pushes `{ event: VqEvent }`.
 */
import type { VqEvent } from '../../../shared/api';
import { isVqEvent } from './eventShape';

/** One message from the server, sorted by kind. */
export type ServerMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'event'; event: VqEvent }
  | { kind: 'invalid'; reason: string };

/** The JSON text of one request. */
export function encodeRequest(id: number, method: string, args: unknown): string {
  return JSON.stringify({ id, method, args });
}

/** Parses one server message; never throws. */
export function parseServerMessage(text: string): ServerMessage {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (typeof msg !== 'object' || msg === null) return { kind: 'invalid', reason: 'not an object' };
  const m = msg as { id?: unknown; result?: unknown; event?: unknown };
  if ('event' in m) {
    return isVqEvent(m.event)
      ? { kind: 'event', event: m.event }
      : { kind: 'invalid', reason: 'unknown event' };
  }
  if (typeof m.id === 'number' && 'result' in m)
    return { kind: 'result', id: m.id, result: m.result };
  return { kind: 'invalid', reason: 'neither a result nor an event' };
}
