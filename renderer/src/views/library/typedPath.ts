/** Cleans up a path as people paste it: quotes from "Copy as path", file:// URLs, stray spaces. */

/** The path to send to the server, or '' when nothing usable was typed. */
export function cleanTypedPath(text: string): string {
  let p = text.trim();
  if (
    p.length >= 2 &&
    ((p.startsWith('"') && p.endsWith('"')) || (p.startsWith("'") && p.endsWith("'")))
  ) {
    p = p.slice(1, -1).trim();
  }
  if (/^file:\/\//i.test(p)) {
    try {
      const url = new URL(p);
      const decoded = decodeURIComponent(url.pathname);
      // file:///C:/x.mp4 → C:/x.mp4 on Windows.
      p = /^\/[A-Za-z]:\//.test(decoded) ? decoded.slice(1) : decoded;
    } catch {
      // Not a valid URL after all: send it as typed and let the server explain.
    }
  }
  return p;
}

/** The last component of a path ('' for a bare folder). */
export function baseNameOf(path: string): string {
  const parts = path.split(/[\\/]/);
  return parts[parts.length - 1] ?? '';
}

/** The folder part of a path, or null when it has none. */
export function dirNameOf(path: string): string | null {
  const at = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  if (at < 0) return null;
  if (at === 0) return path[0]!;
  return path.slice(0, at);
}

/** Joins a folder and an entry name with the folder's own separator. */
export function joinPath(dir: string, name: string): string {
  const sep = dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
  return dir.endsWith(sep) ? `${dir}${name}` : `${dir}${sep}${name}`;
}
