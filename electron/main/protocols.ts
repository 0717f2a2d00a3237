/**
 * The two custom schemes: `app:` serves the built renderer (so the UI never runs from `file://`,
 * security checklist item 18) and `vq-media:` serves library media by id with Range support. The
 * request → response logic lives in rendererFiles.ts, mediaRoute.ts, frameRoute.ts and the scheme
 * privileges and origin rule in mediaScheme.ts, which all run without Electron.
 */
import { protocol } from 'electron';
import { isFrameUrl, serveFrame, type FrameSource } from './frameRoute';
import { serveMedia, type MediaResolver } from './mediaRoute';
import { isPlayUrl, servePlay, type PlaySource } from './playRoute';
import {
  APP_SCHEME,
  MEDIA_SCHEME,
  PRIVILEGED_SCHEMES,
  mediaOriginRefusal,
  withMediaCors,
} from './mediaScheme';
import { serveRendererFile } from './rendererFiles';

export { APP_SCHEME, MEDIA_SCHEME };

/** Registers both schemes as privileged. Electron only accepts this before the app is ready. */
export function registerPrivilegedSchemes(): void {
  protocol.registerSchemesAsPrivileged([...PRIVILEGED_SCHEMES]);
}

/** Where the protocol handlers read from. */
export interface ProtocolSources {
  /** The built renderer folder (out/renderer). */
  rendererDir: string;
  /** The core's id → path lookup; the only way a media URL becomes a file. */
  resolveMedia: MediaResolver;
  /** The core's frame decoder by id (`vq-media://frame/<id>?index=N`). */
  frames: FrameSource;
  /** A playback session's package files (`vq-media://play/<session>/<file>`). */
  play: PlaySource;
  /** The renderer origins that may fetch() media (see mediaScheme.ts). */
  origins: readonly string[];
}

/** Installs the handlers on the default session; call once the app is ready. */
export function handleProtocols(sources: ProtocolSources): void {
  protocol.handle(APP_SCHEME, (request) =>
    serveRendererFile(request, sources.rendererDir).catch((err: unknown) => failed(request, err)),
  );
  protocol.handle(MEDIA_SCHEME, async (request) => {
    const refused = mediaOriginRefusal(request, sources.origins);
    if (refused) return refused;
    const response = await (
      isFrameUrl(request.url)
        ? serveFrame(request, sources.frames)
        : isPlayUrl(request.url)
          ? servePlay(request, sources.play)
          : serveMedia(request, sources.resolveMedia)
    ).catch((err: unknown) => failed(request, err));
    return withMediaCors(response, request, sources.origins);
  });
}

function failed(request: Request, err: unknown): Response {
  console.error(`${request.method} ${request.url} failed:`, err);
  return new Response('Internal error', { status: 500 });
}
