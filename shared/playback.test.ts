import { describe, expect, it } from 'vitest';
import type { PackageSummary, PackageVariant } from './packaging';
import {
  BUILT_IN_PROFILES,
  NetworkProfileSchema,
  meanOver,
  parseTrace,
  rateAt,
  seriesOfResult,
  summarizePlayback,
  type PlaybackReport,
} from './playback';

const variant = (rungId: string, averageBps: number): PackageVariant => ({
  dir: rungId,
  codecs: 'avc1.64001e',
  timescale: 12800,
  segments: [],
  peakBps: averageBps,
  averageBps,
  rungId,
  sourceFile: `/x/${rungId}.mp4`,
  codec: 'h264',
  width: 640,
  height: 360,
  frameRateText: '10/1',
  frameRate: 10,
});

const pkg: Pick<PackageSummary, 'id' | 'variants' | 'durationSeconds'> = {
  id: 'p1',
  durationSeconds: 4,
  variants: [variant('low', 100_000), variant('high', 1_000_000)],
};

const report = (over: Partial<PlaybackReport>): PlaybackReport => ({
  packageId: 'p1',
  profile: BUILT_IN_PROFILES[0]!,
  forcedVariant: null,
  shown: [],
  switches: [],
  stalls: [],
  buffer: [],
  startupSeconds: 0.4,
  wallSeconds: 5,
  ...over,
});

// 10 fps, 4 s: low scores 50 on every frame, high 90 but 70 on its last second.
const times = Array.from({ length: 40 }, (_, i) => i / 10);
const low = { times, vmaf: Array.from({ length: 40 }, () => 50) };
const high = { times, vmaf: Array.from({ length: 40 }, (_, i) => (i >= 30 ? 70 : 90)) };

describe('network profiles', () => {
  it('gives the rate of the step in force', () => {
    const step = BUILT_IN_PROFILES.find((p) => p.name.startsWith('Step down'))!;
    expect(rateAt(step, 0)).toBe(8000);
    expect(rateAt(step, 5.99)).toBe(8000);
    expect(rateAt(step, 6)).toBe(600);
    expect(rateAt(BUILT_IN_PROFILES[0]!, 100)).toBeNull();
    for (const p of BUILT_IN_PROFILES) expect(NetworkProfileSchema.safeParse(p).success).toBe(true);
    const unordered = {
      name: 'x',
      steps: [
        { atSeconds: 5, kbps: 100 },
        { atSeconds: 1, kbps: 200 },
      ],
    };
    expect(NetworkProfileSchema.safeParse(unordered).success).toBe(false);
  });

  it('reads a recorded trace, from its first line, and names the line that is wrong', () => {
    const t = parseTrace('drive', 'seconds,kbps\n# recorded\n10,4000\n11 3500\n12;800\n');
    expect(t).toEqual({
      name: 'drive',
      steps: [
        { atSeconds: 0, kbps: 4000 },
        { atSeconds: 1, kbps: 3500 },
        { atSeconds: 2, kbps: 800 },
      ],
    });
    expect(() => parseTrace('x', '0,100\n1,abc\n')).toThrow(/line 2: expected "seconds,kbps"/);
    expect(() => parseTrace('x', '0,100\n0,200\n')).toThrow(/line 2: the seconds must go up/);
    expect(() => parseTrace('x', '0,5\n')).toThrow(/kbps ≥ 16/);
    expect(() => parseTrace('x', '\n# nothing\n')).toThrow(/no "seconds,kbps" lines/);
  });
});

