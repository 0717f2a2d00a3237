/**
 * The WebSocket wire of `vq serve`, shared by the server and the browser client so the two ends
 * cannot drift apart. The client sends a call with an id, `{ id, method, args }`; the server answers
 * `{ id, result: Envelope }` (id null when the request had no usable id) and pushes
 * `{ event: VqEvent }`. The call, envelope and event themselves are those of messages.ts, the same
 * as over IPC. Parsing is total: every function here returns a value, never throws, because its
 * input comes from the other side of a socket.
 */
import { z } from 'zod';
import type { VqEvent, VqMethod } from '../api';
import type { ApiError, Envelope } from '../errors';
import { CallSchema, EventSchema, readEnvelope } from './messages';

/** A request id: the client counts up from 1. */
export const RequestIdSchema = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

/** A request id. */
export type RequestId = z.infer<typeof RequestIdSchema>;

/** Client → server: one API call with its id. */
export const ClientRequestSchema = z.object({ id: RequestIdSchema, ...CallSchema.shape }).strict();

/** One API call with its id, as it travels. */
export type ClientRequest = z.infer<typeof ClientRequestSchema>;

/** Server → client: the answer to one request; `result` is read with `readEnvelope`. */
export const ResultMessageSchema = z
  .object({ id: RequestIdSchema.nullable(), result: z.unknown() })
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

/**
 * The JSON text of one answer. A result that is not JSON-able (a bug: a BigInt, a cycle) becomes an
 * INTERNAL error saying why, so the request is still answered.
 */
export function encodeResult(id: RequestId | null, result: Envelope<unknown>): string {
  try {
    return JSON.stringify({ id, result });
  } catch (err) {
    const why = err instanceof Error ? err.message : 'not JSON';
    const error: ApiError = {
      code: 'INTERNAL',
      message: `The answer could not be encoded: ${why}`,
    };
    return JSON.stringify({ id, result: { ok: false, error } });
  }
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

/** One message as the server's socket received it, before it is decoded. */
export interface ReceivedMessage {
  /** True for a binary frame, which is not part of the API. */
  binary: boolean;
  /** Size of the whole message. */
  byteLength: number;
  /** The first {@link REQUEST_HEAD_CHARS} bytes as latin1 text: enough to read the id and method. */
  head: string;
  /** The whole message as UTF-8 text; called only once its size is allowed. */
  text(): string;
}

/**
 * Reads one client message: a binary frame is refused, then the method's size limit is checked on
 * the head (a message is decoded and parsed only when allowed), then the request is parsed. Never
 * throws.
 */
export function readClientMessage(message: ReceivedMessage): ParsedRequest {
  if (message.binary) {
    return {
      ok: false,
      id: null,
      error: { code: 'INVALID_ARGS', message: 'Binary messages are not part of the API.' },
    };
  }
  const size = checkMessageSize(message.head, message.byteLength);
  if (!size.ok) return size;
  return parseClientRequest(message.text());
}

/** One message from the server, sorted by kind. */
export type ServerMessage =
  | { kind: 'result'; id: RequestId; result: Envelope<unknown> }
  | { kind: 'event'; event: VqEvent }
  | { kind: 'invalid'; reason: string };

/**
 * Parses one server message; never throws. An answer with a broken envelope still settles its
 * request (with an INTERNAL error), so the caller is not left waiting forever.
 */
export function parseServerMessage(text: string): ServerMessage {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'invalid', reason: 'not JSON' };
  }
  const event = EventMessageSchema.safeParse(json);
  if (event.success) return { kind: 'event', event: event.data.event as unknown as VqEvent };
  const result = ResultMessageSchema.safeParse(json);
  if (!result.success) return { kind: 'invalid', reason: 'neither a result nor a known event' };
  if (result.data.id === null) return { kind: 'invalid', reason: 'an answer to no request' };
  return { kind: 'result', id: result.data.id, result: readEnvelope(result.data.result) };
}
