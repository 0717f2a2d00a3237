// Score jobs on the shared queue, without Redis: the lanes (named from the options, needs read back
// from the name alone, one spelling per lane), which worker builds canRun each lane, the task
// schema, the split into chunks, and the trip of a real run's per-frame values through JSON —
// NaN, ±Infinity and −0 included — with the pooled figures made again on the app's side.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MediaInfo } from '../../../shared/media';
import { pool } from '../../../shared/pooling';
import type { ScoreOptions, ScoreRunResult } from '../../../shared/score';
import { canRun, ffmpegRelease, type WorkerBuild } from '../../../shared/workers';
import { scoreRun } from '../scoreEngine';
import type { ResolvedReference, ResolvedTarget } from '../scoreService/scoreTargets';
import { ffmpeg, noLibvmafToolchain } from '../../testing/scoreFixtures';
import { useTempDirs } from '../../testing/tempDir';
import { splitScoreJob } from './clusterScoreExecutor';
import { laneNeeds } from './encodeTask';
import {
  ScoreDoneSchema,
  ScoreTaskSchema,
  fromWire,
  runFromWire,
  runToWire,
  scoreLaneName,
  scoreLaneNeeds,
  scoreLaneSpec,
  scoreLaneSpecOf,
  toWire,
  type ScoreLaneSpec,
} from './scoreTask';

const tempDir = useTempDirs('vq-score-task-');

const SD = { width: 640, height: 360 };
const lane = (options: ScoreOptions, size = SD): string =>
  scoreLaneName(scoreLaneSpecOf(options, size));

