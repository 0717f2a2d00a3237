import { describe, expect, it } from 'vitest';
import type { Rendition } from '../../../shared/queue';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import { quickRung } from '../../testing/clips';
import { rdRendition } from './analysisService';

// A rendition's rung may come from an imported project, where only its shape was checked (its
// encoder and rate-control mode): Analysis reads each other fact only when it has today's type.
function rendition(rung: unknown): Rendition {
  return {
    id: 'r1',
    sourceId: 'src',
    batchId: null,
    jobId: null,
    rungId: 'r',
    rung: rung as Rendition['rung'],
    path: '/tmp/none/r.mp4',
    fileName: 'r.mp4',
    encoder: 'libx264',
    width: 320,
    height: 180,
    bitrateKbps: 500,
    sizeBytes: 1000,
    encodeSeconds: 1,
    command: [],
    media: { durationSeconds: 1 } as Rendition['media'],
    createdAt: '2026-01-01T00:00:00.000Z',
  };
}

const score = {
  id: 's1',
  metrics: { vmaf: { mean: 90 } },
  bitrateKbps: null,
  createdAt: '2026-01-01T00:00:01.000Z',
  stale: null,
} as unknown as ScoreResultSummary;

describe('rdRendition with an imported rung', () => {
  it('reads a valid rung as it is', () => {
    const rung = quickRung({ id: 'r', preset: 'fast', rateControl: { mode: 'crf', crf: 23 } });
    expect(rdRendition(rendition(rung), [score], null)).toMatchObject({
      preset: 'fast',
      rateMode: 'crf',
      rateControl: 'CRF 23',
      bitrate: 500_000,
    });
  });

  it('reads a preset that is not a short string as the default, and settings that do not parse as unreadable', () => {
    const hostile = {
      id: 'r',
      encoder: 'libx264',
      preset: { toString: 'x' },
      rateControl: { mode: 'abr', bitrateKbps: '500k" onload="x', twoPass: 'yes' },
    };
    expect(rdRendition(rendition(hostile), [score], null)).toMatchObject({
      preset: null,
      rateMode: 'abr',
      rateControl: 'ABR (settings not readable)',
    });
    const long = {
      ...hostile,
      preset: 'p'.repeat(17),
      rateControl: { mode: 'cbr', bitrateKbps: 800 },
    };
    expect(rdRendition(rendition(long), [score], null)).toMatchObject({
      preset: null,
      rateControl: 'CBR 800 kb/s',
    });
  });

  it('is no point when the rate-control mode cannot be read (curves group by it)', () => {
    expect(rdRendition(rendition({ id: 'r', encoder: 'libx264' }), [score], null)).toBeNull();
    const odd = { id: 'r', encoder: 'libx264', rateControl: { mode: 'qp' } };
    expect(rdRendition(rendition(odd), [score], null)).toBeNull();
  });
});

describe('rdRendition figures', () => {
  it('carries the pooled XPSNR (luma), CAMBI and MS-SSIM means and the VMAF model with its scale', () => {
    const rung = quickRung({ id: 'r', rateControl: { mode: 'crf', crf: 23 } });
    const scored = {
      ...score,
      metrics: {
        vmaf: { mean: 104.5, harmonicMean: 104.2, p5: 101 },
        msSsim: { mean: 0.97 },
        xpsnr: { mean: 41.25 },
        xpsnrU: { mean: 44 },
        cambi: { mean: 0.75 },
      },
      model: { name: 'vmaf_v1.0.16_3d0h_2160', maxScore: 110 },
    } as unknown as ScoreResultSummary;
    const p = rdRendition(rendition(rung), [scored], null)!;
    expect(p.metrics).toMatchObject({ msSsim: 0.97, xpsnr: 41.25, cambi: 0.75, vmafMean: 104.5 });
    expect(p.vmafModel).toEqual({ name: 'vmaf_v1.0.16_3d0h_2160', maxScore: 110 });
    // Not computed: null, never 0; a model stored before maxScore existed is on a 0–100 scale.
    const old = { ...score, model: { name: 'vmaf_v0.6.1' } } as unknown as ScoreResultSummary;
    const q = rdRendition(rendition(rung), [old], null)!;
    expect(q.metrics).toMatchObject({ xpsnr: null, cambi: null, msSsim: null });
    expect(q.vmafModel).toEqual({ name: 'vmaf_v0.6.1', maxScore: 100 });
  });
});

