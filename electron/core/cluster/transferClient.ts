/**
 * A worker's side of transfer mode (transferServer.ts): it downloads a task's source from the
 * app and uploads each output back, with the task's token. A download that loses its connection
 * resumes where it stopped (Range + If-Range on the ETag, so a source that changed meanwhile is
 * fetched again whole instead of spliced); an upload states its size and SHA-256, which the app
 * checks before it places the file, and the answer must repeat them.
 */
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { z } from 'zod';
import { VqError } from '../../../shared/errors';
import { sha256File } from '../media/sha256File';
import { SHA256_HEADER } from './transferServer';

/** Options of {@link downloadSource}. */
export interface DownloadOptions {
  /** The task's source URL (TransferServer.sourceUrl). */
  url: string;
  /** The task's token (TransferServer.grant). */
  token: string;
  /** Where the source goes; it appears there only complete, via `dest + '.part'`. */
  dest: string;
  signal?: AbortSignal;
  /** Bytes received so far and the source's size, after each piece. */
  onProgress?(bytes: number, total: number): void;
}

/** Options of {@link uploadOutput}. */
export interface UploadOptions {
  /** The output's URL (TransferServer.outputUrl). */
  url: string;
  token: string;
  /** The finished output on this machine. */
  file: string;
  signal?: AbortSignal;
}

/** Attempts in a row that bring no new bytes before a download gives up. */
const DOWNLOAD_ATTEMPTS = 5;
/** Attempts of an upload whose connection failed or whose server had a passing fault. */
const UPLOAD_ATTEMPTS = 3;
const BACKOFF_MS = 250;
const MAX_BACKOFF_MS = 4_000;
/** A connection silent this long is dropped (and, for a download, resumed). */
const IDLE_MS = 60_000;
/** How long an upload waits for `100 Continue` before it sends the body anyway (as curl does). */
const CONTINUE_WAIT_MS = 1_000;
/** Most of an answer body read (answers are small JSON). */
const MAX_ANSWER_BYTES = 64 * 1024;

