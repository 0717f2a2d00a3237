import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { VqError } from '../../../shared/errors';
import { useTempDirs } from '../../testing/tempDir';
import { sha256File } from '../media/sha256File';
import { downloadSource, uploadOutput } from './transferClient';
import { TransferServer, type TransferServerOptions } from './transferServer';

// Transfer mode end to end: a real TransferServer on a free loopback port, real files of random
// bytes, the real client, and raw sockets where a request must be exactly what a broken or
// hostile client writes. A test-side TCP proxy cuts a connection mid-way to make a download resume.
const tempDir = useTempDirs('vq-transfer-');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(o: TransferServerOptions = {}): Promise<TransferServer> {
  const server = await TransferServer.start(o);
  cleanups.push(() => server.close());
  return server;
}

const MiB = 1024 * 1024;

/** A file of random bytes and its SHA-256. */
function randomFile(dir: string, name: string, bytes: number): { file: string; sha256: string } {
  const data = randomBytes(bytes);
  const file = path.join(dir, name);
  fs.writeFileSync(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex') };
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** One HTTP request with the target sent exactly as given (no URL normalisation). */
function call(
  port: number,
  target: string,
  o: { method?: string; headers?: Record<string, string>; body?: Buffer } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1',
      port,
      path: target,
      method: o.method ?? 'GET',
      headers: o.headers,
      agent: false,
    });
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(o.body);
  });
}

function errorCode(a: Answer): string {
  return (JSON.parse(a.body.toString('utf8')) as { error: { code: string } }).error.code;
}

const bearer = (token: string): Record<string, string> => ({ Authorization: `Bearer ${token}` });

/**
 * Writes raw bytes, optionally half-closes, and resolves with everything the server sent once it
 * closes the connection, and how long that took.
 */
function raw(
  port: number,
  bytes: string | Buffer,
  o: { end?: boolean; timeoutMs?: number } = {},
): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  const timeoutMs = o.timeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`the server kept the connection open for ${timeoutMs} ms`));
    }, timeoutMs);
    socket.on('data', (d: Buffer) => (text += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ text, ms: Date.now() - started });
    });
    socket.write(bytes);
    if (o.end) socket.end();
  });
}

/** Files under `dir`, recursively (names relative to it). */
function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/**
 * A TCP proxy in front of `port`. Its first connection is cut (FIN) after `cutAfter` bytes of
 * answer, after `onCut` ran; later ones pass whole. Records each request's and answer's head.
 */
