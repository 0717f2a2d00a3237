/**
 * The WebSocket wire format of `vq serve`, shared by the server and the browser client so the two
 * ends cannot drift apart. The client sends `{ id, method, args }`; the server answers
 * `{ id, result: Envelope }` (id null when the request had no usable id) and pushes
 * `{ event: VqEvent }`. Parsing is total: every function here returns a value, never throws,
 * because its input comes from the other side of a socket.
 */
import { z } from 'zod';
import type { VqEvent, VqMethod } from './api';
import { ERROR_CODES, type ApiError, type Envelope } from './errors';

/** A request id: the client counts up from 1. */
export const RequestIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A request id. */
export type RequestId = z.infer<typeof RequestIdSchema>;

/** Client → server: one API call. `args` is validated later by the method's own schema. */
export const ClientRequestSchema = z
  .object({ id: RequestIdSchema, method: z.string().min(1).max(64), args: z.unknown() })
  .strict();

/** One API call as it travels. */
export type ClientRequest = z.infer<typeof ClientRequestSchema>;

const ApiErrorSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  hint: z.string().optional(),
});

/** A result envelope as it travels; `value` is checked by the caller that knows the method. */
export const EnvelopeSchema = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

// A record over the union, so a new event type in the contract is a compile error until listed.
const EVENT_TYPE_SET: Record<VqEvent['type'], true> = {
  'library.added': true,
  'library.removed': true,
  'library.importFailed': true,
  'toolchain.changed': true,
  'settings.changed': true,
  'ladders.changed': true,
  'batch.added': true,
  'batch.removed': true,
  'queue.paused': true,
  'job.updated': true,
  'job.progress': true,
  'rendition.added': true,
  'rendition.removed': true,
  'score.added': true,
  'score.removed': true,
  'pertitle.updated': true,
  'batch.finished': true,
};

/** Every event type of the contract. */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as VqEvent['type'][];

/**
 * An event as it travels: an integer `seq` and a known type. The payload fields are the server's
 * own objects and are not re-validated field by field here.
 */
export const EventSchema = z
  .object({
    seq: z.number().int(),
    type: z.enum(EVENT_TYPES as [VqEvent['type'], ...VqEvent['type'][]]),
  })
  .loose();

/** Server → client: the answer to one request. */
export const ResultMessageSchema = z
  .object({ id: RequestIdSchema.nullable(), result: EnvelopeSchema })
  .strict();

/** Server → client: one pushed event. */
export const EventMessageSchema = z.object({ event: EventSchema }).strict();

/**
 * Largest WebSocket message the transport takes. A project file larger than this is uploaded with
 * `POST /api/project-import` and read as it arrives (the browser client always does so); a message
 * is held whole in memory, several times over while it is parsed, so it stays small. Every method
 * but `project.import` has a far smaller limit below.
 */
export const MAX_WIRE_MESSAGE_BYTES = 32 * 1024 * 1024;

/** Limit for a method without its own entry: far above any real call, far below the transport's. */
export const DEFAULT_MESSAGE_LIMIT_BYTES = 1024 * 1024;

/**
 * Per-method message limits, checked before the message is parsed: parsing a 200 MB message
 * costs several times that in memory, so only the methods that need it may send one.
 */
export const MESSAGE_LIMIT_BYTES: Partial<Record<VqMethod, number>> = {
  'project.import': MAX_WIRE_MESSAGE_BYTES,
  // Up to 1000 paths of up to 4096 characters each, some multi-byte.
  'library.import': 16 * 1024 * 1024,
};

/** The largest message, in bytes, that may carry a call of `method` (null: the method is unknown). */
export function messageLimitBytes(method: string | null): number {
  if (method !== null && Object.prototype.hasOwnProperty.call(MESSAGE_LIMIT_BYTES, method)) {
    return MESSAGE_LIMIT_BYTES[method as VqMethod]!;
  }
  return DEFAULT_MESSAGE_LIMIT_BYTES;
}

/** Human size for limit messages ("1 MiB"). */
function mib(bytes: number): string {
  return `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MiB`;
}

/**
 * The JSON text of one request. The order `id`, `method`, `args` is part of the format: it lets the
 * server read the method from the first bytes and refuse an oversized message without parsing it.
 */
export function encodeRequest(id: RequestId, method: string, args: unknown): string {
  return `{"id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"args":${JSON.stringify(args ?? {})}}`;
}

