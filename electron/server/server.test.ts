import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../core/core';
import { quickLadder, quickRung } from '../testing/clips';
import { testMedia, useTempDirs } from '../testing/tempDir';
import { startServer, type RunningServer } from './server';

// `vq serve` over a real core: token on every request, the API over WebSocket, media by id with Range.
const tempDir = useTempDirs();
let running: { server: RunningServer; core: Core } | null = null;

afterEach(async () => {
  if (running) {
    await running.server.close();
    running.core.close();
    running = null;
  }
});

async function start(): Promise<{ server: RunningServer; core: Core; base: string }> {
  const rendererDir = tempDir();
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>VQ Studio</title>');
  fs.mkdirSync(path.join(rendererDir, 'assets'));
  fs.writeFileSync(path.join(rendererDir, 'assets', 'app.js'), 'console.log(1)');
  const core = createCore({ dataDir: tempDir(), host: { mode: 'web' } });
  const server = await startServer({ core, rendererDir, port: 0 });
  running = { server, core };
  return { server, core, base: `http://127.0.0.1:${server.port}` };
}

function rpc(
  ws: WebSocket,
  id: number,
  method: string,
  args: unknown,
): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const msg = JSON.parse(String(data)) as { id?: number };
      if (msg.id === id) {
        ws.off('message', onMessage);
        resolve(msg as never);
      }
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, args }));
  });
}

