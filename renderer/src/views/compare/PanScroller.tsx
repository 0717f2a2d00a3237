import { useRef, type PointerEvent, type ReactNode, type UIEvent } from 'react';
import type { Zoom } from './compareModel';

/** Every pan scroller of the page follows the one the user scrolls or drags (synced pan). */
function syncScroll(from: HTMLElement): void {
  for (const el of document.querySelectorAll<HTMLElement>('.compare-scroll')) {
    if (el === from) continue;
    if (el.scrollLeft !== from.scrollLeft) el.scrollLeft = from.scrollLeft;
    if (el.scrollTop !== from.scrollTop) el.scrollTop = from.scrollTop;
  }
}

/** A scroll box around a zoomed frame: drag to pan; all panes pan together. */
export function PanScroller({ zoom, children }: { zoom: Zoom; children: ReactNode }): ReactNode {
  const drag = useRef<{ x: number; y: number; left: number; top: number } | null>(null);
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
