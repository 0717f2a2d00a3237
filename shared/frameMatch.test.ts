import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  FrameMatchSchema,
  distFrameAt,
  framePairs,
  mappingProblem,
  matchedSpans,
  framePatterns,
  refFrameAt,
  type FrameMatch,
  type FramePattern,
} from './frameMatch';

/** Distorted 0–39 show reference 0–39, 40–196 show 43–199 (40–42 dropped). */
const dropped: FrameMatch = {
  confidence: 0.8,
  offsetFrames: 0,
  mapping: [
    { distStart: 0, refStart: 0, length: 40 },
    { distStart: 40, refStart: 43, length: 157 },
  ],
  dropped: [40, 41, 42],
  repeated: [],
  droppedFrames: 'exclude',
};

describe('framePairs', () => {
  it('leaves dropped frames out, or holds the frame before in their place', () => {
    const ex = framePairs(dropped);
    expect(ex.ref).toHaveLength(197);
    expect(ex.ref.slice(38, 42)).toEqual([38, 39, 43, 44]);
    expect(ex.dist.slice(38, 42)).toEqual([38, 39, 40, 41]);
    const hold = framePairs({ ...dropped, droppedFrames: 'hold' });
    expect(hold.ref).toEqual([...Array(200).keys()]);
    expect(hold.dist.slice(38, 45)).toEqual([38, 39, 39, 39, 39, 40, 41]);
  });

  it('scores a repeated frame once, and cuts to a range of reference frames', () => {
    const repeat = {
      mapping: [
        { distStart: 0, refStart: 0, length: 118 },
        { distStart: 118, refStart: 117, length: 83 },
      ],
      dropped: [],
      droppedFrames: 'exclude' as const,
    };
    const p = framePairs(repeat);
    expect(p.ref).toEqual([...Array(200).keys()]);
    expect(p.dist.slice(116, 119)).toEqual([116, 117, 119]);
    const cut = framePairs(repeat, { start: 100, frames: 20 });
    expect(cut.ref).toEqual([...Array(20).keys()].map((k) => k + 100));
  });

  it('follows a run at a step (a 25 fps encode of a 50 fps reference)', () => {
    const p = framePairs({
      mapping: [{ distStart: 0, refStart: 0, length: 150, refStep: 2 }],
      dropped: [],
      droppedFrames: 'hold',
    });
    expect(p.ref.slice(0, 3)).toEqual([0, 2, 4]);
    expect(p.dist.slice(0, 3)).toEqual([0, 1, 2]);
  });

  it('pairs ascend in the reference, never go back in the distorted video (any mapping)', () => {
    const runs = fc
      .array(
        fc.record({ gap: fc.nat(3), back: fc.nat(2), length: fc.integer({ min: 1, max: 9 }) }),
        {
          minLength: 1,
          maxLength: 12,
        },
      )
      .map((parts) => {
        let d = 0;
        let r = 5;
        return parts.map((p) => {
          const run = {
            distStart: d,
            refStart: Math.max(0, r - Math.min(p.back, 1)),
            length: p.length,
          };
          d += p.length;
          r = run.refStart + p.length + p.gap;
          return run;
        });
      });
    fc.assert(
      fc.property(runs, fc.boolean(), (mapping, hold) => {
        expect(mappingProblem(mapping)).toBeNull();
        // The frames skipped between runs are the dropped ones.
        const lacking: number[] = [];
        for (let k = 1; k < mapping.length; k++) {
          const gapFrom = mapping[k - 1]!.refStart + mapping[k - 1]!.length;
          for (let f = gapFrom; f < mapping[k]!.refStart; f++) lacking.push(f);
        }
        const p = framePairs({
          mapping,
          dropped: lacking,
          droppedFrames: hold ? 'hold' : 'exclude',
        });
        // Held: every reference frame from the first to the last; else only those shown.
        const first = mapping[0]!.refStart;
        const last = mapping.at(-1)!.refStart + mapping.at(-1)!.length - 1;
        if (hold) expect(p.ref).toEqual([...Array(last - first + 1).keys()].map((f) => f + first));
        else expect(p.ref.some((r) => lacking.includes(r))).toBe(false);
        for (let i = 1; i < p.ref.length; i++) {
          expect(p.ref[i]!).toBeGreaterThan(p.ref[i - 1]!);
          expect(p.dist[i]!).toBeGreaterThanOrEqual(p.dist[i - 1]!);
        }
        // Each pair is a frame and the frame it shows (or, held, the one shown in its place),
        // and Compare shows the scored distorted frame beside each reference frame.
        p.ref.forEach((r, i) => {
          if (!lacking.includes(r)) expect(refFrameAt(mapping, p.dist[i]!)).toBe(r);
          expect(distFrameAt(mapping, r)).toBe(p.dist[i]);
        });
      }),
    );
  });
});