describe('vq serve', () => {
  it('prints a loopback URL with a token; the page is public, the library needs the token, no cookie', async () => {
    const { server, base } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    // The built UI holds no data: it loads without the token (a reload after the page removed the
    // token from the address bar still works) and keeps the token in its session storage.
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('VQ Studio');
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(200);
    // No cookie: browsers would send it to every port of this host.
    expect((await fetch(server.url)).headers.get('set-cookie')).toBeNull();
    // What reaches the library needs the token, in the query or a bearer header.
    expect((await fetch(`${base}/media/thumb/x`)).status).toBe(401);
    expect((await fetch(`${base}/api/project-import`, { method: 'POST', body: '{}' })).status).toBe(
      401,
    );
    expect((await fetch(`${base}/media/thumb/x?token=${server.token}`)).status).toBe(404);
    expect(
      (
        await fetch(`${base}/media/thumb/x`, {
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).status,
    ).toBe(404);
  });

  it('imports a project POSTed to /api/project-import, read as it arrives, with the API envelope', async () => {
    const { server, base, core } = await start();
    const auth = { authorization: `Bearer ${server.token}` };
    const bad = await fetch(`${base}/api/project-import`, {
      method: 'POST',
      headers: auth,
      body: '{"format":',
    });
    expect(await bad.json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGS', message: expect.stringMatching(/not valid JSON/) },
    });
    const wrong = await fetch(`${base}/api/project-import`, { method: 'GET', headers: auth });
    expect(wrong.status).toBe(405);
    const ladder = quickLadder('unicode-ladder', [quickRung({ id: 'r90', height: 90 })]);
    const name = 'Ünïcødé ladder 🎬 — 日本語';
    const project = JSON.stringify({
      format: 'vq-studio-project',
      version: 1,
      exportedAt: new Date().toISOString(),
      app: { name: 'VQ Studio', version: '0.1.0' },
      sources: [],
      ladders: [{ ladder: { ...ladder, name }, updatedAt: new Date().toISOString() }],
      batches: [],
      jobs: [],
      renditions: [],
      scoreRuns: [],
      scoreResults: [],
    });
    // Streamed in 7-byte pieces: several of them end inside a multi-byte character.
    const stream = (bytes: Buffer): ReadableStream<Uint8Array> =>
      new ReadableStream<Uint8Array>({
        start(c) {
          for (let i = 0; i < bytes.length; i += 7) c.enqueue(bytes.subarray(i, i + 7));
          c.close();
        },
      });
    const post = async (
      body: ReadableStream<Uint8Array> | string,
      headers: Record<string, string> = {},
    ): Promise<Response> =>
      fetch(`${base}/api/project-import`, {
        method: 'POST',
        headers: { ...auth, ...headers },
        body,
        duplex: 'half',
      } as RequestInit);
    const ok = (await (await post(stream(Buffer.from(project)))).json()) as {
      ok: boolean;
      value?: { ladders: { added: number } };
      error?: unknown;
    };
    expect(ok.error).toBeUndefined();
    expect(ok).toMatchObject({ ok: true, value: { ladders: { added: 1, skipped: 0 } } });
    const saved = (await core.api['ladders.list']({})).find(
      (e) => e.ladder.id === 'unicode-ladder',
    );
    expect(saved?.ladder.name).toBe(name);
    // Bytes that are not UTF-8 are refused, not replaced.
    const broken = Buffer.concat([
      Buffer.from(project.slice(0, 40)),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(project.slice(40)),
    ]);
    expect(await (await post(stream(broken))).json()).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGS', message: expect.stringMatching(/not UTF-8/) },
    });
    // A declared size over the limit is refused before a byte is read.
    const tooLarge = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${base}/api/project-import`,
        { method: 'POST', headers: { ...auth, 'content-length': String(300 * 1024 * 1024) } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.write('{');
    });
    expect(tooLarge).toBe(413);
  });

  it('refuses foreign Host headers and path traversal', async () => {
    const { server, base } = await start();
    const auth = { authorization: `Bearer ${server.token}` };
    // fetch() may not set Host, so this one request goes through node:http.
    const rebinding = await new Promise<number>((resolve, reject) => {
      http
        .get(`${base}/`, { headers: { ...auth, host: 'attacker.example' } }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
        .on('error', reject);
    });
    expect(rebinding).toBe(421);
    const traversal = await fetch(`${base}/..%2f..%2fetc%2fpasswd`, { headers: auth });
    expect([403, 200]).toContain(traversal.status);
    expect(await traversal.text()).not.toContain('root:');
  });

  it('answers API calls and pushes events over the WebSocket', async () => {
    const { server, base } = await start();
    const refused = new WebSocket(`${base.replace('http', 'ws')}/api`);
    await expect(new Promise((_, reject) => refused.on('error', reject))).rejects.toThrow(/401/);

    const ws = new WebSocket(`${base.replace('http', 'ws')}/api?token=${server.token}`);
    await new Promise((r) => ws.on('open', r));
    const events: { type: string }[] = [];
    ws.on('message', (d) => {
      const msg = JSON.parse(String(d)) as { event?: { type: string } };
      if (msg.event) events.push(msg.event);
    });
    const info = await rpc(ws, 1, 'app.info', {});
    expect(info.result.ok).toBe(true);
    const bad = await rpc(ws, 2, 'library.import', { paths: 'nope' });
    expect(bad.result.error?.code).toBe('INVALID_ARGS');
    const imported = await rpc(ws, 3, 'library.import', {
      paths: [testMedia('androidx-media/bt601.mp4')],
    });
    expect(imported.result.ok).toBe(true);
    await expect.poll(() => events.map((e) => e.type)).toContain('library.added');
    ws.close();
  });

  it('serves library media by id with Range, never by path', async () => {
    const { server, core, base } = await start();
    const file = testMedia('androidx-media/bear-vp9.webm');
    const { imported } = await core.api['library.import']({ paths: [file] });
    const id = imported[0]!.id;
    const auth = { authorization: `Bearer ${server.token}` };
    const size = fs.statSync(file).size;

    const whole = await fetch(`${base}/media/file/${id}`, { headers: auth });
    expect(whole.status).toBe(200);
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(Number(whole.headers.get('content-length'))).toBe(size);
    await whole.arrayBuffer();

    const tail = await fetch(`${base}/media/file/${id}`, {
      headers: { ...auth, range: 'bytes=-100' },
    });
    expect(tail.status).toBe(206);
    expect(tail.headers.get('content-range')).toBe(`bytes ${size - 100}-${size - 1}/${size}`);
    const bytes = Buffer.from(await tail.arrayBuffer());
    expect(bytes.equals(fs.readFileSync(file).subarray(size - 100))).toBe(true);

    expect(
      (await fetch(`${base}/media/file/${id}`, { headers: { ...auth, range: `bytes=${size}-` } }))
        .status,
    ).toBe(416);
    expect((await fetch(`${base}/media/file/unknownid`, { headers: auth })).status).toBe(404);
    const thumb = await fetch(`${base}/media/thumb/${id}`, { headers: auth });
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    await thumb.arrayBuffer();
  });

  it('serves exact frames by id as PNG, with clear refusals', async () => {
    const { server, core, base } = await start();
    const { imported } = await core.api['library.import']({
      paths: [testMedia('androidx-media/bear-vp9.webm')],
    });
    const id = imported[0]!.id;
    const auth = { authorization: `Bearer ${server.token}` };
    const png = await fetch(`${base}/media/frame/${id}?index=5&width=160&height=120`, {
      headers: auth,
    });
    expect(png.status).toBe(200);
    expect(png.headers.get('content-type')).toBe('image/png');
    const bytes = Buffer.from(await png.arrayBuffer());
    expect(bytes.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(bytes.readUInt32BE(16)).toBe(160); // IHDR width
    expect(bytes.readUInt32BE(20)).toBe(120); // IHDR height
    const past = await fetch(`${base}/media/frame/${id}?index=100000`, { headers: auth });
    expect(past.status).toBe(400);
    expect(await past.text()).toMatch(/82 frames/);
    expect((await fetch(`${base}/media/frame/${id}?index=x`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${base}/media/frame/nosuchid?index=0`, { headers: auth })).status).toBe(
      404,
    );
    expect((await fetch(`${base}/media/frame/${id}?index=0`)).status).toBe(401);
  });
});
