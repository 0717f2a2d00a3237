import { useCallback, useEffect, useRef, useState } from 'react';
import { frameAtTime, seekTimeFor } from './playback';

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
}

/** Playback state and controls of the Compare view. */
export interface Playback {
  playing: boolean;
  /** Plays from the current frame, or pauses on the frame shown. */
  toggle: () => void;
  /** Pauses (no-op when paused) and shows the exact frame the videos stopped on. */
  pause: () => void;
  /** A stable ref callback for pane `id`'s `<video>`. */
  videoRef: (id: string) => (el: HTMLVideoElement | null) => void;
}

/** Resolves once `video` has finished seeking (or at once when it is not seeking). */
function seeked(video: HTMLVideoElement): Promise<void> {
  if (!video.seeking) return Promise.resolve();
  return new Promise((resolve) =>
    video.addEventListener('seeked', () => resolve(), { once: true }),
  );
}

/**
 * Plays the playable panes' `<video>`s in sync: the first is the leader; on each of its presented
 * frames (`requestVideoFrameCallback`) the viewer's frame follows its media time and followers that
 * drift more than half a frame are seeked back to it. Pausing converts the leader's media time to
 * the frame index through the frame timestamps, and the panes show exact server frames again.
 */
export function usePlayback(input: PlaybackInput): Playback {
  const [playing, setPlaying] = useState(false);
  const videos = useRef(new Map<string, HTMLVideoElement>());
  const refs = useRef(new Map<string, (el: HTMLVideoElement | null) => void>());
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

  const active = (): HTMLVideoElement[] =>
    latest.current.playableIds
      .map((id) => videos.current.get(id))
      .filter((v): v is HTMLVideoElement => v !== undefined);

  const pause = useCallback(() => {
    run.current++;
    const list = active();
    for (const v of list) v.pause();
    const leader = list[0];
    if (leader && playingRef.current) {
      const { times, fps, setFrame } = latest.current;
      setFrame(frameAtTime(leader.currentTime, times, fps));
    }
    playingRef.current = false;
    setPlaying(false);
  }, []);

  const play = useCallback(async () => {
    const list = active();
    const leader = list[0];
    if (!leader || !latest.current.allowed) return;
    const mine = ++run.current;
    const { frame, times, fps } = latest.current;
    const start = seekTimeFor(frame, times, fps);
    for (const v of list) v.currentTime = start;
    await Promise.all(list.map(seeked));
    if (mine !== run.current) return;
    playingRef.current = true;
    setPlaying(true);
    await Promise.all(list.map((v) => v.play().catch(() => undefined)));
    const halfFrame = (): number => {
      const f = latest.current.fps;
      return f && f > 0 ? 0.5 / f : 0.02;
    };
    const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
      if (mine !== run.current) return;
      const { times: t, fps: r, setFrame } = latest.current;
      setFrame(frameAtTime(meta.mediaTime, t, r));
      for (const v of active().slice(1)) {
        if (Math.abs(v.currentTime - meta.mediaTime) > halfFrame()) v.currentTime = meta.mediaTime;
        if (v.paused && !v.ended) v.play().catch(() => undefined);
      }
      leader.requestVideoFrameCallback(onFrame);
    };
    leader.requestVideoFrameCallback(onFrame);
    leader.addEventListener(
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

  // Difference and heatmap need exact frames: leaving a playable mode pauses.
  useEffect(() => {
    if (!input.allowed && playingRef.current) pause();
  }, [input.allowed, pause]);
  // Unmounting stops the videos' callbacks.
  useEffect(() => () => void run.current++, []);

  return { playing, toggle, pause, videoRef };
}
