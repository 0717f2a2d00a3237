/**
 * The app's side of transfer mode: for workers that do not share a disk with the app, a small HTTP
 * server hands each task's source (and a score task's distorted videos, its inputs) out (with Range, so a dropped connection resumes instead of
 * starting over) and takes its outputs in, each checked by size and SHA-256 before it lands at
 * the path the app granted. The app's own checks (clusterExecutor) then run on that file as they
 * do for a shared disk: nothing a worker uploads is listed unchecked.
 *
 * Each task gets its own random token (grant), good for that task's URLs only and dead after
 * revoke. It is started only in transfer mode and binds to loopback unless told otherwise. URLs
 * are matched exactly on the raw request target (no normalisation, so `..` is just a bad id) and
 * every handler is total: malformed input gets a 4xx, a stalled client is dropped after an idle
 * time, and an upload that does not finish leaves no file behind.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Transform, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VqError } from '../../../shared/errors';
import { contentTypeFor, parseRange, rangeResponseHead } from '../media/range';
import { openRegularFile } from '../media/regularFile';

/** The request header that carries the hex SHA-256 of an uploaded body. */
export const SHA256_HEADER = 'X-VQ-SHA256';

/** Codes of the transfer server's JSON errors (`{ error: { code, message } }`). */
export type TransferErrorCode =
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'BAD_REQUEST'
  | 'LENGTH_REQUIRED'
  | 'TOO_LARGE'
  | 'SIZE_MISMATCH'
  | 'SHA256_MISMATCH'
  | 'SOURCE_UNAVAILABLE'
  | 'STORAGE_FAILED'
  | 'INTERNAL';

/** What one task may read and write through the server. */
export interface TransferGrant {
  /** The source file on the app's disk; `raw` for a headerless raw source (served as octet-stream). */
  source: { path: string; raw?: boolean };
  /** By rung id: the absolute path where that rung's verified upload is placed. */
  outputs: Record<string, string>;
  /** Other files the task reads, by name (a score task's distorted videos): served like the source. */
  inputs?: Record<string, { path: string; raw?: boolean }>;
}

/** Options of {@link TransferServer.start}. */
export interface TransferServerOptions {
  /** Interface to bind; default 127.0.0.1, so nothing beyond this machine can connect unless asked. */
  host?: string;
  /** Port; 0 (the default) picks a free one. */
  port?: number;
  /**
   * The host name workers reach this server by, for {@link TransferServer.baseUrl}; default the
   * bound host (the machine's host name when bound to every interface).
   */
  publicHost?: string;
  /** A connection with no bytes either way for this long is dropped (default 30 s). */
  idleTimeoutMs?: number;
}

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const SOURCE_ROUTE = /^\/v1\/tasks\/([^/]*)\/source$/;
const OUTPUT_ROUTE = /^\/v1\/tasks\/([^/]*)\/outputs\/([^/]*)$/;
const INPUT_ROUTE = /^\/v1\/tasks\/([^/]*)\/inputs\/([^/]*)$/;
const BEARER = /^bearer +([0-9a-f]{64}) *$/i;
const SHA256_HEX = /^[0-9a-f]{64}$/i;
const DEFAULT_IDLE_MS = 30_000;
/** Time for a client to send its request head (slowloris: a byte at a time never goes idle). */
const HEADERS_TIMEOUT_MS = 20_000;

/** A route of the transfer server, read from a raw request target; null for anything else. */
type TransferRoute =
  | { kind: 'source'; taskId: string }
  | { kind: 'input'; taskId: string; name: string }
  | { kind: 'output'; taskId: string; rungId: string };

/**
 * Reads a request target exactly as sent: no query, no percent-decoding, no dot segments, ids of
 * [A-Za-z0-9_-]{1,64}. Anything else is not a route (404), so no id can name a path.
 */