describe('rdRendition of a rendition scored more than once (issue 12)', () => {
  const rung = quickRung({ id: 'r', rateControl: { mode: 'crf', crf: 23 } });
  const result = (
    id: string,
    metrics: Record<string, Record<string, number>>,
    more: Partial<ScoreResultSummary> = {},
  ): ScoreResultSummary =>
    ({
      id,
      metrics,
      bitrateKbps: null,
      model: metrics.vmaf ? { name: `model-of-${id}` } : null,
      createdAt: `2026-01-01T00:00:0${id.length}.000Z`,
      stale: null,
      ...more,
    }) as unknown as ScoreResultSummary;
  const first = result('first', {
    vmaf: { mean: 90, harmonicMean: 89, p5: 80 },
    psnrY: { mean: 40 },
    psnr: { mean: 41 },
    ssim: { mean: 0.98 },
  });
  const later = result('later', { cambi: { mean: 1.5 }, xpsnr: { mean: 39 } });
  const gone = { reason: 'the rendition was encoded again' };

  it('takes each figure from the newest result that has it: one point, no figure hidden', () => {
    const p = rdRendition(rendition(rung), [later, first], null)!;
    expect(p.metrics).toEqual({
      vmafMean: 90,
      vmafHmean: 89,
      vmafP5: 80,
      psnr: 41,
      psnrY: 40,
      ssim: 0.98,
      msSsim: null,
      xpsnr: 39,
      cambi: 1.5,
    });
    expect(p.scoreResultId).toBe('later');
    expect(p.scoreResultIds).toEqual(['later', 'first']);
    expect(p.vmafModel).toEqual({ name: 'model-of-first', maxScore: 100 });
    expect(p.stale).toBeNull();
    // A newer VMAF (another model) wins over the first one; PSNR and SSIM still come from it.
    const v1 = result('v1-vmaf', { vmaf: { mean: 104, harmonicMean: 103, p5: 99 } });
    const q = rdRendition(rendition(rung), [v1, later, first], null)!;
    expect(q.metrics).toMatchObject({ vmafMean: 104, vmafP5: 99, psnr: 41, cambi: 1.5 });
    expect(q.vmafModel).toEqual({ name: 'model-of-v1-vmaf', maxScore: 100 });
    expect(q.scoreResultIds).toEqual(['v1-vmaf', 'later', 'first']);
  });

  it('never takes a figure from a stale result while a fresh one is left; stale only when none is', () => {
    const staleLater = { ...later, stale: gone };
    const p = rdRendition(rendition(rung), [staleLater, first], null)!;
    expect(p.stale).toBeNull();
    expect(p.metrics).toMatchObject({ vmafMean: 90, cambi: null, xpsnr: null });
    expect(p.scoreResultId).toBe('first');
    expect(p.scoreResultIds).toEqual(['first']);
    // Every result stale: a stale point with the figures of all of them, newest first.
    const staleFirst = { ...first, stale: { reason: 'the scored file is missing' } };
    const q = rdRendition(rendition(rung), [staleLater, staleFirst], null)!;
    expect(q.stale).toEqual(gone);
    expect(q.metrics).toMatchObject({ vmafMean: 90, cambi: 1.5 });
    expect(q.scoreResultId).toBe('later');
    expect(q.createdAt).toBe(later.createdAt);
    expect(rdRendition(rendition(rung), [], null)).toBeNull();
  });
});
