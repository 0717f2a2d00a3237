import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../shared/seededRandom';
import { alignFrames } from './alignFrames';
import { SIGNATURE_DIMS, normalise, type Signatures } from './signatures';

/** Grey 16×9 pictures: `count` distinct ones (a seeded random picture each). */
function pictures(count: number, seed = 1): Uint8Array[] {
  const rnd = seededRandom(seed);
  return Array.from({ length: count }, () =>
    Uint8Array.from({ length: SIGNATURE_DIMS }, () => Math.floor(rnd() * 256)),
  );
}

/** Signatures of these pictures, each with a little noise (a re-encode) and a brightness lift. */
function signaturesOf(frames: readonly Uint8Array[], noise = 0, seed = 2): Signatures {
  const rnd = seededRandom(seed);
  const levels = new Uint8Array(frames.length * SIGNATURE_DIMS);
  frames.forEach((f, i) =>
    f.forEach((v, k) => {
      const noisy = v + 12 + (rnd() - 0.5) * 2 * noise;
      levels[i * SIGNATURE_DIMS + k] = Math.max(0, Math.min(255, Math.round(noisy)));
    }),
  );
  return { count: frames.length, data: normalise(levels, frames.length) };
}

const ref = pictures(300);
const refSig = signaturesOf(ref);

