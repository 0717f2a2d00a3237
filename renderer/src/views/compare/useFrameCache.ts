import { useEffect, useMemo } from 'react';
import { createLoadCache, type LoadCache } from './compareModel';

/** Decoded frames kept per Compare view: the shown frames and their prefetched neighbours. */
const FRAME_CACHE_MAX = 48;
/** Fewest frames kept: four panes' current frame and both neighbours. */
const FRAME_CACHE_MIN = 12;
/** Memory the decoded RGBA frames may take (a 4K frame is 33 MB). */
const FRAME_CACHE_BYTES = 512 * 1024 * 1024;

/** How many decoded frames of `pixels` pixels the cache keeps. */
export function frameCacheLimit(pixels: number): number {
  const fit = Math.floor(FRAME_CACHE_BYTES / Math.max(1, pixels * 4));
  return Math.min(FRAME_CACHE_MAX, Math.max(FRAME_CACHE_MIN, fit));
}

/** One exact frame from the frame server: the PNG as served (for saving) and its decoded pixels. */
export interface FrameImage {
  blob: Blob;
  bitmap: ImageBitmap;
}

// Set once fetch() of a frame URL fails as a network error (not an HTTP status). The desktop app
// allows fetch() of `vq-media:` (CSP connect-src, a CORS-enabled scheme that checks the origin
// itself); this fallback to <img> stays for an older shell or a policy that still refuses it.
let fetchRefused = false;

/**
 * Whether a failed fetch() of frame `url` may be the page refusing it (a URL of another scheme than
 * the page's, as the desktop app's `vq-media:` from `app:`), so that <img> is worth trying. A
 * same-scheme URL (`vq serve`) failing is a network error (server gone, connection reset): it is
 * reported, and the next frame is fetched again, with cancellation.
 */
export function fetchMayBeRefused(url: string, pageUrl: string): boolean {
  try {
    return new URL(url, pageUrl).protocol !== new URL(pageUrl).protocol;
  } catch {
    return false;
  }
}

/**
 * The frame through an <img>, re-encoded losslessly for saving. An abort drops the image's source,
 * which cancels its request (the desktop app's frame route then stops the decode).
 */
async function loadFrameByImage(url: string, signal: AbortSignal): Promise<FrameImage> {
  const img = new Image();
  const onAbort = (): void => img.removeAttribute('src');
  signal.addEventListener('abort', onAbort, { once: true });
  img.src = url;
  try {
    await img.decode();
  } catch {
    signal.throwIfAborted();
    throw new Error('The frame server did not return this frame.');
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  signal.throwIfAborted();
  const bitmap = await createImageBitmap(img);
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0);
  const blob = await new Promise<Blob>((resolve, reject) =>
    canvas.toBlob((b) => (b ? resolve(b) : reject(new Error('PNG encoding failed.'))), 'image/png'),
  );
  return { blob, bitmap };
}

/**
 * Fetches a frame with `signal`, so a frame the user has stepped past is aborted: the request's
 * connection closes and the server stops decoding it.
 */
async function loadFrame(url: string, signal: AbortSignal): Promise<FrameImage> {
  if (fetchRefused) return loadFrameByImage(url, signal);
  let res: Response;
  try {
    res = await fetch(url, { signal, credentials: 'same-origin' });
  } catch (err) {
    if (signal.aborted || !(err instanceof TypeError)) throw err;
    if (!fetchMayBeRefused(url, window.location.href)) {
      throw new Error(`The frame server could not be reached (${err.message}).`, { cause: err });
    }
    fetchRefused = true;
    return loadFrameByImage(url, signal);
  }
  if (!res.ok) {
    const why = (await res.text().catch(() => '')).trim();
    throw new Error(why || `The frame server answered ${res.status}.`);
  }
  const blob = await res.blob();
  // 'none': the canvas must hold the decoder's RGB exactly, without colour management.
  const bitmap = await createImageBitmap(blob, {
    colorSpaceConversion: 'none',
    premultiplyAlpha: 'none',
  });
  return { blob, bitmap };
}

/**
 * A bounded cache of exact frames by URL for frames of `pixels` pixels, living as long as the
 * view (a new size starts a new cache).
 */
export function useFrameCache(pixels: number): LoadCache<FrameImage> {
  const limit = frameCacheLimit(pixels);
  const cache = useMemo(() => createLoadCache(limit, loadFrame), [limit]);
  // Leaving the view (or a new size) drops the cache: its loads still in flight are not wanted.
  useEffect(() => () => void cache.cancelExcept(new Set()), [cache]);
  return cache;
}

/**
 * Keeps the frames at `frame` and its `neighbours` on each side loading (so a step draws from
 * memory) and aborts loads of every other frame still in flight: frames the user has stepped past.
 * `urlsAt` gives every pane's URL of a frame; `key` changes whenever those URLs would (panes, size,
 * frame).
 */
export function usePrefetch(
  cache: LoadCache<FrameImage>,
  frame: number,
  frameCount: number,
  urlsAt: (index: number) => string[],
  key: string,
  neighbours = 1,
): void {
  useEffect(() => {
    const keep = new Set<string>();
    const around = [frame];
    for (let d = 1; d <= neighbours; d++) around.push(frame + d, frame - d);
    for (const index of around) {
      if (index >= 0 && index < frameCount) for (const url of urlsAt(index)) keep.add(url);
    }
    cache.cancelExcept(keep);
    for (const url of keep) cache.get(url).catch(() => undefined);
    // urlsAt is rebuilt each render; key stands for it.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [cache, key, frame, frameCount, neighbours]);
}
