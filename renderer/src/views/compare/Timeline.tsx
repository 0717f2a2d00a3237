import type { ReactNode } from 'react';
import type { FrameInfo } from '../../../../shared/frames';
import { frameTypeAt, secondsText, timeOfFrame } from './playback';

/** Keyframe ticks drawn at most; a long clip's ticks would merge into a bar anyway. */
const MAX_TICKS = 400;

/**
 * The scrubber under the viewer: frame number, timecode (from the frame index's own timestamps,
 * so VFR is right), the frame's picture type, and a tick per keyframe.
 */
export function Timeline({
  frame,
  frameCount,
  info,
  infoError,
  fps,
  playing,
  onSeek,
}: {
  frame: number;
  frameCount: number;
  /** The source's frame index; null while it loads or where it failed. */
  info: FrameInfo | null;
  /** Why the frame index is missing, if it failed. */
  infoError: string | null;
  fps: number | null;
  playing: boolean;
  onSeek: (frame: number) => void;
}): ReactNode {
  const last = Math.max(0, frameCount - 1);
  const keyframes = info?.keyframes ?? [];
  const step = Math.max(1, Math.ceil(keyframes.length / MAX_TICKS));
  const type = frameTypeAt(frame, info?.types);
  return (
    <div className="compare-timeline" data-testid="compare-timeline">
      <div className="compare-timeline-track">
        <div className="compare-ticks" aria-hidden="true">
          {keyframes
            .filter((_, i) => i % step === 0)
            .map((k) => (
              <span
                key={k}
                className="compare-tick"
                style={{ left: `${last > 0 ? (k / last) * 100 : 0}%` }}
              />
            ))}
        </div>
        <input
          type="range"
          className="compare-scrubber"
          min={0}
          max={last}
          step={1}
          value={frame}
          aria-label="Frame"
          onChange={(e) => onSeek(Number(e.target.value))}
          data-testid="timeline-scrubber"
        />
      </div>
      <div className="compare-timeline-facts">
        <span>
          Frame <strong data-testid="frame-number">{frame}</strong>
          <span className="muted"> / {last}</span>
        </span>
        <span className="mono" data-testid="timecode">
          {secondsText(timeOfFrame(frame, info?.times ?? null, fps))}
        </span>
        <span
          className={`compare-frame-type type-${type}`}
          title="Picture type of this frame, as the decoder reports it"
          data-testid="frame-type"
        >
          {type === '?' ? 'type ?' : `${type} frame`}
        </span>
        {playing ? <span className="pill">Playing</span> : null}
        {info ? null : infoError ? (
          <span className="compare-error" role="alert" title={infoError}>
            No frame index (timecode from the frame rate, no frame types): {infoError}
          </span>
        ) : (
          <span className="muted small">Reading the frame index…</span>
        )}
      </div>
    </div>
  );
}
