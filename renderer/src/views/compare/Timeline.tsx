import type { ReactNode } from 'react';
import { matchedSpans, type FrameMatch } from '../../../../shared/frameMatch';
import type { FrameInfo } from '../../../../shared/frames';
import type { Shot } from '../../../../shared/shots';
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
  matches = [],
  shots = null,
  shotsError = null,
}: {
  /** The source's shots (scene cuts), or null while they load or where they failed. */
  shots?: readonly Shot[] | null;
  shotsError?: string | null;
  /** Panes matched to the source by their pictures: a row each under the track (see MatchRow). */
  matches?: readonly TimelineMatch[];
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
      <ShotRow
        shots={shots}
        error={shotsError}
        frame={frame}
        last={last}
        fps={fps}
        onSeek={onSeek}
      />
      {matches.map((m) => (
        <MatchRow key={m.id} match={m} last={last} />
      ))}
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
        {info?.hdrDisplay ? (
          <span
            className={`pill ${info.hdrDisplay.toneMapped ? '' : 'pill-warn'}`}
            title={info.hdrDisplay.note}
            data-testid="hdr-display"
            data-tone-mapped={info.hdrDisplay.toneMapped}
          >
            {info.hdrDisplay.toneMapped
              ? `HDR (${info.hdrDisplay.transfer.toUpperCase()}) tone-mapped for display`
              : `HDR (${info.hdrDisplay.transfer.toUpperCase()}) shown as stored`}
          </span>
        ) : null}
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

/** A pane matched to the source by its pictures, as the timeline draws it. */
export interface TimelineMatch {
  id: string;
  title: string;
  color: string;
  match: FrameMatch;
}

/**
 * Which source frames a matched pane shows, along the track: a bar in its colour where it has
 * them, a gap where it lacks them (before its start, dropped frames, after its end), and a tick
 * at each dropped frame.
 */
function MatchRow({ match: m, last }: { match: TimelineMatch; last: number }): ReactNode {
  const at = (f: number): string => `${last > 0 ? (Math.min(f, last) / last) * 100 : 0}%`;
  const spans = matchedSpans(m.match.mapping, m.match.dropped);
  const dropped = m.match.dropped;
  const step = Math.max(1, Math.ceil(dropped.length / MAX_TICKS));
  const first = m.match.mapping[0];
  return (
    <div
      className="compare-match-row"
      title={`${m.title}: frames matched to the source by their pictures (confidence ${m.match.confidence.toFixed(2)}); ${dropped.length} lacking, ${m.match.repeated.length} repeated${first ? `; its frame ${first.distStart} is the source's ${first.refStart}` : ''}`}
      data-testid="timeline-match"
      data-spans={spans.length}
      data-dropped={dropped.length}
    >
      {spans.map((sp) => (
        <span
          key={sp.from}
          className="compare-match-span"
          style={{
            left: at(sp.from),
            width: `calc(${at(sp.to + 1)} - ${at(sp.from)})`,
            background: m.color,
          }}
        />
      ))}
      {dropped
        .filter((_, i) => i % step === 0)
        .map((f) => (
          <span key={f} className="compare-match-drop" style={{ left: at(f) }} />
        ))}
    </div>
  );
}

/**
 * The source's shots along the track: a band each, the current one lit, a click seeks to a shot's
 * first frame. [ and ] step between them (useCompareKeys).
 */
function ShotRow({
  shots,
  error,
  frame,
  last,
  fps,
  onSeek,
}: {
  shots: readonly Shot[] | null;
  error: string | null;
  frame: number;
  last: number;
  fps: number | null;
  onSeek: (frame: number) => void;
}): ReactNode {
  if (!shots) {
    return (
      <div
        className="compare-shot-row compare-shot-row-empty muted small"
        data-testid="timeline-shots"
        data-state={error ? 'failed' : 'loading'}
      >
        {error ? `No shots: ${error}` : 'Finding the shots…'}
      </div>
    );
  }
  // Frames on the track as the scrubber and the keyframe ticks place them (frame `last` at 100 %).
  const at = (f: number): number => (last > 0 ? (Math.min(f, last) / last) * 100 : 0);
  const current = shots.findIndex((s) => frame >= s.start && frame < s.end);
  const cuts = shots.filter((s) => s.by === 'cut').length;
  return (
    <div
      className="compare-shot-row"
      data-testid="timeline-shots"
      data-state="ready"
      data-shots={shots.length}
      data-current={current}
      aria-label={`${shots.length} shots, ${cuts} scene cuts`}
    >
      {shots.map((s, i) => (
        <button
          type="button"
          key={s.start}
          className={`compare-shot${i === current ? ' is-current' : ''}${i % 2 ? ' is-odd' : ''}`}
          style={{ left: `${at(s.start)}%`, width: `${Math.max(0, at(s.end) - at(s.start))}%` }}
          title={`Shot ${i + 1}: frames ${s.start}–${s.end - 1}${fps ? ` (${((s.end - s.start) / fps).toFixed(2)} s)` : ''}${s.by === 'split' ? ', part of a longer shot' : ''}. Click to go to its first frame.`}
          onClick={() => onSeek(s.start)}
          tabIndex={-1}
          data-start={s.start}
        />
      ))}
    </div>
  );
}