/** The JSON text of one answer. */
export function encodeResult(id: RequestId | null, result: Envelope<unknown>): string {
  return JSON.stringify({ id, result });
}

/** The JSON text of one pushed event. */
export function encodeEvent(event: VqEvent): string {
  return JSON.stringify({ event });
}

// What encodeRequest writes first. Bounded repetitions, so a hostile prefix cannot make it slow.
const REQUEST_HEAD =
  /^\s{0,16}\{\s{0,16}"id"\s{0,16}:\s{0,16}(\d{1,16})\s{0,16},\s{0,16}"method"\s{0,16}:\s{0,16}"([A-Za-z0-9_.-]{1,64})"/;

/** How many leading characters {@link peekRequestHead} needs at most. */
export const REQUEST_HEAD_CHARS = 256;

/** The id and method at the start of a request text, without parsing the rest; null if absent. */
export function peekRequestHead(prefix: string): { id: RequestId; method: string } | null {
  const m = REQUEST_HEAD.exec(prefix.slice(0, REQUEST_HEAD_CHARS));
  if (!m) return null;
  const id = Number(m[1]);
  return RequestIdSchema.safeParse(id).success ? { id, method: m[2]! } : null;
}

/**
 * Whether a request of `byteLength` bytes starting with `prefix` may be parsed at all. A message
 * whose head cannot be read gets the default limit, so only a well-ordered `project.import` is
 * ever parsed at full size.
 */
export function checkMessageSize(
  prefix: string,
  byteLength: number,
): { ok: true } | { ok: false; id: RequestId | null; error: ApiError } {
  const head = peekRequestHead(prefix);
  const limit = messageLimitBytes(head?.method ?? null);
  if (byteLength <= limit) return { ok: true };
  const what = head
    ? `A ${head.method} message`
    : 'A message that does not start with {"id":N,"method":"..."}';
  return {
    ok: false,
    id: head?.id ?? null,
    error: {
      code: 'INVALID_ARGS',
      message: `${what} may be at most ${mib(limit)}; this one is ${mib(byteLength)}.`,
      ...(head?.method === 'project.import'
        ? { hint: 'Upload a large project file with POST /api/project-import (the web UI does).' }
        : {}),
    },
  };
}

/** A request, or why it is not one (with the id when one could be read, for the answer). */
export type ParsedRequest =
  { ok: true; request: ClientRequest } | { ok: false; id: RequestId | null; error: ApiError };

/** Parses one request text; never throws. */
export function parseClientRequest(text: string): ParsedRequest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      ok: false,
      id: null,
      error: { code: 'INVALID_ARGS', message: 'Message is not JSON.' },
    };
  }
  const parsed = ClientRequestSchema.safeParse(json);
  if (parsed.success) return { ok: true, request: parsed.data };
  const rawId =
    typeof json === 'object' && json !== null ? (json as { id?: unknown }).id : undefined;
  const id = RequestIdSchema.safeParse(rawId);
  return {
    ok: false,
    id: id.success ? id.data : null,
    error: {
      code: 'INVALID_ARGS',
      message: 'Message is not a request {"id":N,"method":"area.action","args":{...}}.',
    },
  };
}

/** One message from the server, sorted by kind. */
export type ServerMessage =
  | { kind: 'result'; id: RequestId; result: Envelope<unknown> }
  | { kind: 'event'; event: VqEvent }
  | { kind: 'invalid'; reason: string };

/** Parses one server message; never throws. */
export function parseServerMessage(text: string): ServerMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    return { kind: 'invalid', reason: 'not an object' };
  }
  if ('event' in json) {
    const event = EventMessageSchema.safeParse(json);
    return event.success
      ? { kind: 'event', event: event.data.event as unknown as VqEvent }
      : { kind: 'invalid', reason: 'unknown event' };
  }
  const result = ResultMessageSchema.safeParse(json);
  if (result.success && result.data.id !== null) {
    return { kind: 'result', id: result.data.id, result: result.data.result as Envelope<unknown> };
  }
  // An answer to a known request with a broken envelope still settles that request (with an
  // error), so the caller is not left waiting forever.
  const id = RequestIdSchema.safeParse((json as { id?: unknown }).id);
  if (id.success && 'result' in json) {
    return {
      kind: 'result',
      id: id.data,
      result: {
        ok: false,
        error: {
          code: 'INTERNAL',
          message: 'The app answered with something that is not a result envelope.',
        },
      },
    };
  }
  return { kind: 'invalid', reason: 'neither a result nor an event' };
}
