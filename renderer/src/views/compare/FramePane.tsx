import {
  useLayoutEffect,
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
import type { LoadCache, Zoom } from './compareModel';
import {
  frameFileName,
  loadingText,
  scoresText,
  type ComparePane,
  type Drawn,
} from './comparePane';
import { PanScroller, type ZoomAnchor } from './PanScroller';
import { StalePill } from './StalePill';
import { downloadBlob } from '../../ui/download';
import type { FrameImage } from './useFrameCache';

/**
 * The CSS size of a frame canvas at a zoom: 'fit' fills the pane keeping the aspect (the picture
 * is centred, object-fit: contain); a zoom above 100 % is drawn nearest-neighbour, so a codec's
 * blocks show as blocks, not as a bicubic blur.
 */
export function canvasStyle(zoom: Zoom, width: number, height: number): CSSProperties {
  if (zoom === 'fit') return { width: '100%', height: '100%', objectFit: 'contain' };
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
  /** During playback, the picture pane `id` presented for `frame` (see usePlayback), else null. */
  pictureOf: (id: string, frame: number) => CanvasImageSource | null;
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
  pixels,
  testId,
  children,
}: {
  ctx: PaneContext;
  canvasRef: RefObject<HTMLCanvasElement | null>;
  /** The canvas's own pixel size when it differs from the frame size (a rendition's native pixels). */
  pixels?: { width: number; height: number };
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
          width={(pixels ?? size).width}
          height={(pixels ?? size).height}
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
      {pane.matchedFrame !== null ? (
        <span
          className="compare-matched"
          title="Matched to the source by their pictures (the score's frame match): this pane shows its own frame that goes with the source's"
          data-testid="pane-matched-frame"
        >
          its frame {pane.matchedFrame}
        </span>
      ) : null}
      {scores ? (
        <span
          className={`compare-scores${pane.stale ? ' is-stale' : ''}`}
          data-testid="pane-scores"
        >
          {scores}
        </span>
      ) : null}
      {pane.stale ? <StalePill reason={pane.stale.reason} /> : null}
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
 * Records on `figure` what its canvas holds now (set in the same task as the drawing, so a reader
 * never sees a canvas and attributes that disagree); `data-want` names what it should hold.
 * Save view (saveImages.ts) and the specs read these.
 */
export function markDrawn(figure: HTMLElement, drawn: Drawn): void {
  figure.dataset.url = drawn.url;
  figure.dataset.frame = String(drawn.frame);
  figure.dataset.exact = String(drawn.exact);
}

/** Over a pane: what it is still loading, or why its frame failed. */
export function PaneStatus({
  loading,
  error,
  frame,
}: {
  loading: string | null;
  error: string | null;
  frame: number;
}): ReactNode {
  if (error) {
    return (
      <p className="compare-error" role="alert">
        Frame {frame}: {error}
      </p>
    );
  }
  return loading ? (
    <span className="compare-loading" data-testid="pane-loading" data-frame={frame}>
      {loading}
    </span>
  ) : null;
}

/**
 * One pane: a frame drawn on a canvas at the reference size, labelled over the picture. While
 * playing, it draws the pictures playback hands it (its `<video>` decodes underneath); paused, the
 * exact frame from the frame server. `data-frame` and `data-exact` say what the canvas holds, set
 * when it is drawn; a pane that does not show the counter's frame says so over the picture.
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
  const figureRef = useRef<HTMLElement>(null);
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [error, setError] = useState<string | null>(null);
  const { cache, frame, pictureOf } = ctx;
  const url = pane.drawUrl;
  const id = pane.candidate.id;
  const playingHere = playing && pane.support.playable;

  // Layout effects: the canvas, its data attributes and the counter change in one commit.
  useLayoutEffect(() => {
    const draw = (img: CanvasImageSource, exact: boolean): void => {
      const canvas = canvasRef.current;
      const c2d = canvas?.getContext('2d');
      const figure = figureRef.current;
      if (!canvas || !c2d || !figure) return;
      // Native pixels of a rendition (zoomed in) are the canvas's own size: no resampling.
      c2d.imageSmoothingEnabled = false;
      c2d.drawImage(img, 0, 0, canvas.width, canvas.height);
      const now = { url, frame, exact };
      markDrawn(figure, now);
      setDrawn(now);
      setError(null);
    };
    const picture = pictureOf(id, frame);
    if (playingHere) {
      if (picture) draw(picture, false);
      return;
    }
    const ready = cache.peek(url);
    if (ready) return draw(ready.bitmap, true);
    // Just paused: playback's picture of this frame until the exact one arrives.
    if (picture) draw(picture, false);
    let live = true;
    cache.get(url).then(
      (img) => live && draw(img.bitmap, true),
      (err: unknown) => live && setError(messageOf(err)),
    );
    return () => {
      live = false;
    };
  }, [cache, url, frame, playingHere, pictureOf, id]);

  const loading = loadingText(drawn, url, frame, playingHere);
  return (
    <figure
      ref={figureRef}
      className={`compare-pane${selected ? ' is-selected' : ''}${className ? ` ${className}` : ''}`}
      style={{ ...style, borderTopColor: pane.color }}
      data-testid="compare-pane"
      data-id={id}
      data-want={url}
      data-selected={selected || undefined}
    >
      <FrameStage ctx={ctx} canvasRef={canvasRef} pixels={pane.drawSize}>
        {pane.support.playable ? (
          <video
            ref={videoRef}
            className="compare-video"
            src={pane.fileUrl}
            muted
            playsInline
            preload="auto"
            data-testid="compare-video"
          />
        ) : null}
      </FrameStage>
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
      <PaneStatus loading={loading} error={error} frame={frame} />
    </figure>
  );
}
