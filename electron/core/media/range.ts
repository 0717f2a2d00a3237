/**
 * HTTP Range handling for library media, shared by the Electron `vq-media:` protocol and the web
 * server. A handler that ignores Range makes `<video>` seeking snap back to 0
 * (https://github.com/electron/electron/issues/38749), so both transports answer it here.
 */

/** A satisfiable byte range, inclusive. */
export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a `Range` header against a file size. Returns null when absent (serve the whole file),
 * 'unsatisfiable' for a range that cannot be served (416), or the range. Multi-range requests are
 * answered with their first range, as browsers only send one for media.
 */
export function parseRange(header: string | null | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*(?:,.*)?$/.exec(header.trim());
  if (!m) return null;
  const [, a, b] = m;
  if (a === '' && b === '') return 'unsatisfiable';
  let start: number;
  let end: number;
  if (a === '') {
    const suffix = Number(b);
    if (suffix === 0) return 'unsatisfiable';
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(a);
    end = b === '' ? size - 1 : Math.min(Number(b), size - 1);
  }
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** Status and headers for a range response (206/200/416). */
export function rangeResponseHead(
  range: ByteRange | null | 'unsatisfiable',
  size: number,
  contentType: string,
): { status: number; headers: Record<string, string> } {
  const base: Record<string, string> = { 'Accept-Ranges': 'bytes', 'Content-Type': contentType };
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` } };
  }
  if (range === null) {
    return { status: 200, headers: { ...base, 'Content-Length': String(size) } };
  }
  return {
    status: 206,
    headers: {
      ...base,
      'Content-Range': `bytes ${range.start}-${range.end}/${size}`,
      'Content-Length': String(range.end - range.start + 1),
    },
  };
}

/** MIME type by extension, for media the browser may play. */
export function contentTypeFor(fileName: string): string {
  const ext = fileName.toLowerCase().split('.').pop() ?? '';
  const types: Record<string, string> = {
    mp4: 'video/mp4',
    m4v: 'video/mp4',
    mov: 'video/quicktime',
    webm: 'video/webm',
    mkv: 'video/x-matroska',
    ts: 'video/mp2t',
    y4m: 'video/x-yuv4mpeg',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
  };
  return types[ext] ?? 'application/octet-stream';
}