async function cuttingProxy(
  port: number,
  cutAfter: number,
  onCut: () => void = () => undefined,
): Promise<{ port: number; requests: string[]; answers: string[] }> {
  const requests: string[] = [];
  const answers: string[] = [];
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const proxy = net.createServer((client) => {
    const cut = connections++ === 0;
    const upstream = net.connect(port, '127.0.0.1');
    sockets.add(client).add(upstream);
    let request = '';
    let answer = '';
    let sent = 0;
    client.on('data', (d: Buffer) => {
      if (!request.includes('\r\n\r\n')) {
        request += d.toString('latin1');
        if (request.includes('\r\n\r\n')) requests.push(request.split('\r\n\r\n')[0]!);
      }
      upstream.write(d);
    });
    upstream.on('data', (d: Buffer) => {
      if (!answer.includes('\r\n\r\n')) {
        answer += d.toString('latin1');
        if (answer.includes('\r\n\r\n')) answers.push(answer.split('\r\n\r\n')[0]!);
      }
      if (cut && sent + d.length >= cutAfter) {
        client.end(d.subarray(0, cutAfter - sent));
        sent = cutAfter;
        onCut();
        upstream.destroy();
        return;
      }
      sent += d.length;
      client.write(d);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
    for (const s of [client, upstream]) {
      s.on('error', () => undefined);
      s.on('close', () => sockets.delete(s));
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => proxy.close(resolve));
  });
  return { port: (proxy.address() as net.AddressInfo).port, requests, answers };
}

/** A server granting task `t` a source of `bytes` random bytes and rung `r`'s output. */
async function granted(bytes = 3 * MiB, o: TransferServerOptions = {}) {
  const dir = tempDir();
  const outDir = tempDir();
  const source = randomFile(dir, 'source.mp4', bytes);
  const output = path.join(outDir, 'r.mp4');
  const server = await start(o);
  const token = server.grant('t', { source: { path: source.file }, outputs: { r: output } });
  const port = server.address().port;
  return { server, token, port, source, dir, outDir, output };
}

describe('TransferServer: where it listens', () => {
  it('binds 127.0.0.1 by default and says so in its base URL', async () => {
    const server = await start();
    const { address, port } = server.address();
    expect(address).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(server.baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(server.sourceUrl('t1')).toBe(`http://127.0.0.1:${port}/v1/tasks/t1/source`);
    expect(server.outputUrl('t1', 'r2')).toBe(`http://127.0.0.1:${port}/v1/tasks/t1/outputs/r2`);
  });

  it('refuses to grant ids that cannot be URLs and paths that are not absolute', async () => {
    const server = await start();
    const src = { path: path.resolve('/x/source.mp4') };
    const bad = [
      () => server.grant('../t', { source: src, outputs: {} }),
      () => server.grant('t', { source: { path: 'relative.mp4' }, outputs: {} }),
      () => server.grant('t', { source: src, outputs: { 'r/../x': path.resolve('/x/o.mp4') } }),
      () => server.grant('t', { source: src, outputs: { r: 'o.mp4' } }),
    ];
    for (const grant of bad) {
      expect(grant).toThrow(VqError);
      expect(grant).toThrow(/Cannot grant a transfer/);
    }
  });
});

describe('TransferServer: the source, with Range', () => {
  it('serves a whole download equal to the file, with a size, a tag and byte ranges', async () => {
    const { server, token, source } = await granted();
    const dest = path.join(tempDir(), 'got.mp4');
    const progress: [number, number][] = [];
    const got = await downloadSource({
      url: server.sourceUrl('t'),
      token,
      dest,
      onProgress: (b, t) => progress.push([b, t]),
    });
    expect(got.sizeBytes).toBe(3 * MiB);
    expect(await sha256File(dest)).toBe(source.sha256);
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
    expect(progress.at(-1)).toEqual([3 * MiB, 3 * MiB]);
  });

  it('answers Range, HEAD, an unsatisfiable range and If-Range exactly', async () => {
    const { token, port, source } = await granted(1000);
    const data = fs.readFileSync(source.file);
    const url = '/v1/tasks/t/source';

    const head = await call(port, url, { method: 'HEAD', headers: bearer(token) });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('1000');
    expect(head.headers['accept-ranges']).toBe('bytes');
    expect(head.headers.etag).toMatch(/^"[0-9a-z-]+"$/);
    expect(head.headers['last-modified']).toBeTruthy();
    expect(head.body.length).toBe(0);
    const etag = head.headers.etag!;

    const part = await call(port, url, { headers: { ...bearer(token), Range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe('bytes 100-199/1000');
    expect(part.body.equals(data.subarray(100, 200))).toBe(true);

    const tail = await call(port, url, {
      headers: { ...bearer(token), Range: 'bytes=900-', 'If-Range': etag },
    });
    expect(tail.status).toBe(206);
    expect(tail.body.equals(data.subarray(900))).toBe(true);

    // Another version of the file: the whole file, never a piece of it to splice.
    const stale = await call(port, url, {
      headers: { ...bearer(token), Range: 'bytes=900-', 'If-Range': '"not-this-one"' },
    });
    expect(stale.status).toBe(200);
    expect(stale.body.equals(data)).toBe(true);

    const past = await call(port, url, { headers: { ...bearer(token), Range: 'bytes=1000-' } });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe('bytes */1000');
    expect(past.body.length).toBe(0);
  });

  it('resumes a download cut mid-way with Range and If-Range, and ends equal to the file', async () => {
    const { token, port, source } = await granted();
    const proxy = await cuttingProxy(port, MiB);
    const dest = path.join(tempDir(), 'got.mp4');
    const got = await downloadSource({
      url: `http://127.0.0.1:${proxy.port}/v1/tasks/t/source`,
      token,
      dest,
    });
    expect(got.sizeBytes).toBe(3 * MiB);
    expect(await sha256File(dest)).toBe(source.sha256);
    expect(proxy.requests).toHaveLength(2);
    expect(proxy.requests[0]).not.toMatch(/\r\nRange:/i);
    // The cut came after the answer's head, so fewer than 1 MiB of the body had arrived.
    const resumedAt = Number(/\r\nRange: bytes=(\d+)-\r\n/i.exec(proxy.requests[1]!)?.[1]);
    expect(resumedAt).toBeGreaterThan(MiB / 2);
    expect(resumedAt).toBeLessThan(MiB);
    expect(proxy.requests[1]).toMatch(/\r\nIf-Range: "[0-9a-z-]+"/i);
    expect(proxy.answers[1]).toMatch(/^HTTP\/1\.1 206 /);
    expect(proxy.answers[1]).toContain(
      `Content-Range: bytes ${resumedAt}-${3 * MiB - 1}/${3 * MiB}`,
    );
  });

  it('starts over, never splices, when the source is replaced between the cut and the resume', async () => {
    const { token, port, source, dir } = await granted();
    const replacement = randomFile(dir, 'next.mp4', 3 * MiB);
    const proxy = await cuttingProxy(port, MiB, () => fs.renameSync(replacement.file, source.file));
    const dest = path.join(tempDir(), 'got.mp4');
    await downloadSource({ url: `http://127.0.0.1:${proxy.port}/v1/tasks/t/source`, token, dest });
    expect(proxy.requests[1]).toMatch(/\r\nIf-Range: /i);
    expect(proxy.answers[1]).toMatch(/^HTTP\/1\.1 200 /);
    expect(await sha256File(dest)).toBe(replacement.sha256);
  });

  it('does not splice behind a server that ignores If-Range: a 206 must keep its ETag', async () => {
    const versions = [randomBytes(2 * MiB), randomBytes(2 * MiB)];
    let version = 0;
    const seen: string[] = [];
    // Not the TransferServer: a naive one that answers any Range, whatever the file is now.
    const naive = http.createServer((req, res) => {
      const data = versions[version]!;
      seen.push(`${req.headers.range ?? ''}|${req.headers['if-range'] ?? ''}`);
      const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
      const from = m ? Number(m[1]) : 0;
      res.writeHead(m ? 206 : 200, {
        'Content-Length': String(data.length - from),
        ETag: `"v${version}"`,
        ...(m ? { 'Content-Range': `bytes ${from}-${data.length - 1}/${data.length}` } : {}),
      });
      if (seen.length > 1) return void res.end(data.subarray(from));
      // The first answer stops half-way, and the file changes before the worker comes back.
      res.write(data.subarray(0, MiB), () => {
        version = 1;
        res.destroy();
      });
    });
    await new Promise<void>((resolve) => naive.listen(0, '127.0.0.1', resolve));
    cleanups.push(async () => {
      naive.closeAllConnections();
      await new Promise((resolve) => naive.close(resolve));
    });
    const { port } = naive.address() as net.AddressInfo;
    const dest = path.join(tempDir(), 'got.mp4');
    await downloadSource({ url: `http://127.0.0.1:${port}/v1/tasks/t/source`, token: 'x', dest });
    expect(seen[1]).toMatch(/^bytes=\d+-\|"v0"$/);
    expect(seen[2]).toBe('|');
    expect(fs.readFileSync(dest).equals(versions[1]!)).toBe(true);
  });

  it('downloads an empty source as an empty file', async () => {
    const { server, token } = await granted(0);
    const dest = path.join(tempDir(), 'empty.mp4');
    expect(await downloadSource({ url: server.sourceUrl('t'), token, dest })).toEqual({
      sizeBytes: 0,
    });
    expect(fs.statSync(dest).size).toBe(0);
  });

  it('stops a download when canceled and leaves neither the file nor its part', async () => {
    const { server, token } = await granted(16 * MiB);
    const dest = path.join(tempDir(), 'got.mp4');
    const abort = new AbortController();
    const err = await downloadSource({
      url: server.sourceUrl('t'),
      token,
      dest,
      signal: abort.signal,
      onProgress: () => abort.abort(),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('CANCELED');
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('refuses a URL that is not http(s) before connecting anywhere', async () => {
    const dest = path.join(tempDir(), 'got.mp4');
    await expect(
      downloadSource({ url: 'file:///etc/passwd', token: 'x', dest }),
    ).rejects.toMatchObject({ code: 'INVALID_ARGS' });
    expect(fs.existsSync(`${dest}.part`)).toBe(false);
  });

  it('says which host it could not reach, after a few attempts', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as net.AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const dest = path.join(tempDir(), 'got.mp4');
    const err = (await downloadSource({
      url: `http://127.0.0.1:${port}/v1/tasks/t/source`,
      token: 'x',
      dest,
    }).catch((e: unknown) => e)) as VqError;
    expect(err.code).toBe('TRANSFER_FAILED');
    expect(err.message).toMatch(
      new RegExp(`from 127\\.0\\.0\\.1:${port} failed 5 times in a row: .*ECONNREFUSED`),
    );
    expect(err.hint).toMatch(/reachable from this machine/);
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });

  it('says the source is gone when it was removed from the app', async () => {
    const { server, token, source } = await granted(100);
    fs.rmSync(source.file);
    const dest = path.join(tempDir(), 'got.mp4');
    const err = await downloadSource({ url: server.sourceUrl('t'), token, dest }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(VqError);
    expect((err as VqError).code).toBe('TRANSFER_FAILED');
    expect((err as VqError).message).toMatch(
      /127\.0\.0\.1:\d+ got HTTP 404\. The app said: .*no longer on disk/,
    );
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
  });
});

describe('TransferServer: tokens', () => {
  it('refuses a wrong, missing or malformed token with 401 and serves nothing', async () => {
    const { token, port, source } = await granted(4096);
    const data = fs.readFileSync(source.file);
    const wrong = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    const answers = [
      await call(port, '/v1/tasks/t/source', { headers: bearer(wrong) }),
      await call(port, '/v1/tasks/t/source', {}),
      await call(port, '/v1/tasks/t/source', { headers: { Authorization: token } }),
      await call(port, '/v1/tasks/t/source', { headers: bearer(`${token}00`) }),
      await call(port, '/v1/tasks/t/source', { headers: { ...bearer(wrong), Range: 'bytes=0-' } }),
    ];
    for (const a of answers) {
      expect(a.status).toBe(401);
      expect(errorCode(a)).toBe('UNAUTHORIZED');
      expect(a.body.includes(data.subarray(0, 16))).toBe(false);
      expect(a.headers['content-range']).toBeUndefined();
    }
  });

  it('answers an unknown task exactly as a wrong token, so neither says which exists', async () => {
    const { token, port } = await granted(100);
    const wrongToken = await call(port, '/v1/tasks/t/source', { headers: bearer('0'.repeat(64)) });
    const noTask = await call(port, '/v1/tasks/nosuch/source', { headers: bearer(token) });
    expect(noTask.status).toBe(401);
    expect(noTask.body.equals(wrongToken.body)).toBe(true);
  });

  it("does not let task A's token read task B or write its outputs", async () => {
    const { server, token, port } = await granted(100);
    const other = randomFile(tempDir(), 'b.mp4', 100);
    const bOut = path.join(tempDir(), 'b-out.mp4');
    const tokenB = server.grant('b', { source: { path: other.file }, outputs: { r: bOut } });
    expect(tokenB).toMatch(/^[0-9a-f]{64}$/);
    expect(tokenB).not.toBe(token);
    const read = await call(port, '/v1/tasks/b/source', { headers: bearer(token) });
    expect(read.status).toBe(401);
    const body = Buffer.from('x');
    const write = await call(port, '/v1/tasks/b/outputs/r', {
      method: 'PUT',
      headers: {
        ...bearer(token),
        'X-VQ-SHA256': createHash('sha256').update(body).digest('hex'),
      },
      body,
    });
    expect(write.status).toBe(401);
    expect(fs.existsSync(bOut)).toBe(false);
    expect((await call(port, '/v1/tasks/b/source', { headers: bearer(tokenB) })).status).toBe(200);
  });

  it('makes a revoked token useless, for the worker too', async () => {
    const { server, token, port, output } = await granted(100);
    expect((await call(port, '/v1/tasks/t/source', { headers: bearer(token) })).status).toBe(200);
    server.revoke('t');
    expect((await call(port, '/v1/tasks/t/source', { headers: bearer(token) })).status).toBe(401);
    const dest = path.join(tempDir(), 'got.mp4');
    await expect(downloadSource({ url: server.sourceUrl('t'), token, dest })).rejects.toThrow(
      /Downloading the source from 127\.0\.0\.1:\d+ got HTTP 401/,
    );
    expect(fs.readdirSync(path.dirname(dest))).toEqual([]);
    const file = randomFile(tempDir(), 'o.mp4', 1000).file;
    const err = await uploadOutput({ url: server.outputUrl('t', 'r'), token, file }).catch(
      (e: unknown) => e,
    );
    expect((err as VqError).code).toBe('TRANSFER_FAILED');
    expect((err as VqError).message).toMatch(/got HTTP 401/);
    expect((err as VqError).hint).toMatch(/no longer grants this task/);
    expect(fs.existsSync(output)).toBe(false);
  });

  it('gives a new token when a task is granted again, and the old one stops working', async () => {
    const { server, token, port, source, output } = await granted(100);
    const again = server.grant('t', { source: { path: source.file }, outputs: { r: output } });
    expect(again).not.toBe(token);
    expect((await call(port, '/v1/tasks/t/source', { headers: bearer(token) })).status).toBe(401);
    expect((await call(port, '/v1/tasks/t/source', { headers: bearer(again) })).status).toBe(200);
  });
});

describe('TransferServer: the inputs of a score task', () => {
  it('serves each granted input by name to its token only, with Range; no other name, no upload', async () => {
    const server = await start();
    const { port } = server.address();
    const dir = tempDir();
    const ref = randomFile(dir, 'ref.mp4', 2000);
    const dist = randomFile(dir, 'dist.mp4', 3000);
    const token = server.grant('s1', {
      source: { path: ref.file },
      outputs: {},
      inputs: { t0: { path: dist.file } },
    });
    const other = server.grant('s2', { source: { path: ref.file }, outputs: {} });
    expect(server.inputUrl('s1', 't0')).toBe(`${server.baseUrl}/v1/tasks/s1/inputs/t0`);
    const whole = await call(port, '/v1/tasks/s1/inputs/t0', { headers: bearer(token) });
    expect(whole.status).toBe(200);
    expect(whole.body.equals(fs.readFileSync(dist.file))).toBe(true);
    const part = await call(port, '/v1/tasks/s1/inputs/t0', {
      headers: { ...bearer(token), Range: 'bytes=10-19' },
    });
    expect(part.status).toBe(206);
    expect(part.body.equals(fs.readFileSync(dist.file).subarray(10, 20))).toBe(true);
    // Another task's token, a name not granted, a write: refused, and nothing is served.
    expect((await call(port, '/v1/tasks/s1/inputs/t0', { headers: bearer(other) })).status).toBe(
      401,
    );
    for (const name of ['t1', 'constructor', '__proto__', 'toString']) {
      const missing = await call(port, `/v1/tasks/s1/inputs/${name}`, { headers: bearer(token) });
      expect([missing.status, errorCode(missing)], name).toEqual([404, 'NOT_FOUND']);
    }
    const put = await call(port, '/v1/tasks/s1/inputs/t0', {
      method: 'PUT',
      headers: bearer(token),
    });
    expect(put.status).toBe(405);
    // A worker's download of an input is the file, as for a source.
    const dest = path.join(tempDir(), 'got.mp4');
    await downloadSource({ url: server.inputUrl('s1', 't0'), token, dest });
    expect(await sha256File(dest)).toBe(dist.sha256);
    expect(() =>
      server.grant('s3', {
        source: { path: ref.file },
        outputs: {},
        inputs: { '../x': { path: dist.file } },
      }),
    ).toThrow(VqError);
  });
});

describe('TransferServer: outputs, checked by size and SHA-256', () => {
  it('places a verified upload at the granted path; a second one replaces it', async () => {
    const { server, token, outDir, output } = await granted(100);
    const work = tempDir();
    const first = randomFile(work, 'first.mp4', 2 * MiB + 17);
    const got = await uploadOutput({ url: server.outputUrl('t', 'r'), token, file: first.file });
    expect(got).toEqual({ sizeBytes: 2 * MiB + 17, sha256: first.sha256 });
    expect(await sha256File(output)).toBe(first.sha256);
    expect(filesIn(outDir)).toEqual(['r.mp4']);

    const second = randomFile(work, 'second.mp4', 5000);
    await uploadOutput({ url: server.outputUrl('t', 'r'), token, file: second.file });
    expect(await sha256File(output)).toBe(second.sha256);
    expect(filesIn(outDir)).toEqual(['r.mp4']);
  });

  it('refuses a body whose SHA-256 is not its header: 422, no file, no temp', async () => {
    const { token, port, outDir } = await granted(100);
    const body = randomBytes(100_000);
    const a = await call(port, '/v1/tasks/t/outputs/r', {
      method: 'PUT',
      headers: { ...bearer(token), 'X-VQ-SHA256': 'ab'.repeat(32) },
      body,
    });
    expect(a.status).toBe(422);
    expect(errorCode(a)).toBe('SHA256_MISMATCH');
    expect(a.body.toString()).toMatch(/SHA-256 is [0-9a-f]{64}, not the (ab){32}/);
    expect(filesIn(outDir)).toEqual([]);
  });

  it('refuses uploads without a size, without a hash or with a bad one, before writing', async () => {
    const { token, port, outDir } = await granted(100);
    const sha = createHash('sha256').update('abc').digest('hex');
    const put = (headers: Record<string, string>, body?: Buffer): Promise<Answer> =>
      call(port, '/v1/tasks/t/outputs/r', {
        method: 'PUT',
        headers: { ...bearer(token), ...headers },
        body,
      });
    const chunked = await put(
      { 'X-VQ-SHA256': sha, 'Transfer-Encoding': 'chunked' },
      Buffer.from('abc'),
    );
    expect([chunked.status, errorCode(chunked)]).toEqual([411, 'LENGTH_REQUIRED']);
    const noHash = await put({}, Buffer.from('abc'));
    expect([noHash.status, errorCode(noHash)]).toEqual([400, 'BAD_REQUEST']);
    const badHash = await put({ 'X-VQ-SHA256': 'xyz' }, Buffer.from('abc'));
    expect([badHash.status, errorCode(badHash)]).toEqual([400, 'BAD_REQUEST']);
    const noRung = await call(port, '/v1/tasks/t/outputs/other', {
      method: 'PUT',
      headers: { ...bearer(token), 'X-VQ-SHA256': sha },
      body: Buffer.from('abc'),
    });
    expect([noRung.status, errorCode(noRung)]).toEqual([404, 'NOT_FOUND']);
    expect(filesIn(outDir)).toEqual([]);
  });

  it('keeps nothing of a body shorter than its Content-Length', async () => {
    const { server, token, port, outDir } = await granted(100);
    const head = [
      'PUT /v1/tasks/t/outputs/r HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${token}`,
      'Content-Length: 1000',
      `X-VQ-SHA256: ${'00'.repeat(32)}`,
    ].join('\r\n');
    const answer = await raw(port, `${head}\r\n\r\n${'x'.repeat(500)}`, { end: true });
    // The body never completes: refused (400) or dropped, never 201.
    expect(answer.text).toMatch(/^(HTTP\/1\.1 400 |$)/);
    await server.close();
    expect(filesIn(outDir)).toEqual([]);
  });

  it('drops a stalled upload after the idle time and removes its temp file', async () => {
    const { server, token, port, outDir } = await granted(100, { idleTimeoutMs: 300 });
    const head = [
      'PUT /v1/tasks/t/outputs/r HTTP/1.1',
      'Host: 127.0.0.1',
      `Authorization: Bearer ${token}`,
      'Content-Length: 1000',
      `X-VQ-SHA256: ${'00'.repeat(32)}`,
    ].join('\r\n');
    const answer = await raw(port, `${head}\r\n\r\n${'x'.repeat(500)}`, { timeoutMs: 5000 });
    expect(answer.ms).toBeLessThan(3000);
    await server.close();
    expect(filesIn(outDir)).toEqual([]);
  });

  it('cuts an upload in flight when its task is revoked, and keeps nothing', async () => {
    const { server, token, port, outDir } = await granted(100);
    const socket = net.connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    const closed = new Promise((resolve) => socket.on('close', resolve));
    socket.write(
      [
        'PUT /v1/tasks/t/outputs/r HTTP/1.1',
        'Host: 127.0.0.1',
        `Authorization: Bearer ${token}`,
        'Content-Length: 100000',
        `X-VQ-SHA256: ${'00'.repeat(32)}`,
        '',
        'x'.repeat(5000),
      ].join('\r\n'),
    );
    // The temp file appears once the head is accepted.
    for (let i = 0; i < 100 && filesIn(outDir).length === 0; i++) await sleep(20);
    expect(filesIn(outDir)[0]).toMatch(/^\.r\.mp4\.upload-[0-9a-f]+$/);
    server.revoke('t');
    await closed;
    await server.close();
    expect(filesIn(outDir)).toEqual([]);
  });

  it('stops an upload canceled before it starts, and the app keeps nothing', async () => {
    const { server, token, output } = await granted(100);
    const file = randomFile(tempDir(), 'o.mp4', 1000).file;
    const abort = new AbortController();
    abort.abort();
    await expect(
      uploadOutput({ url: server.outputUrl('t', 'r'), token, file, signal: abort.signal }),
    ).rejects.toMatchObject({ code: 'CANCELED' });
    expect(fs.existsSync(output)).toBe(false);
  });

  it('does not send the body when the token is refused (100-continue)', async () => {
    const { server, port } = await granted(100);
    const file = randomFile(tempDir(), 'big.mp4', 8 * MiB).file;
    const proxy = await cuttingProxy(port, Number.MAX_SAFE_INTEGER);
    const url = `http://127.0.0.1:${proxy.port}/v1/tasks/t/outputs/r`;
    await expect(uploadOutput({ url, token: 'f'.repeat(64), file })).rejects.toThrow(/HTTP 401/);
    expect(proxy.requests[0]).toMatch(/\r\nExpect: 100-continue/i);
    expect(server.baseUrl).toContain('127.0.0.1');
  });
});

describe('TransferServer: strict about what it is sent', () => {
  it('answers 404 to path traversal and anything that is not exactly a route', async () => {
    const { token, port, dir, outDir } = await granted(100);
    const before = [filesIn(dir), filesIn(outDir)];
    const targets = [
      '/v1/tasks/../source',
      '/v1/tasks/%2e%2e/source',
      '/v1/tasks/t%2F..%2Ft/source',
      '/v1/tasks/t/../t/source',
      '/v1/tasks/t/source/',
      '/v1/tasks/t/source?x=1',
      '//v1/tasks/t/source',
      '/v1//tasks/t/source',
      '/V1/tasks/t/source',
      `/v1/tasks/${'a'.repeat(65)}/source`,
      '/v1/tasks/t/outputs/..%2F..%2Fevil',
      '/v1/tasks/t/outputs/../../evil',
      '/v1/tasks/t/outputs/.r',
      '/',
      '/v1/tasks/t',
    ];
    for (const target of targets) {
      const get = await call(port, target, { headers: bearer(token) });
      expect([target, get.status]).toEqual([target, 404]);
      const body = Buffer.from('evil');
      const put = await call(port, target, {
        method: 'PUT',
        headers: {
          ...bearer(token),
          'X-VQ-SHA256': createHash('sha256').update(body).digest('hex'),
        },
        body,
      });
      expect([target, put.status]).toEqual([target, 404]);
    }
    expect([filesIn(dir), filesIn(outDir)]).toEqual(before);
    expect(fs.existsSync(path.join(path.dirname(outDir), 'evil'))).toBe(false);
  });

  it('answers other methods with 405 and browsers with 403', async () => {
    const { token, port } = await granted(100);
    const post = await call(port, '/v1/tasks/t/source', { method: 'POST', headers: bearer(token) });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    const get = await call(port, '/v1/tasks/t/outputs/r', { headers: bearer(token) });
    expect([get.status, get.headers.allow]).toEqual([405, 'PUT']);
    const del = await call(port, '/v1/tasks/t/outputs/r', {
      method: 'DELETE',
      headers: bearer(token),
    });
    expect(del.status).toBe(405);
    const page = await call(port, '/v1/tasks/t/source', {
      headers: { ...bearer(token), Origin: 'http://evil.example' },
    });
    expect([page.status, errorCode(page)]).toEqual([403, 'FORBIDDEN']);
  });

  it('survives garbage requests and keeps serving', async () => {
    const { token, port, source } = await granted(1000);
    const garbage: (string | Buffer)[] = [
      'GARBAGE\r\n\r\n',
      randomBytes(4096),
      'GET /v1/tasks/t/source HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      `GET /v1/tasks/t/source HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(100_000)}\r\n\r\n`,
      'PUT /v1/tasks/t/outputs/r HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\nabc',
      `GET /v1/tasks/t/source HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nRange: bytes=\u0000-\u00ff\r\n\r\n`,
      `GET /v1/tasks/t/source HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nRange: bytes=999999999999999999999-\r\nConnection: close\r\n\r\n`,
      `GET /v1/tasks/t/source HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nRange: bytes=5-2\r\nIf-Range: \r\nConnection: close\r\n\r\n`,
      'GET \u00ff\u00fe HTTP/1.1\r\n\r\n',
      'GET / HTTP/9.9\r\n\r\n',
      'GET /v1/tasks/t/source HTTP/1.1\r\nno colon here\r\n\r\n',
      `PUT /v1/tasks/t/outputs/r HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: -1\r\n\r\n`,
      `PUT /v1/tasks/t/outputs/r HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\nContent-Length: 99999999999999999999\r\nX-VQ-SHA256: ${'0'.repeat(64)}\r\n\r\n`,
      `GET /v1/tasks/t/source HTTP/1.0\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    ];
    for (const bytes of garbage) {
      // Each is refused (and the connection closed) or, when it is a request, answered.
      const answer = await raw(port, bytes);
      expect(answer.text).toMatch(/^HTTP\/1\.1 (200|416|4\d\d) /);
    }
    const ok = await call(port, '/v1/tasks/t/source', { headers: bearer(token) });
    expect(ok.status).toBe(200);
    expect(ok.body.equals(fs.readFileSync(source.file))).toBe(true);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
