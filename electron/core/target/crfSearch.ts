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
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  CRF_SEARCH_ENCODERS,
  DEFAULT_SAMPLE_SECONDS,
  bytesAsInTitle,
  checkSearchQuality,
  defaultSampleCount,
  nextCrf,
  pickCrf,
  pickSamples,
  predictionError,
  searchSpace,
  type CrfSearchResult,
  type CrfStep,
  type SampleSpan,
} from '../../../shared/crfSearch';
import {
  buildEncodeCommand,
  displaySize,
  planLadder,
  type PlannedRung,
} from '../../../shared/encodePlan';
import { VqError } from '../../../shared/errors';
import { ENCODERS, type Ladder, type Rung, type SoftwareEncoder } from '../../../shared/ladder';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { pool } from '../../../shared/pooling';
import {
  pooledFigure,
  RD_QUALITY_LABELS,
  RD_QUALITY_SERIES,
  type RdQuality,
} from '../../../shared/rd/quality';
import type { ScoreMetric } from '../../../shared/score';
import type { TitleShots } from '../../../shared/shots';
import { chooseEncodeBinary } from '../encode/chooseBinary';
import { sourceGeometry } from '../encode/planBatch';
import { lastLines, runTool } from '../ffmpeg/process';
import { ProgressParser, progressFraction } from '../ffmpeg/progress';
import { parseFrameRate } from '../media/frameSeek';
import { probeFile } from '../probe';
import { scoreRun } from '../scoreEngine';
import { findShots } from '../shots/findShots';
import { makeSampleReel } from './sampleReel';
import type { Toolchain } from '../toolchain';

