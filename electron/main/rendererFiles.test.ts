import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  RENDERER_CSP,
  RENDERER_META_CSP,
  rendererFileFor,
  serveRendererFile,
} from './rendererFiles';

let tmp: string;
let root: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vq-renderer-'));
  root = path.join(tmp, 'renderer');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>VQ Studio</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'console.log(1);');
  // A file beside the renderer folder that no URL may reach.
  fs.writeFileSync(path.join(tmp, 'secret.txt'), 'secret');
  fs.mkdirSync(path.join(tmp, 'renderer-evil'));
  fs.writeFileSync(path.join(tmp, 'renderer-evil', 'x.js'), 'evil');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const get = (url: string, method = 'GET'): Promise<Response> =>
  serveRendererFile(new Request(url, { method }), root);

describe('serveRendererFile', () => {
  it('serves index.html with the CSP header', async () => {
    const res = await get('app://vq/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(RENDERER_CSP);
    expect(await res.text()).toContain('<title>VQ Studio</title>');
  });

  it('serves / as index.html and scripts as JavaScript', async () => {
    expect(await (await get('app://vq/')).text()).toContain('VQ Studio');
    const js = await get('app://vq/assets/index-abc.js');
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('answers HEAD without a body', async () => {
    const res = await get('app://vq/index.html', 'HEAD');
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
  });

  it('is 404 for a missing file and 405 for other methods', async () => {
    expect((await get('app://vq/nope.js')).status).toBe(404);
    expect((await get('app://vq/assets')).status).toBe(404); // a directory
    expect((await get('app://vq/index.html', 'POST')).status).toBe(405);
  });

  it('refuses every way out of the renderer folder', async () => {
    const escapes = [
      'app://vq/%2e%2e/secret.txt',
      'app://vq/..%2fsecret.txt',
      'app://vq/assets/..%2f..%2fsecret.txt',
      'app://vq/%2e%2e%5csecret.txt',
      'app://vq/..%2frenderer-evil/x.js',
      'app://vq/%2Fetc%2Fpasswd',
      'app://vq/index.html%00.js',
      'app://other/index.html',
      'app://vq/%E0%A4%A', // malformed escape
    ];
    for (const url of escapes) {
      const res = await get(url);
      expect([403, 404], url).toContain(res.status);
      expect(await res.text(), url).not.toMatch(/secret|evil|root:/);
    }
  });
});

describe('rendererFileFor', () => {
  it('maps URLs inside the folder and nothing outside', () => {
    expect(rendererFileFor('app://vq/assets/index-abc.js', root)).toBe(
      path.join(root, 'assets', 'index-abc.js'),
    );
    expect(rendererFileFor('app://vq/../secret.txt', root)).toBe(path.join(root, 'secret.txt'));
    expect(rendererFileFor('app://vq/..%2fsecret.txt', root)).toBeNull();
    expect(rendererFileFor('app://vq/..%2frenderer-evil/x.js', root)).toBeNull();
  });
});

describe('the renderer CSP', () => {
  /** The directives of a policy as name → sorted sources. */
  function directives(policy: string): Map<string, string[]> {
    return new Map(
      policy.split(';').map((d) => {
        const [name, ...sources] = d.trim().split(/\s+/);
        return [name!, sources.sort()];
      }),
    );
  }

  it('renderer/index.html carries exactly RENDERER_META_CSP, the header policy plus the web-mode additions', () => {
    const html = fs.readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const metas = [
      ...html.matchAll(/<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"/g),
    ];
    expect(metas).toHaveLength(1);
    expect(metas[0]![1]).toBe(RENDERER_META_CSP);

    // The only differences from the Electron header, each on purpose (see RENDERER_META_CSP).
    const header = directives(RENDERER_CSP);
    const meta = directives(RENDERER_META_CSP);
    expect(header.get('frame-ancestors')).toEqual(["'none'"]);
    header.delete('frame-ancestors');
    header.set('connect-src', [...header.get('connect-src')!, 'ws:', 'wss:'].sort());
    expect(meta).toEqual(header);
  });
});
