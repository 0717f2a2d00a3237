import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { testMedia } from '../../testing/tempDir';
import { pool } from '../../../shared/pooling';
import {
  parseLibvmafJson,
  parseLibvmafXml,
  parsePsnrStats,
  parseSsimStats,
  parseXpsnrStats,
} from './logs';
import { everyNth } from './run';

const read = (rel: string): string => fs.readFileSync(testMedia(rel), 'utf8');

describe('libvmaf 1.x JSON (real logs)', () => {
  it('parses the libvmaf 1.5.1 log from easyVmaf and reproduces its aggregate', () => {
    const log = parseLibvmafJson(read('easyVmaf/BBB_sampleA_distorted_vmaf_libvmaf1.5.1.json'));
    expect(log.generation).toBe(1);
    expect(log.version).toBe('1.5.1');
    expect(log.frames).toHaveLength(240);
    expect(log.frames[0]).toEqual({
      frameNum: 0,
      metrics: expect.objectContaining({
        vmaf: 92.61532,
        psnr: 40.82618,
        adm2: 0.9837399999999999,
      }),
    });
    expect(log.frames[239]!.frameNum).toBe(239);
    expect(log.aggregate['VMAF score']).toBe(90.87916838814755);
    // Our pooled mean of the logged per-frame values against libvmaf's own aggregate: the
    // per-frame values are rounded to 5 decimals, so they agree to ~1e-6, not exactly.
    const vmaf = log.frames.map((f) => f.metrics.vmaf!);
    expect(Math.abs(pool(vmaf).mean - 90.87916838814755)).toBeLessThan(5e-6);
    expect(
      Math.abs(pool(log.frames.map((f) => f.metrics.psnr!)).mean - 38.41892145773327),
    ).toBeLessThan(5e-6);
  });

  it('parses the 1.3.7 shape (no aggregate keys: that build prints the score to stderr)', () => {
    // The shape the @ffmpeg-installer build (libvmaf 1.3.7) writes; score.conformance.test.ts
    // parses real ones.
    const log = parseLibvmafJson(
      JSON.stringify({
        version: '1.3.7',
        params: { model: 'vmaf_v0.6.1.pkl', scaledWidth: 1280, scaledHeight: 720, subsample: 1 },
        metrics: ['adm2', 'vmaf'],
        frames: [{ frameNum: 0, metrics: { adm2: 0.70704, vmaf: 15.44212 } }],
      }),
    );
    expect(log.generation).toBe(1);
    expect(log.frames[0]!.metrics.vmaf).toBe(15.44212);
    expect(log.aggregate).toEqual({});
  });

  it('rejects a log of the wrong shape with a clear error', () => {
    expect(() => parseLibvmafJson('{"version":"1.3.7","frames":[{"frameNum":0}]}')).toThrow(
      /unexpected shape/,
    );
    expect(() => parseLibvmafJson('not json')).toThrow(/not JSON/);
  });
});

describe('libvmaf 2.x JSON (CONSTRUCTED from methods.md §3.6, no real 2.x JSON file here)', () => {
  // Built from the documented writer (libvmaf/src/output.c) and the official 576x324 sample.
  const text = JSON.stringify({
    version: 'e1d466c',
    fps: 41.98,
    frames: [
      {
        frameNum: 0,
        metrics: {
          integer_adm2: 0.962084,
          integer_motion2: 0.0,
          psnr_y: 34.760779,
          float_ms_ssim: 0.97,
          vmaf: 83.856285,
        },
      },
      {
        frameNum: 1,
        metrics: { integer_adm2: 0.95, integer_motion2: 1.2, psnr_y: null, vmaf: 80.1 },
      },
    ],
    pooled_metrics: {
      vmaf: { min: 71.176557, max: 87.18142, mean: 76.668905, harmonic_mean: 76.510006 },
    },
    aggregate_metrics: {},
  });

  it('reads frames, null as NaN, and pooled_metrics', () => {
    const log = parseLibvmafJson(text);
    expect(log.generation).toBe(2);
    expect(log.version).toBe('e1d466c');
    expect(log.frames[0]!.metrics.vmaf).toBe(83.856285);
    expect(Number.isNaN(log.frames[1]!.metrics.psnr_y)).toBe(true);
    expect(log.pooled?.vmaf).toEqual({
      min: 71.176557,
      max: 87.18142,
      mean: 76.668905,
      harmonicMean: 76.510006,
    });
  });
});

