/**
 * `vq-media://play/<session>/<file>`: a file of the package a playback session plays, paced to
 * its network (core/playback). The desktop twin of the server's `/media/play/…` route; runs
 * without Electron (fetch Request → Response).
 */
import type { PlayFile } from '../core/playback/playbackService';

/** Opens a file of a playback session; null when the session or file is unknown. */
export type PlaySource = (
  sessionId: string,
  file: string,
  signal: AbortSignal,
) => Promise<PlayFile | null>;

const PLAY_PATH = /^\/([0-9a-f]{32})\/([A-Za-z0-9_./-]{1,64})$/;

/** True for a `vq-media://play/…` URL. */
export function isPlayUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'vq-media:' && u.host === 'play';
  } catch {
    return false;
  }
}

/** Serves a playback session's file: 404 for anything but a file of its package. */
export async function servePlay(request: Request, open: PlaySource): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405 });
  }
  const m = PLAY_PATH.exec(new URL(request.url).pathname);
  if (!m) return new Response('Not found', { status: 404 });
  const file = await open(m[1]!, m[2]!, request.signal);
  if (!file) return new Response('No such playback session or package file.', { status: 404 });
  const headers = {
    'Content-Type': file.contentType,
    'Content-Length': String(file.size),
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  };
  if (request.method === 'HEAD') {
    await file.close();
    return new Response(null, { status: 200, headers });
  }
  const iterator = file.body[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, { status: 200, headers });
}
