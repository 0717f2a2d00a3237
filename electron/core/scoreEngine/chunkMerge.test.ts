import { describe, expect, it } from 'vitest';
import { harmonicMean, mean, pool, poolAll } from '../../../shared/pooling';
import type { DistortedScore, ScoreRunResult } from '../../../shared/score';
import { testScore } from '../../testing/scores';
import { mergeScoreChunks, mergeScoreRunChunks } from './chunkMerge';

/** A whole run of `n` frames with uneven VMAF (a bad stretch), PSNR and a feature. */
function wholeRun(n: number): DistortedScore {
  const f = Array.from({ length: n }, (_, i) => i);
  return testScore(
    {
      vmaf: f.map((i) => (i >= 10 && i < 13 ? 5 + i : 95 - (i % 5))),
      psnr: f.map((i) => 38 + ((i * 7) % 11) / 3),
    },
    f,
    { libvmafFeatures: { integer_motion2: f.map((i) => i / 8) } },
  );
}

/** Frames [start, end) of a run as a chunk scored with frameRange would report them. */
function chunkOf(run: DistortedScore, start: number, end: number): DistortedScore {
  const perFrame = Object.fromEntries(
    Object.entries(run.perFrame).map(([k, v]) => [k, v.slice(start, end)]),
  );
  return testScore(perFrame, run.frameNumbers.slice(start, end), {
    libvmafFeatures: { integer_motion2: run.libvmafFeatures.integer_motion2!.slice(start, end) },
  });
}

