import { describe, expect, it } from 'vitest';
import { PacketTimeline } from './verifyJoined';

/** ffprobe lines of frames at pts (ticks of 1/12800, 512 a frame at 25 fps), keyframes marked. */
function timeline(pts: number[], keys: number[], dts?: number[]): PacketTimeline {
  const t = new PacketTimeline();
  pts.forEach((p, i) =>
    t.addLine(`packet|pts=${p}|dts=${dts?.[i] ?? p}|flags=${keys.includes(i) ? 'K_' : '__'}`),
  );
  t.addLine('stream|time_base=1/12800');
  return t;
}

const frames = (n: number): number[] => Array.from({ length: n }, (_, i) => i * 512);

describe('PacketTimeline', () => {
  it('finds nothing wrong with an even timeline that has keyframes at the boundaries', () => {
    expect(timeline(frames(100), [0, 50]).problems(100, [0, 50])).toEqual([]);
  });

  it('reads frames in presentation order (B-frames come after the frame they precede)', () => {
    const pts = [0, 1536, 512, 1024, 2048];
    const dts = [-1024, -512, 0, 512, 1024];
    expect(timeline(pts, [0], dts).problems(5, [0])).toEqual([]);
  });

  it('names a wrong frame count', () => {
    expect(timeline(frames(90), [0]).problems(100, [0])).toEqual([
      'The joined file has 90 frames; the title has 100 (a chunk is missing, in twice or cut short).',
    ]);
  });

  it('names a gap and an overlap in presentation times', () => {
    const gap = [...frames(50), ...frames(50).map((p) => p + 51 * 512)];
    expect(timeline(gap, [0, 50]).problems(100, [0, 50])).toEqual([
      'Frames are not evenly spaced: 2 frame intervals after frame 49 (1.96 s).',
    ]);
    const overlap = [...frames(50), ...frames(50).map((p) => p + 49 * 512)];
    const problems = timeline(overlap, [0, 50]).problems(100, [0, 50]);
    expect(problems).toContain(
      'Two frames share one presentation time: frame 50 (1.96 s) (chunks overlap).',
    );
    expect(problems.join('\n')).toMatch(/Decoding times do not increase at 1\.96 s/);
  });

  it('names a boundary without a keyframe or past the end, and lists at most five of a kind', () => {
    expect(timeline(frames(100), [0]).problems(100, [0, 50, 100])).toEqual([
      'A chunk does not start on a keyframe: frame 50, 100 (past the last frame).',
    ]);
    expect(timeline(frames(100), [0]).problems(100, [10, 20, 30, 40, 50, 60, 70])).toEqual([
      'A chunk does not start on a keyframe: frame 10, 20, 30, 40, 50 and 2 more.',
    ]);
  });

  it('refuses frames without presentation times', () => {
    const t = new PacketTimeline();
    t.addLine('packet|pts=N/A|dts=0|flags=K_');
    expect(t.problems(1, [0])).toEqual([
      'Some frames of the joined file have no presentation time.',
    ]);
  });
});
