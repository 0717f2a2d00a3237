/**
 * The privileges of the two custom schemes and the origin rule of `vq-media:`, pure so they are
 * unit-tested without Electron; protocols.ts applies them.
 *
 * Why `vq-media:` is `corsEnabled`: the renderer (`app://vq`) fetches frames from
 * `vq-media://frame/…`, another origin. Since electron/electron#51152 (Electron 40+), a cross-origin
 * `fetch()` of a scheme registered without `corsEnabled` is refused before the handler runs, which
 * left the renderer only <img> for frames, and an <img> cannot be aborted like a fetch. With
 * `corsEnabled`, Electron lets cross-origin requests through without checking
 * Access-Control-Allow-Origin (electron/electron#52498, #52912), so the handler checks the
 * requesting origin itself: {@link mediaOriginRefusal}.
 */
import type { CustomScheme } from 'electron';

/** Scheme of the renderer (`app://vq/index.html`). */
export const APP_SCHEME = 'app';

/** Scheme of library media (`vq-media://file/<id>`, `vq-media://thumb/<id>`, `vq-media://frame/<id>`). */
export const MEDIA_SCHEME = 'vq-media';

/** What `protocol.registerSchemesAsPrivileged` receives. */
export const PRIVILEGED_SCHEMES: readonly CustomScheme[] = [
  // standard: relative URLs and a real origin for CSP 'self'; secure: no mixed-content blocks;
  // supportFetchAPI: module scripts and fetch() load from it.
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  // supportFetchAPI + corsEnabled: fetch() of frames from app://vq (see above); stream: <video>
  // gets a streamed response with Range instead of buffering the whole file first.
  {
    scheme: MEDIA_SCHEME,
    privileges: {
      standard: true,
      secure: true,
      supportFetchAPI: true,
      corsEnabled: true,
      stream: true,
    },
  },
];

/**
 * A 403 for a `vq-media:` request that names an origin other than ours (another page, or an
 * opaque "null" origin such as a sandboxed frame); null when the request may be answered.
 * Requests without an Origin header (<img>, <video>, navigations) carry no origin to check.
 */
export function mediaOriginRefusal(request: Request, origins: readonly string[]): Response | null {
  const origin = request.headers.get('origin');
  if (origin === null || origins.includes(origin)) return null;
  return new Response('This origin may not read VQ Studio media', {
    status: 403,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/**
 * The CORS headers a trusted origin's fetch() needs (ACAO for that one origin, the Range headers
 * readable), added to `response`; unchanged when the request named no origin.
 */
export function withMediaCors(response: Response, request: Request, origins: readonly string[]): Response {
  const origin = request.headers.get('origin');
  if (origin === null || !origins.includes(origin)) return response;
  // A copy: the headers of some responses (Response.error(), fetch results) are immutable.
  const headers = new Headers(response.headers);
  headers.set('Access-Control-Allow-Origin', origin);
  headers.set('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
  headers.append('Vary', 'Origin');
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