const UploadedSchema = z
  .object({ sizeBytes: z.number().int().nonnegative(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .strict();
const ErrorBodySchema = z.object({
  error: z.object({ code: z.string().max(64), message: z.string().max(4000) }),
});

/** A failure worth another attempt (the connection, a passing server fault). */
class Retryable extends Error {}

/**
 * Downloads a task's source to `dest`: to `dest + '.part'` first, resumed after a dropped
 * connection, renamed to `dest` once its size is the source's. Throws TRANSFER_FAILED (saying
 * which host answered what) or CANCELED; the part file is removed then. A call always starts
 * from the first byte: a part file left by an earlier call has no tag to prove what it holds.
 */
export async function downloadSource(o: DownloadOptions): Promise<{ sizeBytes: number }> {
  const target = checkedUrl(o.url, 'download the source');
  const part = `${o.dest}.part`;
  const state: DownloadState = { offset: 0, total: null, etag: null };
  try {
    await fs.promises.writeFile(part, '');
    let failures = 0;
    let last = '';
    for (;;) {
      throwIfCanceled(o.signal);
      const before = state.offset;
      try {
        if (await downloadOnce(target, o, part, state)) break;
        last = 'the connection ended before the whole file arrived';
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        last = err.message;
      }
      throwIfCanceled(o.signal);
      failures = state.offset > before ? 1 : failures + 1;
      if (failures >= DOWNLOAD_ATTEMPTS) {
        throw new VqError(
          'TRANSFER_FAILED',
          `Downloading the source from ${target.host} failed ${failures} times in a row: ${last}.`,
          `Check that the app is running and that ${target.host} is reachable from this machine (firewall, the address the app's transfer server listens on); the job can be run again.`,
        );
      }
      await sleep(Math.min(MAX_BACKOFF_MS, BACKOFF_MS * 2 ** (failures - 1)), o.signal);
    }
    const size = (await fs.promises.stat(part)).size;
    if (state.total === null || size !== state.total) {
      throw new VqError(
        'TRANSFER_FAILED',
        `The source downloaded from ${target.host} has ${size} bytes, not the ${state.total ?? '?'} the app announced.`,
        'Run the job again; if it keeps happening, the source is changing on the app while it is read.',
      );
    }
    await fs.promises.rename(part, o.dest);
    return { sizeBytes: size };
  } catch (err) {
    await fs.promises.rm(part, { force: true }).catch(() => undefined);
    throw canceledOr(err, o.signal);
  }
}

interface DownloadState {
  /** Bytes in the part file. */
  offset: number;
  /** The source's size, once an answer said it. */
  total: number | null;
  /** The source's ETag, once an answer gave one: without it a download cannot be resumed. */
  etag: string | null;
}

/** One request for the rest of the source; true when the part file is complete. */
async function downloadOnce(
  target: URL,
  o: DownloadOptions,
  part: string,
  state: DownloadState,
): Promise<boolean> {
  const headers: Record<string, string> = {
    Authorization: `Bearer ${o.token}`,
    'Accept-Encoding': 'identity',
  };
  const resuming = state.offset > 0 && state.etag !== null && state.total !== null;
  if (state.offset > 0 && !resuming) await restart(part, state);
  if (resuming) {
    headers.Range = `bytes=${state.offset}-`;
    headers['If-Range'] = state.etag!;
  }
  const res = await request(target, { method: 'GET', headers, signal: o.signal });
  try {
    const status = res.statusCode ?? 0;
    const etag = typeof res.headers.etag === 'string' ? res.headers.etag : null;
    if (status === 200) {
      // The whole file: a first answer, or a source that changed (If-Range) — start over.
      const total = contentLength(res);
      if (total === null) {
        throw new VqError(
          'TRANSFER_FAILED',
          `The server at ${target.host} sent the source without a Content-Length.`,
          "Is the URL the app's transfer server? Check the app and the worker are the same VQ Studio version.",
        );
      }
      if (state.offset > 0) await restart(part, state);
      state.total = total;
      state.etag = etag;
    } else if (status === 206) {
      const range = contentRange(res.headers['content-range']);
      if (
        !range ||
        range.start !== state.offset ||
        range.total !== state.total ||
        etag !== state.etag
      ) {
        await restart(part, state);
        throw new Retryable('the app answered a resumed download with another range or version');
      }
    } else if (status === 416) {
      const range = contentRange(res.headers['content-range']);
      // Everything had arrived when the connection dropped: nothing is left to send.
      if (range?.total === state.offset && state.total === state.offset && etag === state.etag) {
        return true;
      }
      await restart(part, state);
      throw new Retryable('the app refused the resumed range (the source changed?)');
    } else {
      throw await statusError(res, `Downloading the source from ${target.host}`);
    }
    await appendBody(res, part, state, o.onProgress);
    return state.offset === state.total;
  } finally {
    res.destroy();
  }
}

/** Writes the answer's body after what the part file holds; the offset follows what is on disk. */
async function appendBody(
  res: http.IncomingMessage,
  part: string,
  state: DownloadState,
  onProgress: DownloadOptions['onProgress'],
): Promise<void> {
  const total = state.total!;
  let seen = state.offset;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      seen += chunk.length;
      if (seen > total) return done(new Retryable('the app sent more bytes than the file has'));
      onProgress?.(seen, total);
      done(null, chunk);
    },
  });
  const out = fs.createWriteStream(part, { flags: 'r+', start: state.offset });
  const written = async (): Promise<void> => {
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    state.offset = (await fs.promises.stat(part)).size;
    if (state.offset > total) await restart(part, state);
  };
  try {
    await pipeline(res, meter, out);
  } catch (err) {
    await written();
    if (err instanceof VqError) throw err;
    throw new Retryable(`the connection dropped after ${state.offset} of ${total} bytes`);
  }
  await written();
}

/** Empties the part file: the next request asks for the whole source. */
async function restart(part: string, state: DownloadState): Promise<void> {
  await fs.promises.truncate(part, 0);
  state.offset = 0;
  state.total = null;
  state.etag = null;
}

/**
 * Uploads an output to the app: its SHA-256 first, then a PUT with its size and hash; the app
 * keeps it only when both match. Returns what the app confirmed (equal to this file's). Throws
 * TRANSFER_FAILED (with the app's reason) or CANCELED.
 */