describe('mergeScoreChunks', () => {
  const run = wholeRun(30);
  const chunks = [chunkOf(run, 0, 8), chunkOf(run, 8, 20), chunkOf(run, 20, 30)];

  it('joins chunks in any order into the whole run, pooled over every frame', () => {
    const merged = mergeScoreChunks([chunks[2]!, chunks[0]!, chunks[1]!], { frameCount: 30 });
    expect(merged.frameNumbers).toEqual(run.frameNumbers);
    expect(merged.perFrame).toEqual(run.perFrame);
    expect(merged.libvmafFeatures).toEqual(run.libvmafFeatures);
    expect(merged.metrics).toEqual(run.metrics);
    expect(merged.frames).toBe(30);
    expect(merged.warnings.map((w) => w.id)).toEqual(['scored-in-chunks']);
    expect(merged.warnings[0]!.message).toContain('frames 0–7, 8–19, 20–29');
    // Not a mean of chunk means: those weigh the 8-frame chunk like the 12-frame one.
    const chunkHarmonic = mean(chunks.map((c) => c.metrics.vmaf!.harmonicMean));
    expect(Math.abs(chunkHarmonic - merged.metrics.vmaf!.harmonicMean)).toBeGreaterThan(0.5);
    expect(merged.metrics.vmaf!.harmonicMean).toBe(harmonicMean(run.perFrame.vmaf!));
  });

  it('keeps the "share below" thresholds the chunks were pooled with', () => {
    const withThreshold = chunks.map((c) => ({
      ...c,
      metrics: poolAll(c.perFrame, { psnr: 39 }),
    }));
    const merged = mergeScoreChunks(withThreshold);
    expect(merged.metrics.psnr).toEqual(pool(run.perFrame.psnr!, 39));
    expect(merged.metrics.vmaf!.below?.threshold).toBe(80);
  });

  it('counts infinite PSNR frames over the whole run', () => {
    const inf = chunks.map((c, i) => {
      const psnr = [...c.perFrame.psnr!];
      psnr[0] = Infinity;
      if (i === 1) psnr[1] = Infinity;
      return {
        ...c,
        perFrame: { ...c.perFrame, psnr },
        warnings: [{ id: 'psnr-infinite', message: `${i === 1 ? 2 : 1} frames…` }],
      };
    });
    const merged = mergeScoreChunks(inf);
    expect(merged.warnings.map((w) => w.id)).toEqual(['psnr-infinite', 'scored-in-chunks']);
    expect(merged.warnings[0]!.message).toMatch(/^4 frames are identical to the reference/);
    expect(merged.metrics.psnr!.mean).toBe(Infinity);
  });

  it('refuses frames in no chunk, frames in two chunks and a missing end', () => {
    expect(() => mergeScoreChunks([chunks[0]!, chunks[2]!])).toThrow(
      /Frames 8–19 of x are in no chunk/,
    );
    expect(() => mergeScoreChunks([chunks[1]!, chunks[2]!])).toThrow(
      /Frames 0–7 of x are in no chunk/,
    );
    expect(() => mergeScoreChunks([chunks[0]!, chunkOf(run, 7, 20), chunks[2]!])).toThrow(
      /Frame 7 of x is in two chunks/,
    );
    expect(() => mergeScoreChunks([chunks[0]!, chunks[1]!, chunks[1]!])).toThrow(
      /Frames 8–19 of x are in two chunks/,
    );
    expect(() => mergeScoreChunks(chunks.slice(0, 2), { frameCount: 30 })).toThrow(
      /Frames 20–29 of x are in no chunk/,
    );
    expect(() => mergeScoreChunks(chunks, { frameCount: 25 })).toThrow(/run to frame 29/);
    expect(() => mergeScoreChunks([])).toThrow(/no chunk scores/);
  });

  it('refuses chunks of different runs: model, build, series, video', () => {
    const other = (o: Partial<DistortedScore>): DistortedScore[] => [
      chunks[0]!,
      { ...chunks[1]!, ...o },
    ];
    const model = {
      name: 'vmaf_v0.6.1neg',
      path: null,
      format: 'builtin' as const,
      transform: false,
      reason: 'requested',
    };
    expect(() => mergeScoreChunks(other({ model }))).toThrow(/their model differ/);
    const ffmpeg = { ...chunks[1]!.ffmpeg, libvmafVersion: '1.3.7' };
    expect(() => mergeScoreChunks(other({ ffmpeg }))).toThrow(/their build differ/);
    // A build at another path on another machine is the same build.
    expect(() =>
      mergeScoreChunks(other({ ffmpeg: { ...chunks[1]!.ffmpeg, path: '/opt/ffmpeg' } })),
    ).not.toThrow();
    const { psnr: _, ...noPsnr } = chunks[1]!.perFrame;
    expect(() => mergeScoreChunks(other({ perFrame: noPsnr }))).toThrow(/series scored differ/);
    expect(() => mergeScoreChunks(other({ distorted: 'y' }))).toThrow(/distorted video differ/);
  });

  it('refuses a chunk whose values are not one number per frame (e.g. null from JSON)', () => {
    const vmaf: unknown[] = [...chunks[1]!.perFrame.vmaf!];
    vmaf[3] = null;
    const bad = { ...chunks[1]!, perFrame: { ...chunks[1]!.perFrame, vmaf: vmaf as number[] } };
    expect(() => mergeScoreChunks([chunks[0]!, bad])).toThrow(/one number per frame for vmaf/);
    const short = { ...chunks[1]!, frameNumbers: chunks[1]!.frameNumbers.slice(1), frames: 11 };
    expect(() => mergeScoreChunks([chunks[0]!, short])).toThrow(/one number per frame/);
    const holes = { ...chunks[1]!, frameNumbers: chunks[1]!.frameNumbers.map((f) => f * 2) };
    expect(() => mergeScoreChunks([chunks[0]!, holes])).toThrow(/one after another/);
  });
});

describe('mergeScoreRunChunks', () => {
  it('joins runs of two distorted videos, each with its own chunks', () => {
    const a = wholeRun(20);
    const b = { ...wholeRun(20), distorted: 'z' };
    const runOf = (start: number, end: number, startedAt: string): ScoreRunResult => ({
      reference: 'ref',
      results: [chunkOf(a, start, end), { ...chunkOf(b, start, end), distorted: 'z' }],
      command: ['ffmpeg', `chunk ${start}`],
      ffmpeg: a.ffmpeg,
      model: null,
      startedAt,
      durationMs: 1000,
    });
    const merged = mergeScoreRunChunks([
      runOf(10, 20, '2025-01-01T00:00:05.000Z'),
      runOf(0, 10, '2025-01-01T00:00:09.000Z'),
    ]);
    expect(merged.results.map((r) => r.distorted)).toEqual(['x', 'z']);
    expect(merged.results[1]!.perFrame).toEqual(b.perFrame);
    expect(merged.results[0]!.metrics).toEqual(a.metrics);
    expect(merged.command).toEqual(['ffmpeg', 'chunk 0']);
    expect(merged.startedAt).toBe('2025-01-01T00:00:05.000Z');
    expect(merged.durationMs).toBe(2000);
    expect(() =>
      mergeScoreRunChunks([runOf(0, 10, 'a'), { ...runOf(10, 20, 'b'), reference: 'other' }]),
    ).toThrow(/same reference/);
  });
});
