/**
 * Serves exact frames for the `vq-media:` protocol: `vq-media://frame/<id>?index=N[&width=W&height=H]`
 * → an RGB PNG of frame N (presentation order) of a library item or rendition, found by id only.
 * Runs and is tested without Electron (standard Request/Response).
 */
import { toApiError } from '../../shared/errors';
import { frameErrorStatus, parseFrameQuery } from '../core/media/frameRequest';

/**
 * Decodes a frame of an item by id; null for an unknown id (the core's `framePng`). `signal`
 * aborts when the page no longer wants the frame.
 */
export type FrameSource = (
  id: string,
  index: number,
  size?: { width: number; height: number },
  signal?: AbortSignal,
) => Promise<Buffer | null>;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

function text(status: number, message: string): Response {
  return new Response(message, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** True when a `vq-media:` URL asks for a frame (host `frame`). */
export function isFrameUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'vq-media:' && u.host === 'frame';
  } catch {
    return false;
  }
}

/** How long a frame may take before the answer becomes a streamed 200 (see {@link serveFrame}). */
const HEAD_START_MS = 60;

/**
 * Answers one frame request. A frame that comes quickly (or an error: unknown id, frame out of
 * range) is answered with its own status. A slow one is answered at once with a 200 whose body
 * arrives when the frame is decoded: Electron cancels the body of a custom-protocol fetch the page
 * aborted, but does not abort the Request given to the handler (as noted in
 * https://github.com/withcoral/coral/pull/1967), so cancelling the body is how an abandoned
 * request stops its decode. The Request's signal is honoured too, where it does abort.
 */
export async function serveFrame(request: Request, frames: FrameSource): Promise<Response> {
  if (request.method !== 'GET') return text(405, 'Method not allowed');
  const u = new URL(request.url);
  const id = u.pathname.replace(/^\//, '');
  if (!ID.test(id)) return text(404, 'Not a library media URL');
  const parsed = parseFrameQuery(u.searchParams);
  if (!parsed.ok) return text(400, parsed.message);
  const gone = new AbortController();
  const onAbort = (): void => gone.abort();
  if (request.signal.aborted) onAbort();
  else request.signal.addEventListener('abort', onAbort, { once: true });
  const pending = frames(id, parsed.query.index, parsed.query.size, gone.signal);
  pending.catch(() => undefined); // settled below, or by the stream
  let timer: NodeJS.Timeout | undefined;
  const early = await Promise.race([
    pending.then(
      (png) => ({ png }),
      (err: unknown) => ({ err }),
    ),
    new Promise<'slow'>((resolve) => (timer = setTimeout(() => resolve('slow'), HEAD_START_MS))),
  ]);
  clearTimeout(timer);
  if (early !== 'slow') {
    request.signal.removeEventListener('abort', onAbort);
    if ('err' in early) {
      const e = toApiError(early.err);
      return text(frameErrorStatus(e.code), e.message);
    }
    if (!early.png) return text(404, 'No such library item');
    return new Response(new Uint8Array(early.png), { status: 200, headers: PNG_HEADERS });
  }
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      try {
        const png = await pending;
        if (!png) throw new Error('No such library item');
        controller.enqueue(new Uint8Array(png));
        controller.close();
      } catch (err) {
        controller.error(err); // a no-op once the page canceled the body
      } finally {
        request.signal.removeEventListener('abort', onAbort);
      }
    },
    cancel() {
      gone.abort();
    },
  });
  return new Response(body, { status: 200, headers: PNG_HEADERS });
}

const PNG_HEADERS = { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' };
