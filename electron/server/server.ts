/**
 * `vq serve`: the same UI in a browser. Serves the built renderer, library media by id (with Range)
 * and the API over a WebSocket, all behind the token of auth.ts. Binds to loopback by default.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { frameErrorStatus, parseFrameQuery } from '../core/media/frameRequest';
import { contentTypeFor, parseRange, rangeResponseHead } from '../core/media/range';
import { MAX_PROJECT_CHARS } from '../../shared/project';
import { toApiError } from '../../shared/errors';
import type { Core } from '../core/core';
import { TOKEN_COOKIE, hostAllowed, newToken, presentedToken, tokenMatches } from './auth';

/** Options for {@link startServer}. */
export interface ServerOptions {
  core: Core;
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** Port; 0 picks a free one. */
  port?: number;
  /** Fixed token (tests); a random one by default. */
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

/**
 * Largest WebSocket message: a whole project file travels in one `project.import` call, so the
 * limit follows the project size limit (plus room for the envelope and multi-byte characters).
 * Only token-authenticated loopback clients get this far.
 */
const MAX_MESSAGE_BYTES = MAX_PROJECT_CHARS + 16 * 1024 * 1024;

/** Starts the HTTP + WebSocket server and resolves when it listens. */
export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  const token = opts.token ?? newToken();
  const { core } = opts;

  const server = http.createServer((req, res) => {
    void handleHttp(req, res).catch((err: unknown) => {
      console.error('request failed:', err);
      if (!res.headersSent) send(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!hostAllowed(req.headers.host, host))
      return send(res, 421, 'Misdirected request: unknown Host header.');
    const given = presentedToken(url, req.headers);
    if (!tokenMatches(token, given)) {
      return send(
        res,
        401,
        'VQ Studio: open the URL that `vq serve` printed (it carries the access token).',
      );
    }
    if (url.searchParams.get('token')) {
      // Later requests (scripts, styles, media) carry the cookie instead of the query.
      res.setHeader(
        'Set-Cookie',
        `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict`,
      );
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed');

    const media = /^\/media\/(file|thumb)\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (media) return serveMedia(req, res, media[1] as 'file' | 'thumb', media[2]!);
    const frame = /^\/media\/frame\/([A-Za-z0-9_-]{1,64})$/.exec(url.pathname);
    if (frame) return serveFrame(res, frame[1]!, url.searchParams);
    return serveStatic(req, res, url.pathname);
  }

  function serveMedia(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: 'file' | 'thumb',
    id: string,
  ): void {
    // Files are found by library id only; a path never comes from the URL.
    const file = core.mediaPath(kind, id);
    if (!file) return send(res, 404, 'No such library item');
    let size: number;
    try {
      size = fs.statSync(file).size;
    } catch {
      return send(res, 404, 'The file is no longer on disk');
    }
    const range = parseRange(req.headers.range, size);
    const head = rangeResponseHead(range, size, contentTypeFor(file));
    res.writeHead(head.status, {
      ...head.headers,
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
    });
    if (req.method === 'HEAD' || head.status === 416) return void res.end();
    const stream =
      range && range !== 'unsatisfiable'
        ? fs.createReadStream(file, range)
        : fs.createReadStream(file);
    stream.on('error', () => res.destroy());
    stream.pipe(res);
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
    const root = path.resolve(opts.rendererDir);
    let rel: string;
    try {
      rel = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'Bad path');
    }
    if (rel === '/' || rel === '') rel = '/index.html';
    const file = path.resolve(root, '.' + rel);
    if (file !== root && !file.startsWith(root + path.sep)) return send(res, 403, 'Forbidden');
    let target = file;
    if (!fs.existsSync(target) || fs.statSync(target).isDirectory()) {
      // Single-page app: unknown paths get the shell; a missing build gets a clear message.
      target = path.join(root, 'index.html');
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
      'Content-Type': staticType(target),
      'Content-Length': body.length,
      'Cache-Control': target.endsWith('index.html') ? 'no-store' : 'public, max-age=3600',
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'X-Frame-Options': 'DENY',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const originOk = !req.headers.origin || hostAllowed(new URL(req.headers.origin).host, host);
    if (
      url.pathname !== '/api' ||
      !hostAllowed(req.headers.host, host) ||
      !originOk ||
      !tokenMatches(token, presentedToken(url, req.headers))
    ) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws));
  });

  function attachClient(ws: WebSocket): void {
    const unsubscribe = core.events.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event }));
    });
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
    ws.on('message', (data) => {
      let msg: { id?: unknown; method?: unknown; args?: unknown };
      try {
        msg = JSON.parse(String(data)) as typeof msg;
      } catch {
        ws.send(
          JSON.stringify({
            id: null,
            result: { ok: false, error: { code: 'INVALID_ARGS', message: 'Message is not JSON.' } },
          }),
        );
        return;
      }
      const id = typeof msg.id === 'number' || typeof msg.id === 'string' ? msg.id : null;
      void core.dispatch(msg.method, msg.args).then((result) => {
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, result }));
      });
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
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

function send(res: http.ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

function staticType(file: string): string {
  const ext = path.extname(file).toLowerCase();
  const types: Record<string, string> = {
    '.html': 'text/html; charset=utf-8',
    '.js': 'text/javascript; charset=utf-8',
    '.mjs': 'text/javascript; charset=utf-8',
    '.css': 'text/css; charset=utf-8',
    '.svg': 'image/svg+xml',
    '.png': 'image/png',
    '.ico': 'image/x-icon',
    '.json': 'application/json',
    '.woff2': 'font/woff2',
  };
  return types[ext] ?? 'application/octet-stream';
}
