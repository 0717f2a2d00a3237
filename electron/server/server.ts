/**
 * `vq serve`: the same UI in a browser. Serves the built renderer, library media by id (with Range)
 * and the API over a WebSocket, all behind the token of auth.ts. Binds to loopback by default.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { pipeline, Readable } from 'node:stream';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { frameErrorStatus, parseFrameQuery } from '../core/media/frameRequest';
import { contentTypeFor, parseRange, rangeResponseHead } from '../core/media/range';
import { openRegularFile } from '../core/media/regularFile';
import { staticContentType, staticFileFor } from '../core/media/staticFiles';
import { VqError, toApiError, type Envelope } from '../../shared/errors';
import { MAX_PROJECT_CHARS } from '../../shared/project';
import {
  MAX_WIRE_MESSAGE_BYTES,
  REQUEST_HEAD_CHARS,
  encodeEvent,
  encodeResult,
  readClientMessage,
  type RequestId,
} from '../../shared/wire/ws';
import type { Core } from '../core/core';
import {
  fetchSiteAllowed,
  hostAllowed,
  newToken,
  originAllowed,
  presentedToken,
  tokenMatches,
  tokenProblem,
} from './auth';

/** Options for {@link startServer}. */
export interface ServerOptions {
  core: Core;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. */
  port?: number;
  /** Fixed token (tests, VQ_SERVE_TOKEN or `--token`); a random one by default. Refused when under 128 bits. */
  token?: string;
  /** Folder of the built renderer (out/renderer). */
  rendererDir: string;
}