describe('score lanes', () => {
  it('are named from what the options need of an ffmpeg', () => {
    expect(lane({ metrics: ['psnr', 'ssim'] })).toBe('score.plain');
    expect(lane({})).toBe('score.vmaf+model-vmaf_v0.6.1');
    expect(lane({ metrics: ['ms_ssim'] })).toBe('score.vmaf+model-vmaf_v0.6.1');
    expect(lane({}, { width: 3840, height: 2160 })).toBe('score.vmaf+model-vmaf_4k_v0.6.1');
    // The size scored at decides the model, not the reference's.
    expect(lane({ scale: { width: 1920, height: 1080 } }, { width: 3840, height: 2160 })).toBe(
      'score.vmaf+model-vmaf_v0.6.1',
    );
    expect(lane({ model: { variant: 'phone', size: 'auto' } }, { width: 3840, height: 2160 })).toBe(
      'score.vmaf+model-vmaf_v0.6.1',
    );
    expect(lane({ model: { variant: 'neg', size: '4k' } })).toBe(
      'score.vmaf+libvmaf2+model-vmaf_4k_v0.6.1neg',
    );
    expect(lane({ metrics: ['vmaf', 'cambi', 'xpsnr'] })).toBe(
      'score.vmaf+cambi+xpsnr+model-vmaf_v0.6.1',
    );
    expect(lane({ metrics: ['xpsnr', 'psnr'] })).toBe('score.xpsnr');
    expect(lane({ model: { name: 'vmaf_v1.0.16_hfr_3d0h' } })).toBe(
      'score.vmaf+model-vmaf_v1.0.16_hfr_3d0h',
    );
    expect(lane({ model: { path: '/models/mine.json' } })).toBe('score.vmaf+libvmaf2');
    expect(lane({ model: { path: '/models/mine.pkl' } })).toBe('score.vmaf');
  });

  it('give back their needs from the name alone, and only in their one spelling', () => {
    expect(scoreLaneNeeds('score.plain')).toEqual({});
    expect(scoreLaneNeeds('score.xpsnr')).toEqual({ ffmpeg: { minVersion: '7.1' } });
    expect(scoreLaneNeeds('score.vmaf+model-vmaf_v0.6.1')).toEqual({
      libvmaf: { models: ['vmaf_v0.6.1'] },
    });
    expect(scoreLaneNeeds('score.vmaf+cambi+xpsnr+model-vmaf_v0.6.1')).toEqual({
      libvmaf: { minVersion: '2.0.0', models: ['vmaf_v0.6.1'], features: ['cambi'] },
      ffmpeg: { minVersion: '7.1' },
    });
    for (const bad of [
      'score.',
      'score',
      'score.x',
      'score.Vmaf',
      'score.plain+xpsnr',
      'score.vmaf+vmaf',
      'score.cambi+vmaf',
      'score.cambi',
      'score.model-vmaf_v0.6.1',
      'score.vmaf+model-',
      'score.vmaf+model-a+model-b',
      'score.vmaf+model-a b',
      'score.vmaf:wait',
      'encode.libx264',
      'join.any',
    ]) {
      expect(scoreLaneNeeds(bad), bad).toBeNull();
    }
    // The two readers of lane names never both claim one.
    expect(laneNeeds('score.plain')).toBeNull();
    expect(scoreLaneNeeds('encode.libx264')).toBeNull();
  });

  it('read back every spec they are named from', () => {
    for (const v2 of [false, true])
      for (const cambi of [false, true])
        for (const model of [null, 'vmaf_v0.6.1', 'vmaf_v1.0.16_3d0h_2160'])
          for (const xpsnr of [false, true]) {
            const spec: ScoreLaneSpec = { libvmaf: { v2, cambi, model }, xpsnr };
            expect(scoreLaneSpec(scoreLaneName(spec))).toEqual(spec);
          }
    expect(scoreLaneSpec(scoreLaneName({ libvmaf: null, xpsnr: true }))).toEqual({
      libvmaf: null,
      xpsnr: true,
    });
  });

  it('reach only workers with a build that has everything the lane names', () => {
    const build = (version: string, libvmaf: WorkerBuild['libvmaf']): WorkerBuild => ({
      path: `/ffmpeg-${version}`,
      version,
      encoders: ['libx264'],
      libvmaf,
    });
    const debian = build('5.1.9-0+deb12u1', null);
    const npmNoModels = build('N-47683-g0e8eb07980-static', {
      version: null,
      models: [],
      features: [],
    });
    const npm = build('N-47683-g0e8eb07980-static', {
      version: null,
      models: ['vmaf_v0.6.1', 'vmaf_4k_v0.6.1'],
      features: [],
    });
    const v3 = build('7.1.5', {
      version: '3.2.0',
      models: ['vmaf_v0.6.1', 'vmaf_v0.6.1neg', 'vmaf_4k_v0.6.1'],
      features: ['cambi', 'float_ms_ssim'],
    });
    const takes = (name: string, builds: WorkerBuild[]) =>
      canRun({ name: 'w', builds }, scoreLaneNeeds(name)!).ok;
    expect(takes('score.plain', [debian])).toBe(true);
    expect(takes('score.vmaf+model-vmaf_v0.6.1', [debian])).toBe(false);
    expect(takes('score.vmaf+model-vmaf_v0.6.1', [debian, npmNoModels])).toBe(false);
    expect(takes('score.vmaf+model-vmaf_v0.6.1', [debian, npm])).toBe(true);
    expect(takes('score.vmaf+libvmaf2+model-vmaf_v0.6.1neg', [npm])).toBe(false);
    expect(takes('score.vmaf+libvmaf2+model-vmaf_v0.6.1neg', [npm, v3])).toBe(true);
    expect(takes('score.vmaf+cambi+model-vmaf_v0.6.1', [npm, debian])).toBe(false);
    expect(takes('score.vmaf+cambi+model-vmaf_v0.6.1', [v3])).toBe(true);
    expect(takes('score.xpsnr', [debian, npm])).toBe(false);
    expect(takes('score.xpsnr', [build('n7.1', null)])).toBe(true);
    // XPSNR and VMAF in one process: one build must have both.
    expect(takes('score.vmaf+xpsnr+model-vmaf_v0.6.1', [build('7.1', null), npm])).toBe(false);
    expect(takes('score.vmaf+xpsnr+model-vmaf_v0.6.1', [v3])).toBe(true);
    const why = canRun({ name: 'w', builds: [debian, npm] }, scoreLaneNeeds('score.xpsnr')!);
    expect(why).toEqual({
      ok: false,
      reasons: [
        '/ffmpeg-5.1.9-0+deb12u1: ffmpeg 5.1.9 is older than 7.1',
        '/ffmpeg-N-47683-g0e8eb07980-static: ffmpeg N-47683-g0e8eb07980-static names no release; 7.1+ needed',
      ],
    });
    expect(ffmpegRelease('7.1.5')).toBe('7.1.5');
    expect(ffmpegRelease('n6.0')).toBe('6.0');
    expect(ffmpegRelease('4.1')).toBe('4.1');
    expect(ffmpegRelease(null)).toBeNull();
  });
});