describe('summarizePlayback', () => {
  it('weights the VMAF of what was shown by the time it was shown', () => {
    const s = summarizePlayback(
      'id',
      't',
      pkg,
      report({
        shown: [
          { from: 0, to: 1, variant: 0 },
          { from: 1, to: 4, variant: 1 },
        ],
        switches: [
          { atWall: 0.4, atMedia: 0, from: null, to: 0 },
          { atWall: 1.5, atMedia: 1, from: 0, to: 1 },
        ],
        stalls: [
          { atWall: 2, seconds: 0.5 },
          { atWall: 3, seconds: 0 },
        ],
      }),
      [low, high],
    );
    // 1 s at 50, 2 s at 90, 1 s at 70.
    expect(s.timeWeightedVmaf).toBeCloseTo((50 + 2 * 90 + 70) / 4, 9);
    expect(s.switches).toBe(1);
    expect(s.stalls).toBe(1);
    expect(s.stallSeconds).toBe(0.5);
    expect(s.shownSeconds).toBe(4);
    expect(s.secondsByRung).toEqual([
      { rungId: 'low', seconds: 1 },
      { rungId: 'high', seconds: 3 },
    ]);
    expect(s.averageShownBps).toBeCloseTo((100_000 + 3 * 1_000_000) / 4, 6);
  });

  it('clips ranges to the package, counts overlaps once (the later wins) and drops unknown rungs', () => {
    const s = summarizePlayback(
      'id',
      't',
      pkg,
      report({
        shown: [
          { from: 0, to: 3, variant: 1 },
          { from: 2, to: 9, variant: 0 },
          { from: 0, to: 4, variant: 7 },
        ],
        forcedVariant: 7,
        switches: [{ atWall: 1, atMedia: 2, from: 1, to: 7 }],
      }),
      [low, high],
    );
    expect(s.shownSeconds).toBe(4);
    expect(s.secondsByRung).toEqual([
      { rungId: 'low', seconds: 2 },
      { rungId: 'high', seconds: 2 },
    ]);
    expect(s.timeWeightedVmaf).toBeCloseTo((2 * 90 + 2 * 50) / 4, 9);
    expect(s.forcedRungId).toBeNull();
    expect(s.switches).toBe(0);
  });

  it('says nothing of VMAF when a rung shown has no per-frame VMAF', () => {
    const s = summarizePlayback(
      'id',
      't',
      pkg,
      report({ shown: [{ from: 0, to: 2, variant: 1 }] }),
      [low, null],
    );
    expect(s.timeWeightedVmaf).toBeNull();
    expect(summarizePlayback('id', 't', pkg, report({}), [low, high]).timeWeightedVmaf).toBeNull();
  });

  it('means the scored frames over a span, and the nearest one for a span between them', () => {
    expect(meanOver(high, 2.5, 3.5)).toBeCloseTo(80, 9);
    expect(meanOver(high, 3.51, 3.52)).toBe(70);
    expect(meanOver({ times: [0, 0.1, 0.2], vmaf: [1, null, 3] }, 0, 0.3)).toBe(2);
    expect(meanOver({ times: [], vmaf: [] }, 0, 1)).toBeNull();
  });

  it('puts a result’s frames on the media clock: start frame, the rate scored at, subsampling', () => {
    const s = seriesOfResult(
      {
        frameNumbers: [0, 2, 4],
        perFrame: { vmaf: [80, 82, null] },
        alignment: { startFrame: 30, frameRate: '60/1' },
      },
      30,
    );
    expect(s).toEqual({ times: [0.5, 0.5 + 2 / 60, 0.5 + 4 / 60], vmaf: [80, 82, null] });
    expect(
      seriesOfResult(
        { frameNumbers: [1], perFrame: {}, alignment: { startFrame: 0, frameRate: null } },
        25,
      ),
    ).toBeNull();
    expect(
      seriesOfResult(
        {
          frameNumbers: [1],
          perFrame: { vmaf: [9] },
          alignment: { startFrame: 0, frameRate: null },
        },
        25,
      )!.times,
    ).toEqual([0.04]);
  });

  it('summarises a long report in one sweep', () => {
    const shown = Array.from({ length: 10_000 }, (_, i) => ({
      from: (i * 4) / 10_000,
      to: ((i + 1) * 4) / 10_000,
      variant: i % 2,
    }));
    const s = summarizePlayback('id', 't', pkg, report({ shown }), [low, high]);
    expect(s.shownSeconds).toBeCloseTo(4, 6);
    expect(s.secondsByRung.map((r) => r.rungId)).toEqual(['low', 'high']);
  });
});
