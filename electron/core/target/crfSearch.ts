/**
 * The CRF search (issue 16): the CRF that gives a title a quality target, found on samples.
 *
 * 1. The title's shots (core/shots, cached per source) place the samples (shared/crfSearch.ts
 *    pickSamples), and the samples are cut into one lossless reel (sampleReel.ts).
 * 2. Each step encodes the reel at one CRF with the rung's own command (shared/encodePlan.ts, a
 *    keyframe at each sample's start) and scores it against the reel with the scoring engine:
 *    the figure pooled over every sample frame, each sample's own, and the bitrate.
 * 3. nextCrf picks the next CRF from the steps until it has its answer; pickCrf reads the CRF for
 *    the title off them, with the quality, bitrate and size expected and an error estimate.
 * 4. With `verify`, the whole title is encoded at that CRF with the same command and scored.
 *
 * Everything it writes goes to a work folder that is removed at the end, failed or not; a verified
 * encode is kept only when asked for (`verifyOut`), and written there only once whole.
 */
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CRF_SEARCH_ENCODERS,
  DEFAULT_SAMPLE_SECONDS,
  MAX_SAMPLE_SECONDS,
  MAX_SAMPLE_TOTAL_SECONDS,
  bytesAsInTitle,
  checkSearchQuality,
  defaultSampleCount,
  nextCrf,
  pickCrf,
  pickSamples,
  sampleMiddles,
  predictionError,
  searchSpace,
  type CrfSearchResult,
  type CrfStep,
  type SampleSpan,
} from '../../../shared/crfSearch';
import { buildEncodeCommand, type PlannedRung } from '../../../shared/encodePlan';
import { VqError } from '../../../shared/errors';
import type { Rung, SoftwareEncoder } from '../../../shared/ladder';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { pool } from '../../../shared/pooling';
import {
  pooledFigure,
  RD_QUALITY_LABELS,
  RD_QUALITY_SERIES,
  type RdQuality,
} from '../../../shared/rd/quality';
import type { ScoreMetric } from '../../../shared/score';
import { DEFAULT_SCENE_THRESHOLD, type Shot } from '../../../shared/shots';
import { chooseEncodeBinary } from '../encode/chooseBinary';
import { sourceGeometry } from '../encode/planBatch';
import { parseFrameRate, type FrameRate } from '../media/frameSeek';
import { probeFile } from '../probe';
import { scoreRun } from '../scoreEngine';
import { findShots } from '../shots/findShots';
import { measureSceneScoresNear } from '../shots/sceneScores';
import {
  checkTargetRun,
  moveFile,
  planCrfRung,
  rangeOf,
  encodeOrThrow,
  videoPackets,
} from './encodeTools';
import { makeSampleReel, reelCodecFor, reelFromKept, y4mRoom } from './sampleReel';
import type { Toolchain } from '../toolchain';

/** What a search reports as it goes (the CLI's stderr lines, the app's live chart). */
export type CrfSearchEvent =
  /** The shots known: all of the title's (`shots` counted), or only those near the samples (null). */
  | { type: 'shots'; shots: number | null; frames: number; cached: boolean }
  | { type: 'samples'; samples: SampleSpan[]; coverage: number }
  | { type: 'step-start'; crf: number; index: number }
  | { type: 'step'; step: CrfStep; index: number }
  | { type: 'verify-start'; crf: number; command: string[] }
  | { type: 'verify-progress'; fraction: number | null };

/** What the search is asked. */
export interface CrfSearchOptions {
  source: { path: string; raw: RawVideoSpec | null; media: MediaInfo };
  encoder: SoftwareEncoder;
  preset?: string | null;
  pixFmt?: Rung['pixFmt'];
  metric?: RdQuality;
  target: number;
  samples?: number;
  sampleSeconds?: number;
  verify?: boolean;
  /** Keep the verified encode here (its container by the extension: .mp4, .mkv or .webm). */
  verifyOut?: string | null;
  /** Replace `verifyOut` when it exists. */
  overwrite?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: CrfSearchEvent) => void;
}

