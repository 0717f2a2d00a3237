import { useMemo } from 'react';
import { createLoadCache, type LoadCache } from './compareModel';

/** Frame images kept per Compare view: the shown frames and their prefetched neighbours. */
const FRAME_CACHE_LIMIT = 48;

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.decoding = 'async';
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error('The frame server did not return this frame.'));
    img.src = url;
  });
}

/** A bounded cache of decoded frame images by URL, living as long as the view. */
export function useFrameCache(): LoadCache<HTMLImageElement> {
  return useMemo(() => createLoadCache(FRAME_CACHE_LIMIT, loadImage), []);
}