describe('libvmaf 3.0 XML (real logs from easyVmaf)', () => {
  it('reads three models, the features and pooled_metrics', () => {
    const log = parseLibvmafXml(read('easyVmaf/BBB_sampleA_distorted_vmaf.xml'));
    expect(log.version).toBe('3.0.0');
    expect(log.generation).toBe(2);
    expect(log.frames).toHaveLength(240);
    expect(log.frames[0]!.metrics).toMatchObject({
      vmaf_hd: 92.623535,
      vmaf_hd_neg: 91.00693,
      vmaf_hd_phone: 100,
      psnr_y: 40.82618,
      integer_adm2: 0.983747,
    });
    expect(log.pooled?.vmaf_hd).toEqual({
      min: 87.657566,
      max: 96.593084,
      mean: 90.887887,
      harmonicMean: 90.867048,
    });
    expect(log.pooled?.vmaf_hd_neg?.mean).toBe(89.009883);
    // Our pooling of the logged frames agrees with libvmaf's own pools (6-decimal frames).
    const s = pool(log.frames.map((f) => f.metrics.vmaf_hd!));
    expect(Math.abs(s.mean - 90.887887)).toBeLessThan(2e-6);
    expect(Math.abs(s.harmonicMean - 90.867048)).toBeLessThan(2e-6);
    expect(s.min).toBe(87.657566);
    expect(s.max).toBe(96.593084);
  });

  it('libvmaf pools every feature with the +1-offset harmonic mean (why pooling.ts uses it for all)', () => {
    const log = parseLibvmafXml(read('easyVmaf/BBB_sampleA_distorted_vmaf.xml'));
    for (const k of ['psnr_y', 'integer_adm2', 'integer_motion2', 'cambi']) {
      const v = log.frames.map((f) => f.metrics[k]!);
      // Agreement to the 6 decimals libvmaf prints; the plain harmonic mean differs (cambi:
      // 0.022752 against 0.023576; motion2 has a zero frame, so plain would be 0).
      expect(Math.abs(pool(v).harmonicMean - log.pooled![k]!.harmonicMean), k).toBeLessThan(1e-6);
    }
  });

  it('reads the second 3.0 log and the 1.x XML layout', () => {
    const log = parseLibvmafXml(read('easyVmaf/BBB_reference_10s_vmaf.xml'));
    expect(log.frames).toHaveLength(240);
    expect(log.pooled?.vmaf_hd?.mean).toBe(93.743262);
    const v1 = parseLibvmafXml(
      '<VMAF version="1.3.7"><params model="vmaf_v0.6.1.pkl" scaledWidth="576" scaledHeight="324" ' +
        'subsample="1" /><fyi numOfFrames="1" aggregateVMAF="83.8563" poolMethod="mean" ' +
        'execFps="40.1" /><frames><frame frameNum="0" adm2="0.962084" vmaf="83.856285" />' +
        '</frames></VMAF>',
    );
    expect(v1.generation).toBe(1);
    expect(v1.aggregate.aggregateVMAF).toBe(83.8563);
    expect(v1.frames[0]!.metrics.vmaf).toBe(83.856285);
  });

  it('rejects a frame with a value that is not a number', () => {
    expect(() =>
      parseLibvmafXml('<VMAF version="3"><frames><frame frameNum="0" vmaf="x" /></frames></VMAF>'),
    ).toThrow(/unexpected shape/);
  });
});

