/**
 * Serves the built renderer (out/renderer) for the `app:` protocol: `app://vq/<path>` maps to a
 * file under the renderer folder and nowhere else, with the renderer's Content-Security-Policy on
 * every response. Written against the fetch `Request`/`Response` types so it runs and is tested
 * without Electron; protocols.ts hands it to `protocol.handle`.
 */
import fs from 'node:fs/promises';
import { staticContentType, staticFileFor } from '../core/media/staticFiles';

/**
 * The renderer's CSP, one list for both places it is set: only our own code; media and images also
 * from `vq-media:` and blob/data; fetch() also from `vq-media:`, so frames are fetched with an
 * AbortSignal (cancelable) instead of falling back to <img>.
 */
const CSP_DIRECTIVES: readonly (readonly [string, string])[] = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  ['style-src', "'self' 'unsafe-inline'"],
  ['img-src', "'self' data: blob: vq-media:"],
  ['media-src', "'self' blob: vq-media:"],
  ['connect-src', "'self' vq-media:"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
];

function serializeCsp(directives: readonly (readonly [string, string])[]): string {
  return directives.map(([name, value]) => `${name} ${value}`).join('; ');
}

/** The CSP header of every `app:` response in Electron. */
export const RENDERER_CSP = serializeCsp(CSP_DIRECTIVES);

/**
 * The CSP of renderer/index.html's <meta> tag, the only CSP in web mode (`vq serve` sends no
 * header), derived from the same list (a test pins the file to it): connect-src adds `ws: wss:`
 * for the API's WebSocket in web mode (in Electron the header's connect-src still forbids it, as
 * both policies apply), and frame-ancestors is left out because a <meta> policy ignores it.
 */
export const RENDERER_META_CSP = serializeCsp(
  CSP_DIRECTIVES.filter(([name]) => name !== 'frame-ancestors').map(([name, value]) =>
    name === 'connect-src' ? ([name, `${value} ws: wss:`] as const) : ([name, value] as const),
  ),
);

/** The host of every renderer URL (`app://vq/...`). */
export const APP_HOST = 'vq';

/**
 * The file under `rootDir` that a renderer URL names, or null when the URL tries to leave it
 * (`..`, encoded separators, absolute paths, NUL; core/media/staticFiles.ts) or is not on the app
 * host.
 */
export function rendererFileFor(url: string, rootDir: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.host !== APP_HOST) return null;
  const found = staticFileFor(u.pathname, rootDir);
  return found.ok ? found.file : null;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Security-Policy': RENDERER_CSP,
    },
  });
}

/** Answers one `app:` request from the files in `rootDir`. */
export async function serveRendererFile(request: Request, rootDir: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return textResponse(405, 'Method not allowed');
  const file = rendererFileFor(request.url, rootDir);
  if (!file) return textResponse(403, 'Forbidden');
  let body: Buffer;
  try {
    body = await fs.readFile(file);
  } catch {
    return textResponse(404, 'Not found');
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: {
      'Content-Type': staticContentType(file),
      'Content-Length': String(body.length),
      'Content-Security-Policy': RENDERER_CSP,
      'X-Content-Type-Options': 'nosniff',
      // A rebuilt renderer must show up on reload; the files are local, so caching gains nothing.
      'Cache-Control': 'no-cache',
    },
  });
}
