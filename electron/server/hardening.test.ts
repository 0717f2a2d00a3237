import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../core/core';
import { testMedia, useTempDirs } from '../testing/tempDir';
import { startServer, type RunningServer } from './server';

// Issue 10: each test reproduces one way a request without (or with) the token could stop,
// stall or borrow `vq serve`. Everything is real: a core on a temp data dir, a server on a free
// loopback port, raw sockets where the header must be exactly what an attacker writes.
const tempDir = useTempDirs('vq-hardening-');
let running: { server: RunningServer; core: Core } | null = null;
const fifos: string[] = [];

afterEach(async () => {
  // A reader blocked in open() on a FIFO holds a libuv thread until a writer appears; open each
  // FIFO for writing once so no thread of this test process stays stuck.
  for (const fifo of fifos.splice(0)) {
    try {
      fs.closeSync(fs.openSync(fifo, fs.constants.O_WRONLY | fs.constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, which is what the fixed server guarantees.
    }
  }
  if (running) {
    await running.server.close();
    running.core.close();
    running = null;
  }
});

async function start(): Promise<{ server: RunningServer; core: Core; origin: string }> {
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>VQ Studio</title>');
  const core = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
  const server = await startServer({ core, rendererDir, port: 0 });
  running = { server, core };
  return { server, core, origin: `http://127.0.0.1:${server.port}` };
}

/** Sends raw bytes and resolves with the status line the server answers (or '' on a bare close). */
function rawStatus(port: number, request: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(`no answer within ${timeoutMs} ms to ${JSON.stringify(request.slice(0, 80))}`),
      );
    }, timeoutMs);
    socket.on('data', (d) => {
      text += d.toString('latin1');
      if (text.includes('\r\n')) {
        clearTimeout(timer);
        socket.destroy();
        resolve(text.slice(0, text.indexOf('\r\n')));
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text.split('\r\n')[0] ?? '');
    });
    socket.write(request);
  });
}

