import { useEffect, useRef, useState, type CSSProperties, type ReactNode } from 'react';
import { messageOf } from '../../stores/messageOf';
import { candidateFacts, type CompareCandidate } from './compareCandidates';
import type { LoadCache, Zoom } from './compareModel';
import { PanScroller } from './PanScroller';

/** The CSS size of a frame canvas at a zoom ('fit' fills the pane's width). */
export function canvasStyle(zoom: Zoom, width: number, height: number): CSSProperties {
  if (zoom === 'fit')
    return { width: '100%', height: 'auto', maxHeight: '70vh', objectFit: 'contain' };
  return {
    width: `${width * zoom}px`,
    height: `${height * zoom}px`,
    imageRendering: zoom > 1 ? 'pixelated' : 'auto',
  };
}

/**
 * One pane: a frame drawn on a canvas at the reference size, labelled. `data-frame` says which
 * frame is drawn; a response for a frame the user has stepped past is never drawn.
 */
export function FramePane({
  candidate,
  url,
  frame,
  size,
  zoom,
  cache,
  label,
  className,
  style,
}: {
  candidate: CompareCandidate;
  url: string;
  frame: number;
  size: { width: number; height: number };
  zoom: Zoom;
  cache: LoadCache<HTMLImageElement>;
  /** Extra words before the title ("A", "B"). */
  label?: string;
  className?: string;
  style?: CSSProperties;
}): ReactNode {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    cache.get(url).then(
      (img) => {
        const canvas = canvasRef.current;
        const ctx = canvas?.getContext('2d');
        if (!live || !canvas || !ctx) return;
        ctx.imageSmoothingEnabled = true;
        ctx.imageSmoothingQuality = 'high';
        ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
        setShown(frame);
        setError(null);
      },
      (err: unknown) => {
        if (live) setError(messageOf(err));
      },
    );
    return () => {
      live = false;
    };
  }, [cache, url, frame]);

  return (
    <figure
      className={`compare-pane${className ? ` ${className}` : ''}`}
      style={style}
      data-testid="compare-pane"
      data-id={candidate.id}
      data-frame={shown ?? undefined}
    >
      <figcaption className="compare-label">
        {label ? <span className="pill">{label}</span> : null}
        <span className="compare-title" title={candidate.fileName}>
          {candidate.title}
        </span>
        <span className="muted">{candidateFacts(candidate)}</span>
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