/** What it needs from the app. */
export interface CrfSearchDeps {
  toolchain: Pick<Toolchain, 'binaryFor' | 'report'>;
  /** The data folder's cache (shots are kept there). */
  cacheDir: string | null;
  /** Parent of the work folder (default: the OS temp folder). */
  tmpDir?: string;
}

/** The metrics the scoring engine computes for a figure. */
const METRIC_OF: Readonly<Record<RdQuality, ScoreMetric>> = {
  vmafMean: 'vmaf',
  vmafHmean: 'vmaf',
  vmafP5: 'vmaf',
  psnrY: 'psnr',
  psnr: 'psnr',
  ssim: 'ssim',
  msSsim: 'ms_ssim',
  xpsnr: 'xpsnr',
  cambi: 'cambi',
};

/**
 * The shots the samples are placed by, and the title's frame count. From the cache when the title's
 * scene scores are there; else, when the title's frame count is known, only the stretch before each
 * sample's middle is scored (all pickSamples looks at: a shot starting there pulls the sample back
 * to it), which costs a few seconds where a decode of a film would cost minutes; else one decode.
 */
async function sampleShots(o: {
  ffmpeg: string;
  source: CrfSearchOptions['source'];
  fps: number;
  rate: FrameRate;
  cacheDir: string | null;
  signal?: AbortSignal;
  samples: number | undefined;
  sampleSeconds: number;
  sampleFrames: number;
  /** Keep the frames a local scan decodes here (YUV4MPEG), for the reel to be cut from. */
  keepFramesIn: string | null;
}): Promise<{
  total: number;
  count: number;
  shots: Shot[];
  event: { shots: number | null; frames: number; cached: boolean };
  /** The frames a local scan kept (keepFramesIn), each file from its title frame `first` on. */
  kept: { file: string; first: number }[];
}> {
  const base = {
    ffmpeg: o.ffmpeg,
    input: o.source.path,
    raw: o.source.raw,
    fps: o.fps,
    cacheDir: o.cacheDir,
    signal: o.signal,
  };
  const v = o.source.media.video;
  const known =
    v.frameCount !== null &&
    (v.frameCountSource === 'container' || v.frameCountSource === 'counted');
  const cached = await findShots({ ...base, cachedOnly: true });
  if (cached || !known) {
    const all = cached ?? (await findShots(base));
    return {
      total: all.frames,
      count: o.samples ?? defaultSampleCount(all.frames / o.fps, o.sampleSeconds),
      shots: all.shots,
      event: { shots: all.shots.length, frames: all.frames, cached: all.cached },
      kept: [],
    };
  }
  const total = v.frameCount!;
  const count = o.samples ?? defaultSampleCount(total / o.fps, o.sampleSeconds);
  const whole = count * o.sampleFrames >= 0.85 * total;
  // A sample starts at most a sample's length before its middle and ends at most that far after
  // it: when the frames are kept, the scan reads on to there, so the reel needs no decode of its own.
  const keep = o.keepFramesIn;
  const stretches = whole
    ? []
    : sampleMiddles(total, count).map((m) => {
        const start = Math.max(0, m - o.sampleFrames);
        const end = keep ? Math.min(total, m + o.sampleFrames) : m + 1;
        return { start, frames: end - start };
      });
  const near = await measureSceneScoresNear({
    ...base,
    rate: o.rate,
    stretches,
    keepFrames: keep ? (i) => path.join(keep, `near-${i}.y4m`) : undefined,
  });
  const cuts = [...near.scores]
    .filter(([, score]) => score >= DEFAULT_SCENE_THRESHOLD)
    .map(([frame]) => frame)
    .sort((a, b) => a - b);
  const starts = [0, ...cuts];
  const shots: Shot[] = starts.map((start, i) => ({
    start,
    end: starts[i + 1] ?? total,
    by: i === 0 ? 'title' : 'cut',
  }));
  return {
    total,
    count,
    shots,
    event: { shots: null, frames: total, cached: false },
    kept: near.kept,
  };
}

