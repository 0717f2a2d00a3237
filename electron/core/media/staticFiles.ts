/**
 * The built renderer's files as both of its servers serve them — Electron's `app:` protocol
 * (electron/main/rendererFiles.ts) and `vq serve` (electron/server/server.ts): one MIME table, and
 * one mapping of a URL path to a file that never leaves the renderer folder. Library media are
 * served by id elsewhere, with their own, narrower table (range.ts `contentTypeFor`: never HTML
 * or script, whatever a library file is called).
 */
import path from 'node:path';

/** MIME types of the files a renderer build holds, by extension. */
const STATIC_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** MIME type of a renderer file by its extension; `application/octet-stream` for any other. */
export function staticContentType(file: string): string {
  return STATIC_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** A URL path as a renderer file, or why it is none. */
export type StaticFileLookup =
  { ok: true; file: string } | { ok: false; reason: 'malformed' | 'outside' };

/**
 * The file under `rootDir` that a URL's (still percent-encoded) path names; `/` is `index.html`.
 * Refused: a malformed escape, and every way out of the folder — `..` (also encoded, `%2e%2e%2f`),
 * encoded separators, absolute paths, NUL — and the folder itself. Decoding comes first, so the
 * check runs on the path as the file system will read it. Names Windows reads as devices (`CON`,
 * `nul.txt`, `COM1`…) or streams (`a:b`) are refused on every platform: the built renderer has none,
 * and on Windows they would open a device in any folder.
 */
export function staticFileFor(urlPath: string, rootDir: string): StaticFileLookup {
  let rel: string;
  try {
    rel = decodeURIComponent(urlPath);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (rel.includes('\0') || rel.split(/[/\\]/).some(isDeviceOrStreamName)) {
    return { ok: false, reason: 'outside' };
  }
  if (rel === '/' || rel === '') rel = '/index.html';
  const root = path.resolve(rootDir);
  const file = path.resolve(root, `.${rel}`);
  const inside = path.relative(root, file);
  if (!inside || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) {
    return { ok: false, reason: 'outside' };
  }
  return { ok: true, file };
}

/** A Windows device name (with or without an extension) or a name with a stream (`:`) in it. */
function isDeviceOrStreamName(segment: string): boolean {
  return (
    segment.includes(':') ||
    /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$/i.test(segment.trim())
  );
}