function parseTransferRoute(target: string): TransferRoute | null {
  if (target.length > 300) return null;
  const source = SOURCE_ROUTE.exec(target);
  if (source) return ID.test(source[1]!) ? { kind: 'source', taskId: source[1]! } : null;
  const output = OUTPUT_ROUTE.exec(target);
  if (output && ID.test(output[1]!) && ID.test(output[2]!)) {
    return { kind: 'output', taskId: output[1]!, rungId: output[2]! };
  }
  const input = INPUT_ROUTE.exec(target);
  if (input && ID.test(input[1]!) && ID.test(input[2]!)) {
    return { kind: 'input', taskId: input[1]!, name: input[2]! };
  }
  return null;
}

interface Granted {
  token: Buffer;
  grant: TransferGrant;
  /** Requests in flight with this token: revoke ends them. */
  live: Set<http.IncomingMessage>;
}

/** Thrown by the upload meter when a body runs past its Content-Length. */
class BodyTooLong extends Error {}

/** The transfer server of one app: {@link TransferServer.start}, grant tasks, close. */
export class TransferServer {
  private readonly grants = new Map<string, Granted>();
  /** Handlers still running (close waits for them, so an aborted upload's temp file is gone). */
  private readonly pending = new Set<Promise<void>>();
  /** Compared against when a task is unknown, so an unknown task costs what a wrong token does. */
  private readonly decoy = randomBytes(32).toString('hex');
  private closing: Promise<void> | null = null;

  private constructor(
    private readonly server: http.Server,
    private readonly origin: string,
  ) {}