/** Runs a search (see the file comment). */
export async function runCrfSearch(
  o: CrfSearchOptions,
  deps: CrfSearchDeps,
): Promise<CrfSearchResult> {
  const metric = o.metric ?? 'vmafMean';
  checkSearchQuality(metric);
  const info = CRF_SEARCH_ENCODERS[o.encoder];
  if (!info)
    throw new VqError('INVALID_ARGS', `${o.encoder} is not an encoder the CRF search knows.`);
  const preset = o.preset ?? null;
  checkTargetRun({
    encoder: o.encoder,
    preset,
    media: o.source.media,
    raw: o.source.raw,
    source: o.source.path,
    outputs: o.verifyOut ? [o.verifyOut] : [],
    overwrite: o.overwrite,
  });
  const label = RD_QUALITY_LABELS[metric];
  const geometry = sourceGeometry(o.source.media, o.source.raw);
  const rate = parseFrameRate(String(geometry.frameRate ?? ''));
  if (!rate) {
    throw new VqError(
      'INVALID_ARGS',
      `${o.source.path} has no constant frame rate to cut samples by.`,
      'A raw video needs --raw WxH:pix_fmt:fps.',
    );
  }
  const fps = rate.num / rate.den;
  const sampleSeconds = o.sampleSeconds ?? DEFAULT_SAMPLE_SECONDS;
  if (!(sampleSeconds >= 0.2 && sampleSeconds <= MAX_SAMPLE_SECONDS)) {
    throw new VqError(
      'INVALID_ARGS',
      `A sample lasts 0.2 to ${MAX_SAMPLE_SECONDS} seconds, not ${sampleSeconds}.`,
    );
  }
  if (o.samples !== undefined && o.samples * sampleSeconds > MAX_SAMPLE_TOTAL_SECONDS) {
    throw new VqError(
      'INVALID_ARGS',
      `${o.samples} samples of ${sampleSeconds} s are more than ${MAX_SAMPLE_TOTAL_SECONDS} s of samples.`,
      'Take fewer or shorter samples; a few percent of the title predicts it well.',
    );
  }

  const started = Date.now();
  const report = await deps.toolchain.report();
  const encodeBin = chooseEncodeBinary(report, [o.encoder]);
  const decodeBin = await deps.toolchain.binaryFor('decode');
  const work = await fsp.mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'vq-crf-search-'));
  try {
    const sampleFrames = Math.max(1, Math.round(sampleSeconds * fps));
    // The reel's format: uncompressed when the frames fit, counting those a local scan keeps
    // (two samples' worth around each middle) and the reel (one more).
    const decoder = report.binaries.find((b) => b.path === decodeBin);
    const reelCodec = reelCodecFor(
      o.source.media,
      3 *
        sampleFrames *
        (o.samples ??
          defaultSampleCount(o.source.media.durationSeconds ?? Infinity, sampleSeconds)),
      { hasX264: decoder?.encoders.includes('libx264') ?? false, maxBytes: await y4mRoom(work) },
    );
    const place = await sampleShots({
      ffmpeg: decodeBin,
      source: o.source,
      fps,
      rate,
      cacheDir: deps.cacheDir,
      signal: o.signal,
      samples: o.samples,
      sampleSeconds,
      sampleFrames,
      keepFramesIn: reelCodec === 'y4m' && !o.source.raw ? work : null,
    });
    o.onEvent?.({ type: 'shots', ...place.event });
    const total = place.total;
    const spans = pickSamples(total, place.shots, { count: place.count, frames: sampleFrames });
    const reelFrames = spans.reduce((n, s) => n + s.frames, 0);
    const coverage = reelFrames / total;
    o.onEvent?.({ type: 'samples', samples: spans, coverage });

    // The reel (or the title itself when the one sample is all of it).
    const whole = spans.length === 1 && spans[0]!.start === 0 && spans[0]!.frames === total;
    let reel = { path: o.source.path, raw: o.source.raw };
    if (!whole) {
      const file = path.join(work, reelCodec === 'y4m' ? 'samples.y4m' : 'samples.mkv');
      const fromKept = place.kept.length > 0 && (await reelFromKept(place.kept, spans, file));
      await Promise.all(place.kept.map((k) => fsp.rm(k.file, { force: true })));
      if (!fromKept) {
        await makeSampleReel({
          codec: reelCodec,
          ffmpeg: decodeBin,
          input: o.source,
          spans,
          rate,
          out: file,
          signal: o.signal,
        });
      }
      reel = { path: file, raw: null };
    }
    const ffprobe = await deps.toolchain.binaryFor('probe');
    const reelMedia = whole ? o.source.media : await probeFile(reel.path, { ffprobe });

    const rungAt = (crf: number, media: MediaInfo, raw: RawVideoSpec | null): PlannedRung =>
      planCrfRung({ encoder: o.encoder, preset, crf, pixFmt: o.pixFmt }, media, raw);
    // A keyframe at the start of every sample after the first (half a frame early, so it cannot
    // miss the frame by rounding), as the title's encode starts a GOP at a cut.
    const keyframesAt: number[] = [];
    let before = 0;
    for (const s of spans.slice(0, -1)) {
      before += s.frames;
      keyframesAt.push((before - 0.5) / fps);
    }
    const scoreDeps = { toolchain: deps.toolchain, tmpDir: work, cacheDir: deps.cacheDir };
    const series = RD_QUALITY_SERIES[metric];
    const figure = (values: number[]): number => pooledFigure(pool(values), metric)!;

    const space = searchSpace(o.encoder, metric, o.target);
    const steps: CrfStep[] = [];
    for (let crf = nextCrf(steps, space); crf !== null; crf = nextCrf(steps, space)) {
      const index = steps.length;
      o.onEvent?.({ type: 'step-start', crf, index });
      const stepStarted = Date.now();
      const out = path.join(work, `step-${index}.mkv`);
      const planned = rungAt(crf, reelMedia, reel.raw);
      const args = buildEncodeCommand(reel, [planned], [out], { keyframesAt });
      await encodeOrThrow(encodeBin, args, { signal: o.signal, what: `CRF ${crf} of the samples` });
      const run = await scoreRun(
        {
          reference: { path: reel.path, raw: reel.raw, media: reelMedia },
          distorted: [{ path: out }],
          metrics: [METRIC_OF[metric]],
          align: 'off',
        },
        scoreDeps,
        { signal: o.signal },
      );
      const perFrame = run.results[0]?.perFrame[series];
      if (!perFrame || perFrame.length !== reelFrames) {
        throw new VqError(
          'FFMPEG_FAILED',
          `Scoring CRF ${crf} of the samples gave ${perFrame?.length ?? 0} ${label} values for ${reelFrames} frames.`,
        );
      }
      const sampleQualities: number[] = [];
      let at = 0;
      for (const s of spans) {
        sampleQualities.push(figure(perFrame.slice(at, at + s.frames)));
        at += s.frames;
      }
      const ends = spans.map((_, i) => spans.slice(0, i + 1).reduce((n, s) => n + s.frames, 0));
      const packets = (await videoPackets(ffprobe, out, fps, o.signal)).map((p) => ({
        sample: rangeOf(ends, p.frame),
        bytes: p.bytes,
        key: p.key,
      }));
      const bytes = bytesAsInTitle(spans, packets);
      const step: CrfStep = {
        crf,
        quality: figure(perFrame),
        sampleQualities,
        bitrateKbps: (bytes.reduce((a, b) => a + b, 0) * 8) / (reelFrames / fps) / 1000,
        sampleKbps: bytes.map((b, i) => (b * 8) / (spans[i]!.frames / fps) / 1000),
        seconds: (Date.now() - stepStarted) / 1000,
      };
      steps.push(step);
      o.onEvent?.({ type: 'step', step, index });
      await fsp.rm(out, { force: true });
    }

    const pick = pickCrf(steps, space, label);
    const durationSeconds = total / fps;
    const error = predictionError(steps, pick, { coverage, space });
    const finalOut = o.verifyOut ? path.resolve(o.verifyOut) : null;
    const ext = finalOut ? path.extname(finalOut).toLowerCase() : '.mkv';
    const titleRung = planCrfRung(
      {
        encoder: o.encoder,
        preset,
        crf: pick.crf,
        pixFmt: o.pixFmt,
        container: ext === '.mp4' ? 'mp4' : ext === '.webm' ? 'webm' : 'mkv',
      },
      o.source.media,
      o.source.raw,
    );
    const verifyFile = path.join(work, `title${ext}`);
    // The command as a person would run it: into a file beside the title unless --out names one.
    const shown =
      finalOut ??
      path.join(
        path.dirname(o.source.path),
        `${path.parse(o.source.path).name}.crf${pick.crf}${ext}`,
      );
    const command = [encodeBin, ...buildEncodeCommand(o.source, [titleRung], [shown])];
    const searchSeconds = (Date.now() - started) / 1000;

    let verified: CrfSearchResult['verified'] = null;
    let verifySeconds: number | null = null;
    if (o.verify) {
      const t0 = Date.now();
      o.onEvent?.({ type: 'verify-start', crf: pick.crf, command });
      const args = buildEncodeCommand(o.source, [titleRung], [verifyFile]);
      await encodeOrThrow(encodeBin, args, {
        signal: o.signal,
        what: `CRF ${pick.crf} of the whole title`,
        onFraction: (f) => o.onEvent?.({ type: 'verify-progress', fraction: f }),
        totals: { durationSeconds, frames: total },
      });
      const run = await scoreRun(
        {
          reference: { path: o.source.path, raw: o.source.raw, media: o.source.media },
          distorted: [{ path: verifyFile }],
          metrics: [METRIC_OF[metric]],
          align: 'off',
        },
        scoreDeps,
        { signal: o.signal },
      );
      const values = run.results[0]?.perFrame[series];
      if (!values?.length)
        throw new VqError('FFMPEG_FAILED', `Scoring the verified encode gave no ${label} values.`);
      const bytes = (await fsp.stat(verifyFile)).size;
      // Video bits, as the steps count them (the title's audio is not encoded here anyway).
      const videoBytes = (await videoPackets(ffprobe, verifyFile, fps, o.signal)).reduce(
        (n, p) => n + p.bytes,
        0,
      );
      const q = figure(values);
      if (finalOut) {
        await fsp.mkdir(path.dirname(finalOut), { recursive: true });
        await moveFile(verifyFile, finalOut);
      }
      verifySeconds = (Date.now() - t0) / 1000;
      verified = {
        vmaf: q,
        bitrateKbps: (videoBytes * 8) / durationSeconds / 1000,
        sizeBytes: bytes,
        offTarget: q - o.target,
        file: finalOut,
        seconds: verifySeconds,
      };
    }
    return {
      source: o.source.path,
      encoder: o.encoder,
      preset,
      metric,
      target: o.target,
      crf: pick.crf,
      predicted: {
        vmaf: pick.quality,
        bitrateKbps: pick.bitrateKbps,
        sizeBytes: Math.round((pick.bitrateKbps * 1000 * durationSeconds) / 8),
        error,
      },
      height: titleRung.height,
      interpolated: pick.interpolated,
      unreachable: pick.unreachable,
      samples: spans.map((s) => ({ ...s, seconds: s.frames / fps })),
      coverage,
      steps,
      verified,
      seconds: { search: searchSeconds, verify: verifySeconds },
      command,
    };
  } finally {
    await fsp.rm(work, { recursive: true, force: true });
  }
}
