import { describe, expect, it } from 'vitest';
import type { Rendition } from '../../../shared/queue';
import type { ScoreResultSummary } from '../../../shared/scoreResults';
import { quickRung } from '../testing/clips';
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
    expect(rdRendition(rendition(rung), score, null)).toMatchObject({
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
    expect(rdRendition(rendition(hostile), score, null)).toMatchObject({
      preset: null,
      rateMode: 'abr',
      rateControl: 'ABR (settings not readable)',
    });
    const long = {
      ...hostile,
      preset: 'p'.repeat(17),
      rateControl: { mode: 'cbr', bitrateKbps: 800 },
    };
    expect(rdRendition(rendition(long), score, null)).toMatchObject({
      preset: null,
      rateControl: 'CBR 800k',
    });
  });

  it('is no point when the rate-control mode cannot be read (curves group by it)', () => {
    expect(rdRendition(rendition({ id: 'r', encoder: 'libx264' }), score, null)).toBeNull();
    const odd = { id: 'r', encoder: 'libx264', rateControl: { mode: 'qp' } };
    expect(rdRendition(rendition(odd), score, null)).toBeNull();
  });
});