describe('ffmpeg psnr/ssim stats files', () => {
  it('reads psnr lines (2 decimals as printed; inf for identical frames)', () => {
    const lines = parsePsnrStats(
      'n:1 mse_avg:536.71 mse_y:900.22 mse_u:234.48 mse_v:475.43 psnr_avg:20.83 psnr_y:18.59 psnr_u:24.43 psnr_v:21.36 \n' +
        'n:2 mse_avg:0.00 mse_y:0.00 mse_u:0.00 mse_v:0.00 psnr_avg:inf psnr_y:inf psnr_u:inf psnr_v:inf \n',
    );
    expect(lines[0]).toEqual({
      n: 1,
      psnrY: 18.59,
      psnrAvg: 20.83,
      values: expect.objectContaining({ mse_avg: 536.71, psnr_v: 21.36 }),
    });
    expect(lines[1]!.psnrY).toBe(Infinity);
  });

  it('skips the stats_version 2 header', () => {
    const lines = parsePsnrStats(
      'psnr_log_version:2 fields:n,mse_avg,mse_y,psnr_avg,psnr_y\nn:1 mse_avg:1.00 mse_y:1.00 psnr_avg:48.13 psnr_y:48.13 \n',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]!.psnrAvg).toBe(48.13);
  });

  it('reads ssim lines including the dB value', () => {
    const lines = parseSsimStats(
      'n:1 Y:0.933883 U:0.959728 V:0.942356 All:0.945322 (12.621900)\nn:2 Y:1.000000 U:1.000000 V:1.000000 All:1.000000 (inf)\n',
    );
    expect(lines[0]).toEqual({
      n: 1,
      ssimY: 0.933883,
      ssimAll: 0.945322,
      values: { Y: 0.933883, All: 0.945322, U: 0.959728, V: 0.942356, dB: 12.6219 },
    });
    expect(lines[1]!.values.dB).toBe(Infinity);
  });

  it('rejects a malformed line', () => {
    expect(() => parseSsimStats('n:1 Y:abc All:0.9 (1)')).toThrow(/unexpected line 1/);
  });
});

describe("ffmpeg 7.1's xpsnr stats file", () => {
  // Excerpts of stats files FFmpeg 7.1.5 wrote (lines of a 10-frame trimmed run and of an
  // identical pair, put together), with the blank line and a summary line as the filter ends
  // its file (the summary's numbers are not those of these lines: the parser does not read it).
  const real =
    'n:    1  XPSNR y: 36.5160  XPSNR u: 37.6121  XPSNR v: 36.1625\n' +
    'n:    2  XPSNR y: 30.9896  XPSNR u: 30.7808  XPSNR v: 29.2581\n' +
    'n:    3  XPSNR y: 30.8968  XPSNR u: 29.4571  XPSNR v: 28.5626\n' +
    '\n' +
    'XPSNR average, 3 frames  y: 31.7683  u: 30.6142  v: 29.9727  (minimum: 29.9727)\n';
  const identical =
    'n:   25  XPSNR y: inf  XPSNR u: inf  XPSNR v: inf\n' +
    '\n' +
    'XPSNR average, 25 frames  y: inf  u: inf  v: inf  (minimum: inf)\n';

  it('reads every frame line, y/u/v in dB, and leaves the summary out', () => {
    const lines = parseXpsnrStats(real);
    expect(lines).toEqual([
      { n: 1, y: 36.516, u: 37.6121, v: 36.1625 },
      { n: 2, y: 30.9896, u: 30.7808, v: 29.2581 },
      { n: 3, y: 30.8968, u: 29.4571, v: 28.5626 },
    ]);
  });

  it('reads inf, which the filter prints for a frame identical to the reference', () => {
    expect(parseXpsnrStats(identical)).toEqual([{ n: 25, y: Infinity, u: Infinity, v: Infinity }]);
  });

  it('keeps frames 0, n, 2n… when subsampled (frame k is line k+1)', () => {
    const lines = parseXpsnrStats(real);
    expect(everyNth(lines, 2).map((l) => l.n)).toEqual([1, 3]);
    expect(everyNth(lines, 1)).toEqual(lines);
  });

  it('rejects a malformed line with the line number and what it saw', () => {
    expect(() => parseXpsnrStats('n:    1  XPSNR y: abc  XPSNR u: 1  XPSNR v: 1')).toThrow(
      /xpsnr filter's stats file has an unexpected line 1 \(y: not a number\)/,
    );
    expect(() => parseXpsnrStats('n: 1 y: 36.5 u: 37.6 v: 36.1')).toThrow(
      /unexpected line 1 \(not "n: N {2}XPSNR y: …"/,
    );
    expect(() => parseXpsnrStats(`${real}n:    4  XPSNR y: 30.1  XPSNR u: 29.0\n`)).toThrow(
      /unexpected line 6 \(v: /,
    );
    expect(() =>
      parseXpsnrStats('n:    1  XPSNR y: 1  XPSNR u: 1  XPSNR v: 1  XPSNR a: 1'),
    ).toThrow(/unexpected line 1/);
  });
});
