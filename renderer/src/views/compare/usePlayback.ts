import { useCallback, useEffect, useRef, useState } from 'react';
import { FrameRing } from './frameRing';
import type { CompareMode } from './compareModel';
import { commonFrame, frameAtTime, modePlays, seekTimeFor } from './playback';

/** What playback needs to know of the panes and the clip. */
export interface PlaybackInput {
  /** Ids of the panes that can play, leader first. */
  playableIds: readonly string[];
  frame: number;
  setFrame: (frame: number) => void;
  times: readonly number[] | null;
  fps: number | null;
  /** The viewer's mode: difference and heatmap need exact frames and do not play. */
  mode: CompareMode;
  /** The size panes draw frames at (the source's display size). */
  size: { width: number; height: number };
}

/** Playback state and controls of the Compare view. */
export interface Playback {
  playing: boolean;
  /** Plays from the current frame, or pauses on the frame shown. */
  toggle: () => void;
  /** Pauses (no-op when paused); the counter stays on the frame every pane shows. */
  pause: () => void;
  /** A stable ref callback for pane `id`'s `<video>`. */
  videoRef: (id: string) => (el: HTMLVideoElement | null) => void;
  /** During playback, the picture pane `id` presented for frame `frame` (the counter's), if held. */
  pictureOf: (id: string, frame: number) => HTMLCanvasElement | null;
}

/** Resolves once `video` has finished seeking (or at once when it is not seeking). */
function seeked(video: HTMLVideoElement): Promise<void> {
  if (!video.seeking) return Promise.resolve();
  return new Promise((resolve) =>
    video.addEventListener('seeked', () => resolve(), { once: true }),
  );
}

/**
 * The picture `video` shows now and its media time. By the time a frame callback runs on a busy
 * machine the video may already show the next frame, so the picture is taken as a WebCodecs
 * `VideoFrame`, whose own timestamp names it; the callback's media time is the fallback. `close`
 * frees the `VideoFrame` (call it once the picture is copied, also when copying throws).
 */
function presented(
  video: HTMLVideoElement,
  meta: VideoFrameCallbackMetadata,
): { picture: CanvasImageSource; mediaTime: number; close: () => void } {
  const own = { picture: video, mediaTime: meta.mediaTime, close: () => undefined };
  if (typeof VideoFrame === 'undefined') return own;
  try {
    const frame = new VideoFrame(video);
    return { picture: frame, mediaTime: frame.timestamp / 1e6, close: () => frame.close() };
  } catch {
    return own;
  }
}

/** A follower this many frames away from the leader is seeked back to it. */
const DRIFT_FRAMES = 2;

/** Where playback is: paused, seeking the videos to the start frame, or playing. */
type Phase = 'paused' | 'starting' | 'playing';

/**
 * Plays the playable panes' `<video>`s in sync. Each video's presented pictures are kept by frame
 * number (`requestVideoFrameCallback`, see frameRing.ts); the viewer's frame advances only to a
 * frame every pane has presented, and the panes draw that frame's pictures — so the counter never
 * names a frame a pane does not show, and a slow pane drops frames for all rather than drifting.
 * A follower that falls behind or runs ahead of the leader is seeked back to it. Pausing keeps the
 * frame on screen; the panes then fetch that exact frame from the frame server. Changing which
 * panes play or the mode, or a pane's `<video>` coming or going, pauses: a run plays the videos
 * it started with, and a detached video presents no more frames.
 */
