import { describe, expect, it } from 'vitest';
import { LadderSchema, ladderProblems } from './ladder';
import { PRESET_LADDERS } from './presets';

describe('preset ladders', () => {
  it('has the five documented ids', () => {
    expect(PRESET_LADDERS.map((p) => p.ladder.id)).toEqual([
      'hls-h264',
      'hls-hevc',
      'netflix-2015',
      'crf-sweep',
      'codec-shootout',
    ]);
  });
  it.each(PRESET_LADDERS.map((p) => [p.ladder.id, p.ladder]))(
    '%s is a valid ladder',
    (_id, ladder) => {
      expect(ladderProblems(ladder)).toEqual([]);
    },
  );
  it('keeps Apple’s numbers', () => {
    const hls = PRESET_LADDERS[0]!.ladder;
    expect(
      hls.rungs.map((r) => [
        r.width,
        r.height,
        r.rateControl.mode === 'abr' ? r.rateControl.bitrateKbps : 0,
      ]),
    ).toContainEqual([960, 540, 2000]);
    expect(hls.rungs).toHaveLength(9);
    expect(hls.rungs.every((r) => r.gopSeconds === 2 && r.fixedGop)).toBe(true);
  });
});

describe('ladder validation', () => {
  const good = PRESET_LADDERS[3]!.ladder;
  it('rejects odd sizes, unknown presets, duplicate ids and bad containers with readable paths', () => {
    const bad = structuredClone(good);
    bad.rungs[0]!.height = 721;
    bad.rungs[1]!.preset = 'warp9';
    bad.rungs[2]!.id = bad.rungs[3]!.id;
    bad.rungs[4]!.container = 'webm';
    const problems = ladderProblems(bad);
    expect(problems.join('\n')).toMatch(/rungs\.0\.height: height must be even/);
    expect(problems.join('\n')).toMatch(/rungs\.1\.preset: .*presets are/);
    expect(problems.join('\n')).toMatch(/used twice/);
    expect(problems.join('\n')).toMatch(/rungs\.4\.container/);
  });
  it('rejects CRF out of the encoder’s range and bufsize without maxrate', () => {
    const bad = structuredClone(good);
    bad.rungs[0]!.rateControl = { mode: 'crf', crf: 60 };
    bad.rungs[1]!.rateControl = { mode: 'crf', crf: 23, bufsizeKbps: 1000 };
    const problems = ladderProblems(bad).join('\n');
    expect(problems).toMatch(/CRF runs from 0 to 51/);
    expect(problems).toMatch(/bufsize needs a maxrate/);
  });
  it('needs at least one dimension and one rung', () => {
    const bad = structuredClone(good);
    bad.rungs[0]!.width = null;
    bad.rungs[0]!.height = null;
    expect(ladderProblems(bad).join()).toMatch(/give a width, a height/);
    expect(LadderSchema.safeParse({ ...good, rungs: [] }).success).toBe(false);
  });
});
