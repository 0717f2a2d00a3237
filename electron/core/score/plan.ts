/**
 * Planning a scoring run without running it: probe the inputs (unless given), pick the build and
 * the model, run the pre-flight check per pair, apply the chosen fixes and build the exact
 * command. The UI and CLI show this plan (findings, fixes, command) before anything is scored.
 */
import { randomBytes } from 'node:crypto';
import { access, realpath, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { VqError } from '../../../shared/errors';
import type { MediaInfo, RawVideoSpec } from '../../../shared/media';
import { bitDepthOf } from '../../../shared/pixfmt';
import {
  eightBitTwin,
  frameRateOf,
  preflight,
  resolvePair,
  scoringPixFmt,
  type FixId,
  type PairResolution,
  type PreflightFinding,
} from '../../../shared/preflight';
import {
  SCORE_METRICS,
  type ModelUsed,
  type ScoreMetric,
  type ScoreOptions,
  type ScoreWarning,
  type UnavailableMetric,
} from '../../../shared/score';
import type { BinaryInfo, ToolchainReport } from '../../../shared/toolchain';
import { ffmpegInputUrl, fsErrorToVqError, probeFile } from '../probe';
import { NO_FFMPEG_ADVICE, NO_LIBVMAF_ADVICE } from '../toolchain/advice';
import { hasUnescapablePipe } from './escape';
import {
  buildScoreArgs,
  buildScoreGraph,
  canConvertMatrix,
  type LegTiming,
  type PairGraphSpec,
  type ScoreInputArgs,
} from './graph';
import { resolveModel } from './model';

/** A video to score: its path, raw geometry for headerless files, and its probe if known. */
export interface ScoreSource {
  path: string;
  raw?: RawVideoSpec | null;
  /** Probe result, when the caller has it (library items); probed otherwise. */
  media?: MediaInfo;
}

/** One scoring run: one reference, one or more distorted videos, options. */
export interface ScoreRequest extends ScoreOptions {
  reference: ScoreSource;
  distorted: ScoreSource[];
  /** Extra fixes per distorted video (same order), on top of `fixes`. */
  distortedFixes?: FixId[][];
}

/** What planning needs from the app. */
export interface ScoreDeps {
  /** The toolchain doctor (only its report is read). */
  toolchain: { report(): Promise<ToolchainReport> };
  /** Parent of the temporary log folder (default: the OS temp folder). */
  tmpDir?: string;
  /** Keep the libvmaf/psnr/ssim logs in this folder (created, never removed) instead. */
  logDir?: string;
}

/** Which filters run. */
export interface ComputedMetrics {
  vmaf: boolean;
  psnr: boolean;
  ssim: boolean;
  msSsim: boolean;
}

/** One distorted video in the plan. */
export interface PlannedPair {
  path: string;
  media: MediaInfo;
  findings: PreflightFinding[];
  resolution: PairResolution;
  logs: { vmaf: string | null; psnr: string | null; ssim: string | null };
}

/** A planned run: everything needed to run it and to show it before running. */
export interface ScorePlan {
  binary: BinaryInfo;
  reference: { path: string; media: MediaInfo };
  pairs: PlannedPair[];
  metrics: ScoreMetric[];
  computed: ComputedMetrics;
  unavailable: UnavailableMetric[];
  /** Notes for every result (workarounds, skipped metrics). */
  warnings: ScoreWarning[];
  model: ModelUsed | null;
  width: number;
  height: number;
  pixFmt: string;
  vmafPixFmt: string | null;
  frameRate: string | null;
  referenceTiming: LegTiming;
  startFrame: number;
  frames: number | null;
  subsample: number;
  threads: number;
  /** Thresholds for the "share below" figure. */
  thresholds: ScoreOptions['thresholds'];
  /** Folder of the logs; created when the run starts. */
  workDir: string;
  /** True when the run removes workDir afterwards. */
  ownsWorkDir: boolean;
  /** The exact command (binary first). */
  command: string[];
  /** Seconds of reference the run covers, for progress; null when unknown. */
  expectedSeconds: number | null;
  /** True when a pair has a blocking finding no chosen fix resolves. */
  blocked: boolean;
}

/** MS-SSIM's five halvings need 176 pixels (libvmaf 1.x fails the whole run below it). */
export const MS_SSIM_MIN_SIZE = 176;

/** The scoring build: the toolchain's choice for `score`, with its probe facts. */
export function scoreBinary(report: ToolchainReport): BinaryInfo {
  const chosen = report.binaries.find(
    (b) => b.kind === 'ffmpeg' && b.path === report.selected.score,
  );
  if (!chosen) {
    throw new VqError(
      'NO_FFMPEG',
      'No ffmpeg that can measure quality was found.',
      NO_FFMPEG_ADVICE,
    );
  }
  return chosen;
}

/** Decides which metrics run on this build and why the others cannot. */
export function metricsFor(
  requested: readonly ScoreMetric[],
  build: BinaryInfo,
): { computed: ComputedMetrics; unavailable: UnavailableMetric[] } {
  const want = new Set(requested);
  const unavailable: UnavailableMetric[] = [];
  const hasVmaf = build.libvmaf !== null;
  for (const m of ['vmaf', 'ms_ssim'] as const) {
    if (want.has(m) && !hasVmaf) {
      unavailable.push({
        metric: m,
        reason:
          `${m === 'vmaf' ? 'VMAF' : 'MS-SSIM'} needs an ffmpeg with libvmaf, and ${build.path} ` +
          '(the best build found for scoring) has none.',
        hint: NO_LIBVMAF_ADVICE,
      });
    }
  }
  for (const m of ['psnr', 'ssim'] as const) {
    if (want.has(m) && !build.filters.includes(m)) {
      unavailable.push({
        metric: m,
        reason: `${build.path} has no ${m} filter.`,
        hint: 'Install an ffmpeg with the psnr and ssim filters (any standard build) and run `vq doctor`.',
      });
    }
  }
  return {
    computed: {
      vmaf: want.has('vmaf') && hasVmaf,
      msSsim: want.has('ms_ssim') && hasVmaf,
      psnr: want.has('psnr') && build.filters.includes('psnr'),
      ssim: want.has('ssim') && build.filters.includes('ssim'),
    },
    unavailable,
  };
}

async function probeSource(
  src: ScoreSource,
  ffprobe: string | null,
  signal?: AbortSignal,
): Promise<MediaInfo> {
  if (src.media) return src.media;
  if (!ffprobe) {
    throw new VqError('NO_FFPROBE', 'No working ffprobe was found to read the videos.');
  }
  return probeFile(src.path, { ffprobe, raw: src.raw ?? undefined, signal });
}

async function checkModelFile(model: ModelUsed): Promise<void> {
  if (!model.path) return;
  const need = model.format === 'pkl' ? [model.path, `${model.path}.model`] : [model.path];
  for (const f of need) {
    try {
      if (!(await stat(f)).isFile()) throw new Error('not a file');
      await access(f);
    } catch {
      throw new VqError(
        'NOT_FOUND',
        `The VMAF model file ${f} does not exist or cannot be read.`,
        model.format === 'pkl'
          ? 'libvmaf 1.x needs the .pkl and its .pkl.model in the same folder.'
          : 'Check the path given with --model, or run `vq doctor` to list the models found.',
      );
    }
  }
}

/** The real path ffmpeg opens; a file gone since probing is NOT_FOUND, not a raw fs error. */
async function realInput(file: string): Promise<string> {
  try {
    return await realpath(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw (
      fsErrorToVqError(code, file) ??
      new VqError('NOT_FOUND', `${file} cannot be opened (${code}).`)
    );
  }
}

/** Plans a run: probes, picks build and model, runs pre-flight, builds the command. */
export async function planScore(
  req: ScoreRequest,
  deps: ScoreDeps,
  signal?: AbortSignal,
): Promise<ScorePlan> {
  if (req.distorted.length === 0) {
    throw new VqError('INVALID_ARGS', 'Give at least one distorted video to score.');
  }
  const report = await deps.toolchain.report();
  const binary = scoreBinary(report);
  const metrics = [...new Set(req.metrics ?? SCORE_METRICS)];
  const { computed, unavailable } = metricsFor(metrics, binary);
  if (!computed.vmaf && !computed.msSsim && !computed.psnr && !computed.ssim) {
    const first = unavailable[0];
    throw new VqError(
      'UNSUPPORTED',
      first ? first.reason : 'None of the requested metrics can be computed.',
      first?.hint,
    );
  }

  const ffprobe = report.selected.probe;
  const refMedia = await probeSource(req.reference, ffprobe, signal);
  // One at a time: probing reads every packet, and parallel reads of one disk only compete.
  const distMedia: MediaInfo[] = [];
  for (const d of req.distorted) distMedia.push(await probeSource(d, ffprobe, signal));

  const width = req.scale && req.scale !== 'auto' ? req.scale.width : refMedia.video.width;
  const height = req.scale && req.scale !== 'auto' ? req.scale.height : refMedia.video.height;
  const warnings: ScoreWarning[] = [];

  if (computed.msSsim && Math.min(width, height) < MS_SSIM_MIN_SIZE) {
    computed.msSsim = false;
    const defect = binary.defects.find((d) => d.id === 'libvmaf-msssim-min-size');
    warnings.push({
      id: 'ms-ssim-skipped',
      message:
        `MS-SSIM was skipped: it needs at least ${MS_SSIM_MIN_SIZE} pixels in both directions and ` +
        `the videos are compared at ${width}x${height}` +
        (defect ? ' (libvmaf 1.x would fail the whole run).' : '.') +
        ' Score at a larger size (--scale) to get it.',
      reference: defect?.reference ?? 'https://github.com/Netflix/vmaf/issues/105',
    });
  }
  if (!computed.msSsim && !computed.vmaf && !computed.psnr && !computed.ssim) {
    throw new VqError('UNSUPPORTED', 'None of the requested metrics can be computed.');
  }

  let model: ModelUsed | null = null;
  // libvmaf runs for VMAF, and for MS-SSIM alone (it then computes VMAF too, unreported).
  const libvmafRuns = computed.vmaf || computed.msSsim;
  if (libvmafRuns) {
    const choice = resolveModel(req.model, { width, height }, binary);
    model = choice.model;
    warnings.push(...choice.warnings);
    await checkModelFile(model);
    if (binary.libvmaf?.api === 2 && model.path && hasUnescapablePipe(model.path)) {
      throw new VqError(
        'UNSUPPORTED',
        `The model path ${model.path} contains "|", which ffmpeg's libvmaf filter cannot take.`,
        'Copy the model to a folder whose path has no "|".',
      );
    }
  }
  const pixFmt = scoringPixFmt(refMedia.video.pixFmt);
  let vmafPixFmt: string | null = null;
  const tenBit = binary.defects.find((d) => d.id === 'libvmaf-10bit');
  if (libvmafRuns && tenBit && bitDepthOf(pixFmt) > 8) {
    vmafPixFmt = eightBitTwin(pixFmt);
    warnings.push({
      id: 'libvmaf-10bit-workaround',
      message:
        `VMAF${computed.msSsim ? ' and MS-SSIM were' : ' was'} computed on 8-bit conversions ` +
        `(${vmafPixFmt}) of both videos, because this ffmpeg's libvmaf (ffmpeg 4.x) computes them ` +
        'wrongly on 10-bit input. PSNR and SSIM use the 10-bit samples. Expect VMAF within a few ' +
        'hundredths of a 10-bit-capable build.',
      reference: tenBit.reference,
    });
  }

  const refRate = frameRateOf(refMedia);
  const startFrame = req.startSeconds ? Math.round(req.startSeconds * (refRate?.value ?? 25)) : 0;
  const frames = req.frames ?? null;
  const subsample = req.subsample ?? 1;
  const threads = req.threads ?? os.availableParallelism();
  const defects = binary.defects.map((d) => d.id);

  const workDir =
    deps.logDir ??
    path.join(deps.tmpDir ?? os.tmpdir(), `vq-score-${randomBytes(6).toString('hex')}`);

  const pairs: PlannedPair[] = distMedia.map((media, i) => {
    const findings = preflight(refMedia, media, {
      vmaf: computed.vmaf,
      defects,
      startFrame,
      frames,
    });
    const chosen = [...(req.fixes ?? []), ...(req.distortedFixes?.[i] ?? [])];
    const resolution = resolvePair(refMedia, media, findings, chosen, { startFrame, frames });
    const mc = resolution.matrixConversion;
    if (mc && (!canConvertMatrix(mc.from) || !canConvertMatrix(mc.to))) {
      throw new VqError(
        'UNSUPPORTED',
        `The colour matrix ${canConvertMatrix(mc.from) ? mc.to : mc.from} cannot be converted.`,
        'Score without the convert-matrix fix.',
      );
    }
    return {
      path: req.distorted[i]!.path,
      media,
      findings,
      resolution,
      logs: {
        vmaf: libvmafRuns ? path.join(workDir, `vmaf-${i}.json`) : null,
        psnr: computed.psnr ? path.join(workDir, `psnr-${i}.log`) : null,
        ssim: computed.ssim ? path.join(workDir, `ssim-${i}.log`) : null,
      },
    };
  });
  // The reference leg is shared: it is converted when any pair converts it.
  const referenceTiming: LegTiming = pairs.some((p) => p.resolution.referenceTiming === 'convert')
    ? 'convert'
    : pairs[0]!.resolution.referenceTiming;

  const graphPairs: PairGraphSpec[] = pairs.map((p) => ({
    streamIndex: p.media.video.index,
    timing: p.resolution.distortedTiming,
    trimFrames: p.resolution.applied.includes('trim-to-shortest') ? p.resolution.trimFrames : null,
    rangeConversion: p.resolution.rangeConversion,
    forceRange: p.resolution.forceRange,
    matrixConversion: p.resolution.matrixConversion,
    logs: p.logs,
  }));
  const built = buildScoreGraph({
    width,
    height,
    pixFmt,
    vmafPixFmt,
    frameRate: refRate?.text ?? null,
    reference: { streamIndex: refMedia.video.index, timing: referenceTiming },
    startFrame,
    frames,
    subsample,
    vmaf:
      libvmafRuns && model && binary.libvmaf
        ? { api: binary.libvmaf.api, model, threads, msSsim: computed.msSsim }
        : null,
    pairs: graphPairs,
  });

  const inputs: ScoreInputArgs[] = [];
  for (const [i, p] of pairs.entries()) {
    inputs.push({
      url: ffmpegInputUrl(await realInput(p.path)),
      raw: req.distorted[i]!.raw ?? null,
      rate: p.resolution.distortedTiming === 'index' ? (refRate?.text ?? null) : null,
    });
  }
  inputs.push({
    url: ffmpegInputUrl(await realInput(req.reference.path)),
    raw: req.reference.raw ?? null,
    rate: referenceTiming === 'index' ? (refRate?.text ?? null) : null,
  });

  const expected = pairs
    .map((p) => p.resolution.expectedFrames)
    .filter((x): x is number => x !== null);
  const expectedSeconds =
    expected.length > 0 && refRate ? Math.max(...expected) / refRate.value : null;

  return {
    binary,
    reference: { path: req.reference.path, media: refMedia },
    pairs,
    metrics,
    computed,
    unavailable,
    warnings,
    model,
    width,
    height,
    pixFmt,
    vmafPixFmt,
    frameRate: refRate?.text ?? null,
    referenceTiming,
    startFrame,
    frames,
    subsample,
    threads,
    thresholds: req.thresholds,
    workDir,
    ownsWorkDir: deps.logDir === undefined,
    command: [binary.path, ...buildScoreArgs(inputs, built)],
    expectedSeconds,
    blocked: pairs.some((p) => p.resolution.unresolved.length > 0),
  };
}
