import {
  useEffect,
  useRef,
  useState,
  type CSSProperties,
  type PointerEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import { pushToast } from '../../stores/appStore';
import { messageOf } from '../../stores/messageOf';
import { candidateFacts } from './compareCandidates';
import { pixelAt } from './compareImage';
import { FIT_MAX_HEIGHT_SHARE, type LoadCache, type Zoom } from './compareModel';
import { frameFileName, scoresText, type ComparePane } from './comparePane';
import { PanScroller, type ZoomAnchor } from './PanScroller';
import { downloadBlob } from '../../ui/download';
import type { FrameImage } from './useFrameCache';

/** The CSS size of a frame canvas at a zoom ('fit' fills the pane's width). */
export function canvasStyle(zoom: Zoom, width: number, height: number): CSSProperties {
  if (zoom === 'fit')
    return {
      width: '100%',
      height: 'auto',
      maxHeight: `${FIT_MAX_HEIGHT_SHARE * 100}vh`,
      objectFit: 'contain',
    };
  return {
    width: `${width * zoom}px`,
    height: `${height * zoom}px`,
    imageRendering: zoom > 1 ? 'pixelated' : 'auto',
  };
}

/** What every pane of the viewer shares: frame, geometry, zoom, the frame cache, the cursor. */
export interface PaneContext {
  frame: number;
  size: { width: number; height: number };
  zoom: Zoom;
  anchor: ZoomAnchor | null;
  onWheelZoom: (
    direction: 1 | -1,
    pixel: { x: number; y: number },
    cursor: { x: number; y: number },
  ) => void;
  cache: LoadCache<FrameImage>;
  /** The source pixel under the cursor, or null when it leaves the picture. */
  onHover: (pixel: { x: number; y: number } | null) => void;
}

/** Reports the source pixel under the pointer on a frame canvas. */
export function hoverHandler(ctx: PaneContext): (e: PointerEvent<HTMLElement>) => void {
  return (e) => {
    if (e.type === 'pointerleave') return ctx.onHover(null);
    const r = e.currentTarget.getBoundingClientRect();
    ctx.onHover(pixelAt({ x: e.clientX, y: e.clientY }, r, ctx.size.width, ctx.size.height));
  };
}

/**
 * The zoomable, pannable box a pane draws its frame into: the canvas (at the frame's pixel size,
 * scaled by the zoom) with hover reporting, and anything layered over it (the playback video).
 */
export function FrameStage({
  ctx,
  canvasRef,
  testId,
  children,
}: {
  ctx: PaneContext;
  canvasRef: RefObject<HTMLCanvasElement | null>;
  testId?: string;
  children?: ReactNode;
}): ReactNode {
  const { zoom, size } = ctx;
  const onHover = hoverHandler(ctx);
  return (
    <PanScroller zoom={zoom} frameSize={size} anchor={ctx.anchor} onWheelZoom={ctx.onWheelZoom}>
      <div className={`compare-frame-box${zoom === 'fit' ? ' is-fit' : ''}`}>
        <canvas
          ref={canvasRef}
          className="compare-canvas"
          width={size.width}
          height={size.height}
          style={canvasStyle(zoom, size.width, size.height)}
          onPointerMove={onHover}
          onPointerLeave={onHover}
          data-testid={testId}
        />
        {children}
      </div>
    </PanScroller>
  );
}

/** The label over a pane: A/B badge, title, resolution, bitrate, this frame's scores, save. */
export function PaneLabel({
  pane,
  frame,
  badge,
  selected,
  onSelect,
  cache,
}: {
  pane: ComparePane;
  frame: number;
  badge?: string;
  selected: boolean;
  onSelect: () => void;
  cache: LoadCache<FrameImage>;
}): ReactNode {
  const c = pane.candidate;
  const scores = scoresText(pane.scores);
  const save = (): void => {
    // The shown frame, or (still loading) the same exact frame once it arrives.
    cache
      .get(pane.url)
      .then((img) => downloadBlob(frameFileName(c.title, frame), img.blob))
      .catch((err: unknown) =>
        pushToast({
          kind: 'error',
          title: 'The frame could not be saved',
          message: messageOf(err),
        }),
      );
  };
  return (
    <figcaption className="compare-label">
      <button
        type="button"
        className="compare-pane-key"
        style={{ borderColor: pane.color, color: pane.color }}
        aria-pressed={selected}
        title={`Select this pane (${pane.index + 1}): B for wipe, flicker, difference and heatmap; the pixel readout shows it`}
        onClick={onSelect}
        data-testid="select-pane"
      >
        {badge ?? pane.index + 1}
      </button>
      <span className="compare-title" title={c.fileName}>
        {c.title}
      </span>
      <span className="muted">{candidateFacts(c)}</span>
      {scores ? (
        <span className="compare-scores" data-testid="pane-scores">
          {scores}
        </span>
      ) : null}
      <button
        type="button"
        className="button button-small compare-save"
        onClick={save}
        title={`Save this pane's exact frame ${frame} as PNG`}
        data-testid="save-pane"
      >
        PNG
      </button>
    </figcaption>
  );
}

/**
 * One pane: a frame drawn on a canvas at the reference size, labelled; while playing, its
 * `<video>` on top. `data-frame` says which exact frame is drawn; a response for a frame the user
 * has stepped past is never drawn.
 */
export function FramePane({
  pane,
  ctx,
  playing,
  videoRef,
  selected,
  onSelect,
  badge,
  className,
  style,
}: {
  pane: ComparePane;
  ctx: PaneContext;
  playing: boolean;
  /** Registers the pane's `<video>` with playback (playable panes only). */
  videoRef: (el: HTMLVideoElement | null) => void;
  selected: boolean;
  onSelect: () => void;
  badge?: string;
  className?: string;
  style?: CSSProperties;
}): ReactNode {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [shown, setShown] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { cache, frame, zoom } = ctx;
  const url = pane.url;

  useEffect(() => {
    let live = true;
    cache.get(url).then(
      (img) => {
        const canvas = canvasRef.current;
        const c2d = canvas?.getContext('2d');
        if (!live || !canvas || !c2d) return;
        c2d.imageSmoothingEnabled = true;
        c2d.imageSmoothingQuality = 'high';
        c2d.drawImage(img.bitmap, 0, 0, canvas.width, canvas.height);
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

  const videoOn = playing && pane.support.playable;
  return (
    <figure
      className={`compare-pane${selected ? ' is-selected' : ''}${className ? ` ${className}` : ''}`}
      style={{ ...style, borderTopColor: pane.color }}
      data-testid="compare-pane"
      data-id={pane.candidate.id}
      data-frame={shown ?? undefined}
      data-selected={selected || undefined}
    >
      <PaneLabel
        pane={pane}
        frame={frame}
        badge={badge}
        selected={selected}
        onSelect={onSelect}
        cache={cache}
      />
      {pane.support.playable ? null : (
        <p className="compare-note" data-testid="playback-off">
          Playback off: {pane.support.reason} — stepping uses exact frames
        </p>
      )}
      <FrameStage ctx={ctx} canvasRef={canvasRef}>
        {pane.support.playable ? (
          <video
            ref={videoRef}
            className={`compare-video${videoOn ? ' is-on' : ''}`}
            src={pane.fileUrl}
            muted
            playsInline
            preload="auto"
            style={{ imageRendering: zoom !== 'fit' && zoom > 1 ? 'pixelated' : 'auto' }}
            data-testid="compare-video"
          />
        ) : null}
      </FrameStage>
      {error ? (
        <p className="compare-error" role="alert">
          Frame {frame}: {error}
        </p>
      ) : null}
    </figure>
  );
}
