/**
 * Serves library media for the `vq-media:` protocol: `vq-media://file/<id>` (the item's file) and
 * `vq-media://thumb/<id>` (its JPEG thumbnail). The file is found through the core's library by id
 * only — a path never comes from the URL. Range requests are answered (206/416) with a stream of
 * the byte slice, because a handler that ignores Range makes `<video>` seeking snap back to 0
 * (https://github.com/electron/electron/issues/38749). Runs and is tested without Electron.
 */
import { Readable } from 'node:stream';
import { contentTypeFor, parseRange, rangeResponseHead } from '../core/media/range';
import { openRegularFile } from '../core/media/regularFile';

/** The two kinds of media URL. */
export type MediaKind = 'file' | 'thumb';

/** Finds the absolute path of a library item's media by id; null for an unknown id. */
export type MediaResolver = (kind: MediaKind, id: string) => string | null;

const ID = /^[A-Za-z0-9_-]{1,64}$/;

/** The kind and id a `vq-media:` URL names, or null when it is not one of ours. */
export function parseMediaUrl(url: string): { kind: MediaKind; id: string } | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'vq-media:' || (u.host !== 'file' && u.host !== 'thumb')) return null;
  const id = u.pathname.replace(/^\//, '');
  if (!ID.test(id) || u.search || u.username || u.password) return null;
  return { kind: u.host, id };
}

function notFound(message: string): Response {
  return new Response(message, {
    status: 404,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Answers one `vq-media:` request. */
export async function serveMedia(request: Request, resolve: MediaResolver): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Method not allowed', { status: 405 });
  }
  const target = parseMediaUrl(request.url);
  if (!target) return notFound('Not a library media URL');
  const file = resolve(target.kind, target.id);
  if (!file) return notFound('No such library item');
  // Only regular files, opened so that a FIFO at the path can never block (regularFile.ts).
  const opened = await openRegularFile(file);
  if (!opened.ok) {
    return new Response(opened.message, {
      status: opened.status,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    });
  }
  const { handle, size } = opened;
  const range = parseRange(request.headers.get('range'), size);
  const head = rangeResponseHead(range, size, contentTypeFor(file));
  if (range === 'unsatisfiable' || request.method === 'HEAD' || size === 0) {
    await handle.close();
    return new Response(null, head);
  }
  const start = range?.start ?? 0;
  const end = range?.end ?? size - 1;
  // Readable.toWeb propagates a cancel (the player seeking away) to the file stream, which closes.
  const stream = Readable.toWeb(
    handle.createReadStream({ start, end }),
  ) as ReadableStream<Uint8Array>;
  return new Response(stream, head);
}
