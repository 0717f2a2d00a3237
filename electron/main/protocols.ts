/**
 * The two custom schemes: `app:` serves the built renderer (so the UI never runs from `file://`,
 * security checklist item 18) and `vq-media:` serves library media by id with Range support. The
 * request → response logic lives in rendererFiles.ts and mediaRoute.ts, which run without Electron.
 */
import { protocol } from 'electron';
import { isFrameUrl, serveFrame, type FrameSource } from './frameRoute';
import { serveMedia, type MediaResolver } from './mediaRoute';
import { serveRendererFile } from './rendererFiles';

/** Scheme of the renderer (`app://vq/index.html`). */
export const APP_SCHEME = 'app';

/** Scheme of library media (`vq-media://file/<id>`, `vq-media://thumb/<id>`). */
export const MEDIA_SCHEME = 'vq-media';

/** Registers both schemes as privileged. Electron only accepts this before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    // standard: relative URLs and a real origin for CSP 'self'; secure: no mixed-content blocks;
    // supportFetchAPI: module scripts and fetch() load from it.
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    // stream: <video> expects a streamed response instead of buffering the whole file first.
    // No corsEnabled: it would let any origin read media cross-origin (electron/electron#52912).
    {
      scheme: MEDIA_SCHEME,
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

/** Where the protocol handlers read from. */
export interface ProtocolSources {
  /** The built renderer folder (out/renderer). */
  rendererDir: string;
  /** The core's id → path lookup; the only way a media URL becomes a file. */
  resolveMedia: MediaResolver;
  /** The core's frame decoder by id (`vq-media://frame/<id>?index=N`). */
  frames: FrameSource;
}

/** Installs the handlers on the default session; call once the app is ready. */
export function handleProtocols(sources: ProtocolSources): void {
  protocol.handle(APP_SCHEME, (request) =>
    serveRendererFile(request, sources.rendererDir).catch((err: unknown) => failed(request, err)),
  );
  protocol.handle(MEDIA_SCHEME, (request) =>
    (isFrameUrl(request.url)
      ? serveFrame(request, sources.frames)
      : serveMedia(request, sources.resolveMedia)
    ).catch((err: unknown) => failed(request, err)),
  );
}

function failed(request: Request, err: unknown): Response {
  console.error(`${request.method} ${request.url} failed:`, err);
  return new Response('Internal error', { status: 500 });
}