export function usePlayback(input: PlaybackInput): Playback {
  const [playing, setPlaying] = useState(false);
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const refs = useRef(new Map<string, (el: HTMLVideoElement | null) => void>());
  const rings = useRef(new Map<string, FrameRing>());
  const latest = useRef(input);
  useEffect(() => {
    latest.current = input;
  });
  const run = useRef(0);
  // 'starting' from the first press on, so a second press while the videos seek pauses.
  const phase = useRef<Phase>('paused');
  /** The frame the panes show during playback: the counter's, or the one it is about to name. */
  const shown = useRef<number | null>(null);
  /** Removes the current run's `ended` listener from its leading video (set while playing). */
  const offEnded = useRef<(() => void) | null>(null);

  const active = useCallback(
    (): [string, HTMLVideoElement][] =>
      latest.current.playableIds
        .map((id): [string, HTMLVideoElement | undefined] => [id, videos.current.get(id)])
        .filter((e): e is [string, HTMLVideoElement] => e[1] !== undefined),
    [],
  );

  const pause = useCallback(() => {
    const was = phase.current;
    // Frame callbacks of the run that ends do nothing from here on.
    run.current++;
    phase.current = 'paused';
    offEnded.current?.();
    offEnded.current = null;
    for (const [, v] of active()) v.pause();
    setPlaying(false);
    // A frame callback's setFrame may still be pending (it is not urgent; a key press is): this
    // update comes after it and wins, so the counter stays on the frame the panes show.
    if (was === 'playing' && shown.current !== null) latest.current.setFrame(shown.current);
    shown.current = null;
  }, [active]);

  const videoRef = useCallback(
    (id: string) => {
      let ref = refs.current.get(id);
      if (!ref) {
        ref = (el) => {
          const had = videos.current.get(id) ?? null;
          if (el) videos.current.set(id, el);
          else videos.current.delete(id);
          if (el !== had && phase.current !== 'paused') pause();
        };
        refs.current.set(id, ref);
      }
      return ref;
    },
    [pause],
  );

  const play = useCallback(async () => {
    const list = active();
    const leader = list[0];
    const { frame, times, fps, size, mode } = latest.current;
    if (!leader || !modePlays(mode)) return;
    const mine = ++run.current;
    phase.current = 'starting';
    const start = seekTimeFor(frame, times, fps);
    for (const [, v] of list) v.currentTime = start;
    await Promise.all(list.map(([, v]) => seeked(v)));
    if (mine !== run.current) return;
    rings.current = new Map(list.map(([id]) => [id, new FrameRing(size.width, size.height)]));
    shown.current = frame;
    const newest = new Map<string, number>();
    phase.current = 'playing';
    setPlaying(true);

    const onFrame =
      (id: string, video: HTMLVideoElement) =>
      (_now: number, meta: VideoFrameCallbackMetadata): void => {
        if (mine !== run.current) return;
        const { times: t, fps: r, setFrame } = latest.current;
        const { picture, mediaTime, close } = presented(video, meta);
        const f = frameAtTime(mediaTime, t, r);
        try {
          rings.current.get(id)?.capture(picture, f);
        } finally {
          close();
        }
        newest.set(id, f);
        const all = list.map(([pane]) => rings.current.get(pane)?.frames() ?? []);
        const next = commonFrame(all, shown.current ?? frame);
        if (next !== null) {
          shown.current = next;
          for (const ring of rings.current.values()) ring.pin(next);
          setFrame(next);
        }
        const lead = newest.get(leader[0]);
        if (
          video !== leader[1] &&
          lead !== undefined &&
          Math.abs(f - lead) >= DRIFT_FRAMES &&
          !video.seeking
        ) {
          video.currentTime = leader[1].currentTime;
        }
        if (video.paused && !video.ended && !leader[1].paused) video.play().catch(() => undefined);
        video.requestVideoFrameCallback(onFrame(id, video));
      };
    for (const [id, v] of list) v.requestVideoFrameCallback(onFrame(id, v));
    await Promise.all(list.map(([, v]) => v.play().catch(() => undefined)));
    if (mine !== run.current) return;
    const leadVideo = leader[1];
    const onEnded = (): void => {
      if (mine === run.current) pause();
    };
    leadVideo.addEventListener('ended', onEnded, { once: true });
    offEnded.current = () => leadVideo.removeEventListener('ended', onEnded);
  }, [active, pause]);

  const toggle = useCallback(() => {
    if (phase.current === 'paused') void play();
    else pause();
  }, [pause, play]);

  const pictureOf = useCallback(
    (id: string, frame: number) => rings.current.get(id)?.picture(frame) ?? null,
    [],
  );

  // Other panes or another mode (difference and heatmap need exact frames) pause playback.
  const playableKey = input.playableIds.join('\n');
  useEffect(() => {
    if (phase.current !== 'paused') pause();
  }, [playableKey, input.mode, pause]);
  // Unmounting stops the videos' callbacks.
  useEffect(() => () => void run.current++, []);

  return { playing, toggle, pause, videoRef, pictureOf };
}
