import { describe, expect, it } from 'vitest';
import { pool } from '../../../shared/pooling';
import type { DistortedScore, ScoreRunResult } from '../../../shared/score';
import { perFrameCsv, perFrameJson, scoreJson } from './export';
import { packSeries, unpackSeries } from '../store/frameBlob';

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
          features: {},
        },
      ],
    });
  });
});

describe('per-frame export of XPSNR, CAMBI and the elementary features', () => {
  const full: ScoreRunResult = {
    ...run,
    results: [
      result({
        perFrame: {
          vmaf: [80, 90],
          xpsnr: [37.1508, 36],
          xpsnrU: [38.7122, 38],
          xpsnrV: [38.4645, Infinity],
          cambi: [0, Number.NaN],
        },
        libvmafFeatures: {
          integer_motion2: [0, 1.5],
          integer_adm2: [0.99, Number.NaN],
          vmaf: [1, 2],
        },
      }),
      result({ distorted: '/d/b.mp4', perFrame: { psnrY: [40, 41] }, libvmafFeatures: {} }),
    ],
  };

  it('CSV: new series after the old ones, then one column per feature (sorted), empty where absent', () => {
    expect(perFrameCsv(full).split('\n')).toEqual([
      // A feature named like a series column is told apart.
      'distorted,frame,vmaf,psnr_y,xpsnr_y,xpsnr_u,xpsnr_v,cambi,integer_adm2,integer_motion2,feature:vmaf',
      '"/d/a,b.mp4",0,80,,37.1508,38.7122,38.4645,0,0.99,0,1',
      '"/d/a,b.mp4",5,90,,36,38,inf,,,1.5,2',
      '/d/b.mp4,0,,40,,,,,,,',
      '/d/b.mp4,5,,41,,,,,,,',
      '',
    ]);
  });

  it('JSON: series and features per distorted video, non-finite as null', () => {
    const j = perFrameJson(full) as { results: { series: unknown; features: unknown }[] };
    expect(j.results[0]!.series).toEqual({
      vmaf: [80, 90],
      xpsnr: [37.1508, 36],
      xpsnrU: [38.7122, 38],
      xpsnrV: [38.4645, null],
      cambi: [0, null],
    });
    expect(j.results[0]!.features).toEqual({
      integer_motion2: [0, 1.5],
      integer_adm2: [0.99, null],
      vmaf: [1, 2],
    });
    expect(j.results[1]!.features).toEqual({});
  });

  it('vq score --json pools the new series like the others', () => {
    const r = result({ perFrame: { cambi: [1, 3], xpsnr: [30, 40] } });
    r.metrics = { cambi: pool([1, 3]), xpsnr: pool([30, 40]) };
    const j = scoreJson({ ...run, results: [r] });
    expect(j.results[0]!.metrics.cambi).toMatchObject({ mean: 2, min: 1, max: 3, below: null });
    expect(j.results[0]!.metrics.xpsnr).toMatchObject({ mean: 35 });
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
