/**
 * What travels on both transports, the desktop app's IPC (ipc.ts) and `vq serve`'s WebSocket
 * (ws.ts): a call `{ method, args }`, its answer (a result envelope) and a pushed event. Each has
 * one zod schema here and one reader that never throws, because its input comes from the other side
 * of a process or a socket.
 */
import { z } from 'zod';
import { requestSchemas, type VqEvent } from '../api';
import { ERROR_CODES, type ApiError, type Envelope } from '../errors';

/**
 * One API call. The dispatcher then checks that `method` is a method of the contract and validates
 * `args` with that method's own schema (shared/api.ts), so only the outline is checked here.
 */
export const CallSchema = z
  .object({ method: z.string().min(1).max(64), args: z.unknown() })
  .strict();

/** One API call as it travels. */
export type Call = z.infer<typeof CallSchema>;

/** A call, or why the message is not one. */
export type ParsedCall = { ok: true; call: Call } | { ok: false; error: ApiError };

/** Reads one call from a message of the IPC invoke channel; never throws. */
export function parseCall(message: unknown): ParsedCall {
  const parsed = CallSchema.safeParse(message);
  if (parsed.success) return { ok: true, call: parsed.data };
  return {
    ok: false,
    error: {
      code: 'INVALID_ARGS',
      message: 'A call must be an object { method: "area.action", args: {...} } and nothing else.',
    },
  };
}

/** The error of an envelope whose error half is missing or not an object. */
const NO_DETAILS: ApiError = {
  code: 'INTERNAL',
  message: 'The app reported an error without details.',
};

/**
 * The error half of an envelope, read leniently: the other end may be an older or newer app, so an
 * unknown code reads as INTERNAL and a missing message gets a placeholder, instead of the whole
 * answer being lost.
 */
const ApiErrorSchema = z
  .object({
    code: z.enum(ERROR_CODES).catch('INTERNAL'),
    message: z.string().min(1).catch('Unknown error.'),
    hint: z.string().min(1).optional().catch(undefined),
  })
  .transform(({ hint, ...error }): ApiError => (hint === undefined ? error : { ...error, hint }))
  .catch(NO_DETAILS);

/**
 * An answer: `{ ok: true, value }` or `{ ok: false, error }`. `value` is checked by the caller that
 * knows the method; anything else than these two shapes fails.
 */
export const EnvelopeSchema = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiErrorSchema }),
]);

/** What an answer that is not a result envelope reads as. */
export const NOT_AN_ENVELOPE: Envelope<never> = {
  ok: false,
  error: {
    code: 'INTERNAL',
    message: 'The app answered with something that is not a result envelope.',
  },
};

/** Reads one answer; anything that is not an envelope becomes {@link NOT_AN_ENVELOPE}. */
export function readEnvelope(answer: unknown): Envelope<unknown> {
  const parsed = EnvelopeSchema.safeParse(answer);
  return parsed.success ? (parsed.data as Envelope<unknown>) : NOT_AN_ENVELOPE;
}

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
  'target.updated': true,
  'shotencode.updated': true,
  'batch.finished': true,
  'activity.updated': true,
};

/** Every event type of the contract. */
export const EVENT_TYPES = Object.keys(EVENT_TYPE_SET) as VqEvent['type'][];

/**
 * A pushed event: an integer `seq` and a known type. The payload fields are the core's own
 * objects and are not re-validated field by field here.
 */
export const EventSchema = z
  .object({
    seq: z.number().int(),
    type: z.enum(EVENT_TYPES as [VqEvent['type'], ...VqEvent['type'][]]),
  })
  .loose();

/** True when `v` has an integer `seq` and an event type of the contract; other pushes are dropped. */
export function isVqEvent(v: unknown): v is VqEvent {
  return EventSchema.safeParse(v).success;
}

/** The message of the IPC drop channel: the paths of the files dropped on the window. */
export const DroppedPathsSchema = requestSchemas['library.import'].shape.paths;