export async function uploadOutput(
  o: UploadOptions,
): Promise<{ sizeBytes: number; sha256: string }> {
  const target = checkedUrl(o.url, 'upload the output');
  try {
    const stat = await fs.promises.stat(o.file);
    if (!stat.isFile()) {
      throw new VqError('TRANSFER_FAILED', `The output ${o.file} is not a regular file.`);
    }
    const sha256 = await sha256File(o.file, o.signal);
    let last = '';
    for (let attempt = 1; attempt <= UPLOAD_ATTEMPTS; attempt++) {
      throwIfCanceled(o.signal);
      try {
        return await uploadOnce(target, o, stat.size, sha256);
      } catch (err) {
        if (!(err instanceof Retryable)) throw err;
        last = err.message;
      }
      if (attempt < UPLOAD_ATTEMPTS) await sleep(BACKOFF_MS * 2 ** (attempt - 1), o.signal);
    }
    throw new VqError(
      'TRANSFER_FAILED',
      `Uploading ${o.file} to ${target.host} failed ${UPLOAD_ATTEMPTS} times: ${last}.`,
      `Check that the app is running and that ${target.host} is reachable from this machine; the job can be run again.`,
    );
  } catch (err) {
    throw canceledOr(err, o.signal);
  }
}

async function uploadOnce(
  target: URL,
  o: UploadOptions,
  size: number,
  sha256: string,
): Promise<{ sizeBytes: number; sha256: string }> {
  const res = await request(target, {
    method: 'PUT',
    headers: {
      Authorization: `Bearer ${o.token}`,
      'Content-Type': 'application/octet-stream',
      'Content-Length': String(size),
      [SHA256_HEADER]: sha256,
      // The app refuses a bad token or URL before a gigabyte is sent.
      Expect: '100-continue',
    },
    signal: o.signal,
    body: { file: o.file, size },
  });
  try {
    if (res.statusCode !== 201) {
      throw await statusError(res, `Uploading ${o.file} to ${target.host}`);
    }
    const answer = UploadedSchema.safeParse(parseJson(await readAnswer(res)));
    if (!answer.success || answer.data.sizeBytes !== size || answer.data.sha256 !== sha256) {
      throw new VqError(
        'TRANSFER_FAILED',
        `The app at ${target.host} took ${o.file} but did not confirm its size (${size} bytes) and SHA-256.`,
        'Check the app and the worker are the same VQ Studio version; the job can be run again.',
      );
    }
    return answer.data;
  } finally {
    res.destroy();
  }
}

/**
 * Sends one request and resolves with the answer's head. With `body`, that file is sent once the
 * server says `100 Continue` (or after a second without a word); an answer before that means the
 * body is not wanted, and it is not sent.
 */
function request(
  target: URL,
  o: {
    method: string;
    headers: Record<string, string>;
    signal?: AbortSignal;
    body?: { file: string; size: number };
  },
): Promise<http.IncomingMessage> {
  return new Promise((resolve, reject) => {
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method: o.method, headers: o.headers, agent: false });
    const body = o.body;
    let answered = false;
    let sending = false;
    const wait = body ? setTimeout(send, CONTINUE_WAIT_MS) : undefined;
    const onAbort = (): void => void req.destroy(abortError());
    if (o.signal?.aborted) onAbort();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): void => {
      clearTimeout(wait);
      o.signal?.removeEventListener('abort', onAbort);
    };
    req.setTimeout(IDLE_MS, () =>
      req.destroy(new Retryable(`no answer from ${target.host} for ${IDLE_MS / 1000} s`)),
    );
    req.on('response', (res) => {
      answered = true;
      clearTimeout(wait);
      // The body is read by the caller; an abort from now on ends it.
      res.once('close', done);
      if (o.signal) {
        const cut = (): void => void res.destroy(abortError());
        o.signal.addEventListener('abort', cut, { once: true });
        res.once('close', () => o.signal?.removeEventListener('abort', cut));
      }
      resolve(res);
    });
    req.on('error', (err) => {
      done();
      const known = err instanceof Retryable || err instanceof VqError || isAbort(err);
      if (!answered) reject(known ? err : connectionError(err));
    });
    if (!body) return void req.end();
    req.on('continue', send);
    req.flushHeaders();

    function send(): void {
      if (sending || answered || !body) return;
      sending = true;
      clearTimeout(wait);
      pipeline(fs.createReadStream(body.file), exactly(body.size, body.file), req).catch(
        (err: unknown) => {
          if (!answered) req.destroy(err instanceof Error ? err : new Error(String(err)));
        },
      );
    }
  });
}

