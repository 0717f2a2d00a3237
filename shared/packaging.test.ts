import { describe, expect, it } from 'vitest';
import {
  checkAlignment,
  defaultSegmentSeconds,
  describeGops,
  fixedGopSeconds,
  mediaPlaylist,
  peakBitrate,
  type RenditionKeyframes,
} from './packaging';

const every = (rungId: string, gop: number, duration: number, fps = 25): RenditionKeyframes => ({
  rungId,
  keyframes: Array.from({ length: Math.ceil(duration / gop) }, (_, i) => i * gop),
  durationSeconds: duration,
  frameSeconds: 1 / fps,
});

describe('segment alignment', () => {
  it('accepts segments that are GOP multiples, and names the rung and why otherwise', () => {
    const ok = [every('a', 2, 20), every('b', 1, 20)];
    expect(checkAlignment(ok, 4)).toEqual([]);
    expect(checkAlignment(ok, 2)).toEqual([]);
    expect(checkAlignment([every('c', 2.4, 20)], 4)).toEqual([
      {
        rungId: 'c',
        reason: 'the segment length (4 s) is not a multiple of its GOP (2.4 s, 60 frames)',
      },
    ]);
    // A keyframe one frame (40 ms) off the boundary does not count: the tolerance is half a frame.
    const off = { ...every('d', 2, 10), keyframes: [0, 2.04, 4, 6, 8] };
    expect(checkAlignment([off], 2)[0]!.reason).toBe(
      'no keyframe at 2 s (the nearest: 0 s and 2.04 s)',
    );
    const late = { ...every('e', 2, 10), keyframes: [0, 2, 4, 6, 8], durationSeconds: 10 };
    expect(checkAlignment([late], 4)).toEqual([]);
    expect(checkAlignment([{ ...late, keyframes: [0.2, 2, 4] }], 2)[0]!.reason).toBe(
      'its first frame is not a keyframe',
    );
    expect(checkAlignment([{ ...every('f', 2, 8), openGopAt: 2 }], 2)[0]!.reason).toMatch(
      /^its GOPs are open/,
    );
  });

  it('checks a two-hour title with a keyframe on every frame quickly', () => {
    const intra: RenditionKeyframes = {
      rungId: 'intra',
      keyframes: Array.from({ length: 180_000 }, (_, i) => i / 25),
      durationSeconds: 7200,
      frameSeconds: 0.04,
    };
    expect(checkAlignment([intra], 4)).toEqual([]);
    expect(defaultSegmentSeconds([intra])).toBe(4);
  });

  it('chooses the GOP multiple nearest 4 s that every rung allows, else the one the fewest refuse', () => {
    expect(defaultSegmentSeconds([every('a', 2, 30)])).toBe(4);
    expect(defaultSegmentSeconds([every('a', 3, 30)])).toBe(3);
    expect(defaultSegmentSeconds([every('a', 2, 30), every('b', 3, 30)])).toBe(6);
    // One odd rung out of three: a length the other two allow, so the odd one is named.
    const odd = [every('a', 2, 30), every('b', 2, 30), every('c', 2.4, 30)];
    const s = defaultSegmentSeconds(odd);
    expect(checkAlignment(odd, s).map((p) => p.rungId)).toEqual(['c']);
    expect(describeGops(odd)).toBe('a 2 s, b 2 s, c 2.4 s');
    expect(fixedGopSeconds({ ...every('x', 2, 10), keyframes: [0, 2, 3, 6] })).toBeNull();
  });
});

describe('playlists', () => {
  it('measures BANDWIDTH over runs of 0.5–1.5 target durations, so a short last segment is not a peak', () => {
    const segs = [
      { seconds: 4, bytes: 500_000 },
      { seconds: 4, bytes: 600_000 },
      { seconds: 0.2, bytes: 100_000 },
    ];
    // The last 0.2 s alone would be 4 Mb/s; with the one before it (4.2 s) it is 1.33 Mb/s.
    expect(peakBitrate(segs, 4)).toBe(Math.ceil((700_000 * 8) / 4.2));
    expect(peakBitrate([{ seconds: 1, bytes: 1000 }], 4)).toBe(8000);
  });

  it('writes TARGETDURATION at least every rounded EXTINF', () => {
    const text = mediaPlaylist({
      dir: 'v0',
      codecs: 'avc1.64001f',
      timescale: 1000,
      segments: [
        { file: 'seg-00000.m4s', t: 0, d: 4000, bytes: 1 },
        { file: 'seg-00001.m4s', t: 4000, d: 4600, bytes: 1 },
      ],
      peakBps: 1,
      averageBps: 1,
    });
    expect(text).toContain('#EXT-X-TARGETDURATION:5\n');
    expect(text).toContain('#EXTINF:4.600000,\nseg-00001.m4s\n');
    expect(text).toMatch(/#EXT-X-MAP:URI="init.mp4"\n[\s\S]*#EXT-X-ENDLIST\n$/);
  });
});