describe('distFrameAt and refFrameAt', () => {
  it('find the matching frame, the held one for a dropped frame, and extrapolate at the ends', () => {
    const m = dropped.mapping;
    expect(distFrameAt(m, 10)).toBe(10);
    expect(distFrameAt(m, 41)).toBe(39);
    expect(distFrameAt(m, 43)).toBe(40);
    expect(distFrameAt(m, 205)).toBe(202);
    expect(refFrameAt(m, 40)).toBe(43);
    expect(refFrameAt(m, 199)).toBe(202);
    // At a repeat, the first distorted frame that shows the reference frame (the one scored).
    const repeat = [
      { distStart: 0, refStart: 0, length: 118 },
      { distStart: 118, refStart: 117, length: 83 },
    ];
    expect(distFrameAt(repeat, 117)).toBe(117);
    expect(distFrameAt(repeat, 118)).toBe(119);
    const late = [{ distStart: 3, refStart: 0, length: 10 }];
    expect(distFrameAt(late, 0)).toBe(3);
    expect(refFrameAt(late, 1)).toBe(0);
  });
});

describe('matchedSpans', () => {
  it('joins runs that follow on or repeat, and leaves the lacking frames as gaps', () => {
    expect(matchedSpans(dropped.mapping, dropped.dropped)).toEqual([
      { from: 0, to: 39 },
      { from: 43, to: 199 },
    ]);
    // A repeat of frame 14 joins the runs around it.
    const repeat = [
      { distStart: 0, refStart: 5, length: 10 },
      { distStart: 10, refStart: 14, length: 3 },
    ];
    expect(matchedSpans(repeat)).toEqual([{ from: 5, to: 16 }]);
    expect(matchedSpans([{ distStart: 0, refStart: 0, length: 150, refStep: 2 }])).toEqual([
      { from: 0, to: 298 },
    ]);
    // A 25 fps encode of a 30 fps reference skips every sixth frame without lacking it.
    const conversion = [
      { distStart: 0, refStart: 0, length: 5 },
      { distStart: 5, refStart: 6, length: 5 },
      { distStart: 10, refStart: 12, length: 5 },
    ];
    expect(matchedSpans(conversion, [])).toEqual([{ from: 0, to: 16 }]);
  });
});

/** The frames a pattern keeps, as ffmpeg's select will keep them. */
function framesOf(p: FramePattern): number[] {
  const out: number[] = [];
  for (let n = p.from; n <= p.to; n++) if (p.offsets.includes((n - p.from) % p.period)) out.push(n);
  return out;
}

describe('framePatterns', () => {
  it('writes frames as few patterns: steps, runs, and what a rate conversion keeps', () => {
    expect(framePatterns([0, 2, 4, 6])).toEqual([{ from: 0, to: 6, period: 2, offsets: [0] }]);
    expect(framePatterns([0, 1, 2, 5, 6, 9]).flatMap(framesOf)).toEqual([0, 1, 2, 5, 6, 9]);
    expect(framePatterns([])).toEqual([]);
    // A 25 fps encode of a 30 fps reference shows 5 of every 6 frames: one pattern, not 500 runs.
    const shown = [...Array(2500).keys()].map((j) => Math.floor(j * 1.2 + 0.5));
    expect(framePatterns(shown)).toHaveLength(1);
    // 29.97 → 25: the pattern slips every 800 frames or so; ten minutes are about 90 patterns.
    const ntsc = [...Array(15_000).keys()].map((j) => Math.floor((j * 30000) / 1001 / 25 + 0.3));
    expect(framePatterns(ntsc).length).toBeLessThan(100);
    expect(framePatterns(ntsc).flatMap(framesOf)).toEqual(ntsc);
  });

  it('keeps exactly the frames given (any ascending frames)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.nat(400), { maxLength: 120 }), (raw) => {
        const frames = [...raw].sort((a, b) => a - b);
        const patterns = framePatterns(frames);
        expect(patterns.flatMap(framesOf)).toEqual(frames);
      }),
    );
  });
});

describe('FrameMatchSchema', () => {
  it('takes a recorded match and refuses one that goes back or overlaps', () => {
    expect(FrameMatchSchema.safeParse(dropped).success).toBe(true);
    const back = {
      ...dropped,
      mapping: [
        { distStart: 0, refStart: 50, length: 10 },
        { distStart: 10, refStart: 3, length: 10 },
      ],
    };
    expect(FrameMatchSchema.safeParse(back).success).toBe(false);
    const overlap = {
      ...dropped,
      mapping: [
        { distStart: 0, refStart: 0, length: 10 },
        { distStart: 5, refStart: 20, length: 10 },
      ],
    };
    expect(FrameMatchSchema.safeParse(overlap).success).toBe(false);
    expect(FrameMatchSchema.safeParse({ ...dropped, dropped: [5, 4] }).success).toBe(false);
    expect(FrameMatchSchema.safeParse({ ...dropped, confidence: 2 }).success).toBe(false);
  });
});
