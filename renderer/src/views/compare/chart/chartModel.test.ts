import { describe, expect, it } from 'vitest';
import {
  availableSeries,
  chartFrameCount,
  scoredExtent,
  shownSeries,
  worstEntries,
} from './chartModel';
import type { PaneScores } from './paneScores';

function pane(over: Partial<PaneScores>): PaneScores {
  return {
    paneId: 'r1',
    resultId: 'res',
    startFrame: 0,
    frameNumbers: [0, 1, 2],
    perFrame: { vmaf: [90, 80, 70] },
    worstFrames: [],
    worstBy: 'vmaf',
    stale: null,
    frameMatch: null,
    model: null,
    ...over,
  };
}

describe('series toggle', () => {
  it('offers the chart series some pane has, in toggle order', () => {
    const a = pane({ perFrame: { psnrY: [1], psnr: [1], ssimY: [1] } });
    const b = pane({ perFrame: { msSsim: [1], vmaf: [1] } });
    expect(availableSeries([a, b])).toEqual(['vmaf', 'psnrY', 'ssimY', 'msSsim']);
    expect(availableSeries([a])).toEqual(['psnrY', 'ssimY']);
    expect(availableSeries([])).toEqual([]);
    const c = pane({ perFrame: { cambi: [1], xpsnr: [1], xpsnrU: [1], vmaf: [1] } });
    expect(availableSeries([c])).toEqual(['vmaf', 'xpsnr', 'cambi']);
  });

  it('shows the choice when present, else the first available, else VMAF', () => {
    expect(shownSeries('psnrY', ['vmaf', 'psnrY'])).toBe('psnrY');
    expect(shownSeries('msSsim', ['vmaf', 'psnrY'])).toBe('vmaf');
    expect(shownSeries(null, ['psnrY'])).toBe('psnrY');
    expect(shownSeries(null, [])).toBe('vmaf');
  });
});

describe('x axis span', () => {
  it('reaches one step past the last scored frame', () => {
    expect(scoredExtent(pane({ startFrame: 10 }))).toBe(13);
    expect(scoredExtent(pane({ frameNumbers: [0, 4, 8] }))).toBe(12);
    expect(scoredExtent(pane({ frameNumbers: [5] }))).toBe(6);
    expect(scoredExtent(pane({ frameNumbers: [] }))).toBe(0);
  });

  it("takes the viewer's frame count when known, else what the scores reach", () => {
    const p = pane({ startFrame: 10 });
    expect(chartFrameCount(300, [p])).toBe(300);
    expect(chartFrameCount(1, [p, pane({})])).toBe(13);
    expect(chartFrameCount(0, [])).toBe(0);
  });
});

describe('worstEntries', () => {
  it('lists worst frames in viewer frames with the ranking value', () => {
    const p = pane({
      startFrame: 100,
      worstBy: 'psnrY',
      worstFrames: [
        { frame: 7, psnrY: 21.5, vmaf: 40 },
        { frame: 2, psnrY: null },
        { frame: 9, psnrY: 30 },
      ],
    });
    expect(worstEntries(p, 2)).toEqual([
      { frame: 107, value: 21.5 },
      { frame: 102, value: null },
    ]);
    expect(worstEntries(pane({ worstBy: null, worstFrames: [{ frame: 1 }] }))).toEqual([
      { frame: 1, value: null },
    ]);
  });
});
