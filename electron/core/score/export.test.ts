import { describe, expect, it } from 'vitest';
import { pool } from '../../../shared/pooling';
import type { DistortedScore, ScoreRunResult } from '../../../shared/score';
import { perFrameCsv, perFrameJson, scoreJson } from './export';
import { packSeries, unpackSeries } from './frameBlob';

const build = { path: '/ff', version: '4.1', libvmafApi: 1 as const, libvmafVersion: '1.3.7' };

function result(p: Partial<DistortedScore> = {}): DistortedScore {
  const perFrame = { vmaf: [80, 90], psnrY: [40, Infinity], psnr: [41, Infinity] };
  return {
    distorted: '/d/a,b.mp4',
    frames: 2,
    frameNumbers: [0, 5],
    perFrame,
    metrics: {
      vmaf: pool(perFrame.vmaf, 80),
      psnrY: pool(perFrame.psnrY),
      psnr: pool(perFrame.psnr),
    },
    libvmafFeatures: {},
    warnings: [{ id: 'psnr-infinite', message: '1 frame is identical' }],
    unavailable: [],
    preflight: [],
    fixes: [],
    alignment: {
      width: 640,
      height: 360,
      scaler: 'bicubic',
      pixFmt: 'yuv420p',
      vmafPixFmt: 'yuv420p',
      frameRate: '24/1',
      referenceTiming: 'index',
      distortedTiming: 'index',
      startFrame: 0,
      frames: null,
      subsample: 5,
      rangeConversion: null,
      matrixConversion: null,
    },
    model: {
      name: 'vmaf_v0.6.1',
      path: '/m/vmaf_v0.6.1.pkl',
      format: 'pkl',
      transform: false,
      reason: 'auto',
    },
    command: ['/ff', '-i', 'x'],
    ffmpeg: build,
    ...p,
  };
}

const run: ScoreRunResult = {
  reference: '/r.mkv',
  results: [result()],
  command: ['/ff', '-i', 'x'],
  ffmpeg: build,
  model: null,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1,
};

describe('vq score --json', () => {
  it('has the shape of issue 4 and writes Infinity as null', () => {
    const j = scoreJson(run);
    expect(j.reference).toBe('/r.mkv');
    const r = j.results[0]!;
    expect(r).toMatchObject({
      distorted: '/d/a,b.mp4',
      frames: 2,
      command: ['/ff', '-i', 'x'],
      ffmpeg: build,
    });
    expect(r.metrics.vmaf).toMatchObject({
      mean: 85,
      harmonicMean: expect.any(Number),
      min: 80,
      max: 90,
      p1: 80.1,
      p5: 80.5,
      stdev: 5,
      below: { threshold: 80, share: 0 },
    });
    expect(r.metrics.psnrY?.mean).toBeNull();
    expect(r.metrics.psnrY?.min).toBe(40);
    expect(r.warnings).toEqual(['1 frame is identical']);
    expect(JSON.parse(JSON.stringify(j))).toEqual(j);
  });
});

describe('per-frame export', () => {
  it('CSV: one row per scored frame, quoted paths, inf for identical frames', () => {
    expect(perFrameCsv(run)).toBe(
      'distorted,frame,vmaf,psnr_y,psnr\n"/d/a,b.mp4",0,80,40,41\n"/d/a,b.mp4",5,90,inf,inf\n',
    );
  });

  it('JSON: frame numbers and series, non-finite as null', () => {
    expect(perFrameJson(run)).toEqual({
      reference: '/r.mkv',
      results: [
        {
          distorted: '/d/a,b.mp4',
          frames: [0, 5],
          series: { vmaf: [80, 90], psnrY: [40, null], psnr: [41, null] },
        },
      ],
    });
  });
});

describe('series blobs', () => {
  it('round-trip float64 exactly, including Infinity and NaN', () => {
    const v = [15.44212, 0.1 + 0.2, Infinity, Number.NaN, -0];
    const blob = packSeries(v);
    expect(blob.byteLength).toBe(40);
    const back = unpackSeries(new Uint8Array(blob));
    expect(back.slice(0, 3)).toEqual([15.44212, 0.1 + 0.2, Infinity]);
    expect(Number.isNaN(back[3])).toBe(true);
    expect(() => unpackSeries(new Uint8Array(7))).toThrow(/not float64/);
  });
});
