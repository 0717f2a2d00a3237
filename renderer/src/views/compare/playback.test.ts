import { describe, expect, it } from 'vitest';
import type { CompareMode } from './compareModel';
import {
  commonFrame,
  frameAtTime,
  frameTypeAt,
  modePlays,
  playbackSupport,
  secondsText,
  seekTimeFor,
  timeOfFrame,
} from './playback';

const media = (codec: string, container = 'mov,mp4,m4a,3gp,3g2,mj2', bitDepth = 8) => ({
  container,
  raw: null,
  video: { codec, bitDepth },
});

describe('playbackSupport', () => {
  it('plays H.264, VP9 and AV1 in MP4/WebM', () => {
    expect(playbackSupport(media('h264'))).toEqual({ playable: true });
    expect(playbackSupport(media('vp9', 'matroska,webm'))).toEqual({ playable: true });
    expect(playbackSupport(media('av1'))).toEqual({ playable: true });
  });
  it('says why HEVC, ProRes, raw and y4m are stepped instead', () => {
    expect(playbackSupport(media('hevc'))).toEqual({
      playable: false,
      reason: 'HEVC is not decoded by Chromium',
    });
    expect(playbackSupport(media('prores'))).toMatchObject({ reason: /ProRes/ });
    expect(playbackSupport(media('rawvideo', 'yuv4mpegpipe'))).toMatchObject({ playable: false });
    expect(
      playbackSupport({
        ...media('rawvideo', 'rawvideo'),
        raw: { width: 1, height: 1, pixFmt: 'yuv420p', fps: 1 },
      }),
    ).toMatchObject({ reason: 'raw video is not decoded by Chromium' });
    expect(playbackSupport(media('h264', 'h264'))).toMatchObject({ reason: /bare H\.264 stream/ });
    expect(playbackSupport(media('h264', 'mov,mp4', 10))).toMatchObject({ reason: /10-bit/ });
  });
  it('lets the browser veto a codec it lacks', () => {
    expect(playbackSupport(media('h264'), () => '')).toMatchObject({ playable: false });
    expect(playbackSupport(media('h264'), () => 'probably')).toEqual({ playable: true });
  });
});

describe('frame ↔ time', () => {
  // Variable frame rate: a long frame between 2 and 3.
  const times = [0, 0.04, 0.08, 0.2, 0.24];
  it('finds the frame on screen at a media time', () => {
    expect(frameAtTime(0, times, 25)).toBe(0);
    expect(frameAtTime(0.0385, times, 25)).toBe(0);
    expect(frameAtTime(0.04, times, 25)).toBe(1);
    expect(frameAtTime(0.15, times, 25)).toBe(2);
    expect(frameAtTime(0.21, times, 25)).toBe(3);
    expect(frameAtTime(9, times, 25)).toBe(4);
    expect(frameAtTime(-1, times, 25)).toBe(0);
    expect(frameAtTime(0.5, null, 25)).toBe(12);
    expect(frameAtTime(0.5, null, null)).toBe(0);
  });
  it('seeks into the middle of a frame’s display interval', () => {
    expect(seekTimeFor(2, times, 25)).toBeCloseTo(0.14);
    expect(seekTimeFor(4, times, 25)).toBeCloseTo(0.26);
    expect(seekTimeFor(3, null, 25)).toBeCloseTo(0.14);
    for (let i = 0; i < times.length; i++)
      expect(frameAtTime(seekTimeFor(i, times, 25), times, 25)).toBe(i);
  });
  it('gives timestamps and texts', () => {
    expect(timeOfFrame(3, times, 25)).toBe(0.2);
    expect(timeOfFrame(3, null, 25)).toBeCloseTo(0.12);
    expect(timeOfFrame(3, null, null)).toBeNull();
    expect(secondsText(3661.5)).toBe('01:01:01.500');
    expect(secondsText(null)).toBe('—');
    expect(frameTypeAt(1, 'IBP')).toBe('B');
    expect(frameTypeAt(5, 'IBP')).toBe('?');
    expect(frameTypeAt(0, undefined)).toBe('?');
  });
});

describe('commonFrame', () => {
  it('picks the newest frame every pane has, only if newer than the one shown', () => {
    expect(
      commonFrame(
        [
          [10, 11, 12, 13],
          [9, 10, 11, 12],
          [11, 12],
        ],
        9,
      ),
    ).toBe(12);
    // The slowest pane holds the others back: frame 13 waits until all have it.
    expect(commonFrame([[13, 14], [12]], 11)).toBeNull();
    expect(
      commonFrame(
        [
          [5, 6],
          [5, 6],
        ],
        6,
      ),
    ).toBeNull();
    expect(commonFrame([[7]], 3)).toBe(7);
    expect(commonFrame([], 0)).toBeNull();
  });
});

describe('modePlays', () => {
  it('plays side by side, wiped and flickered; difference and heatmap need exact frames', () => {
    const modes: CompareMode[] = ['side', 'wipe', 'flicker', 'diff', 'heatmap'];
    expect(modes.map(modePlays)).toEqual([true, true, true, false, false]);
  });
});