function upgradeRequest(
  port: number,
  headers: Record<string, string>,
  pathAndQuery = '/api',
): string {
  const lines = [
    `GET ${pathAndQuery} HTTP/1.1`,
    `Host: 127.0.0.1:${port}`,
    'Connection: Upgrade',
    'Upgrade: websocket',
    'Sec-WebSocket-Version: 13',
    'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  return lines.join('\r\n') + '\r\n\r\n';
}

function getRequest(port: number, pathAndQuery: string, headers: Record<string, string>): string {
  const lines = [
    `GET ${pathAndQuery} HTTP/1.1`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  if (!headers.Host) lines.splice(1, 0, `Host: 127.0.0.1:${port}`);
  return [...lines, 'Connection: close'].join('\r\n') + '\r\n\r\n';
}

function openWs(url: string, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** The next message with this id (or, for id null, the next result message). */
function nextResult(
  ws: WebSocket,
  id: number | null,
): Promise<{ id: unknown; result: { ok: boolean; error?: { code: string; message: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(String(data)) as { id?: unknown; result?: never };
      if ('result' in msg && msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg as never);
      }
    };
    ws.on('message', onMessage);
  });
}

async function stillServes(server: RunningServer): Promise<void> {
  const res = await fetch(`http://127.0.0.1:${server.port}/`, {
    headers: { authorization: `Bearer ${server.token}` },
  });
  expect(res.status).toBe(200);
}

describe('item 2: nobody without the token can stop the server', () => {
  it('answers an upgrade with Origin: null with a refusal, not a crash', async () => {
    const { server } = await start();
    const status = await rawStatus(server.port, upgradeRequest(server.port, { Origin: 'null' }));
    expect(status).toMatch(/^HTTP\/1\.1 40[13] /);
    await stillServes(server);
  });

  it('answers a malformed % escape in the cookie with 401, on HTTP and on the upgrade', async () => {
    const { server } = await start();
    const cookie = `vq_token_${server.port}=%E0%A4%A; vq_token=%`;
    expect(await rawStatus(server.port, getRequest(server.port, '/media/thumb/x', { Cookie: cookie }))).toMatch(
      /^HTTP\/1\.1 401 /,
    );
    expect(await rawStatus(server.port, upgradeRequest(server.port, { Cookie: cookie }))).toMatch(
      /^HTTP\/1\.1 401 /,
    );
    await stillServes(server);
  });

  it('answers an unparsable request target with 400 on HTTP and on the upgrade', async () => {
    const { server } = await start();
    expect(await rawStatus(server.port, getRequest(server.port, 'http://[/', {}))).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    expect(await rawStatus(server.port, upgradeRequest(server.port, {}, 'http://[/api'))).toMatch(
      /^HTTP\/1\.1 400 /,
    );
    await stillServes(server);
  });
});

describe('item 3: a page on another loopback port cannot use the API', () => {
  it('refuses an Origin on another port, even with the token', async () => {
    const { server, origin } = await start();
    const url = `ws://127.0.0.1:${server.port}/api?token=${server.token}`;
    await expect(openWs(url, { Origin: `http://127.0.0.1:${server.port + 1}` })).rejects.toThrow(
      /403/,
    );
    await expect(openWs(url, { Origin: `http://localhost:${server.port + 1}` })).rejects.toThrow(
      /403/,
    );
    await expect(openWs(url, { Origin: `https://127.0.0.1:${server.port}` })).rejects.toThrow(
      /403/,
    );
    // The server's own origin, and the localhost spelling when the page was opened as localhost.
    (await openWs(url, { Origin: origin })).close();
    const viaLocalhost = `ws://localhost:${server.port}/api?token=${server.token}`;
    (await openWs(viaLocalhost, { Origin: `http://localhost:${server.port}` })).close();
  });

  it('refuses Host names that only start with 127. and Hosts on another port', async () => {
    const { server } = await start();
    const auth = { Authorization: `Bearer ${server.token}` };
    for (const host of [
      `127.attacker.example:${server.port}`,
      `127.0.0.1:${server.port + 1}`,
      '127.0.0.1',
    ]) {
      expect(
        await rawStatus(server.port, getRequest(server.port, '/', { ...auth, Host: host })),
      ).toMatch(/^HTTP\/1\.1 421 /);
    }
    expect(
      await rawStatus(
        server.port,
        getRequest(server.port, '/', { ...auth, Host: `localhost:${server.port}` }),
      ),
    ).toMatch(/^HTTP\/1\.1 200 /);
  });

  it('sets no token cookie and never reads one, so no other port ever holds or presents the token', async () => {
    const { server, origin } = await start();
    expect((await fetch(server.url)).headers.get('set-cookie')).toBeNull();
    const cookie = `vq_token_${server.port}=${server.token}; vq_token=${server.token}`;
    expect((await fetch(`${origin}/media/thumb/x`, { headers: { cookie } })).status).toBe(401);
    expect((await fetch(`${origin}/media/thumb/x?token=${server.token}`)).status).toBe(404);
  });

  it('refuses media embedded by a page on another port (Sec-Fetch-Site), but not a navigation', async () => {
    const { server } = await start();
    const auth = `Bearer ${server.token}`;
    // Raw requests: fetch() sets its own Sec-Fetch-* headers.
    const status = async (pathname: string, h: Record<string, string>): Promise<string> =>
      rawStatus(server.port, getRequest(server.port, pathname, { Authorization: auth, ...h }));
    // What Chromium sends for <img src> on a page at http://127.0.0.1:<other port>, and for an iframe.
    const embedded = { 'Sec-Fetch-Site': 'same-site', 'Sec-Fetch-Mode': 'no-cors', 'Sec-Fetch-Dest': 'image' };
    expect(await status('/media/thumb/nope', embedded)).toMatch(/ 403 /);
    expect(await status('/', { ...embedded, 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'iframe' })).toMatch(/ 403 /);
    // Our own page, and a person opening the URL from a link elsewhere, still get through.
    expect(await status('/media/thumb/nope', { ...embedded, 'Sec-Fetch-Site': 'same-origin' })).toMatch(/ 404 /);
    const link = { 'Sec-Fetch-Site': 'cross-site', 'Sec-Fetch-Mode': 'navigate', 'Sec-Fetch-Dest': 'document' };
    expect(await status('/', link)).toMatch(/ 200 /);
  });
});

describe('item 4: no WebSocket message stops the server', () => {
  it('answers the JSON message null (and other non-requests) with an error envelope', async () => {
    const { server } = await start();
    const ws = await openWs(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const cases: Array<[string, number | null]> = [
      ['null', null],
      ['[]', null],
      ['7', null],
      ['"x"', null],
      ['{"id":{},"method":[]}', null],
      // A readable id is echoed, so the caller's request is settled.
      ['{"id":1,"method":"app.info","args":{},"x":1}', 1],
    ];
    for (const [text, id] of cases) {
      const answer = nextResult(ws, id);
      ws.send(text);
      expect((await answer).result).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } });
    }
    const ok = nextResult(ws, 9);
    ws.send('{"id":9,"method":"app.info","args":{}}');
    expect((await ok).result.ok).toBe(true);
    ws.close();
  });

  it('refuses a large message for a small method before parsing it, naming the limit', async () => {
    const { server } = await start();
    const ws = await openWs(`ws://127.0.0.1:${server.port}/api?token=${server.token}`);
    const answer = nextResult(ws, 4);
    ws.send(`{"id":4,"method":"app.info","args":{"pad":"${'a'.repeat(2 * 1024 * 1024)}"}}`);
    const { result } = await answer;
    expect(result.error?.code).toBe('INVALID_ARGS');
    expect(result.error?.message).toMatch(/app\.info.*1 MiB/);
    // The one method that needs a large message still takes one.
    const big = nextResult(ws, 5);
    ws.send(`{"id":5,"method":"project.import","args":{"text":"${'a'.repeat(2 * 1024 * 1024)}"}}`);
    expect((await big).result.error?.message ?? '').not.toMatch(/MiB/);
    ws.close();
  });
});

