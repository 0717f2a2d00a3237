import { useCallback, useEffect, useRef, useState } from 'react';
import { FrameRing } from './frameRing';
import { commonFrame, frameAtTime, seekTimeFor } from './playback';

/** What playback needs to know of the panes and the clip. */
export interface PlaybackInput {
  /** Ids of the panes that can play, leader first. */
  playableIds: readonly string[];
  frame: number;
  setFrame: (frame: number) => void;
  times: readonly number[] | null;
  fps: number | null;
  /** False in modes that need exact frames (difference, heatmap). */
  allowed: boolean;
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
 * `VideoFrame`, whose own timestamp names it; the callback's media time is the fallback.
 */
function presented(
  video: HTMLVideoElement,
  meta: VideoFrameCallbackMetadata,
): { picture: CanvasImageSource; mediaTime: number } {
  if (typeof VideoFrame === 'undefined') return { picture: video, mediaTime: meta.mediaTime };
  try {
    const frame = new VideoFrame(video);
    return { picture: frame, mediaTime: frame.timestamp / 1e6 };
  } catch {
    return { picture: video, mediaTime: meta.mediaTime };
  }
}

/** A follower this many frames away from the leader is seeked back to it. */
const DRIFT_FRAMES = 2;

/**
 * Plays the playable panes' `<video>`s in sync. Each video's presented pictures are kept by frame
 * number (`requestVideoFrameCallback`, see frameRing.ts); the viewer's frame advances only to a
 * frame every pane has presented, and the panes draw that frame's pictures — so the counter never
 * names a frame a pane does not show, and a slow pane drops frames for all rather than drifting.
 * A follower that falls behind or runs ahead of the leader is seeked back to it. Pausing keeps the
 * frame on screen; the panes then fetch that exact frame from the frame server.
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
  const playingRef = useRef(false);

  const videoRef = useCallback((id: string) => {
    let ref = refs.current.get(id);
    if (!ref) {
      ref = (el) => {
        if (el) videos.current.set(id, el);
        else videos.current.delete(id);
      };
      refs.current.set(id, ref);
    }
    return ref;
  }, []);

  const active = (): [string, HTMLVideoElement][] =>
    latest.current.playableIds
      .map((id): [string, HTMLVideoElement | undefined] => [id, videos.current.get(id)])
      .filter((e): e is [string, HTMLVideoElement] => e[1] !== undefined);

  const pause = useCallback(() => {
    run.current++;
    for (const [, v] of active()) v.pause();
    playingRef.current = false;
    setPlaying(false);
  }, []);

  const play = useCallback(async () => {
    const list = active();
    const leader = list[0];
    if (!leader || !latest.current.allowed) return;
    const mine = ++run.current;
    const { frame, times, fps, size } = latest.current;
    const start = seekTimeFor(frame, times, fps);
    for (const [, v] of list) v.currentTime = start;
    await Promise.all(list.map(([, v]) => seeked(v)));
    if (mine !== run.current) return;
    rings.current = new Map(list.map(([id]) => [id, new FrameRing(size.width, size.height)]));
    let shown = frame;
    const newest = new Map<string, number>();
    playingRef.current = true;
    setPlaying(true);

    const onFrame =
      (id: string, video: HTMLVideoElement) =>
      (_now: number, meta: VideoFrameCallbackMetadata): void => {
        if (mine !== run.current) return;
        const { times: t, fps: r, setFrame } = latest.current;
        const { picture, mediaTime } = presented(video, meta);
        const f = frameAtTime(mediaTime, t, r);
        rings.current.get(id)?.capture(picture, f);
        if (picture !== video) (picture as VideoFrame).close();
        newest.set(id, f);
        const all = list.map(([pane]) => rings.current.get(pane)?.frames() ?? []);
        const next = commonFrame(all, shown);
        if (next !== null) {
          shown = next;
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
    leader[1].addEventListener(
      'ended',
      () => {
        if (mine === run.current) pause();
      },
      { once: true },
    );
  }, [pause]);

  const toggle = useCallback(() => {
    if (playingRef.current) pause();
    else void play();
  }, [pause, play]);

  const pictureOf = useCallback(
    (id: string, frame: number) => rings.current.get(id)?.picture(frame) ?? null,
    [],
  );

  // Difference and heatmap need exact frames: leaving a playable mode pauses.
  useEffect(() => {
    if (!input.allowed && playingRef.current) pause();
  }, [input.allowed, pause]);
  // Unmounting stops the videos' callbacks.
  useEffect(() => () => void run.current++, []);

  return { playing, toggle, pause, videoRef, pictureOf };
}