describe('a score task', () => {
  const task = {
    v: 1,
    kind: 'score',
    jobId: 'job1',
    reference: { path: '/media/ref.mkv', raw: null },
    targets: [{ path: '/media/a.mp4', raw: null, fixes: ['convert-range'] }],
    options: { metrics: ['vmaf', 'psnr'], thresholds: { vmaf: 70 } },
    frameRange: { start: 24, end: 48 },
  };

  it('is checked strictly on the worker: facts and the person options, nothing else', () => {
    expect(ScoreTaskSchema.parse(task)).toEqual(task);
    const bad: unknown[] = [
      { ...task, command: ['ffmpeg'] },
      { ...task, targets: [] },
      { ...task, targets: [{ ...task.targets[0], fixes: ['rm -rf'] }] },
      { ...task, options: { metrics: ['vmaf'], filter: 'drawtext' } },
      { ...task, options: { metrics: ['cambi'], thresholds: { cambi: 3 } } },
      { ...task, frameRange: { start: 48, end: 48 } },
      { ...task, reference: { path: '/media/ref\0.mkv', raw: null } },
      { ...task, v: 2 },
    ];
    for (const b of bad)
      expect(ScoreTaskSchema.safeParse(b).success, JSON.stringify(b)).toBe(false);
  });
});

describe('splitting a score job into chunks', () => {
  const media = (frames: number | null, exact = true, vfr = false): MediaInfo =>
    ({
      raw: null,
      durationSeconds: 2,
      video: {
        width: 640,
        height: 360,
        rFrameRate: '25/1',
        avgFrameRate: '25/1',
        frameRate: 25,
        frameCount: frames,
        frameCountSource: exact ? 'stream' : 'computed',
        durationSeconds: 2,
        pixFmt: 'yuv420p',
        bitDepth: 8,
        rotation: 0,
        vfr,
        sar: '1:1',
        hdr: null,
        colorRange: 'tv',
        colorMatrix: 'bt709',
        fieldOrder: 'progressive',
      },
    }) as unknown as MediaInfo;
  const ref = (m: MediaInfo) =>
    ({
      item: { media: m, path: '/r.mp4' },
      source: { path: '/r.mp4', media: m },
    }) as unknown as ResolvedReference;
  const target = (m: MediaInfo) =>
    ({
      scored: { label: 'r360' },
      source: { path: '/d.mp4', media: m },
    }) as unknown as ResolvedTarget;
  const split = (o: Partial<Parameters<typeof splitScoreJob>[0]>) =>
    splitScoreJob({
      chunkSeconds: 0.5,
      ref: ref(media(50)),
      targets: [target(media(50))],
      plan: { options: {} },
      fixes: [[]],
      ...o,
    });

  it('splits a title whose frame count is known into ranges of about the chunk length', () => {
    expect(split({})).toEqual({
      frameCount: 50,
      ranges: [
        { start: 0, end: 13 },
        { start: 13, end: 26 },
        { start: 26, end: 38 },
        { start: 38, end: 50 },
      ],
    });
    expect(split({ chunkSeconds: null })).toBeNull();
  });

  it('scores it whole, saying why, when chunks could not equal one pass', () => {
    expect(split({ plan: { options: { subsample: 2 } } })).toMatchObject({
      whole: expect.any(String),
    });
    expect(split({ plan: { options: { startSeconds: 1 } } })).toMatchObject({
      whole: expect.any(String),
    });
    expect(split({ fixes: [['trim-to-shortest']] })).toMatchObject({ whole: expect.any(String) });
    expect(split({ ref: ref(media(50, false)) })).toMatchObject({ whole: expect.any(String) });
    expect(
      split({ targets: [target(media(49))], plan: { options: { align: 'off' } } }),
    ).toMatchObject({ whole: "r360 does not have the reference's 50 frames" });
    // With align auto (the default) a frame count that differs is matched by the pictures.
    expect(split({ targets: [target(media(49))] })).toMatchObject({
      whole: 'its frames are matched by their pictures first',
    });
    expect(split({ chunkSeconds: 10 })).toMatchObject({ whole: expect.any(String) });
  });

  it('scores it whole when the pictures are looked at first (frames matched, bars found)', () => {
    const matched = { whole: 'its frames are matched by their pictures first' };
    expect(split({ plan: { options: { align: 'on' } } })).toEqual(matched);
    expect(split({ fixes: [['align-frames']] })).toEqual(matched);
    // A variable frame rate makes align auto (the default) look; with align off it splits.
    const vfr = target(media(50, true, true));
    expect(split({ targets: [vfr] })).toEqual(matched);
    expect(split({ targets: [vfr], plan: { options: { align: 'off' } } })).toMatchObject({
      frameCount: 50,
    });
  });
});