describe('item 6: a FIFO in a library row never stalls the media route', () => {
  it('refuses a non-regular file with 403 and keeps serving other media', async () => {
    const { server, core, origin } = await start();
    const dir = tempDir();
    const clip = path.join(dir, 'clip.webm');
    fs.copyFileSync(testMedia('androidx-media/bear-vp9.webm'), clip);
    const swapped = path.join(dir, 'swapped.webm');
    fs.copyFileSync(clip, swapped);
    const { imported } = await core.api['library.import']({ paths: [clip, swapped] });
    const [good, bad] = imported.map((i) => i.id);
    // The row still names the path; what is there now is a FIFO nobody writes to.
    fs.rmSync(swapped);
    execFileSync('mkfifo', [swapped]);
    fifos.push(swapped);
    const auth = { authorization: `Bearer ${server.token}` };
    // More requests than libuv has threads: each blocking open() would take one for good.
    for (let i = 0; i < 6; i++) {
      const res = await fetch(`${origin}/media/file/${bad}`, {
        headers: auth,
        signal: AbortSignal.timeout(3000),
      });
      expect(res.status).toBe(403);
      expect(await res.text()).toMatch(/not a regular file/i);
    }
    const res = await fetch(`${origin}/media/file/${good}`, {
      headers: auth,
      signal: AbortSignal.timeout(3000),
    });
    expect(res.status).toBe(200);
    expect((await res.arrayBuffer()).byteLength).toBe(fs.statSync(clip).size);
  });
});

describe('item 7: a short token is refused', () => {
  it('startServer throws for a token under 32 characters of [A-Za-z0-9_-]', async () => {
    const core = createCore({ dataDir: tempDir(), host: { mode: 'web' }, queue: 'off' });
    try {
      for (const token of ['a', 'x'.repeat(31), `${'x'.repeat(31)}!`, `${'x'.repeat(40)} `]) {
        await expect(startServer({ core, rendererDir: tempDir(), port: 0, token })).rejects.toThrow(
          /32 characters/,
        );
      }
      const server = await startServer({
        core,
        rendererDir: tempDir(),
        port: 0,
        token: 'A_-9'.repeat(8),
      });
      await server.close();
    } finally {
      core.close();
    }
  });
});
