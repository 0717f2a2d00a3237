import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { staticContentType, staticFileFor } from './staticFiles';

const root = path.resolve('out', 'renderer');

describe('staticFileFor', () => {
  it('maps a URL path to the file under the folder; / is index.html', () => {
    expect(staticFileFor('/', root)).toEqual({ ok: true, file: path.join(root, 'index.html') });
    expect(staticFileFor('/assets/index-abc.js', root)).toEqual({
      ok: true,
      file: path.join(root, 'assets', 'index-abc.js'),
    });
    // Decoded first: a space or a name starting with dots is a file like any other.
    expect(staticFileFor('/a%20b.css', root)).toEqual({
      ok: true,
      file: path.join(root, 'a b.css'),
    });
    expect(staticFileFor('/..x.js', root)).toEqual({ ok: true, file: path.join(root, '..x.js') });
    // An absolute path inside the URL stays under the folder.
    expect(staticFileFor('/%2Fetc%2Fpasswd', root)).toEqual({
      ok: true,
      file: path.join(root, 'etc', 'passwd'),
    });
    // `..` that stays inside is resolved, as a browser would.
    expect(staticFileFor('/assets/../index.html', root)).toEqual({
      ok: true,
      file: path.join(root, 'index.html'),
    });
  });

  it('refuses every way out of the folder, encoded or not', () => {
    for (const p of [
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%2frenderer-evil/x.js',
      '/index.html%00.js',
      '/.',
      '/assets/..',
    ]) {
      expect(staticFileFor(p, root), p).toEqual({ ok: false, reason: 'outside' });
    }
  });

  it('refuses names Windows opens as devices or streams, in any folder', () => {
    for (const p of [
      '/CON',
      '/nul',
      '/con.txt',
      '/assets/NUL.js',
      '/aux.',
      '/COM1',
      '/lpt9.html',
      '/a:b',
      '/assets/x.js:stream',
      '/%43ON',
    ]) {
      expect(staticFileFor(p, root), p).toEqual({ ok: false, reason: 'outside' });
    }
    for (const p of ['/console.js', '/assets/icon.png', '/nulls.css', '/com.js']) {
      expect(staticFileFor(p, root).ok, p).toBe(true);
    }
  });

  it('says when a path is not valid percent-encoding', () => {
    expect(staticFileFor('/%E0%A4%A', root)).toEqual({ ok: false, reason: 'malformed' });
    expect(staticFileFor('/%', root)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('staticContentType', () => {
  it('names the types of a renderer build, case-insensitively, and nothing else', () => {
    expect(staticContentType('/r/index.html')).toBe('text/html; charset=utf-8');
    expect(staticContentType('/r/assets/index-abc.JS')).toBe('text/javascript; charset=utf-8');
    expect(staticContentType('/r/assets/a.css')).toBe('text/css; charset=utf-8');
    expect(staticContentType('/r/assets/font.woff2')).toBe('font/woff2');
    expect(staticContentType('/r/assets/a.wasm')).toBe('application/wasm');
    expect(staticContentType('/r/LICENSE')).toBe('application/octet-stream');
    expect(staticContentType('/r/clip.mp4')).toBe('application/octet-stream');
  });
});