describe('a score run through JSON', () => {
  it('keeps every per-frame value, NaN, ±Infinity and −0 included', () => {
    for (const v of [0, -0, 1.5, -2.25, 1e-300, Number.MAX_VALUE, NaN, Infinity, -Infinity]) {
      const back = fromWire(JSON.parse(JSON.stringify(toWire(v))) as ReturnType<typeof toWire>);
      expect(Object.is(back, v), String(v)).toBe(true);
    }
  });

  it('carries a real run (PSNR infinite on identical frames) and is pooled again on arrival', async () => {
    const dir = tempDir();
    const ref = path.join(dir, 'ref.mp4');
    ffmpeg([
      ...['-f', 'lavfi', '-i', 'testsrc2=s=320x240:r=25:d=0.4'],
      ...['-c:v', 'libx264', '-preset', 'ultrafast', '-qp', '0', '-pix_fmt', 'yuv420p', ref],
    ]);
    const run = await scoreRun(
      { reference: { path: ref }, distorted: [{ path: ref }], metrics: ['psnr', 'ssim'] },
      { toolchain: noLibvmafToolchain(path.join(dir, 'cache')), tmpDir: dir },
    );
    const psnr = run.results[0]!.perFrame.psnr!;
    expect(psnr.length).toBe(10);
    expect(psnr.every((v) => v === Infinity)).toBe(true);

    const sent = JSON.parse(JSON.stringify({ v: 1, worker: 'w1', run: runToWire(run) })) as unknown;
    const done = ScoreDoneSchema.parse(sent);
    const back = runFromWire(done.run, undefined);
    expect(back).toEqual(run);
    for (const [k, v] of Object.entries(run.results[0]!.perFrame)) {
      const got = back.results[0]!.perFrame[k as keyof (typeof run.results)[0]['perFrame']]!;
      v.forEach((x, i) => expect(Object.is(got[i], x), `${k} ${i}`).toBe(true));
    }
    expect(back.results[0]!.metrics.psnr!.mean).toBe(Infinity);

    // What JSON makes of a bare NaN/Infinity (null), pooled figures, or a short series: refused.
    const wire = runToWire(run);
    const r0 = wire.results[0]!;
    const refused: unknown[] = [
      {
        ...wire,
        results: [{ ...r0, perFrame: { ...r0.perFrame, psnr: r0.perFrame.psnr!.map(() => null) } }],
      },
      { ...wire, results: [{ ...r0, metrics: { psnr: pool([1, 2]) } }] },
      {
        ...wire,
        results: [{ ...r0, perFrame: { ...r0.perFrame, ssim: r0.perFrame.ssim!.slice(1) } }],
      },
      { ...wire, results: [{ ...r0, perFrame: { ...r0.perFrame, bogus: [1] } }] },
      { ...wire, results: [] },
    ];
    for (const r of refused) {
      expect(ScoreDoneSchema.safeParse({ v: 1, worker: 'w1', run: r }).success).toBe(false);
    }
    expect(ScoreDoneSchema.safeParse({ v: 1, worker: 'bad name', run: wire }).success).toBe(false);
  });

  it('never keeps pooled figures a worker made: the app pools the values with its thresholds', () => {
    const values = [90, 70, NaN, 85];
    const run = {
      reference: '/r.mp4',
      results: [
        {
          distorted: '/d.mp4',
          frames: 4,
          frameNumbers: [0, 1, 2, 3],
          perFrame: { vmaf: values },
          metrics: {},
          libvmafFeatures: { integer_motion2: [0, -0, 1, 2] },
          warnings: [],
          unavailable: [],
          preflight: [],
          fixes: [],
          alignment: {
            width: 640,
            height: 360,
            scaler: 'bicubic',
            pixFmt: 'yuv420p',
            vmafPixFmt: null,
            frameRate: '25/1',
            referenceTiming: 'index',
            distortedTiming: 'index',
            startFrame: 0,
            frames: null,
            subsample: 1,
            rangeConversion: null,
            matrixConversion: null,
          },
          model: null,
          command: ['ffmpeg'],
          ffmpeg: { path: '/ff', version: '7.1', libvmafApi: 2, libvmafVersion: '3.2.0' },
        },
      ],
      command: ['ffmpeg'],
      ffmpeg: { path: '/ff', version: '7.1', libvmafApi: 2, libvmafVersion: '3.2.0' },
      model: null,
      startedAt: new Date(0).toISOString(),
      durationMs: 5,
    } satisfies ScoreRunResult;
    const done = ScoreDoneSchema.parse(
      JSON.parse(JSON.stringify({ v: 1, worker: 'w', run: runToWire(run) })),
    );
    const back = runFromWire(done.run, { vmaf: 86 });
    expect(back.results[0]!.metrics.vmaf).toEqual(pool(values, 86));
    expect(back.results[0]!.metrics.vmaf!.below).toEqual({ threshold: 86, share: 2 / 3 });
    expect(back.results[0]!.metrics.vmaf!.skipped).toBe(1);
    expect(Object.is(back.results[0]!.libvmafFeatures.integer_motion2![1], -0)).toBe(true);
  });
});
