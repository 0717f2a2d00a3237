import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createCore, type Core } from '../core/core';
import { testMedia, useTempDirs } from '../core/testing/tempDir';
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
  it('prints a loopback URL with a token and serves the UI only with it', async () => {
    const { server, base } = await start();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    expect((await fetch(`${base}/`)).status).toBe(401);
    expect((await fetch(`${base}/assets/app.js`)).status).toBe(401);
    const ok = await fetch(server.url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('VQ Studio');
    // The first visit sets a cookie so scripts and media load without the query.
    const cookie = ok.headers.get('set-cookie')!.split(';')[0]!;
    expect((await fetch(`${base}/assets/app.js`, { headers: { cookie } })).status).toBe(200);
    expect(
      (
        await fetch(`${base}/assets/app.js`, {
          headers: { authorization: `Bearer ${server.token}` },
        })
      ).status,
    ).toBe(200);
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
