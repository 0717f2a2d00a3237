import type { ReactNode, Ref } from 'react';
import type { DiffChannel, YuvMatrix } from './compareImage';
import type { CompareMode } from './compareModel';
import type { ComparePane } from './comparePane';
import { DiffPane } from './DiffPane';
import { FramePane, type PaneContext } from './FramePane';
import { StackView } from './StackView';
import type { Playback } from './usePlayback';

/** The panes as the mode lays them out: a grid, a wipe/flicker stack, or one computed image. */
export function CompareStage({
  ref,
  mode,
  panes,
  a,
  b,
  ctx,
  playback,
  selectedIndex,
  onSelect,
  opts,
  wipeAt,
  onWipe,
  matrix,
}: {
  ref: Ref<HTMLDivElement>;
  mode: CompareMode;
  panes: readonly ComparePane[];
  /** The source pane. */
  a: ComparePane;
  /** The selected pane (B), null with the source alone. */
  b: ComparePane | null;
  ctx: PaneContext;
  playback: Playback;
  selectedIndex: number;
  onSelect: (index: number) => void;
  opts: { gain: number; channel: DiffChannel; wipeVertical: boolean; showB: boolean };
  wipeAt: number;
  onWipe: (at: number) => void;
  matrix: YuvMatrix;
}): ReactNode {
  return (
    <div className="compare-stage" ref={ref}>
      {mode === 'side' || !b ? (
        <div className={`compare-grid compare-grid-${Math.min(panes.length, 4)}`}>
          {panes.map((p) => (
            <FramePane
              key={p.candidate.id}
              pane={p}
              ctx={ctx}
              playing={playback.playing}
              videoRef={playback.videoRef(p.candidate.id)}
              selected={p.index === selectedIndex}
              onSelect={() => onSelect(p.index)}
            />
          ))}
        </div>
      ) : mode === 'diff' || mode === 'heatmap' ? (
        <div className="compare-grid compare-grid-1">
          <DiffPane
            a={a}
            b={b}
            ctx={ctx}
            kind={mode}
            gain={opts.gain}
            channel={opts.channel}
            matrix={matrix}
          />
        </div>
      ) : (
        <StackView
          mode={mode}
          a={a}
          b={b}
          ctx={ctx}
          playing={playback.playing}
          videoRef={playback.videoRef}
          wipeAt={wipeAt}
          wipeVertical={opts.wipeVertical}
          onWipe={onWipe}
          showB={opts.showB}
          onSelect={onSelect}
        />
      )}
    </div>
  );
}