/**
 * Passes a file's bytes on while they are the `size` announced in Content-Length: a file that
 * grows or shrinks while it is sent fails here, instead of stalling the server or sending a
 * request the next one would be read from.
 */
function exactly(size: number, file: string): Transform {
  let bytes = 0;
  const changed = (): VqError =>
    new VqError(
      'TRANSFER_FAILED',
      `${file} changed while it was uploaded (it was ${size} bytes when hashed).`,
      'Something else is writing the output; run the job again.',
    );
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      done(bytes > size ? changed() : null, chunk);
    },
    flush(done) {
      done(bytes === size ? null : changed());
    },
  });
}

/** The error for an answer that is not what was asked for, with the app's reason. */
async function statusError(res: http.IncomingMessage, doing: string): Promise<Error> {
  const status = res.statusCode ?? 0;
  const said = await readAnswer(res)
    .then((text) => ErrorBodySchema.safeParse(parseJson(text)))
    .catch(() => null);
  const reason = said?.success ? ` The app said: ${printable(said.data.error.message)}` : '';
  const what = `${doing} got HTTP ${status}.${reason}`;
  if (status === 408 || status === 429 || status >= 500) return new Retryable(what);
  const hint =
    status === 401
      ? 'The app no longer grants this task (canceled, finished, or given to another worker): nothing to do unless every task fails so.'
      : status === 404
        ? "The app has no such task or file (the URL is wrong, or the app's file is gone): run the job again from the app."
        : status === 422
          ? 'The app checked the upload and refused it: the file changed while it was sent or was damaged on the way; run the job again.'
          : 'Check the app and the worker are the same VQ Studio version.';
  return new VqError('TRANSFER_FAILED', what, hint);
}

/** An answer's body as text, at most {@link MAX_ANSWER_BYTES}. */
async function readAnswer(res: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    bytes += chunk.length;
    if (bytes > MAX_ANSWER_BYTES) break;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Text from the network, safe to print on one line. */
function printable(text: string): string {
  return text.replace(/\p{Cc}/gu, ' ').slice(0, 500);
}

function contentLength(res: http.IncomingMessage): number | null {
  const v = res.headers['content-length'];
  return typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : null;
}

/** `bytes a-b/n` or `bytes *\/n` of a Content-Range header; null when it is neither. */
function contentRange(v: string | undefined): { start: number | null; total: number } | null {
  const m = typeof v === 'string' ? /^bytes (?:(\d{1,16})-\d{1,16}|\*)\/(\d{1,16})$/.exec(v) : null;
  if (!m) return null;
  return { start: m[1] === undefined ? null : Number(m[1]), total: Number(m[2]) };
}

function checkedUrl(url: string, doing: string): URL {
  const parsed = URL.canParse(url) ? new URL(url) : null;
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) {
    throw new VqError(
      'INVALID_ARGS',
      `Cannot ${doing}: ${JSON.stringify(url.slice(0, 200))} is not an http(s) URL.`,
      'The URL comes from the app with the task; check the app and the worker are the same VQ Studio version.',
    );
  }
  return parsed;
}

function connectionError(err: Error): Retryable {
  const code = (err as NodeJS.ErrnoException).code;
  return new Retryable(code ? `${err.message} (${code})` : err.message);
}

function abortError(): Error {
  const err = new Error('Canceled.');
  err.name = 'AbortError';
  return err;
}

function isAbort(err: unknown): boolean {
  return err instanceof Error && err.name === 'AbortError';
}

function throwIfCanceled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new VqError('CANCELED', 'Canceled.');
}

/** A cancel as CANCELED, whatever it interrupted; other errors as they are. */
function canceledOr(err: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted || isAbort(err)) return new VqError('CANCELED', 'Canceled.');
  return err;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(t);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}
