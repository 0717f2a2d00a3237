import { describe, expect, it } from 'vitest';
import { APP_ORIGIN } from './origins';
import { MEDIA_SCHEME, PRIVILEGED_SCHEMES, mediaOriginRefusal, withMediaCors } from './mediaScheme';
import { RENDERER_CSP } from './rendererFiles';
import fs from 'node:fs';
import path from 'node:path';

const origins = [APP_ORIGIN];

function request(origin?: string): Request {
  return new Request('vq-media://frame/abc?index=3', origin ? { headers: { Origin: origin } } : {});
}

describe('vq-media scheme privileges', () => {
  it('lets the renderer fetch() and stream media: fetch API, CORS (cross-origin from app://vq), stream', () => {
    const media = PRIVILEGED_SCHEMES.find((s) => s.scheme === MEDIA_SCHEME)!;
    expect(media.privileges).toEqual({
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
    });
  });

  it('never bypasses the CSP', () => {
    for (const s of PRIVILEGED_SCHEMES) expect(s.privileges?.bypassCSP).toBeFalsy();
  });
});

describe('the renderer CSP', () => {
  it('allows fetch() of vq-media: and nothing else beyond our own origin', () => {
    const connect = RENDERER_CSP.split('; ').find((d) => d.startsWith('connect-src'));
    expect(connect).toBe("connect-src 'self' vq-media:");
  });

  it('index.html (meta CSP, intersected with the header in the app) allows it too', () => {
    const html = fs.readFileSync(path.resolve('renderer/index.html'), 'utf8');
    const connect = /connect-src ([^;"]*)/.exec(html)?.[1]?.split(/\s+/) ?? [];
    expect(connect).toContain('vq-media:');
    expect(connect).toContain("'self'");
  });
});

describe('mediaOriginRefusal', () => {
  it('answers our origin and requests without an Origin (<img>, <video>)', () => {
    expect(mediaOriginRefusal(request(APP_ORIGIN), origins)).toBeNull();
    expect(mediaOriginRefusal(request(), origins)).toBeNull();
  });

  it('refuses other and opaque origins with 403', () => {
    for (const o of ['https://evil.example', 'null', 'app://other', 'vq-media://file']) {
      expect(mediaOriginRefusal(request(o), origins)?.status).toBe(403);
    }
  });
});

describe('withMediaCors', () => {
  it('adds ACAO for our origin only, and keeps status and body', async () => {
    const res = withMediaCors(new Response('png', { status: 206, headers: { 'Content-Range': 'bytes 0-2/3' } }), request(APP_ORIGIN), origins);
    expect(res.status).toBe(206);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
    expect(res.headers.get('access-control-expose-headers')).toContain('Content-Range');
    expect(res.headers.get('vary')).toContain('Origin');
    expect(await res.text()).toBe('png');
  });

  it('adds nothing without an Origin', () => {
    const original = new Response('x');
    expect(withMediaCors(original, request(), origins)).toBe(original);
  });

  it('works on responses with immutable headers', () => {
    const res = withMediaCors(Response.redirect('https://example.com/', 302), request(APP_ORIGIN), origins);
    expect(res.status).toBe(302);
    expect(res.headers.get('access-control-allow-origin')).toBe(APP_ORIGIN);
  });
});
