/**
 * Serves exact frames for the `vq-media:` protocol: `vq-media://frame/<id>?index=N[&width=W&height=H]`
 * → an RGB PNG of frame N (presentation order) of a library item or rendition, found by id only.
 * Runs and is tested without Electron (standard Request/Response).
 */
import { toApiError } from '../../shared/errors';
import { parseFrameQuery } from '../core/media/frameRequest';

/** Decodes a frame of an item by id; null for an unknown id (the core's `framePng`). */
export type FrameSource = (
  id: string,
  index: number,
  size?: { width: number; height: number },
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

/** Answers one frame request. */
export async function serveFrame(request: Request, frames: FrameSource): Promise<Response> {
  if (request.method !== 'GET') return text(405, 'Method not allowed');
  const u = new URL(request.url);
  const id = u.pathname.replace(/^\//, '');
  if (!ID.test(id)) return text(404, 'Not a library media URL');
  const parsed = parseFrameQuery(u.searchParams);
  if (!parsed.ok) return text(400, parsed.message);
  try {
    const png = await frames(id, parsed.query.index, parsed.query.size);
    if (!png) return text(404, 'No such library item');
    return new Response(new Uint8Array(png), {
      status: 200,
      headers: { 'Content-Type': 'image/png', 'Cache-Control': 'no-store' },
    });
  } catch (err) {
    const e = toApiError(err);
    return text(e.code === 'INVALID_ARGS' ? 400 : e.code === 'NOT_FOUND' ? 404 : 500, e.message);
  }
}
