import { useEffect, useRef, useState, type ReactNode } from 'react';
import { messageOf } from '../../stores/messageOf';
import type { CompareCandidate } from './compareCandidates';
import { diffPixels, type LoadCache, type Zoom } from './compareModel';
import { canvasStyle } from './FramePane';
import { PanScroller } from './PanScroller';

function pixelsOf(img: HTMLImageElement, width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('No 2D canvas in this browser.');
  ctx.drawImage(img, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

/** |A−B| × gain of the same frame of two videos, drawn on one canvas. */
export function DiffPane({
  a,
  b,
  urlA,
  urlB,
  frame,
  size,
  zoom,
  gain,
  cache,
}: {
  a: CompareCandidate;
  b: CompareCandidate;
  urlA: string;
  urlB: string;
  frame: number;
  size: { width: number; height: number };
  zoom: Zoom;
  gain: number;
  cache: LoadCache<HTMLImageElement>;
}): ReactNode {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    Promise.all([cache.get(urlA), cache.get(urlB)])
      .then(([imgA, imgB]) => {
        const canvas = canvasRef.current;
        const ctx = canvas?.getContext('2d');
        if (!live || !canvas || !ctx) return;
        const out = ctx.createImageData(size.width, size.height);
        diffPixels(
          pixelsOf(imgA, size.width, size.height),
          pixelsOf(imgB, size.width, size.height),
          gain,
          out.data,
        );
        ctx.putImageData(out, 0, 0);
        setShown(frame);
        setError(null);
      })
      .catch((err: unknown) => {
        if (live) setError(messageOf(err));
      });
    return () => {
      live = false;
    };
  }, [cache, urlA, urlB, frame, gain, size.width, size.height]);

  return (
    <figure className="compare-pane" data-testid="compare-pane" data-frame={shown ?? undefined}>
      <figcaption className="compare-label">
        <span className="pill">|A−B| × {gain}</span>
        <span className="compare-title">
          {a.title} − {b.title}
        </span>
      </figcaption>
      <PanScroller zoom={zoom}>
        <canvas
          ref={canvasRef}
          className="compare-canvas"
          width={size.width}
          height={size.height}
          style={canvasStyle(zoom, size.width, size.height)}
        />
      </PanScroller>
      {error ? (
        <p className="compare-error" role="alert">
          Frame {frame}: {error}
        </p>
      ) : null}
    </figure>
  );
}