/** A running server. */
export interface RunningServer {
  /** The URL to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Starts the HTTP + WebSocket server and resolves when it listens; throws for a short token. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const problem = tokenProblem(token);
  if (problem) throw new Error(`Refusing to serve: ${problem}.`);
  const { core } = opts;
  // Known once listening; the Host, Origin and cookie checks all use the real port.
  let port = 0;

  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      console.error('request failed:', err);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = requestUrl(req);
    if (!url) return send(res, 400, 'Bad request target.');
    if (!hostAllowed(req.headers.host, host, port))
      return send(res, 421, 'Misdirected request: unknown Host header.');
    // Browsers send Origin on cross-origin fetches; only this server's own pages may read it.
    if (!originAllowed(req.headers.origin, req.headers.host))
      return send(res, 403, 'Forbidden: requests from other origins are refused.');
    if (!fetchSiteAllowed(req.headers))
      return send(res, 403, 'Forbidden: pages of other sites or ports cannot load from VQ Studio.');
    // The page itself (the built UI) holds no data and needs no token: it reads the token from
    // the printed URL into its session storage. Everything that reaches the library needs it.
    const guarded = url.pathname.startsWith('/media/') || url.pathname.startsWith('/api/');
    if (guarded && !tokenMatches(token, presentedToken(url, req.headers))) {
      return send(
        res,
        401,
        'VQ Studio: open the URL that `vq serve` printed (it carries the access token).',
      );
    }
    if (url.pathname === PROJECT_IMPORT_PATH) return importProjectUpload(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');

    const media = /^\/media\/(file|thumb)\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (media) return serveMedia(req, res, media[1] as 'file' | 'thumb', media[2]!);
    const frame = /^\/media\/frame\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (frame) return serveFrame(res, frame[1]!, url.searchParams);
    const play = /^\/media\/play\/([0-9a-f]{32})\/([A-Za-z0-9_./-]{1,64})$/.exec(url.pathname);
    if (play) return servePlay(req, res, play[1]!, play[2]!);
    if (guarded) return send(res, 404, 'Not found');
    return serveStatic(req, res, url.pathname);
  }

  /**
   * `POST /api/project-import`: a project file as the request body, read as it arrives and parsed
   * piece by piece (a 200 MB file never sits in one WebSocket message or one JSON.parse). Answers
   * with the same result envelope as the API: `{ ok: true, value: summary }` or `{ ok: false, error }`.
   */
  async function importProjectUpload(
    req: http.IncomingMessage,
    res: http.ServerResponse,
  ): Promise<void> {
    if (req.method !== 'POST') return send(res, 405, 'Method not allowed: POST the project file.');
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_PROJECT_UPLOAD_BYTES) {
      return send(
        res,
        413,
        `The project file is larger than ${MAX_PROJECT_CHARS / 1024 / 1024} MB.`,
      );
    }
    let result: Envelope<unknown>;
    try {
      result = {
        ok: true,
        value: await core.importProject(utf8Chunks(req, MAX_PROJECT_UPLOAD_BYTES)),
      };
    } catch (err) {
      result = { ok: false, error: toApiError(err) };
    }
    if (!req.complete) {
      // Refused before the whole body arrived (too large, not JSON): say so, then drop the rest.
      res.setHeader('Connection', 'close');
    }
    const body = JSON.stringify(result);
    res.writeHead(200, {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': Buffer.byteLength(body),
      'Cache-Control': 'no-store',
    });
    res.end(body);
  }

  async function serveMedia(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: 'file' | 'thumb',
    id: string,
  ): Promise<void> {
    // Files are found by library id only; a path never comes from the URL.
    const file = core.mediaPath(kind, id);
    if (!file) return send(res, 404, 'No such library item');
    // Only regular files, opened so that a FIFO at the path can never block (regularFile.ts).
    const opened = await openRegularFile(file);
    if (!opened.ok) return send(res, opened.status, opened.message);
    const { handle, size } = opened;
    const range = parseRange(req.headers.range, size);
    const head = rangeResponseHead(range, size, contentTypeFor(file));
    res.writeHead(head.status, {
      ...head.headers,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD' || range === 'unsatisfiable' || size === 0) {
      await handle.close();
      return void res.end();
    }
    const stream = handle.createReadStream(range ?? {});
    // pipeline closes the file when the client goes away mid-stream (a seeking player does).
    pipeline(stream, res, () => undefined);
  }

  /**
   * `/media/play/<session>/<file>`: a file of the package a playback session plays (playlists,
   * init and media segments only), paced to the session's network (playback/playbackService.ts).
   */
  async function servePlay(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    sessionId: string,
    file: string,
  ): Promise<void> {
    const gone = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) gone.abort();
    });
    const opened = await core.playback.open(sessionId, file, gone.signal);
    if (!opened) return send(res, 404, 'No such playback session or package file.');
    res.writeHead(200, {
      'Content-Type': opened.contentType,
      'Content-Length': opened.size,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD') {
      await opened.close();
      return void res.end();
    }
    // The callback also runs when the client left before the body started: the file is closed.
    pipeline(Readable.from(opened.body), res, () => {
      gone.abort();
      void opened.close();
    });
  }

  async function serveFrame(
    res: http.ServerResponse,
    id: string,
    params: URLSearchParams,
  ): Promise<void> {
    const parsed = parseFrameQuery(params);
    if (!parsed.ok) return send(res, 400, parsed.message);
    // A client that closes the connection (a viewer that scrolled past) cancels the decode.
    const gone = new AbortController();
    const onClose = (): void => {
      if (!res.writableFinished) gone.abort();
    };
    // res, not req: an IncomingMessage also emits 'close' once its (empty) body is read.
    res.once('close', onClose);
    let png: Buffer | null;
    try {
      png = await core.framePng(id, parsed.query.index, parsed.query.size, gone.signal);
    } catch (err) {
      const e = toApiError(err);
      if (gone.signal.aborted) return void res.destroy();
      return send(res, frameErrorStatus(e.code), e.message);
    }
    if (!png) return send(res, 404, 'No such library item');
    res.writeHead(200, {
      'Content-Type': 'image/png',
      'Content-Length': png.length,
      'Cache-Control': 'no-store',
    });
    res.end(png);
  }

  function serveStatic(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    pathname: string,
  ): void {
    const found = staticFileFor(pathname, opts.rendererDir);
    if (!found.ok) {
      return found.reason === 'malformed'
        ? send(res, 400, 'Bad path')
        : send(res, 403, 'Forbidden');
    }
    let target = found.file;
    if (!fs.existsSync(target) || !fs.statSync(target).isFile()) {
      // Single-page app: unknown paths get the shell; a missing build gets a clear message.
      target = path.resolve(opts.rendererDir, 'index.html');
      if (!fs.existsSync(target)) {
        return send(
          res,
          503,
          'The UI is not built yet. Run `npm run build` (or `npm start`), then reload.',
        );
      }
    }
    const body = fs.readFileSync(target);
    res.writeHead(200, {
      'Content-Type': staticContentType(target),
      'Content-Length': body.length,
      'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  // The transport takes the largest message any method may send; each method's own, smaller
  // limit is checked from the message's first bytes before it is parsed (shared/wire/ws.ts).
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WIRE_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    // Node removes its own error listener from an upgraded socket; without one, a client that
    // resets the connection while we answer would throw an uncaught error.
    socket.on('error', () => undefined);
    try {
      handleUpgrade(req, socket, head);
    } catch (err) {
      console.error('upgrade failed:', err);
      refuseUpgrade(socket, '400 Bad Request');
    }
  });

  function handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = requestUrl(req);
    if (!url) return refuseUpgrade(socket, '400 Bad Request');
    if (url.pathname !== '/api') return refuseUpgrade(socket, '404 Not Found');
    if (!hostAllowed(req.headers.host, host, port))
      return refuseUpgrade(socket, '421 Misdirected Request');
    // A browser always sends Origin on a WebSocket; a page elsewhere (another port too) is refused.
    if (!originAllowed(req.headers.origin, req.headers.host))
      return refuseUpgrade(socket, '403 Forbidden');
    if (!tokenMatches(token, presentedToken(url, req.headers))) {
      return refuseUpgrade(socket, '401 Unauthorized');
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws));
  }

  function attachClient(ws: WebSocket): void {
    const unsubscribe = core.events.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeEvent(event));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    ws.on('message', (data, isBinary) => {
      try {
        handleMessage(ws, data, isBinary);
      } catch (err) {
        // Nothing a client sends may stop the server; a bug here answers INTERNAL instead.
        console.error('message failed:', err);
        reply(ws, null, { ok: false, error: toApiError(err) });
      }
    });
  }

  function handleMessage(ws: WebSocket, data: RawData, isBinary: boolean): void {
    // ws hands over a Buffer by default; no copy of a message that may be 200 MB.
    const bytes = Buffer.isBuffer(data)
      ? data
      : Array.isArray(data)
        ? Buffer.concat(data)
        : Buffer.from(data);
    // The method's limit is checked on the first bytes, before the whole message becomes a string.
    const parsed = readClientMessage({
      binary: isBinary,
      byteLength: bytes.length,
      head: bytes.subarray(0, REQUEST_HEAD_CHARS).toString('latin1'),
      text: () => bytes.toString('utf8'),
    });
    if (!parsed.ok) return reply(ws, parsed.id, { ok: false, error: parsed.error });
    const { id, method, args } = parsed.request;
    void core
      .dispatch(method, args)
      .catch((err: unknown): Envelope<unknown> => ({ ok: false, error: toApiError(err) }))
      .then((result) => reply(ws, id, result));
  }

  /** Sends an answer while the socket is open (a result that is not JSON-able: see encodeResult). */
  function reply(ws: WebSocket, id: RequestId | null, result: Envelope<unknown>): void {
    if (ws.readyState === ws.OPEN) ws.send(encodeResult(id, result));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
  const urlHost =
    host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The request target as a URL, or null when it cannot be one (answered 400). */
function requestUrl(req: http.IncomingMessage): URL | null {
  try {
    return new URL(req.url ?? '/', 'http://localhost');
  } catch {
    return null;
  }
}

/** Answers a refused upgrade with a status line and closes once it is written. */
function refuseUpgrade(socket: Duplex, status: string): void {
  if (socket.destroyed) return;
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`, () =>
    socket.destroy(),
  );
}

/** Where a browser POSTs a project file (web mode's way to import one; see importProjectUpload). */
export const PROJECT_IMPORT_PATH = '/api/project-import';

/** Largest project upload in bytes: the project limit, in UTF-8 with room for multi-byte text. */
const MAX_PROJECT_UPLOAD_BYTES = MAX_PROJECT_CHARS + 16 * 1024 * 1024;

/**
 * A request body as UTF-8 text chunks (a character split across two packets stays whole). Bytes
 * that are not UTF-8 are refused, not replaced: a path in a project must arrive as it was written.
 */
async function* utf8Chunks(req: http.IncomingMessage, maxBytes: number): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let bytes = 0;
  const decode = (buf?: Buffer): string => {
    try {
      return buf ? decoder.decode(buf, { stream: true }) : decoder.decode();
    } catch {
      throw new VqError(
        'INVALID_ARGS',
        `The project file is not UTF-8 text (near byte ${bytes}).`,
        'Export it again from VQ Studio.',
      );
    }
  };
  for await (const buf of req as AsyncIterable<Buffer>) {
    bytes += buf.length;
    if (bytes > maxBytes) {
      throw new VqError(
        'INVALID_ARGS',
        `The project file is larger than ${MAX_PROJECT_CHARS / 1024 / 1024} MB.`,
        'Export fewer sources per file.',
      );
    }
    const text = decode(buf);
    if (text) yield text;
  }
  const rest = decode();
  if (rest) yield rest;
}

function send(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}