/** What a search reports as it goes (the CLI's stderr lines, the app's live chart). */
export type CrfSearchEvent =
  | { type: 'shots'; shots: TitleShots }
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
  if (preset !== null && !(ENCODERS[o.encoder].presets as readonly string[]).includes(preset)) {
    throw new VqError(
      'INVALID_ARGS',
      `${ENCODERS[o.encoder].label} has no preset "${preset}".`,
      `Its presets are ${ENCODERS[o.encoder].presets.join(', ')}.`,
    );
  }
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
  if (!(sampleSeconds >= 0.2 && sampleSeconds <= 600))
    throw new VqError('INVALID_ARGS', `A sample lasts 0.2 to 600 seconds, not ${sampleSeconds}.`);

  const started = Date.now();
  const report = await deps.toolchain.report();
  const encodeBin = chooseEncodeBinary(report, [o.encoder]);
  const decodeBin = await deps.toolchain.binaryFor('decode');
  const work = await fsp.mkdtemp(path.join(deps.tmpDir ?? os.tmpdir(), 'vq-crf-search-'));
  try {
    const shots = await findShots({
      ffmpeg: decodeBin,
      input: o.source.path,
      raw: o.source.raw,
      fps,
      cacheDir: deps.cacheDir,
      signal: o.signal,
    });
    o.onEvent?.({ type: 'shots', shots });
    const total = shots.frames;
    const count = o.samples ?? defaultSampleCount(total / fps, sampleSeconds);
    const spans = pickSamples(total, shots.shots, {
      count,
      frames: Math.max(1, Math.round(sampleSeconds * fps)),
    });
    const reelFrames = spans.reduce((n, s) => n + s.frames, 0);
    const coverage = reelFrames / total;
    o.onEvent?.({ type: 'samples', samples: spans, coverage });

    // The reel (or the title itself when the one sample is all of it).
    const whole = spans.length === 1 && spans[0]!.start === 0 && spans[0]!.frames === total;
    let reel = { path: o.source.path, raw: o.source.raw };
    if (!whole) {
      const file = path.join(work, 'samples.mkv');
      // x264 at QP 0 where this ffmpeg has it and the title is 8-bit 4:2:0, else FFV1.
      const decoder = report.binaries.find((b) => b.path === decodeBin);
      const codec =
        o.source.media.video.pixFmt === 'yuv420p' && decoder?.encoders.includes('libx264')
          ? 'x264'
          : 'ffv1';
      await makeSampleReel({
        codec,
        ffmpeg: decodeBin,
        input: o.source,
        spans,
        rate,
        out: file,
        signal: o.signal,
      });
      reel = { path: file, raw: null };
    }
    const ffprobe = await deps.toolchain.binaryFor('probe');
    const reelMedia = whole ? o.source.media : await probeFile(reel.path, { ffprobe });

    const rungAt = (crf: number): Rung => ({
      id: 'crf-search',
      width: null,
      height: displaySize(geometry).height,
      encoder: o.encoder,
      rateControl: { mode: 'crf', crf },
      preset,
      gopSeconds: null,
      fixedGop: false,
      pixFmt: o.pixFmt ?? (o.source.media.video.bitDepth > 8 ? 'yuv420p10le' : 'yuv420p'),
      fpsCap: null,
      audio: { mode: 'none' },
      container: 'mkv',
    });
    const planFor = (rung: Rung, media: MediaInfo, raw: RawVideoSpec | null): PlannedRung => {
      const ladder: Ladder = { id: 'crf-search', name: 'CRF search', rungs: [rung] };
      const plan = planLadder(ladder, sourceGeometry(media, raw));
      const planned = plan.rungs[0];
      if (!planned) {
        const why = [...plan.refused, ...plan.skipped][0]?.reason ?? 'the plan has no rung';
        throw new VqError('INVALID_ARGS', `This source cannot be encoded so: ${why}.`);
      }
      return planned;
    };
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
      const planned = planFor(rungAt(crf), reelMedia, reel.raw);
      const args = buildEncodeCommand(reel, [planned], [out], { keyframesAt });
      await runEncode(encodeBin, args, o.signal, `CRF ${crf} of the samples`);
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
      const packets = await samplePackets(ffprobe, out, spans, fps, o.signal);
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
    const titleRung = planFor(rungAt(pick.crf), o.source.media, o.source.raw);
    const finalOut = o.verifyOut ? path.resolve(o.verifyOut) : null;
    const verifyFile = path.join(work, `title${finalOut ? path.extname(finalOut) : '.mkv'}`);
    const command = [
      encodeBin,
      ...buildEncodeCommand(o.source, [titleRung], [finalOut ?? verifyFile]),
    ];
    const searchSeconds = (Date.now() - started) / 1000;

    let verified: CrfSearchResult['verified'] = null;
    let verifySeconds: number | null = null;
    if (o.verify) {
      const t0 = Date.now();
      o.onEvent?.({ type: 'verify-start', crf: pick.crf, command });
      const args = buildEncodeCommand(o.source, [titleRung], [verifyFile]);
      await runEncode(
        encodeBin,
        args,
        o.signal,
        `CRF ${pick.crf} of the whole title`,
        (f) => o.onEvent?.({ type: 'verify-progress', fraction: f }),
        { durationSeconds, frames: total },
      );
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
      const q = figure(values);
      if (finalOut) {
        await fsp.mkdir(path.dirname(finalOut), { recursive: true });
        await moveFile(verifyFile, finalOut);
      }
      verifySeconds = (Date.now() - t0) / 1000;
      verified = {
        vmaf: q,
        bitrateKbps: (bytes * 8) / durationSeconds / 1000,
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

/**
 * The video packets of a sample encode: which sample each belongs to (by its time), its size and
 * whether it is a keyframe, in the file's (decode) order.
 */
async function samplePackets(
  ffprobe: string,
  file: string,
  spans: readonly SampleSpan[],
  fps: number,
  signal: AbortSignal | undefined,
): Promise<{ sample: number; bytes: number; key: boolean }[]> {
  const ends: number[] = [];
  let end = 0;
  for (const s of spans) ends.push((end += s.frames));
  const packets: { sample: number; bytes: number; key: boolean }[] = [];
  const r = await runTool(
    ffprobe,
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-show_entries',
      'packet=pts_time,size,flags',
      '-of',
      'csv=p=0',
      file,
    ],
    {
      purpose: 'probe',
      signal,
      collectStdout: false,
      onStdoutLine: (line) => {
        const [pts, size, flags] = line.split(',');
        const t = Number(pts);
        const bytes = Number(size);
        if (!Number.isFinite(t) || !Number.isFinite(bytes)) return;
        const frame = Math.round(t * fps);
        let sample = ends.findIndex((e) => frame < e);
        if (sample < 0) sample = spans.length - 1;
        packets.push({ sample, bytes, key: (flags ?? '').includes('K') });
      },
    },
  );
  if (r.canceled) throw new VqError('CANCELED', 'The CRF search was canceled.');
  if (r.code !== 0 || packets.length === 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Reading the packets of a sample encode failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
    );
  }
  return packets;
}

/** Runs one encode; throws with ffmpeg's words when it fails, CANCELED when stopped. */
async function runEncode(
  bin: string,
  args: string[],
  signal: AbortSignal | undefined,
  what: string,
  onFraction?: (f: number | null) => void,
  totals?: { durationSeconds: number | null; frames: number | null },
): Promise<void> {
  const parser = new ProgressParser((b) =>
    onFraction?.(totals ? progressFraction(b, totals) : null),
  );
  const r = await runTool(bin, args, {
    purpose: 'encode',
    signal,
    collectStdout: false,
    onStdoutLine: (line) => parser.push(line),
  });
  if (r.canceled) throw new VqError('CANCELED', 'The CRF search was canceled.');
  if (r.code !== 0) {
    throw new VqError(
      'FFMPEG_FAILED',
      `Encoding ${what} failed (exit ${r.code ?? r.signal}): ${lastLines(r.stderrTail, 3)}`,
      'The command is in the Activity panel (vq --verbose prints it).',
    );
  }
}

/** Renames, or copies then removes across file systems. */
async function moveFile(from: string, to: string): Promise<void> {
  const tmp = `${to}.${process.pid}.part`;
  try {
    await fsp.rename(from, to);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
    await fsp.copyFile(from, tmp);
    await fsp.rename(tmp, to);
    fs.rmSync(from, { force: true });
  }
}
