import { describe, expect, it } from 'vitest';
import { PRESET_LADDERS } from '../../../../shared/presets';
import { ladderFileName, ladderJson, parseLadderFile } from './ladderFile';

const hls = PRESET_LADDERS[0]!.ladder;

describe('ladder files', () => {
  it('round-trips a ladder through its JSON', () => {
    const r = parseLadderFile(ladderJson(hls));
    expect(r).toEqual({ ok: true, ladder: hls, problems: [] });
    expect(ladderFileName(hls)).toBe('hls-h264.json');
  });

  it('accepts a listed entry { ladder, builtIn }', () => {
    const r = parseLadderFile(JSON.stringify({ ladder: hls, builtIn: true }));
    expect(r.ok && r.ladder.id).toBe('hls-h264');
  });

  it('loads a ladder that breaks a rule, with its problems', () => {
    const bad = structuredClone(hls);
    bad.rungs[0]!.height = 235;
    const r = parseLadderFile(JSON.stringify(bad));
    expect(r.ok).toBe(true);
    if (r.ok)
      expect(r.problems.map((p) => p.message)).toEqual(['height must be even for 4:2:0 video']);
  });

  it('refuses what is not JSON or not shaped like a ladder, saying why', () => {
    const notJson = parseLadderFile('{ nope');
    expect(notJson.ok).toBe(false);
    if (!notJson.ok) expect(notJson.message).toMatch(/not JSON/);
    const wrong = parseLadderFile(JSON.stringify({ id: 'x', name: 'y', rungs: [{ id: 'a' }] }));
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.message).toMatch(/not a VQ Studio ladder.*rungs\.0\./);
  });
});