  /** Starts listening; resolves once the port is bound. */
  static async start(o: TransferServerOptions = {}): Promise<TransferServer> {
    const host = o.host ?? '127.0.0.1';
    const idle = o.idleTimeoutMs ?? DEFAULT_IDLE_MS;
    const server = http.createServer({
      // Uploads of a long title take longer than any whole-request limit; idleness is what counts.
      requestTimeout: 0,
      headersTimeout: Math.min(HEADERS_TIMEOUT_MS, Math.max(idle, 1000)),
      connectionsCheckingInterval: 1000,
    });
    server.timeout = idle;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(o.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : (o.port ?? 0);
    const wildcard = host === '0.0.0.0' || host === '::';
    const named = o.publicHost ?? (wildcard ? os.hostname() : host);
    const urlHost = named.includes(':') ? `[${named}]` : named;
    const transfer = new TransferServer(server, `http://${urlHost}:${port}`);
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void =>
      transfer.track(req, res);
    server.on('request', onRequest);
    // Answered by the upload handler itself once the head is accepted (writeContinue), so a
    // refused upload is never sent.
    server.on('checkContinue', onRequest);
    return transfer;
  }

  /** `http://host:port` as workers reach it (no trailing slash). */
  get baseUrl(): string {
    return this.origin;
  }

  /** The URL a worker downloads `taskId`'s source from. */
  sourceUrl(taskId: string): string {
    return `${this.origin}/v1/tasks/${taskId}/source`;
  }

  /** The URL a worker downloads `taskId`'s input `name` from. */
  inputUrl(taskId: string, name: string): string {
    return `${this.origin}/v1/tasks/${taskId}/inputs/${name}`;
  }

  /** The URL a worker uploads `taskId`'s output of `rungId` to. */
  outputUrl(taskId: string, rungId: string): string {
    return `${this.origin}/v1/tasks/${taskId}/outputs/${rungId}`;
  }

  /** The bound address (for checks and logs). */
  address(): { address: string; port: number } {
    const a = this.server.address();
    if (!a || typeof a !== 'object') throw new Error('the transfer server is not listening');
    return { address: a.address, port: a.port };
  }

  /**
   * Lets `taskId` read its source and place its outputs; returns a fresh token (32 random bytes,
   * hex) for this task only. Granting a task again replaces its grant: the old token stops working.
   * Throws INVALID_ARGS for an id that cannot appear in a URL or a path that is not absolute.
   */
  grant(taskId: string, g: TransferGrant): string {
    if (!ID.test(taskId)) throw invalid(`task id ${JSON.stringify(taskId)}`);
    if (!isAbsoluteFile(g.source.path)) {
      throw invalid(`source path ${JSON.stringify(g.source.path)}`);
    }
    const outputs: Record<string, string> = {};
    for (const [rungId, file] of Object.entries(g.outputs)) {
      if (!ID.test(rungId)) throw invalid(`rung id ${JSON.stringify(rungId)}`);
      if (!isAbsoluteFile(file)) throw invalid(`output path ${JSON.stringify(file)}`);
      outputs[rungId] = file;
    }
    const inputs: Record<string, { path: string; raw: boolean }> = {};
    for (const [name, file] of Object.entries(g.inputs ?? {})) {
      if (!ID.test(name)) throw invalid(`input name ${JSON.stringify(name)}`);
      if (!isAbsoluteFile(file.path)) throw invalid(`input path ${JSON.stringify(file.path)}`);
      inputs[name] = { path: file.path, raw: file.raw === true };
    }
    this.revoke(taskId);
    const token = randomBytes(32).toString('hex');
    this.grants.set(taskId, {
      token: Buffer.from(token),
      grant: { source: { path: g.source.path, raw: g.source.raw === true }, outputs, inputs },
      live: new Set(),
    });
    return token;
  }

  /** Ends `taskId`'s grant: its token opens nothing, and its transfers in flight are cut. */
  revoke(taskId: string): void {
    const granted = this.grants.get(taskId);
    if (!granted) return;
    this.grants.delete(taskId);
    for (const req of granted.live) req.destroy();
    granted.live.clear();
  }

  /** Stops listening, cuts every connection and waits until unfinished uploads are cleaned up. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      for (const taskId of [...this.grants.keys()]) this.revoke(taskId);
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      this.server.closeAllConnections();
      await closed;
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
    })();
    return this.closing;
  }

  private track(req: http.IncomingMessage, res: http.ServerResponse): void {
    const work = this.handle(req, res)
      .catch(() => {
        // A bug or an I/O error nobody expected: answer if still possible, never crash.
        if (!res.headersSent) fail(res, 500, 'INTERNAL', 'The transfer server failed.');
        else res.destroy();
      })
      .finally(() => this.pending.delete(work));
    this.pending.add(work);
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const hasBody = req.method === 'PUT';
    // A refused upload's body is not read: the connection closes after the answer.
    if (hasBody) res.shouldKeepAlive = false;
    const route = parseTransferRoute(req.url ?? '');
    if (!route) return fail(res, 404, 'NOT_FOUND', 'There is no such transfer URL.');
    const allow = route.kind === 'output' ? ['PUT'] : ['GET', 'HEAD'];
    if (!allow.includes(req.method ?? '')) {
      return fail(res, 405, 'METHOD_NOT_ALLOWED', `Use ${allow.join(' or ')} here.`, {
        Allow: allow.join(', '),
      });
    }
    // Workers are not browsers; a page must not use a token it somehow learnt.
    if (req.headers.origin !== undefined) {
      return fail(res, 403, 'FORBIDDEN', 'Browsers may not use the transfer server.');
    }
    const granted = this.authorize(route.taskId, req.headers.authorization);
    if (!granted) {
      return fail(
        res,
        401,
        'UNAUTHORIZED',
        'This token does not open this task: it was never granted, was revoked, or the task ended.',
        { 'WWW-Authenticate': 'Bearer' },
      );
    }
    granted.live.add(req);
    res.once('close', () => granted.live.delete(req));
    if (route.kind === 'source') return this.serveSource(req, res, granted.grant.source);
    if (route.kind === 'input') {
      const inputs = granted.grant.inputs ?? {};
      // Own keys only: a name such as "constructor" is not an input.
      const input = Object.hasOwn(inputs, route.name) ? inputs[route.name] : undefined;
      if (!input) return fail(res, 404, 'NOT_FOUND', `This task has no input ${route.name}.`);
      return this.serveSource(req, res, input);
    }
    return this.receiveOutput(req, res, route.taskId, route.rungId, granted);
  }

  /** The task's grant when `header` carries its token; compared in constant time. */
  private authorize(taskId: string, header: string | undefined): Granted | null {
    const m = typeof header === 'string' ? BEARER.exec(header) : null;
    const granted = this.grants.get(taskId);
    const expected = granted?.token ?? Buffer.from(this.decoy);
    // A token is 64 hex characters, so both sides have the same length here.
    const matches = m !== null && timingSafeEqual(expected, Buffer.from(m[1]!));
    return matches && granted ? granted : null;
  }

  private async serveSource(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    source: TransferGrant['source'],
  ): Promise<void> {
    // Only a regular file is opened, so a FIFO swapped in at the path cannot stall the server.
    const opened = await openRegularFile(source.path);
    if (!opened.ok) {
      return fail(
        res,
        opened.status,
        'SOURCE_UNAVAILABLE',
        `The app cannot serve this task's source: ${opened.message}.`,
      );
    }
    const { handle, size } = opened;
    let streaming = false;
    try {
      const stat = await handle.stat({ bigint: true });
      // Strong enough for one file on one disk: another file at the path, or the same file
      // written again, gets another tag, so a resumed download never mixes two versions.
      const etag = `"${[stat.dev, stat.ino, stat.size, stat.mtimeNs].map((n) => n.toString(36)).join('-')}"`;
      const ifRange = req.headers['if-range'];
      // If-Range is honoured for this exact tag only; a date or another tag gets the whole file.
      const rangeHeader = ifRange === undefined || ifRange === etag ? req.headers.range : undefined;
      const range = parseRange(rangeHeader, size);
      const type = source.raw ? 'application/octet-stream' : contentTypeFor(source.path);
      const head = rangeResponseHead(range, size, type);
      res.writeHead(head.status, {
        ...head.headers,
        ...(range === 'unsatisfiable' ? { 'Content-Length': '0' } : {}),
        ETag: etag,
        'Last-Modified': new Date(Number(stat.mtimeMs)).toUTCString(),
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD' || range === 'unsatisfiable' || size === 0) return void res.end();
      streaming = true;
      // The stream closes the file when it ends or when the worker goes away mid-way.
      const stream = handle.createReadStream(range ?? {});
      await pipeline(stream, res).catch(() => res.destroy());
    } finally {
      if (!streaming) await handle.close().catch(() => undefined);
    }
  }

  private async receiveOutput(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    taskId: string,
    rungId: string,
    granted: Granted,
  ): Promise<void> {
    const target = Object.hasOwn(granted.grant.outputs, rungId)
      ? granted.grant.outputs[rungId]!
      : null;
    if (!target) return fail(res, 404, 'NOT_FOUND', `This task has no output for rung ${rungId}.`);
    if (req.headers['transfer-encoding'] !== undefined) {
      return fail(
        res,
        411,
        'LENGTH_REQUIRED',
        'Send the output with a Content-Length, not chunked.',
      );
    }
    const length = req.headers['content-length'];
    if (length === undefined) {
      return fail(res, 411, 'LENGTH_REQUIRED', 'Content-Length is required: the size is checked.');
    }
    const declared = /^\d{1,16}$/.test(length) ? Number(length) : NaN;
    if (!Number.isSafeInteger(declared)) {
      return fail(res, 400, 'BAD_REQUEST', 'Content-Length must be a whole number of bytes.');
    }
    const sha = req.headers[SHA256_HEADER.toLowerCase()];
    if (typeof sha !== 'string' || !SHA256_HEX.test(sha)) {
      return fail(
        res,
        400,
        'BAD_REQUEST',
        `${SHA256_HEADER} is required: the hex SHA-256 of the body (64 hex digits).`,
      );
    }
    const temp = path.join(
      path.dirname(target),
      `.${path.basename(target)}.upload-${randomBytes(8).toString('hex')}`,
    );
    let file: fs.promises.FileHandle;
    try {
      file = await fs.promises.open(temp, 'wx', 0o644);
    } catch (err) {
      return fail(res, 500, 'STORAGE_FAILED', `The app cannot write the output (${errCode(err)}).`);
    }
    let outcome: Received;
    try {
      if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
      outcome = await receiveBody(req, file, declared, sha.toLowerCase());
      await file.close();
      if (outcome.ok && this.grants.get(taskId) !== granted) {
        outcome = refused(401, 'UNAUTHORIZED', 'The task ended while the output was sent.');
      }
      if (outcome.ok) {
        try {
          // Atomic: a reader sees the previous file or this one, never a part.
          await fs.promises.rename(temp, target);
        } catch (err) {
          outcome = refused(
            500,
            'STORAGE_FAILED',
            `The app cannot place the output (${errCode(err)}).`,
          );
        }
      }
    } finally {
      await file.close().catch(() => undefined);
    }
    // Removed before the answer: once the worker hears "refused", nothing of it is left.
    if (!outcome.ok) await fs.promises.rm(temp, { force: true }).catch(() => undefined);
    if (outcome.ok) {
      return reply(res, 201, { sizeBytes: outcome.sizeBytes, sha256: outcome.sha256 });
    }
    if (!outcome.refusal) return void res.destroy();
    return fail(res, outcome.refusal.status, outcome.refusal.code, outcome.refusal.message);
  }
}

/** What became of an upload's body: kept (size and hash as checked), or refused and why. */
type Received =
  | { ok: true; sizeBytes: number; sha256: string }
  /** refusal null: the worker went away (or revoke cut it), nobody is left to answer. */
  | { ok: false; refusal: { status: number; code: TransferErrorCode; message: string } | null };

function refused(status: number, code: TransferErrorCode, message: string): Received {
  return { ok: false, refusal: { status, code, message } };
}

/** Streams a body into `file`, counting and hashing it, then checks it against its headers. */
async function receiveBody(
  req: http.IncomingMessage,
  file: fs.promises.FileHandle,
  declared: number,
  expected: string,
): Promise<Received> {
  let bytes = 0;
  const hash = createHash('sha256');
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      if (bytes > declared) return done(new BodyTooLong());
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(req, meter, writerTo(file));
    await file.sync();
  } catch (err) {
    if (err instanceof BodyTooLong) {
      return refused(413, 'TOO_LARGE', 'The body is longer than its Content-Length.');
    }
    if (req.socket.destroyed) return { ok: false, refusal: null };
    return refused(500, 'STORAGE_FAILED', `The app cannot write the output (${errCode(err)}).`);
  }
  if (bytes !== declared) {
    return refused(
      422,
      'SIZE_MISMATCH',
      `The body has ${bytes} bytes, not the ${declared} of its Content-Length; nothing was kept.`,
    );
  }
  const got = hash.digest('hex');
  if (got !== expected) {
    return refused(
      422,
      'SHA256_MISMATCH',
      `The body's SHA-256 is ${got}, not the ${expected} of ${SHA256_HEADER}: it was damaged on the way or the file changed while it was sent; nothing was kept.`,
    );
  }
  return { ok: true, sizeBytes: bytes, sha256: got };
}

/**
 * Writes into an open file handle that stays the caller's to sync and close (a FileHandle's own
 * write stream holds the handle, so closing it while the stream lives never resolves).
 */
function writerTo(file: fs.promises.FileHandle): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      void (async () => {
        for (let at = 0; at < chunk.length;) {
          at += (await file.write(chunk, at, chunk.length - at)).bytesWritten;
        }
      })().then(() => done(), done);
    },
  });
}

function invalid(what: string): VqError {
  return new VqError(
    'INVALID_ARGS',
    `Cannot grant a transfer: the ${what} is not valid.`,
    'Ids are 1–64 of A-Z, a-z, 0-9, _ and -; paths are absolute.',
  );
}

function isAbsoluteFile(p: string): boolean {
  return typeof p === 'string' && p.length > 0 && !p.includes('\0') && path.isAbsolute(p);
}

function errCode(err: unknown): string {
  return (err as NodeJS.ErrnoException | null)?.code ?? 'error';
}

function reply(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return void res.destroy();
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

function fail(
  res: http.ServerResponse,
  status: number,
  code: TransferErrorCode,
  message: string,
  headers: Record<string, string> = {},
): void {
  reply(res, status, { error: { code, message } }, headers);
}
