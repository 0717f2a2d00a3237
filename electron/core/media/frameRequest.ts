/**
 * The query of a frame request, shared by the web route (`/media/frame/<id>?index=N`) and the
 * Electron protocol (`vq-media://frame/<id>?index=N`): frame N in presentation order, 0-based,
 * optionally scaled (bicubic, as the scorer scales) to `width`×`height`.
 */

/** A parsed frame request. */
export interface FrameQuery {
  index: number;
  size?: { width: number; height: number };
}

/** Parses `index`, `width`, `height`; returns a message a person understands when they are wrong. */
export function parseFrameQuery(
  params: URLSearchParams,
): { ok: true; query: FrameQuery } | { ok: false; message: string } {
  const raw = params.get('index') ?? '';
  const index = Number(raw);
  // Digits only: Number('') is 0, and '1e3' or ' 7' are not how a frame number is written.
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(index)) {
    return { ok: false, message: 'index must be a frame number (0 or more)' };
  }
  const w = params.get('width');
  const h = params.get('height');
  if (w === null && h === null) return { ok: true, query: { index } };
  const width = Number(w);
  const height = Number(h);
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 2 ||
    height < 2 ||
    width > 8192 ||
    height > 8192
  ) {
    return { ok: false, message: 'width and height must both be given, 2 to 8192 pixels' };
  }
  return { ok: true, query: { index, size: { width, height } } };
}

/** The HTTP status of a failed frame request, by the error's code. */
export function frameErrorStatus(code: string): number {
  if (code === 'INVALID_ARGS') return 400;
  if (code === 'NOT_FOUND') return 404;
  // 499 (client closed request, as nginx names it): nobody reads it, but logs say what happened.
  if (code === 'CANCELED') return 499;
  return 500;
}