describe('alignFrames', () => {
  it('leaves an aligned pair alone, surely', () => {
    const m = alignFrames(refSig, signaturesOf(ref, 20));
    expect(m).toMatchObject({
      aligned: true,
      offsetFrames: 0,
      dropped: [],
      repeated: [],
      unmatched: { leading: 0, trailing: 0 },
      mapping: [{ distStart: 0, refStart: 0, length: 300 }],
    });
    expect(m.confidence).toBeGreaterThan(0.8);
  });

  it('finds a late start, and an early one with frames of its own before', () => {
    const late = alignFrames(refSig, signaturesOf(ref.slice(7), 20));
    expect(late).toMatchObject({ aligned: false, offsetFrames: 7, dropped: [], repeated: [] });
    expect(late.mapping).toMatchObject([{ distStart: 0, refStart: 7, length: 293 }]);
    const slate = pictures(5, 99);
    const early = alignFrames(refSig, signaturesOf([...slate, ...ref], 20));
    expect(early).toMatchObject({
      offsetFrames: -5,
      unmatched: { leading: 5, trailing: 0 },
      mapping: [{ distStart: 5, refStart: 0, length: 300 }],
    });
  });

  it('finds dropped and repeated frames anywhere, with extra frames at the end', () => {
    const frames = [
      ...ref.slice(0, 40),
      ...ref.slice(43, 100), // 40, 41, 42 dropped
      ref[99]!, // 99 shown twice
      ...ref.slice(100, 250),
      ...pictures(4, 7), // trailing frames of its own
    ];
    const m = alignFrames(refSig, signaturesOf(frames, 20));
    // Each run said surely by its own pictures.
    for (const run of m.mapping) expect(run.confidence).toBeGreaterThan(0.5);
    expect(m.dropped).toEqual([40, 41, 42]);
    expect(m.repeated).toEqual([97]);
    expect(m.unmatched).toEqual({ leading: 0, trailing: 4 });
    expect(m.mapping).toMatchObject([
      { distStart: 0, refStart: 0, length: 40 },
      { distStart: 40, refStart: 43, length: 57 },
      { distStart: 97, refStart: 99, length: 151 },
    ]);
  });

  it('follows a rate mismatch: half the frames, or each frame twice, is neither drop nor repeat', () => {
    const half = alignFrames(
      refSig,
      signaturesOf(
        ref.filter((_, i) => i % 2 === 0),
        20,
      ),
      {
        slope: 2,
      },
    );
    expect(half).toMatchObject({ offsetFrames: 0, dropped: [], repeated: [] });
    // Every other reference frame: one run at a step of 2.
    expect(half.mapping).toMatchObject([{ distStart: 0, refStart: 0, length: 150, refStep: 2 }]);
    const twice = alignFrames(
      refSig,
      signaturesOf(
        ref.flatMap((f) => [f, f]),
        20,
      ),
      {
        slope: 0.5,
      },
    );
    expect(twice).toMatchObject({ offsetFrames: 0, dropped: [], repeated: [] });
    // A frame missing from the half-rate encode is a drop even so.
    const gap = ref.filter((_, i) => i % 2 === 0 && i !== 100);
    expect(alignFrames(refSig, signaturesOf(gap, 20), { slope: 2 }).dropped).toEqual([100]);
  });

  it('follows a rate conversion at any phase: neither drop nor repeat where the rate says', () => {
    // A converter shows reference frame floor(j·slope + φ) at distorted frame j, φ its own.
    const converted = (slope: number, phase: number, count: number): Uint8Array[] =>
      Array.from({ length: count }, (_, j) => ref[Math.floor(j * slope + phase)]!);
    for (const [slope, count] of [
      [24 / 25, 300], // 24 → 25 fps: a frame shown twice every 25
      [1.2, 245], // 30 → 25 fps: every sixth frame skipped
      [30000 / 1001 / 25, 290], // 29.97 → 25
    ] as const) {
      for (const phase of [0, 0.3, 0.5, 0.8]) {
        const frames = converted(slope, phase, count).filter((f) => f !== undefined);
        const m = alignFrames(refSig, signaturesOf(frames, 20), { slope });
        expect({ slope, phase, dropped: m.dropped, repeated: m.repeated }).toEqual({
          slope,
          phase,
          dropped: [],
          repeated: [],
        });
        expect(m.slope).toBe(slope);
        // Each distorted frame against the frame it shows.
        for (const run of m.mapping) {
          for (let k = 0; k < run.length; k++) {
            const j = run.distStart + k;
            expect(run.refStart + k * (run.refStep ?? 1)).toBe(Math.floor(j * slope + phase));
          }
        }
      }
    }
    // A frame lacking on top of a 30 → 25 conversion is a drop.
    const lacking = converted(1.2, 0.5, 245).filter((_, j) => j !== 100);
    expect(alignFrames(refSig, signaturesOf(lacking, 20), { slope: 1.2 }).dropped).toHaveLength(1);
  });

  it('finds a speed change: the frames kept one for one at another rate', () => {
    // A 24 fps film played at 25 fps: the rates say 0.96, the pictures say frame for frame.
    const m = alignFrames(refSig, signaturesOf(ref, 20), { slope: 24 / 25 });
    expect(m).toMatchObject({ slope: 1, dropped: [], repeated: [], aligned: true });
    expect(m.mapping).toMatchObject([{ distStart: 0, refStart: 0, length: 300 }]);
  });

  it('a slate before a late start: the mapping says where each starts', () => {
    const m = alignFrames(refSig, signaturesOf([...pictures(3, 11), ...ref.slice(10)], 20));
    expect(m.unmatched).toEqual({ leading: 3, trailing: 0 });
    expect(m.mapping[0]).toMatchObject({ distStart: 3, refStart: 10, length: 290 });
    expect(m.offsetFrames).toBe(7); // distorted frame 3 is reference frame 3 + 7
  });

  it('a frame missing from a double-rate encode is a drop', () => {
    const doubled = ref.slice(0, 150).flatMap((f, i) => (i === 60 ? [] : [f, f]));
    const m = alignFrames(refSig, signaturesOf(doubled, 20), { slope: 0.5 });
    expect(m.dropped).toEqual([60]);
    expect(m.repeated).toEqual([]);
  });

  it('is never sure without a shift to compare with', () => {
    const m = alignFrames(refSig, signaturesOf(ref, 20), { maxOffset: 0 });
    expect(m.aligned).toBe(true);
    expect(m.confidence).toBeLessThanOrEqual(0.5);
  });

  it('a still picture cannot say: no change, low confidence', () => {
    const still = Array.from({ length: 100 }, () => ref[0]!);
    const m = alignFrames(signaturesOf(still), signaturesOf(still.slice(3), 5));
    expect(m.offsetFrames).toBe(0);
    expect(m.confidence).toBeLessThan(0.2);
    // …nor can any run of it.
    for (const run of m.mapping) expect(run.confidence).toBeLessThan(0.2);
  });
});

describe('normalise', () => {
  it('a frame within about a level of flat is flat (all zeros), not its noise scaled up', () => {
    const nearlyBlack = Uint8Array.from({ length: SIGNATURE_DIMS }, (_, k) => 16 + (k % 2));
    const rows = normalise(nearlyBlack, 1);
    expect([...rows].every((v) => v === 0)).toBe(true);
    const picture = normalise(ref[0]!, 1);
    expect(picture.some((v) => v !== 0)).toBe(true);
  });
});
