import {
  useEffect,
  useLayoutEffect,
  useRef,
  type PointerEvent,
  type ReactNode,
  type UIEvent,
} from 'react';
import { anchoredScroll, type Zoom } from './compareModel';

/** Every pan scroller of the page follows the one the user scrolls or drags (synced pan). */
function syncScroll(from: HTMLElement): void {
  for (const el of document.querySelectorAll<HTMLElement>('.compare-scroll')) {
    if (el === from) continue;
    if (el.scrollLeft !== from.scrollLeft) el.scrollLeft = from.scrollLeft;
    if (el.scrollTop !== from.scrollTop) el.scrollTop = from.scrollTop;
  }
}

/** A wheel zoom request: the source pixel under the cursor and where the cursor is in the box. */
export interface ZoomAnchor {
  /** The zoom this anchor was made for; applied once that zoom is drawn. */
  zoom: Zoom;
  /** Source pixel (fractional) under the cursor. */
  pixel: { x: number; y: number };
  /** Cursor position inside the scroll box. */
  cursor: { x: number; y: number };
}

/** The scale 'fit' shows a w×h frame at in the first pane (contained in its box). */
export function currentFitScale(w: number, h: number): number {
  const box = document.querySelector<HTMLElement>('.compare-scroll');
  if (!box || w <= 0 || h <= 0 || box.clientHeight <= 0) return 1;
  return Math.min(box.clientWidth / w, box.clientHeight / h);
}

/**
 * A scroll box around a frame: drag to pan when zoomed, Ctrl+wheel (or a pinch) zooms at the
 * cursor; all panes pan together.
 */
export function PanScroller({
  zoom,
  frameSize,
  anchor,
  onWheelZoom,
  children,
}: {
  zoom: Zoom;
  frameSize: { width: number; height: number };
  anchor: ZoomAnchor | null;
  /** Ctrl+wheel: one zoom step in (+1) or out (−1) keeping `pixel` under `cursor`. */
  onWheelZoom: (
    direction: 1 | -1,
    pixel: { x: number; y: number },
    cursor: { x: number; y: number },
  ) => void;
  children: ReactNode;
}): ReactNode {
  const boxRef = useRef<HTMLDivElement>(null);
  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
  const wheelSum = useRef(0);
  const onZoomRef = useRef(onWheelZoom);
  useEffect(() => {
    onZoomRef.current = onWheelZoom;
  });

  // React's onWheel is passive; stopping the page from scrolling needs a listener of our own.
  useEffect(() => {
    const box = boxRef.current;
    if (!box) return;
    const onWheel = (e: WheelEvent): void => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      wheelSum.current += e.deltaY;
      // Trackpads send many small deltas: one step per notch-worth of scrolling.
      if (Math.abs(wheelSum.current) < 40) return;
      const direction = wheelSum.current < 0 ? 1 : -1;
      wheelSum.current = 0;
      const canvas = box.querySelector('canvas');
      if (!canvas) return;
      const r = canvas.getBoundingClientRect();
      const scale = Math.min(r.width / frameSize.width, r.height / frameSize.height);
      const left = r.left + (r.width - frameSize.width * scale) / 2;
      const top = r.top + (r.height - frameSize.height * scale) / 2;
      const b = box.getBoundingClientRect();
      onZoomRef.current(
        direction,
        { x: (e.clientX - left) / scale, y: (e.clientY - top) / scale },
        { x: e.clientX - b.left, y: e.clientY - b.top },
      );
    };
    box.addEventListener('wheel', onWheel, { passive: false });
    return () => box.removeEventListener('wheel', onWheel);
  }, [frameSize.width, frameSize.height]);

  useLayoutEffect(() => {
    const box = boxRef.current;
    if (!box || !anchor || anchor.zoom !== zoom || zoom === 'fit') return;
    const to = anchoredScroll(anchor.pixel, anchor.cursor, zoom);
    box.scrollLeft = to.left;
    box.scrollTop = to.top;
  }, [anchor, zoom]);

  const onPointerDown = (e: PointerEvent<HTMLDivElement>): void => {
    if (zoom === 'fit' || e.button !== 0) return;
    const el = e.currentTarget;
    drag.current = { x: e.clientX, y: e.clientY, left: el.scrollLeft, top: el.scrollTop };
    el.setPointerCapture(e.pointerId);
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>): void => {
    const d = drag.current;
    if (!d) return;
    const el = e.currentTarget;
    el.scrollLeft = d.left - (e.clientX - d.x);
    el.scrollTop = d.top - (e.clientY - d.y);
  };
  const onPointerUp = (): void => {
    drag.current = null;
  };
  return (
    <div
      ref={boxRef}
      className={`compare-scroll${zoom === 'fit' ? ' is-fit' : ' is-zoomed'}`}
      onScroll={(e: UIEvent<HTMLDivElement>) => syncScroll(e.currentTarget)}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={onPointerUp}
    >
      {children}
    </div>
  );
}
