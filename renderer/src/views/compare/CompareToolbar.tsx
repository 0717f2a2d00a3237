import type { ReactNode } from 'react';
import type { DiffChannel } from './compareImage';
import { ZOOM_STEPS, zoomText, type CompareMode, type Zoom } from './compareModel';

const MODES: readonly { mode: CompareMode; label: string; key: string }[] = [
  { mode: 'side', label: 'Side by side', key: 'S' },
  { mode: 'wipe', label: 'Wipe', key: 'W' },
  { mode: 'flicker', label: 'Flicker', key: 'F' },
  { mode: 'diff', label: 'Difference', key: 'D' },
  { mode: 'heatmap', label: 'Heatmap', key: 'H' },
];

const GAINS: readonly number[] = [1, 2, 4, 8, 16];
/** Automatic flicker rates in switches per second; 0 is off (F switches by hand). */
const FLICKER_RATES: readonly number[] = [0, 1, 2, 4, 8];

/** Everything the toolbar shows and changes. */
export interface ToolbarState {
  mode: CompareMode;
  twoUp: boolean;
  zoom: Zoom;
  showB: boolean;
  flickerHz: number;
  wipeVertical: boolean;
  gain: number;
  channel: DiffChannel;
  playing: boolean;
  /** Why play is unavailable, or null when it can play. */
  playOff: string | null;
  /** The selected pane's title (B). */
  selectedTitle: string | null;
}

/**
 * Modes, zoom, play and save, then the mode's own options: one row of fixed height that never
 * wraps, the options last, so switching modes moves nothing above or beside the viewer. The
 * options fit at 1280 px; only the name of pane B gives way (ellipsis) when space is short.
 */
export function CompareToolbar({
  s,
  set,
  onPlay,
  onSaveView,
}: {
  s: ToolbarState;
  set: (change: Partial<ToolbarState>) => void;
  onPlay: () => void;
  onSaveView: () => void;
}): ReactNode {
  const mode = s.mode;
  return (
    <div className="compare-toolbar" data-testid="compare-toolbar">
      <button
        type="button"
        className="button button-small"
        onClick={onPlay}
        disabled={!s.playing && s.playOff !== null}
        title={
          s.playOff ?? (s.playing ? 'Pause on the exact frame (Space)' : 'Play in sync (Space)')
        }
        data-testid="play-button"
      >
        {s.playing ? 'Pause' : 'Play'}
      </button>
      <div className="segmented" role="group" aria-label="Compare mode">
        {MODES.map((m) => (
          <button
            key={m.mode}
            type="button"
            className="segment"
            aria-pressed={mode === m.mode}
            disabled={!s.twoUp && m.mode !== 'side'}
            title={`${m.label} (${m.key})`}
            onClick={() => set({ mode: m.mode })}
            data-testid={`mode-${m.mode}`}
          >
            {m.label}
          </button>
        ))}
      </div>
      <div className="segmented" role="group" aria-label="Zoom">
        {ZOOM_STEPS.map((z) => (
          <button
            key={String(z)}
            type="button"
            className="segment"
            aria-pressed={s.zoom === z}
            onClick={() => set({ zoom: z })}
            data-testid={`zoom-${z === 'fit' ? 'fit' : z * 100}`}
          >
            {zoomText(z)}
          </button>
        ))}
      </div>
      <button
        type="button"
        className="button button-small compare-save-view"
        onClick={onSaveView}
        title="Save what the viewer shows as one PNG"
        data-testid="save-view"
      >
        Save view
      </button>
      <div className="compare-toolbar-options">
        {mode !== 'side' && s.selectedTitle ? (
          <span className="small muted" data-testid="b-pane">
            B = <strong>{s.selectedTitle}</strong> (1–4 to choose)
          </span>
        ) : null}
        {mode === 'wipe' ? (
          <button
            type="button"
            className="button button-small"
            onClick={() => set({ wipeVertical: !s.wipeVertical })}
            data-testid="wipe-orientation"
          >
            {s.wipeVertical ? 'Vertical split' : 'Horizontal split'}
          </button>
        ) : null}
        {mode === 'flicker' ? (
          <>
            <button
              type="button"
              className="button button-small"
              onClick={() => set({ showB: !s.showB })}
              data-testid="flicker-toggle"
            >
              Showing {s.showB ? 'B' : 'A'} · F to switch
            </button>
            <label className="inline-actions small">
              Auto
              <select
                className="input"
                value={s.flickerHz}
                onChange={(e) => set({ flickerHz: Number(e.target.value) })}
                data-testid="flicker-rate"
              >
                {FLICKER_RATES.map((r) => (
                  <option key={r} value={r}>
                    {r === 0 ? 'off' : `${r} /s`}
                  </option>
                ))}
              </select>
            </label>
          </>
        ) : null}
        {mode === 'diff' || mode === 'heatmap' ? (
          <label className="inline-actions small">
            Gain
            <select
              className="input"
              value={s.gain}
              onChange={(e) => set({ gain: Number(e.target.value) })}
              data-testid="diff-gain"
            >
              {GAINS.map((g) => (
                <option key={g} value={g}>
                  ×{g}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {mode === 'diff' ? (
          <div className="segmented" role="group" aria-label="Difference of">
            {(['rgb', 'luma'] as const).map((c) => (
              <button
                key={c}
                type="button"
                className="segment"
                aria-pressed={s.channel === c}
                onClick={() => set({ channel: c })}
                data-testid={`diff-${c}`}
              >
                {c === 'rgb' ? 'RGB' : 'Luma'}
              </button>
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
}
