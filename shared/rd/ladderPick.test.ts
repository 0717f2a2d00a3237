import { describe, expect, it } from 'vitest';
import { VqError } from '../errors';
import { LadderSchema } from '../ladder';
import type { HullInput } from './hull';
import { DEFAULT_LADDER_PICK, ladderFromPicks, recommendLadder } from './ladderPick';

const k = 1000;
const pt = (kbps: number, quality: number, height = 720): HullInput => ({
  id: `${height}p@${kbps}`,
  group: `${height}p`,
  bitrate: kbps * k,
  quality,
  width: Math.round((height * 16) / 9 / 2) * 2,
  height,
});
const kb = (picks: readonly { bitrate: number }[]) => picks.map((p) => Math.round((p.bitrate / k) * 1000) / 1000);

// Quality flat enough that the JND rule never binds.
const flat = [pt(1000, 90), pt(2000, 94), pt(4000, 96), pt(8000, 97)];

describe('recommendLadder', () => {
  it('has the documented defaults', () => {
    expect(DEFAULT_LADDER_PICK).toEqual({ targetQuality: 95, minStepRatio: 1.5, maxStepRatio: 2, maxQualityGap: 6, floorBitrate: 150_000, maxRungs: 8 });
  });
  it('tops out at the first hull point reaching the target, then steps down by the largest ratio', () => {
    const picks = recommendLadder(flat);
    expect(kb(picks)).toEqual([4000, 2000, 1000]);
    expect(picks[0]!.point).toBe(flat[2]);
    expect(picks[0]!.why).toMatch(/first hull point reaching quality 95/);
    expect(picks[1]!.why).toMatch(/largest step 2×/);
    expect(picks.map((p) => p.quality)).toEqual([96, 94, 90]);
  });
  it('takes the highest hull point when the target is never reached', () => {
    const picks = recommendLadder(flat, { targetQuality: 99 });
    expect(kb(picks)).toEqual([8000, 4000, 2000, 1000]);
    expect(picks[0]!.why).toMatch(/never reached; highest hull point/);
  });
  it('stops at maxRungs', () => {
    expect(kb(recommendLadder(flat, { targetQuality: 99, maxRungs: 2 }))).toEqual([8000, 4000]);
    expect(kb(recommendLadder(flat, { targetQuality: 99, maxRungs: 1 }))).toEqual([8000]);
  });
  it('honours other step ratios', () => {
    // 8000 / 1.5 = 5333.3 … largest step 1.6: 5000, 3125, 1953.125, 1220.703
    expect(kb(recommendLadder(flat, { targetQuality: 99, minStepRatio: 1.5, maxStepRatio: 1.6 }))).toEqual([8000, 5000, 3125, 1953.125, 1220.703]);
  });

  // A steep hull where one JND (6) binds before the 2× step does.
  const steep = [pt(250, 40, 360), pt(500, 60, 360), pt(1000, 75, 540), pt(2000, 85, 720), pt(4000, 92, 1080)];
  it('keeps neighbours within one JND by stepping less than 2×', () => {
    const picks = recommendLadder(steep, { maxRungs: 4 });
    // top 4000 (92, target 95 not reached); 86 lies at 2000 + 2000/7; 80 at 1500; 74 at 500 + 500·14/15.
    expect(kb(picks)).toEqual([4000, 2285.714, 1500, 966.667]);
    expect(picks.map((p) => Math.round(p.quality * 1e9) / 1e9)).toEqual([92, 86, 80, 74]);
    expect(picks[1]!.why).toMatch(/quality gap 6 limits the step to 1\.75×/);
    // nearest hull point in log-rate gives the resolution: 2285.7 → 2000 (720p), 1500 → 2000 (720p), 966.7 → 1000 (540p)
    expect(picks.map((p) => p.point.height)).toEqual([1080, 720, 720, 540]);
  });
  it('keeps the 1.5× minimum step when even that drops more than one JND, and says so', () => {
    const picks = recommendLadder(steep);
    const r = kb(picks);
    // after 966.667 (74): 68 needs 766.7 > 966.667 / 1.5 = 644.444, so the rung sits at 644.444
    expect(r.slice(4)).toEqual([644.444, 429.63, 286.42]);
    expect(picks[4]!.why).toMatch(/smallest step 1\.5×; the quality gap exceeds 6/);
    expect(picks[4]!.quality).toBeCloseTo(60 + (15 * 144.444444) / 500, 5);
    // 286.42 / 1.5 = 190.9 is under the lowest hull point (250): no extrapolation, so it ends there
    expect(picks).toHaveLength(7);
  });
  it('never puts neighbours closer than minStepRatio or further than maxStepRatio', () => {
    for (const opts of [{}, { maxQualityGap: 3 }, { targetQuality: 80 }, { minStepRatio: 1.2, maxStepRatio: 3 }]) {
      const picks = recommendLadder(steep, opts);
      const o = { ...DEFAULT_LADDER_PICK, ...opts };
      for (let i = 1; i < picks.length; i++) {
        const ratio = picks[i - 1]!.bitrate / picks[i]!.bitrate;
        expect(ratio).toBeGreaterThanOrEqual(o.minStepRatio - 1e-9);
        expect(ratio).toBeLessThanOrEqual(o.maxStepRatio + 1e-9);
      }
    }
  });

  const wide = [pt(100, 30, 240), pt(200, 50, 360), pt(400, 65, 360), pt(800, 75, 540), pt(1600, 82, 720), pt(3200, 87, 1080)];
  it('stops at the floor bitrate, placing the last rung on it when the step allows', () => {
    const picks = recommendLadder(wide, { maxQualityGap: 100, floorBitrate: 250_000 });
    expect(kb(picks)).toEqual([3200, 1600, 800, 400, 250]);
    expect(picks[4]!.why).toMatch(/floor 250 kb\/s/);
    expect(picks[4]!.quality).toBeCloseTo(53.75, 9);
    expect(picks[4]!.point.bitrate).toBe(200_000);
    expect(kb(recommendLadder(wide, { maxQualityGap: 100, floorBitrate: 300_000 }))).toEqual([3200, 1600, 800, 400]);
  });
  it('goes down to the lowest hull point when the floor is lower, without extrapolating', () => {
    expect(kb(recommendLadder(wide, { maxQualityGap: 100, floorBitrate: 0 }))).toEqual([3200, 1600, 800, 400, 200, 100]);
    const picks = recommendLadder([pt(130, 30, 240), ...wide.slice(1)], { maxQualityGap: 100, floorBitrate: 0 });
    expect(kb(picks)).toEqual([3200, 1600, 800, 400, 200, 130]);
    expect(picks[5]!.why).toMatch(/lowest hull point/);
  });
  it('gives no rungs for an empty hull and one for a single point', () => {
    expect(recommendLadder([])).toEqual([]);
    expect(kb(recommendLadder([pt(500, 70)]))).toEqual([500]);
  });
  it('refuses nonsensical options, naming them', () => {
    expect(() => recommendLadder(flat, { minStepRatio: 1 })).toThrow(/minStepRatio must be above 1/);
    expect(() => recommendLadder(flat, { minStepRatio: 2, maxStepRatio: 1.5 })).toThrow(/maxStepRatio must be at least/);
    expect(() => recommendLadder(flat, { maxRungs: 0 })).toThrow(VqError);
    expect(() => recommendLadder(flat, { maxQualityGap: -1 })).toThrow(/maxQualityGap/);
  });
});

