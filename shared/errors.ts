/**
 * Typed errors that cross every boundary (IPC, WebSocket, CLI). A thrown error crossing IPC keeps only
 * its message, so services throw `VqError` and the dispatcher turns it into a result envelope.
 */

/** Every error code the API can return. Each has a message a person understands. */
export const ERROR_CODES = [
  'INVALID_ARGS',
  'NOT_FOUND',
  'IS_DIRECTORY',
  'EMPTY_FILE',
  'NOT_MEDIA',
  'TRUNCATED',
  'NO_VIDEO',
  'PERMISSION_DENIED',
  'RAW_NEEDS_FORMAT',
  'NO_FFPROBE',
  'NO_FFMPEG',
  'FFMPEG_FAILED',
  'UNKNOWN_ITEM',
  'UNSUPPORTED',
  'CANCELED',
  'PREFLIGHT_BLOCKED',
  'INVALID_CURVE',
  /** Output files of an encode already exist; replacing them needs `overwrite` (`--overwrite`). */
  'OUTPUT_EXISTS',
  /** The data folder's disk is full (library.db and caches cannot be written). */
  'DATA_FOLDER_FULL',
  /** library.db is not a readable SQLite database; `moveDatabaseAside` starts fresh. */
  'DATABASE_CORRUPT',
  /** library.db stayed locked by another VQ Studio process (the app, `vq serve`, `vq encode`). */
  'DATABASE_BUSY',
  /** A worker name is held by another live `vq worker`. */
  'NAME_TAKEN',
  /** The shared queue's Redis cannot be reached, or refused the password. */
  'REDIS_UNAVAILABLE',
  /** A file could not be moved between the app and a worker over the app's transfer server. */
  'TRANSFER_FAILED',
  /**
   * Renditions cannot be cut into the same segments (`vq package`): a rung's keyframes do not fall
   * on every segment boundary.
   */
  'GOPS_MISALIGNED',
  /** Something that runs one at a time (a CRF search) is running already. */
  'BUSY',
  'INTERNAL',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error half of a result envelope. */
export interface ApiError {
  code: ErrorCode;
  message: string;
  /** What the person can do about it. */
  hint?: string;
}

/** A result that travels across IPC or WebSocket. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ApiError };

/** An error a service throws on purpose; the dispatcher turns it into `{ ok: false, error }`. */
export class VqError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  constructor(code: ErrorCode, message: string, hint?: string) {
    super(message);
    this.name = 'VqError';
    this.code = code;
    this.hint = hint;
  }

  /** The plain object form for envelopes and JSON output. */
  toApiError(): ApiError {
    return this.hint
      ? { code: this.code, message: this.message, hint: this.hint }
      : { code: this.code, message: this.message };
  }
}

/** Any thrown value as an {@link ApiError}; unknown errors become INTERNAL with their message. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof VqError) return err.toApiError();
  if (isApiError(err)) return err;
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

function isApiError(v: unknown): v is ApiError {
  return (
    typeof v === 'object' &&
    v !== null &&
    typeof (v as ApiError).code === 'string' &&
    typeof (v as ApiError).message === 'string' &&
    (ERROR_CODES as readonly string[]).includes((v as ApiError).code)
  );
}
