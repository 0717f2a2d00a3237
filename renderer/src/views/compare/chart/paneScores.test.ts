import { describe, expect, it } from 'vitest';
import type { Alignment } from '../../../../../shared/score';
import type { ScoreResultDetail, ScoreResultSummary } from '../../../../../shared/scoreResults';
import {
  newestResultOfPanes,
  paneScoresOf,
  sampleIndexAt,
  scoreAt,
  seriesOnViewerFrames,
  viewerFrameOf,
  type PaneScores,
} from './paneScores';

function summary(
  id: string,
  targetId: string,
  createdAt: string,
  referenceId = 'src',
): ScoreResultSummary {
  return {
    id,
    runId: 'run',
    jobId: null,
    referenceId,
    target: { kind: 'rendition', id: targetId },
    label: targetId,
    encoder: null,
    width: 64,
    height: 36,
    bitrateKbps: null,
    frames: 3,
    metrics: {},
    warnings: [],
    unavailable: [],
    model: null,
    fixes: [],
    createdAt,
    stale: null,
  };
}

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

describe('newestResultOfPanes', () => {
  it('picks the newest result of each pane and skips other panes, sources and references', () => {
    const results = [
      summary('b', 'r1', '2026-01-02T00:00:00Z'),
      summary('a', 'r1', '2026-01-01T00:00:00Z'),
      summary('c', 'r2', '2026-01-01T00:00:00Z'),
      summary('d', 'r3', '2026-01-05T00:00:00Z'),
      summary('e', 'r2', '2026-01-09T00:00:00Z', 'other-source'),
      summary('f', 'src', '2026-01-09T00:00:00Z'),
    ];
    const out = newestResultOfPanes(results, ['src', 'r1', 'r2'], 'src');
    expect([...out].map(([pane, r]) => [pane, r.id])).toEqual([
      ['r1', 'b'],
      ['r2', 'c'],
    ]);
  });

  it('prefers a later createdAt even when the list is not newest first', () => {
    const results = [
      summary('old', 'r1', '2026-01-01T00:00:00Z'),
      summary('new', 'r1', '2026-03-01T00:00:00Z'),
    ];
    expect(newestResultOfPanes(results, ['r1'], 'src').get('r1')?.id).toBe('new');
  });
});

describe('paneScoresOf', () => {
  function detail(stale: ScoreResultDetail['stale']): ScoreResultDetail {
    return {
      ...summary('res', 'r1', '2026-01-01T00:00:00Z'),
      stale,
      frameNumbers: [0, 2, 4],
      perFrame: { vmaf: [90, null, 70] },
      features: {},
      alignment: { startFrame: 5 } as Alignment,
      command: [],
      ffmpeg: { path: 'ffmpeg', version: null, libvmafApi: null, libvmafVersion: null },
      preflight: [],
      worstBy: 'vmaf',
      worstFrames: [{ frame: 4, vmaf: 70 }],
    };
  }

  it('carries the per-frame values, the alignment and the worst frames of the details', () => {
    expect(paneScoresOf('r1', { stale: null }, detail(null))).toEqual({
      paneId: 'r1',
      resultId: 'res',
      startFrame: 5,
      frameNumbers: [0, 2, 4],
      perFrame: { vmaf: [90, null, 70] },
      worstFrames: [{ frame: 4, vmaf: 70 }],
      worstBy: 'vmaf',
      stale: null,
      model: null,
      frameMatch: null,
    });
  });

  it("carries the top of the VMAF model's scale (110 for a 4K VMAF v1 model)", () => {
    const v1 = { ...detail(null), model: { maxScore: 110 } as ScoreResultDetail['model'] };
    expect(paneScoresOf('r1', { stale: null }, v1).model).toEqual({ maxScore: 110 });
  });

  it('takes staleness from the list row, judged now, not from cached details', () => {
    const reason = 'the scored file changed after this score (its size is different)';
    expect(paneScoresOf('r1', { stale: { reason } }, detail(null)).stale).toEqual({ reason });
    expect(paneScoresOf('r1', { stale: null }, detail({ reason: 'old' })).stale).toBeNull();
  });
});

describe('scoreAt', () => {
  it('maps a viewer frame through startFrame', () => {
    const p = pane({ startFrame: 10, perFrame: { vmaf: [90, 80, 70], psnrY: [40, null, 30] } });
    expect(scoreAt(p, 10)).toEqual({ vmaf: 90, psnrY: 40 });
    expect(scoreAt(p, 11)).toEqual({ vmaf: 80, psnrY: null });
    expect(scoreAt(p, 12)).toEqual({ vmaf: 70, psnrY: 30 });
    expect(scoreAt(p, 9)).toEqual({});
    expect(scoreAt(p, 13)).toEqual({});
  });

  it('lets a subsampled frame stand for the frames up to the next scored one', () => {
    const p = pane({ startFrame: 2, frameNumbers: [0, 3, 6], perFrame: { vmaf: [50, 60, 70] } });
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map((f) => scoreAt(p, f).vmaf)).toEqual([
      undefined,
      50,
      50,
      50,
      60,
      60,
      60,
      70,
      70,
      70,
      undefined,
    ]);
  });

  it('has nothing for a pane without frames or a non-finite frame', () => {
    expect(scoreAt(pane({ frameNumbers: [], perFrame: { vmaf: [] } }), 0)).toEqual({});
    expect(sampleIndexAt(pane({}), NaN)).toBe(-1);
  });

  it('rounds a fractional frame', () => {
    expect(scoreAt(pane({}), 1.4).vmaf).toBe(80);
  });
});

describe('seriesOnViewerFrames', () => {
  it('places values at startFrame + frame number, NaN elsewhere and for nulls', () => {
    const p = pane({ startFrame: 1, frameNumbers: [0, 1, 2], perFrame: { psnrY: [40, null, 30] } });
    expect([...seriesOnViewerFrames(p, 'psnrY', 5)]).toEqual([NaN, 40, NaN, 30, NaN]);
  });

  it('fills a subsampled step like scoreAt does', () => {
    const p = pane({ startFrame: 0, frameNumbers: [0, 2, 4], perFrame: { vmaf: [1, 2, 3] } });
    const out = seriesOnViewerFrames(p, 'vmaf', 8);
    expect([...out]).toEqual([1, 1, 2, 2, 3, 3, NaN, NaN]);
    for (let f = 0; f < 8; f++) expect(scoreAt(p, f).vmaf ?? NaN).toEqual(out[f]);
  });

  it('is all gaps for a series the pane lacks', () => {
    expect([...seriesOnViewerFrames(pane({}), 'ssim', 2)]).toEqual([NaN, NaN]);
  });
});

describe('viewerFrameOf', () => {
  it('adds startFrame to a worst frame', () => {
    expect(viewerFrameOf(pane({ startFrame: 24 }), { frame: 5, vmaf: 12 })).toBe(29);
  });
});