describe('ladderFromPicks', () => {
  it('makes a valid ladder of fixed-bitrate rungs at the picked resolutions, top first', () => {
    const picks = recommendLadder([pt(250, 40, 360), pt(500, 60, 360), pt(1000, 75, 540), pt(2000, 85, 720), pt(4000, 92, 1080)], { maxRungs: 4 });
    const ladder = ladderFromPicks(picks, { id: 'per-title-x', name: 'Per-title: clip.mp4', encoder: 'libx264' });
    expect(LadderSchema.safeParse(ladder).success).toBe(true);
    expect(ladder.rungs.map((r) => [r.id, r.width, r.height])).toEqual([
      ['1080p-4000k', 1920, 1080],
      ['720p-2286k', 1280, 720],
      ['720p-1500k', 1280, 720],
      ['540p-967k', 960, 540],
    ]);
    expect(ladder.rungs[1]!.rateControl).toEqual({ mode: 'abr', bitrateKbps: 2286, maxrateKbps: 3429, bufsizeKbps: 4572 });
    expect(ladder.rungs.every((r) => r.encoder === 'libx264' && r.preset === 'medium' && r.fixedGop && r.gopSeconds === 2)).toBe(true);
  });
  it('passes options through and picks a container the encoder supports', () => {
    const ladder = ladderFromPicks(recommendLadder(flat), { id: 'vp9', name: 'VP9', encoder: 'libvpx-vp9', fps: 30, preset: null, maxrateRatio: 1.1, bufsizeRatio: 1 });
    expect(ladder.rungs[0]!.container).toBe('webm');
    expect(ladder.rungs[0]!.fpsCap).toBe(30);
    expect(ladder.rungs[0]!.preset).toBeNull();
    expect(ladder.rungs[0]!.rateControl).toEqual({ mode: 'abr', bitrateKbps: 4000, maxrateKbps: 4400, bufsizeKbps: 4000 });
  });
  it('refuses picks without a resolution, an unknown encoder and an invalid id', () => {
    const bare = recommendLadder([{ id: 'a', group: 'x', bitrate: 1e6, quality: 90 }]);
    expect(() => ladderFromPicks(bare, { id: 'a', name: 'A', encoder: 'libx264' })).toThrow(/has no resolution/);
    expect(() => ladderFromPicks(recommendLadder(flat), { id: 'a', name: 'A', encoder: 'x264' })).toThrow(/Unknown encoder "x264"/);
    expect(() => ladderFromPicks(recommendLadder(flat), { id: 'Bad Id', name: 'A', encoder: 'libx264' })).toThrow(/not valid: id/);
    expect(() => ladderFromPicks([], { id: 'a', name: 'A', encoder: 'libx264' })).toThrow(/No rungs/);
  });
});
