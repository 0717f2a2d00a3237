import type { PointerEvent, ReactNode } from 'react';
import type { ComparePane } from './comparePane';
import { FramePane, type PaneContext } from './FramePane';

/** A (the source) under B, split by a draggable divider (wipe) or switched (flicker). */
export function StackView({
  mode,
  a,
  b,
  ctx,
  playing,
  videoRef,
  wipeAt,
  wipeVertical,
  onWipe,
  showB,
  onSelect,
}: {
  mode: 'wipe' | 'flicker';
  a: ComparePane;
  b: ComparePane;
  ctx: PaneContext;
  playing: boolean;
  videoRef: (id: string) => (el: HTMLVideoElement | null) => void;
  /** Divider position in % of the width (vertical) or height (horizontal). */
  wipeAt: number;
  wipeVertical: boolean;
  onWipe: (at: number) => void;
  showB: boolean;
  onSelect: (index: number) => void;
}): ReactNode {
  const onWipeDrag = (e: PointerEvent<HTMLDivElement>): void => {
    if (e.type === 'pointerdown') e.currentTarget.setPointerCapture(e.pointerId);
    else if (!e.currentTarget.hasPointerCapture(e.pointerId)) return;
    const box = e.currentTarget.parentElement?.getBoundingClientRect();
    if (!box || box.width <= 0 || box.height <= 0) return;
    const at = wipeVertical
      ? ((e.clientX - box.left) / box.width) * 100
      : ((e.clientY - box.top) / box.height) * 100;
    onWipe(Math.min(100, Math.max(0, at)));
  };
  const clip = wipeVertical ? `inset(0 0 0 ${wipeAt}%)` : `inset(${wipeAt}% 0 0 0)`;
  return (
    <div className="compare-stack" data-testid={`compare-${mode}`}>
      <FramePane
        key={a.candidate.id}
        pane={a}
        ctx={ctx}
        playing={playing}
        videoRef={videoRef(a.candidate.id)}
        selected={false}
        onSelect={() => onSelect(a.index)}
        badge="A"
        style={mode === 'flicker' && showB ? { visibility: 'hidden' } : undefined}
      />
      {/* Another B is another pane: its own canvas, video and record of what is drawn. */}
      <FramePane
        key={b.candidate.id}
        pane={b}
        ctx={ctx}
        playing={playing}
        videoRef={videoRef(b.candidate.id)}
        selected
        onSelect={() => onSelect(b.index)}
        badge="B"
        className={`compare-over${wipeVertical ? '' : ' is-horizontal'}`}
        style={mode === 'wipe' ? { clipPath: clip } : showB ? undefined : { visibility: 'hidden' }}
      />
      {mode === 'wipe' ? (
        <div
          className={`compare-divider${wipeVertical ? '' : ' is-horizontal'}`}
          style={wipeVertical ? { left: `${wipeAt}%` } : { top: `${wipeAt}%` }}
          role="separator"
          aria-orientation={wipeVertical ? 'vertical' : 'horizontal'}
          aria-valuenow={Math.round(wipeAt)}
          aria-label={
            wipeVertical ? 'Wipe position: A left, B right' : 'Wipe position: A above, B below'
          }
          onPointerDown={onWipeDrag}
          onPointerMove={onWipeDrag}
          data-testid="wipe-divider"
        />
      ) : null}
    </div>
  );
}
